"""The cost-effectiveness section of docs/VALIDATION.md: the full public cost at
baseline with its parts, and per reform the paired change in public cost, in the quality of every
service and in the village no-bid rate, with the cost per unit quality gained — from the validation
pass's own runs (``Context.summaries``), rendered by the reform report's renderer
(experiments/analysis/cost_effect.py), so the two never differ.
"""

from __future__ import annotations

from experiments.analysis.cost_effect import cost_blocks
from experiments.analysis.i18n import translator
from experiments.analysis.report import fmt_ci, to_markdown
from experiments.studies.common import Context
from experiments.studies.places import runs_table

#: The article's six reforms (R1–R6) and their package, each compared with the baseline.
REFORMS = ("publicity", "technical_posts", "citizen_menu", "kpi_contracts", "disclosure", "citizen_rating",
           "reform_package")


def section(ctx: Context, scenarios: tuple[str, ...] = ("baseline", *REFORMS), n_boot: int = 2000) -> list[str]:
    """The section's Markdown lines: tables only, no pass/fail criterion (95% intervals: t across
    pairs for the changes, percentile bootstrap over the pairs for the ratio).

    Args:
        ctx: the validation pass (its runs are reused, memoised).
        scenarios: the baseline first, then the reforms compared with it.
        n_boot: bootstrap resamples of the ratio's interval.
    """
    runs = runs_table(ctx, scenarios)
    blocks, _ = cost_blocks(runs, scenarios[0], translator("en"), str, fmt_ci, 0.95, n_boot, 0)
    if not blocks:
        return []
    note = (f"Runs: the validation pass's own ({ctx.describe()}); scenarios {', '.join(scenarios)}; "
            "reproduce with `python -m experiments validate`; the same table for any experiment is in its "
            "report (`python -m experiments report DIR`).")
    return to_markdown([*blocks[:2], ("p", note), *blocks[2:]]).rstrip("\n").splitlines()
