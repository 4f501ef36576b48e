"""Publicity (R1) split into its two parts — awareness (`buyers.publicity_effect`: buyers put more items
out) and reach (`buyers.publicity_reach`: notices heard by more firms) — at the defaults and at the
calibration's estimate (docs/VALIDATION.md "Calibration of the default county"); the reform from year 6
after the warm-up, years 6-12 summarised, seeds 1-5, each variant paired with the status quo on the
same seed; 95% t-intervals. Used by the README's reading of the posterior table.

    python scripts/publicity_paths.py
"""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from model import load_params, simulate  # noqa: E402

#: The calibration's estimate (results/curated/calibration/calibration_estimates.csv).
CAL = {"procurement.reserve_margin": -0.05569, "procurement.bid_cost_yuan": 1094.0,
       "procurement.bid_cost_share": 0.04391}
OUTCOMES = ("first_attempt_no_bid_rate_village", "unfilled_rate_village", "tenders_village",
            "bids_per_tender_village")
#: Publicity's variants: the whole reform, then each part alone (the other part's size set to 0).
VARIANTS = {"baseline": None, "publicity": {}, "reach only": {"buyers.publicity_effect": 0.0},
            "awareness only": {"buyers.publicity_reach": 0.0}}
SEEDS = range(1, 6)


def one(job: tuple[str, str, int]) -> tuple[str, str, int, dict[str, float]]:
    """One run: the status quo to year 5, then the variant (the status quo itself for "baseline")."""
    where, variant, seed = job
    base = load_params(ROOT / "experiments" / "scenarios" / "baseline.toml",
                       overrides=CAL if where == "calibrated" else {})
    extra = VARIANTS[variant]
    reform = base if extra is None else base.with_overrides({"buyers.publicity": 1.0, **extra})
    r = simulate(reform, seed=seed, years=12, baseline=base, reform_start_year=6)
    return where, variant, seed, {o: r.summary[o] for o in OUTCOMES}


def main() -> None:
    jobs = [(w, v, s) for w in ("defaults", "calibrated") for v in VARIANTS for s in SEEDS]
    with ProcessPoolExecutor(2) as ex:
        got = {(w, v, s): x for w, v, s, x in ex.map(one, jobs)}
    for w in ("defaults", "calibrated"):
        for v in [v for v in VARIANTS if v != "baseline"]:
            for o in OUTCOMES:
                d = np.array([got[(w, v, s)][o] - got[(w, "baseline", s)][o] for s in SEEDS])
                h = 2.776 * d.std(ddof=1) / np.sqrt(len(d))  # t(0.975, 4)
                print(f"{w:10} {v:15} {o:35} {d.mean():+.4f} [{d.mean() - h:+.4f}, {d.mean() + h:+.4f}]")


if __name__ == "__main__":
    main()
