"""The regression baseline: summary outcomes of a fixed set of scenario runs (small region, fixed
seeds, 3 years), stored in tests/regression/baseline.json and compared by tests/test_regression.py.
Refresh it deliberately with ``python scripts/refresh_regression.py`` after an intended change.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from experiments.studies.common import ROOT, SCENARIOS, SMALL_REGION

SETTINGS = {**SMALL_REGION, "burn_in_years": 1}
"""The region of the fixed runs and a one-year warm-up (3-year runs)."""

BASELINE_FILE = ROOT / "tests" / "regression" / "baseline.json"
SCENARIO_NAMES = ("baseline", "reform_package", "lots", "scoring_30", "blacklist_none")
SEEDS = (11, 12)
YEARS = 3
RTOL, ATOL = 1e-9, 1e-12


def compute() -> dict:
    """Run the fixed set and return ``{"settings": ..., "runs": {scenario: {seed: {outcome: value}}}}``
    (NaN stored as null)."""
    from model import load_scenario, simulate

    runs = {}
    for name in SCENARIO_NAMES:
        params = load_scenario(SCENARIOS / f"{name}.toml").params(SETTINGS)
        runs[name] = {str(s): {k: (None if not math.isfinite(v) else float(v))
                               for k, v in simulate(params, seed=s, years=YEARS).summary.items()} for s in SEEDS}
    return {"settings": {"region": SETTINGS, "seeds": list(SEEDS), "years": YEARS,
                         "scenarios": list(SCENARIO_NAMES)}, "runs": runs}


def differences(stored: dict, fresh: dict, rtol: float = RTOL, atol: float = ATOL) -> list[str]:
    """Every outcome that moved, missing or appeared, as ``scenario seed outcome: old -> new``."""
    out = []
    for sc in sorted(set(stored["runs"]) | set(fresh["runs"])):
        a, b = stored["runs"].get(sc, {}), fresh["runs"].get(sc, {})
        for seed in sorted(set(a) | set(b)):
            ra, rb = a.get(seed, {}), b.get(seed, {})
            for k in sorted(set(ra) | set(rb)):
                if k not in ra or k not in rb:
                    out.append(f"{sc} seed {seed} {k}: {'new outcome' if k not in ra else 'outcome removed'}")
                    continue
                va, vb = ra[k], rb[k]
                if va is None or vb is None:
                    if (va is None) != (vb is None):
                        out.append(f"{sc} seed {seed} {k}: {va} -> {vb}")
                elif not math.isclose(va, vb, rel_tol=rtol, abs_tol=atol):
                    out.append(f"{sc} seed {seed} {k}: {va:.10g} -> {vb:.10g}")
    return out


def write(data: dict, path: Path = BASELINE_FILE) -> None:
    """Write the baseline atomically (sorted keys, one value per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
