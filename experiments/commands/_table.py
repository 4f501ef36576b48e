"""The short table printed after a run: mean and 95% t-interval across replications (for shares,
truncated to [0, 1]; for counts, at 0; each truncated interval marked)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.stats import t_interval

KEY_OUTCOMES = ("quality_delivered", "coverage", "spend", "cost_per_quality",
                "bids_per_tender", "no_bid_rate", "no_bid_rate_city", "no_bid_rate_town",
                "no_bid_rate_village", "fraud_detected", "satisfaction", "trust")
"""Shown when an experiment does not name its outcomes (those the model has)."""

COUNT_UNITS = frozenset({"firms", "firms/year", "bids", "attempts/year", "slot-months/year",
                         "contract-months/year", "cases/year", "contracts/year", "commissions/year",
                         "per 1,000 households per month"})
"""Units of the model's outcomes (model/metrics.py `OUTCOMES`) that count things: never below 0."""

CLIPPED_NOTE = ("* interval truncated at the outcome's bound (a count is at least 0, a share in [0, 1]): "
                "the t-interval of few runs can cross it")
"""The footnote under a table with a truncated interval."""

MAX_POINTS = 12
"""Factor points are shown separately only up to this many per scenario."""


def choose_outcomes(runs: pd.DataFrame, wanted: Any, exclude: set[str]) -> list[str]:
    """The outcomes to show: the experiment's, else the key ones present, else all."""
    numeric = [c for c in runs.columns if c not in exclude
               and pd.api.types.is_float_dtype(runs[c])]
    if wanted:
        return [o for o in wanted if o in numeric]
    key = [o for o in KEY_OUTCOMES if o in numeric]
    return key or numeric[:MAX_POINTS]


def summarise(runs: pd.DataFrame, outcomes: list[str], factors: list[str]) -> pd.DataFrame:
    """Tidy summary: group columns, outcome, n, mean, low, high.

    Groups are scenarios, and scenario x factor point when there are few points. The interval of
    an outcome whose unit is a share is truncated to [0, 1], that of a count (`COUNT_UNITS`) at 0
    (a t-interval of a rate near 0 or 1, or of a count near 0 over two runs, can leave the range
    the outcome can take); ``clipped`` says where that happened.
    """
    from model.metrics import OUTCOMES  # here, not at the top: `--help` stays fast

    by = ["scenario"]
    if factors and runs.groupby(factors, dropna=False).ngroups <= MAX_POINTS:
        by += factors
    rows = []
    for key, group in runs.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for outcome in outcomes:
            mean, low, high = t_interval(group[outcome].to_numpy())
            unit = getattr(OUTCOMES.get(outcome), "unit", None)
            bound_low, bound_high = (0.0, 1.0) if unit == "share" else \
                (0.0, np.inf) if unit in COUNT_UNITS else (-np.inf, np.inf)
            clipped = bool(low < bound_low or high > bound_high)
            rows.append({**dict(zip(by, key)), "outcome": outcome, "n": len(group), "mean": mean,
                         "low": max(low, bound_low) if np.isfinite(low) else low,
                         "high": min(high, bound_high) if np.isfinite(high) else high,
                         "clipped": clipped})
    return pd.DataFrame(rows)


def _num(x: float) -> str:
    return "nan" if not np.isfinite(x) else f"{x:.4g}"


def format_summary(table: pd.DataFrame) -> str:
    """Render the tidy summary as text, one block per group."""
    if table.empty:
        return "(no results)"
    group_cols = [c for c in table.columns if c not in ("outcome", "n", "mean", "low", "high", "clipped")]
    width = max(len(o) for o in table["outcome"]) + 2
    lines = []
    for key, block in table.groupby(group_cols, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        title = ", ".join(f"{c}={v}" for c, v in zip(group_cols, key))
        lines.append(f"{title}  (n={int(block['n'].iloc[0])})")
        lines.append(f"  {'outcome':<{width}}{'mean':>11}   95% interval")
        for row in block.itertuples():
            lines.append(f"  {row.outcome:<{width}}{_num(row.mean):>11}   "
                         f"[{_num(row.low)}, {_num(row.high)}]" + ("*" if getattr(row, "clipped", False) else ""))
    if "clipped" in table and table["clipped"].any():
        lines.append(CLIPPED_NOTE)
    return "\n".join(lines)
