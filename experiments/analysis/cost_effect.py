"""Cost-effectiveness of each reform against the baseline.

Per reform, on runs paired by replicate (common random numbers): the change in the full public cost
(``public_cost``, yuan/year: payments, administration and monitoring staff, in-house provision and
the reform's own running cost, net of repaid overclaims and fines), the change in the quality of
every service (``service_quality``: contracted and in-house, 0 where unserved, weighted by the
people served — the same quality that is the denominator of ``cost_per_quality``), the change in the village no-bid rate, and the
cost per unit quality gained (Δ cost / Δ quality, yuan/year per 0.01 of quality). The ratio is
given only where the quality gain is clear of zero (its interval excludes 0); its interval is a
percentile bootstrap over the pairs. Plain tables in, plain tables out (no Mesa).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.i18n import unit_text
from experiments.analysis.stats import t_interval
from experiments.analysis.zh_style import amount_scale, scaled

COST, QUALITY, NO_BID = "public_cost", "service_quality", "no_bid_rate_village"
PARTS = ("spend", "admin_cost", "inhouse_cost", "reform_cost")
"""The parts of the full public cost shown beside it (repaid overclaims and fines are subtracted)."""
QUALITY_STEP = 0.01
"""The quality gain the cost-effectiveness ratio is quoted for (0–1 scale)."""


def _pairs(runs: pd.DataFrame, baseline: str, scenario: str, cols: tuple[str, ...]) -> pd.DataFrame:
    base = runs[runs["scenario"] == baseline].set_index("replicate")[list(cols)]
    alt = runs[runs["scenario"] == scenario].set_index("replicate")[list(cols)]
    return (alt - base).dropna()


def ratio_ci(d_cost: np.ndarray, d_q: np.ndarray, ci: float, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Δ cost per ``QUALITY_STEP`` of quality gained (ratio of mean paired changes) and its percentile
    bootstrap interval over the pairs.

    Args:
        d_cost: paired changes in public cost (yuan/year), one per replicate.
        d_q: paired changes in quality (0–1), same order.
        ci: coverage of the interval, in (0, 1).
        n_boot: bootstrap resamples.
        seed: bootstrap seed.
    """
    n = len(d_q)
    est = float(d_cost.mean() / d_q.mean() * QUALITY_STEP) if n and d_q.mean() != 0 else math.nan
    if n < 2 or not math.isfinite(est):
        return est, math.nan, math.nan
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    dq = d_q[idx].mean(axis=1)
    boot = d_cost[idx].mean(axis=1) / np.where(dq != 0, dq, np.nan) * QUALITY_STEP
    lo, hi = np.nanquantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return est, float(lo), float(hi)


def cost_effectiveness(runs: pd.DataFrame, baseline: str, ci: float = 0.95, n_boot: int = 2000,
                       seed: int = 0) -> pd.DataFrame:
    """One row per reform: paired changes with their t-intervals and the cost per quality gained.

    Args:
        runs: the tidy runs table (``scenario``, ``replicate`` and the outcome columns).
        baseline: the baseline scenario.
        ci: coverage of every interval, in (0, 1).
        n_boot: bootstrap resamples of the ratio.
        seed: bootstrap seed (the table is deterministic).

    Returns:
        Columns ``scenario``, ``n_pairs``, ``{d_cost, d_quality, d_no_bid}`` each with ``_low`` and
        ``_high``, ``cost_per_gain`` (yuan/year per 0.01 quality) with ``_low``/``_high`` (NaN unless
        the quality gain's interval is above 0) and ``verdict`` (``gain``, ``loss`` or ``unclear``:
        the quality change's interval above, below or across 0). Empty when a column is missing.
    """
    cols = (COST, QUALITY, NO_BID)
    if not set(cols) | {"scenario", "replicate"} <= set(runs.columns):
        return pd.DataFrame()
    rows = []
    for sc in [s for s in dict.fromkeys(runs["scenario"]) if s != baseline]:
        d = _pairs(runs, baseline, sc, cols)
        row: dict[str, Any] = {"scenario": sc, "n_pairs": len(d)}
        for key, col in (("d_cost", COST), ("d_quality", QUALITY), ("d_no_bid", NO_BID)):
            row[key], row[f"{key}_low"], row[f"{key}_high"] = t_interval(d[col].to_numpy(), ci)
        low, high = row["d_quality_low"], row["d_quality_high"]
        row["verdict"] = "gain" if low > 0 else "loss" if high < 0 else "unclear"
        est = ratio_ci(d[COST].to_numpy(), d[QUALITY].to_numpy(), ci, n_boot, seed) \
            if row["verdict"] == "gain" else (math.nan,) * 3
        row["cost_per_gain"], row["cost_per_gain_low"], row["cost_per_gain_high"] = est
        rows.append(row)
    return pd.DataFrame(rows)


def cost_blocks(runs: pd.DataFrame, baseline: str, t: Callable[..., str], sname: Callable[[Any], str],
                fmt: Callable[..., str], ci: float, n_boot: int, seed: int,
                lang: str = "en") -> tuple[list[tuple], pd.DataFrame]:
    """The report's cost-effectiveness section (blocks of experiments.analysis.report) and its table.

    Args:
        runs: the tidy runs table. baseline: the baseline scenario.
        t: the report's translator. sname: scenario display name. fmt: the report's ``fmt_ci``.
        ci: coverage. n_boot: bootstrap resamples. seed: bootstrap seed.
        lang: ``"en"`` or ``"zh"`` (amounts in 万元/亿元, one unit per column).
    """
    table = cost_effectiveness(runs, baseline, ci, n_boot, seed)
    if table.empty:
        return [], table
    pct = f"{ci:.0%}"
    base = runs[runs["scenario"] == baseline]
    yuan = unit_text("yuan/year", lang)
    intervals = {c: t_interval(base[c].to_numpy(), ci) for c in (COST, *PARTS) if c in base}
    k_parts, u_parts = amount_scale(yuan, np.ravel(list(intervals.values())), lang)
    parts = [[f"`{c}`", fmt(*scaled(v, k_parts))] for c, v in intervals.items()]
    k_cost, u_cost = amount_scale(yuan, table[["d_cost", "d_cost_low", "d_cost_high"]].to_numpy().ravel(), lang)
    k_gain, u_gain = amount_scale(yuan, table[["cost_per_gain", "cost_per_gain_low", "cost_per_gain_high"]]
                                  .to_numpy().ravel(), lang)
    rows = []
    for _, r in table.iterrows():
        n = int(r["n_pairs"])
        ratio = (fmt(*scaled((r["cost_per_gain"], r["cost_per_gain_low"], r["cost_per_gain_high"]), k_gain),
                     sign=True, n=n) if r["verdict"] == "gain" else t(f"ce_{r['verdict']}"))
        rows.append([sname(r["scenario"]), str(n),
                     fmt(*scaled((r["d_cost"], r["d_cost_low"], r["d_cost_high"]), k_cost), sign=True, n=n),
                     *(fmt(r[k], r[f"{k}_low"], r[f"{k}_high"], sign=True, n=n) for k in ("d_quality", "d_no_bid")),
                     ratio])
    blocks = [("h", 2, t("ce_title")), ("p", t("ce_note", pct=pct, baseline=sname(baseline))),
              ("table", t("ce_parts_cols", pct=pct, unit=u_parts).split("|"), parts),
              ("table", t("ce_cols", pct=pct, unit_cost=u_cost, unit_gain=u_gain).split("|"), rows)]
    return blocks, table
