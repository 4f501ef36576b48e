"""Global sensitivity (issue 11): known answers on the Ishigami function through the
same code path as the model (plan -> sweep -> store -> SALib), plus the CLI and a tiny
real-model Morris run."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main as cli
from experiments.engine.backend import Backend, ScenarioInfo
from experiments.analysis.sensitivity import analyze_indices, run_sensitivity, with_design
from experiments.engine.spec_checks import SpecError

PI = math.pi
TINY = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}
ISHIGAMI_DEFAULTS = {"x1": 0.0, "x2": 0.0, "x3": 0.0, "noise": 0.0}


class IshigamiError(ValueError):
    """Bad Ishigami parameter."""


@dataclass
class _Result:
    summary: dict[str, float]
    timeseries: pd.DataFrame
    tenders: Any = None


def _load_scenario(path: Path) -> ScenarioInfo:
    raise IshigamiError(f"{path}: the Ishigami backend has inline scenarios only")


def _resolve(path: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    flat = dict(ISHIGAMI_DEFAULTS)
    for key, value in overrides.items():
        if key not in flat:
            raise IshigamiError(f"overrides: {key}: unknown parameter")
        flat[key] = float(value)
    return flat


def _simulate(params: dict[str, Any], *, seed: int, years: int, tenders: bool = False):
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    y = math.sin(x1) + 7.0 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)
    y += params["noise"] * float(np.random.default_rng(seed).normal())
    return _Result({"y": y, "x1_only": math.sin(x1)}, _MONTHS)


_MONTHS = pd.DataFrame({"month": [1]})  # shared, never mutated: keeps the fake fast


def _build(flat: dict[str, Any]) -> dict[str, Any]:
    return dict(flat)


def _outcomes() -> list[str]:
    return ["y", "x1_only"]


def _param_error() -> tuple[type[Exception], ...]:
    return (IshigamiError,)


ISHIGAMI = Backend(load_scenario=_load_scenario, resolve=_resolve, build=_build,
                   simulate=_simulate, outcomes=_outcomes, param_error=_param_error)
"""The Ishigami function as a model backend (a=7, b=0.1, x_i ~ U[-pi, pi])."""


def _write(tmp_path: Path, design: str, samples: int, reps: int = 2, extra: str = "") -> Path:
    text = f"""
[experiment]
name = "ishigami"
seed = 11
replications = {reps}
years = 1
outcomes = ["y"]
scenarios = [{{ name = "ishigami", overrides = {{ noise = 0.01 }} }}]

[factors]
design = "{design}"
samples = {samples}
{extra}
x1 = {{ range = [{-PI}, {PI}] }}
x2 = {{ range = [{-PI}, {PI}] }}
x3 = {{ range = [{-PI}, {PI}] }}
"""
    path = tmp_path / "ishigami.toml"
    path.write_text(text)
    return path


def test_sobol_ishigami_known_answer(tmp_path):
    path = _write(tmp_path, "sobol", 1024, reps=1, extra="second_order = false")
    res = run_sensitivity(path, tmp_path / "out", backend=ISHIGAMI, num_resamples=100,
                          chunk_size=512)
    assert res.status == "complete"
    t = res.table.set_index("factor")
    # analytic values: S1 = (0.3139, 0.4424, 0), ST3 = 0.2437
    assert t.loc["x1", "S1"] == pytest.approx(0.314, abs=0.05)
    assert t.loc["x2", "S1"] == pytest.approx(0.442, abs=0.05)
    assert abs(t.loc["x3", "S1"]) < 0.05
    assert t.loc["x3", "ST"] == pytest.approx(0.244, abs=0.05)
    assert (t["S1_low"] <= t["S1"]).all() and (t["ST_high"] >= t["ST"]).all()
    for name in ("sensitivity.csv", "sensitivity.md", "figures/sensitivity.png"):
        assert (tmp_path / "out" / name).is_file()
    md = (tmp_path / "out" / "sensitivity.md").read_text()
    assert md.startswith("## Global sensitivity (Sobol)") and "`x3`" in md
    ax = res.figure.axes[0]
    assert "share of output variance" in ax.get_xlabel() and ax.get_ylabel()


def test_morris_ishigami_ranks_and_resume(tmp_path):
    path = _write(tmp_path, "morris", 60, extra="levels = 4")
    res = run_sensitivity(path, tmp_path / "m", backend=ISHIGAMI, num_resamples=100)
    mu = res.table.set_index("factor")["mu_star"]
    assert mu["x1"] > mu["x3"] and mu["x2"] > mu["x3"]
    again = run_sensitivity(path, tmp_path / "m", backend=ISHIGAMI, num_resamples=100)
    pd.testing.assert_frame_equal(res.table, again.table)  # resumed: same runs, same answer


def test_analyze_rejects_incomplete_and_flags_constant(tmp_path):
    path = _write(tmp_path, "morris", 4)
    res = run_sensitivity(path, tmp_path / "c", backend=ISHIGAMI, outcomes=["y", "x1_only"])
    runs = pd.read_parquet(tmp_path / "c" / "runs.parquet")
    rows = pd.read_parquet(tmp_path / "c" / "design.parquet")
    design = with_design(_design_of(path), None, None, "f")
    with pytest.raises(ValueError, match="design points have runs"):
        analyze_indices(runs.iloc[:-3], rows, design, ["y"])
    flat = runs.assign(y=1.0)
    t = analyze_indices(flat, rows, design, ["y"])
    assert (t["note"] == "constant over the design (zero variance)").all()
    assert set(res.table["outcome"]) == {"y", "x1_only"}


def _design_of(path: Path):
    from experiments.engine.spec import load_experiment

    return load_experiment(path, ISHIGAMI).design


def test_cli_sensitivity_bad_input(tmp_path, capsys):
    path = _write(tmp_path, "lhs", 8)
    code = cli(["sensitivity", str(path), "--backend", "test_sensitivity:ISHIGAMI",
                "--out", str(tmp_path / "bad")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "bad").exists()
    code = cli(["sensitivity", str(path), "--design", "sobol", "--samples", "6",
                "--backend", "test_sensitivity:ISHIGAMI", "--out", str(tmp_path / "bad")])
    assert code == 2 and "power of 2" in capsys.readouterr().err
    with pytest.raises(SpecError, match="missing"):
        with_design(None, None, None, "x.toml")


def test_cli_sensitivity_design_override(tmp_path, capsys):
    path = _write(tmp_path, "lhs", 8)
    code = cli(["sensitivity", str(path), "--design", "morris", "--samples", "6",
                "--executor", "serial",
                "--backend", "test_sensitivity:ISHIGAMI", "--out", str(tmp_path / "ok")])
    out = capsys.readouterr().out
    assert code == 0 and "mu_star" in out and "x2" in out and "sensitivity.md" in out
    assert (tmp_path / "ok" / "sensitivity.md").is_file()


def test_real_model_morris_tiny(tmp_path):
    """The example file on the real model at tiny size: runs, every index is finite."""
    res = run_sensitivity("experiments/sensitivity.toml", tmp_path / "real", method="morris",
                          samples=2, reps=1, years=1, sets=TINY)
    assert res.status == "complete"
    ok = res.table[res.table["note"] == ""]
    assert len(ok) > 0 and np.isfinite(ok["mu_star"]).all() and (ok["mu_star"] >= 0).all()
