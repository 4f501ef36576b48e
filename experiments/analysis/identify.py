"""The identification check of a calibration: recover known parameters from moments the model
itself produced.

At a known point θ* (by default the middle of every range) the model is run with the targets
file's settings; its mean moments replace the observed values (each keeps its file's standard
error, so the objective weighs them as the real fit does), and the same calibration runs on
them. A parameter is identified by these moments to the extent its estimate returns to θ*: the
table gives θ*, the estimate, its interval and the error as a share of the range.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis.calibrate import Calibration, Evaluator, Target, calibrate, load_calibration
from experiments.engine.backend import REAL, Backend


def identify(path: str | Path, out: str | Path, *, truth: dict[str, float] | None = None,
             backend: Backend = REAL, executor: str = "serial", workers: int | None = None,
             budget: int | None = None) -> tuple[pd.DataFrame, Calibration]:
    """Simulate the targets at ``truth`` (default: the middle of each range), calibrate on them
    into ``out``/recover, and return one row per parameter: known, estimate, low, high, error
    (estimate − known) and error_share (|error| / range width), with the simulated targets."""
    cal = load_calibration(path, backend)
    out = Path(out)
    known = truth or {b.name: (b.low + b.high) / 2 for b in cal.bounds}
    ev = Evaluator(cal, out / "truth", backend, executor, workers)
    ev.preload()
    at = ev.evaluate([[known[b.name] for b in cal.bounds]])
    targets = tuple(Target(t.name, float(at[t.name].mean()), t.se, "simulated at the known point",
                           t.label) for t in cal.targets)
    sim = dataclasses.replace(cal, targets=targets)
    res = calibrate(sim, out / "recover", backend=backend, budget=budget, executor=executor, workers=workers)
    est = res.estimates.set_index("parameter")
    rows: list[dict[str, Any]] = []
    for b in cal.bounds:
        e = est.loc[b.name]
        rows.append({"parameter": b.name, "known": known[b.name], "estimate": e["estimate"],
                     "low": e["low"], "high": e["high"], "error": e["estimate"] - known[b.name],
                     "error_share": abs(e["estimate"] - known[b.name]) / (b.high - b.low),
                     "covered": bool(e["low"] <= known[b.name] <= e["high"])})
    table = pd.DataFrame(rows)
    table.to_csv(out / "identification.csv", index=False)
    return table, sim
