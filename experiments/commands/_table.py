"""The short table printed after a run: mean and 95% t-interval across replications (for shares,
truncated to [0, 1])."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.stats import t_interval

KEY_OUTCOMES = ("quality_delivered", "coverage", "spend", "cost_per_quality",
                "bids_per_tender", "no_bid_rate", "no_bid_rate_city", "no_bid_rate_town",
                "no_bid_rate_village", "fraud_detected", "satisfaction", "trust")
"""Shown when an experiment does not name its outcomes (those the model has)."""

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
    an outcome whose unit is a share is truncated to [0, 1] (a t-interval of a rate near 0 or 1
    can leave the range the rate can take).
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
            declared = OUTCOMES.get(outcome)
            if declared is not None and declared.unit == "share":  # a share's interval stays in [0, 1]
                low, high = max(low, 0.0), min(high, 1.0)
            rows.append({**dict(zip(by, key)), "outcome": outcome, "n": len(group),
                         "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows)


def _num(x: float) -> str:
    return "nan" if not np.isfinite(x) else f"{x:.4g}"


def format_summary(table: pd.DataFrame) -> str:
    """Render the tidy summary as text, one block per group."""
    if table.empty:
        return "(no results)"
    group_cols = [c for c in table.columns if c not in ("outcome", "n", "mean", "low", "high")]
    width = max(len(o) for o in table["outcome"]) + 2
    lines = []
    for key, block in table.groupby(group_cols, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        title = ", ".join(f"{c}={v}" for c, v in zip(group_cols, key))
        lines.append(f"{title}  (n={int(block['n'].iloc[0])})")
        lines.append(f"  {'outcome':<{width}}{'mean':>11}   95% interval")
        for row in block.itertuples():
            lines.append(f"  {row.outcome:<{width}}{_num(row.mean):>11}   "
                         f"[{_num(row.low)}, {_num(row.high)}]")
    return "\n".join(lines)
