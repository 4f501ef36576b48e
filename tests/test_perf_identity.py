"""Performance work must not change results: bit-identical runs before and after (issue 9).

``tests/perf_identity.json`` holds, computed from the code *before* the hot paths were
optimised: the full flat parameter dict of each scenario (defaults at that time plus the
scenario's overrides, pinned so that later calibration changes of the defaults do not matter),
the seeds, the years, and a SHA-256 of each run's summary, timeseries and tender log.

Regenerate deliberately (only when a model change is *meant* to change results) with
``python tests/test_perf_identity.py --write``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import load_params, simulate

ROOT = Path(__file__).resolve().parent.parent
PINNED = Path(__file__).with_name("perf_identity.json")
SCENARIOS = ("baseline", "reform_package")
SEEDS = (1, 2, 3)
YEARS = 5


def _canonical(values: np.ndarray) -> bytes:
    """Bytes of a float array with every NaN replaced by one canonical NaN."""
    arr = np.ascontiguousarray(values, dtype=np.float64)
    return np.where(np.isnan(arr), np.float64("nan"), arr).tobytes()


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a DataFrame's column names, dtypes and values."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(f"{name}:{col.dtype}".encode())
        if isinstance(col.dtype, pd.CategoricalDtype):
            h.update(np.asarray(col.astype(str)).astype("U").tobytes())
        elif col.dtype.kind in "fiub":
            h.update(_canonical(col.to_numpy(dtype=float, na_value=np.nan)))
        else:
            h.update(np.asarray(col.astype(str)).astype("U").tobytes())
    return h.hexdigest()


def summary_hash(summary: dict[str, float]) -> str:
    """SHA-256 of the summary's names and values (NaN canonical)."""
    h = hashlib.sha256(json.dumps(list(summary)).encode())
    h.update(_canonical(np.array(list(summary.values()), dtype=float)))
    return h.hexdigest()


def run_hashes(flat: dict, seed: int, years: int) -> dict[str, str]:
    """Hashes of one run with fully pinned parameters."""
    res = simulate(load_params(None, flat), seed=seed, years=years, tenders=True)
    return {"summary": summary_hash(res.summary), "timeseries": frame_hash(res.timeseries),
            "tenders": frame_hash(res.tenders)}


def _write() -> None:
    flats = {}
    for name in SCENARIOS:
        p = load_params(ROOT / "experiments" / "scenarios" / f"{name}.toml")
        flats[name] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.flat().items()}
    hashes = {f"{name}/{seed}": run_hashes(flats[name], seed, YEARS) for name in SCENARIOS for seed in SEEDS}
    PINNED.write_text(json.dumps({"years": YEARS, "params": flats, "hashes": hashes}, indent=1) + "\n")


def _pinned() -> dict:
    return json.loads(PINNED.read_text())


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", SEEDS)
def test_results_bit_identical_to_pinned(name: str, seed: int) -> None:
    data = _pinned()
    got = run_hashes(data["params"][name], seed, data["years"])
    assert got == data["hashes"][f"{name}/{seed}"]


def test_pinned_params_are_complete_and_load() -> None:
    data = _pinned()
    for name in SCENARIOS:
        flat = data["params"][name]
        assert load_params(None, flat).flat().keys() >= flat.keys()


if __name__ == "__main__":
    if "--write" in sys.argv:
        import model

        _write()
        print(f"wrote {PINNED} from {Path(model.__file__).parent}")
