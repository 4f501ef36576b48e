"""The by-place section of docs/VALIDATION.md: quality delivered, coverage,
satisfaction and the no-bid rate by level and by distance band from the county centre, with the
far-minus-centre gaps, at baseline and for the reforms of :data:`REFORMS` against it (paired by
seed), from the validation pass's own runs (``Context.summaries``). Rendered by the report's
renderer (experiments/analysis/report_place.py), so the two never differ.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis.report import fmt_ci, to_markdown
from experiments.analysis.report_place import place_blocks
from experiments.studies.common import Context

#: Reforms compared with the baseline by place: 30% price weight (``scoring_30``), and the package.
REFORMS = ("scoring_30", "reform_package")


def runs_table(ctx: Context, scenarios: tuple[str, ...] = ("baseline", *REFORMS)) -> pd.DataFrame:
    """One row per (scenario, seed) with its summary outcomes (``replicate`` = the seed's position)."""
    rows = [{"scenario": sc, "replicate": i, "seed": seed, **summary}
            for sc in scenarios for i, (seed, summary) in enumerate(zip(ctx.seeds, ctx.summaries(sc), strict=True))]
    return pd.DataFrame(rows)


def section(ctx: Context, scenarios: tuple[str, ...] = ("baseline", *REFORMS), n_boot: int = 2000) -> list[str]:
    """The section's Markdown lines: tables only, no pass/fail criterion, with the report's
    percentile-bootstrap intervals (``n_boot`` resamples) and paired t-tests.

    Args:
        ctx: the validation pass (its runs are reused, memoised).
        scenarios: the baseline first, then the reforms compared with it.
        n_boot: bootstrap resamples per cell.
    """
    from model import load_params
    from model.metrics import OUTCOMES

    runs = runs_table(ctx, scenarios)
    width = load_params(None, ctx.region).region.distance_band_km

    def olabel(o: str) -> str:
        return f"{OUTCOMES[o].label} ({OUTCOMES[o].unit})"

    blocks = place_blocks(runs, olabel, str, fmt_ci, "baseline", width, "en",
                          {"n_boot": n_boot, "test": "ttest"})
    if not blocks:
        return []
    note = (f"Runs: the validation pass's own ({ctx.describe()}); scenarios {', '.join(scenarios)}; "
            "reproduce with `python -m experiments validate`.")
    return to_markdown([*blocks[:2], ("p", note), *blocks[2:]]).rstrip("\n").splitlines()
