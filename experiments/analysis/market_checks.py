"""Checks of the supplier market's economics (tables in, tables out): trends over the summary
window, reform effects from the start against effects in a running county, first-year exits.

Used by scripts/market_checks.py, which runs the model and writes docs/MARKET_CHECKS.md (appended
to docs/VALIDATION.md by ``python -m experiments validate``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from experiments.analysis.stats import t_interval

#: Both effects within this of zero count as agreeing, whatever their signs (share or 0–1 quality).
SAME_WITHIN = 0.02


def trends(yearly: pd.DataFrame, outcomes: list[str], first_year: int) -> pd.DataFrame:
    """Linear trend per year of each outcome over the years from ``first_year``, per seed, then the
    mean slope over seeds with its 95% t-interval and p-value (H0: no trend).

    Args:
        yearly: one row per (seed, year) with the year's summary of each outcome.
        outcomes: columns to test. first_year: first year of the summary window.

    Returns:
        One row per outcome: mean level, slope per year, its interval, p, and whether the interval
        contains 0 (the criterion, stated before the run).
    """
    rows = []
    win = yearly[yearly["year"] >= first_year]
    for o in outcomes:
        slopes, levels = [], []
        for _, g in win.groupby("seed"):
            ok = np.isfinite(g[o].to_numpy(float))
            slopes.append(np.polyfit(g["year"].to_numpy(float)[ok], g[o].to_numpy(float)[ok], 1)[0])
            levels.append(float(g[o][ok].mean()))
        m, lo, hi = t_interval(np.array(slopes))
        p = float(sps.ttest_1samp(slopes, 0.0).pvalue) if len(slopes) > 1 else float("nan")
        rows.append({"outcome": o, "mean": float(np.mean(levels)), "slope_per_year": m, "low": lo, "high": hi,
                     "p": p, "seeds": len(slopes), "no_trend": bool(lo <= 0 <= hi)})
    return pd.DataFrame(rows)


def start_vs_running(effects: pd.DataFrame) -> pd.DataFrame:
    """Reform effects from the start against effects switched on in a running county.

    Args:
        effects: one row per (scenario, start, outcome, seed) with ``effect`` = reform − baseline
            (paired by seed); ``start`` is "from year 1" or "from year k".

    Returns:
        One row per (scenario, outcome): mean and 95% interval under each start, and ``agrees``:
        the same sign, or both within ±:data:`SAME_WITHIN`.
    """
    out = []
    for (sc, o), g in effects.groupby(["scenario", "outcome"], sort=False):
        row = {"scenario": sc, "outcome": o}
        means = []
        for start, h in g.groupby("start", sort=False):
            m, lo, hi = t_interval(h["effect"].to_numpy(float))
            row[f"{start}"] = m
            row[f"{start} low"], row[f"{start} high"] = lo, hi
            means.append(m)
        a, b = means[0], means[-1]
        row["agrees"] = bool(np.sign(a) == np.sign(b) or (abs(a) <= SAME_WITHIN and abs(b) <= SAME_WITHIN))
        out.append(row)
    return pd.DataFrame(out)


def exits_table(exits: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """First-year exits of contract-winning grassroots firms per scenario, with the paired
    difference from the baseline and its 95% interval.

    Args:
        exits: one row per (scenario, seed) with ``exits`` (firms).
    """
    base = exits[exits["scenario"] == baseline].set_index("seed")["exits"]
    rows = []
    for sc, g in exits.groupby("scenario", sort=False):
        d = g.set_index("seed")["exits"] - base
        m, lo, hi = t_interval(d.to_numpy(float)) if sc != baseline else (0.0, 0.0, 0.0)
        rows.append({"scenario": sc, "exits": float(g["exits"].mean()), "difference": m, "low": lo, "high": hi})
    return pd.DataFrame(rows)
