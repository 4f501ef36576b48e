"""The evidence behind the warm-up (``burn_in_years``, docs/ODD.md §4 "Warm-up"): yearly outcomes of
baseline runs on the default region, mean and 95% t-interval over seeds, as a Markdown table.

    python scripts/warmup_evidence.py --seeds 1 2 3 4 5 6 7 8 --years 12

Each year is summarised on its own twelve months (``model.metrics.summarise`` with no warm-up), so
the table shows when the outcomes settle.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from experiments.analysis.stats import t_interval
from model import ProcurementModel, load_params
from model.metrics import summarise
from model.units import MONTHS_PER_YEAR

OUTCOMES = {"first_attempt_no_bid_rate_village": "village first-attempt no-bid rate (share)",
            "unfilled_rate_village": "village unfilled rate (share)", "quality_delivered": "quality delivered (0–1)",
            "service_quality": "service quality, people-weighted (0–1)", "trust": "trust (0–1)",
            "active_grassroots": "active grassroots firms (firms)", "active_contractors": "active firms (firms)"}


def yearly(seed: int, years: int) -> list[dict[str, float]]:
    """One summary per simulated year of a baseline run (no warm-up left out)."""
    m = ProcurementModel(load_params(None, {"burn_in_years": 0}), seed=seed).run(years)
    n = MONTHS_PER_YEAR
    return [summarise(m.raws[n * y:n * (y + 1)]) for y in range(years)]


def table(seeds: list[int], years: int) -> str:
    """The Markdown table: one row per year, mean [95% CI] over the seeds per outcome."""
    runs = [yearly(s, years) for s in seeds]
    lines = ["| year | " + " | ".join(OUTCOMES.values()) + " |", "|---" * (len(OUTCOMES) + 1) + "|"]
    for y in range(years):
        cells = []
        for o in OUTCOMES:
            m, lo, hi = t_interval(np.array([r[y][o] for r in runs]))
            cells.append(f"{m:.3g} [{lo:.3g}, {hi:.3g}]")
        lines.append(f"| {y + 1} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    ap.add_argument("--years", type=int, default=10)
    a = ap.parse_args(argv)
    if a.years < 1 or any(s < 0 for s in a.seeds):
        print("error: --years must be at least 1 and --seeds non-negative integers", file=sys.stderr)
        return 2
    print(table(a.seeds, a.years))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
