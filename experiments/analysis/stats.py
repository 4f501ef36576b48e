"""Statistics over the tidy result tables: bootstrap CIs, paired comparisons, Holm, Pareto.

Pure functions over the tidy DataFrames described in ``docs/internals.md`` (``runs``: one row
per run; ``timeseries``: one row per run and month). Nothing here imports Mesa or ``model``.

Randomness: every bootstrap takes a ``seed`` (an int, or a ``numpy.random.Generator``). With an
int, each table cell (group x outcome) draws from its own generator derived from the seed and a
stable hash of the cell's key, so a cell's interval does not depend on which other scenarios or
outcomes are in the table, and the same seed always gives identical output. Global random state
is never used.

Paired comparisons rely on common random numbers: replicate ``k`` of every scenario is run with
the same seed as replicate ``k`` of the baseline, so runs are matched on ``pair_on`` and the
analysis is done on the per-pair differences.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

_MAX_BOOT_CELLS = 2_000_000  # resample matrix size processed at once (floats)


def _as_list(x: str | Sequence[str] | None) -> list[str]:
    if x is None:
        return []
    return [x] if isinstance(x, str) else list(x)


def _cell_rng(seed: int | np.random.Generator, *key: Any) -> np.random.Generator:
    """A generator for one table cell: derived from ``seed`` and a stable hash of ``key``."""
    if isinstance(seed, np.random.Generator):
        return seed
    h = zlib.crc32(repr(key).encode("utf-8"))
    return np.random.default_rng([int(seed), h])


def _boot_indices(rng: np.random.Generator, n: int, n_boot: int):
    """Yield resampling index matrices (rows = bootstrap replicates) in memory-bounded chunks."""
    chunk = max(1, _MAX_BOOT_CELLS // max(n, 1))
    done = 0
    while done < n_boot:
        k = min(chunk, n_boot - done)
        yield rng.integers(0, n, size=(k, n))
        done += k


def _apply_stat(stat: Callable, samples: np.ndarray) -> np.ndarray:
    try:
        out = np.asarray(stat(samples, axis=1), dtype=float)
        if out.shape == (samples.shape[0],):
            return out
    except TypeError:
        pass
    return np.apply_along_axis(stat, 1, samples).astype(float)


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval of the finite values.

    Args:
        values: Replicate values.
        level: Confidence level.

    Returns:
        (mean, low, high); the interval is NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    half = float(sps.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return mean, mean - half, mean + half


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    stat: Callable = np.mean,
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.Generator = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of a statistic.

    Args:
        values: sample (any unit); NaNs are dropped.
        stat: statistic; called as ``stat(matrix, axis=1)`` when it accepts ``axis``, else per
            row. Default ``np.mean``.
        ci: coverage of the interval, in (0, 1).
        n_boot: number of bootstrap resamples.
        seed: int seed or ``numpy.random.Generator``; same seed, same interval.

    Returns:
        ``(low, high)`` in the unit of ``values``; ``(nan, nan)`` when fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size < 2:
        return (np.nan, np.nan)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    boots = np.concatenate([_apply_stat(stat, x[idx]) for idx in _boot_indices(rng, x.size, n_boot)])
    a = (1.0 - ci) / 2.0
    lo, hi = np.nanquantile(boots, [a, 1.0 - a])
    return (float(lo), float(hi))


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm–Bonferroni step-down adjustment of a family of p-values.

    The i-th smallest of m p-values is multiplied by (m - i + 1); a running maximum keeps the
    adjusted values monotone, and they are capped at 1. NaNs are left out of the family and
    stay NaN.

    Args:
        pvalues: raw p-values (probabilities, 0–1), in any order.

    Returns:
        Adjusted p-values (0–1), in the input order.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adj, 1.0)
    return out


def wilson_ci(successes, n, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions (vectorised).

    Args:
        successes: number of events (count), scalar or array.
        n: number of trials (count), same shape.
        ci: coverage, in (0, 1).

    Returns:
        ``(low, high)`` arrays of proportions (0–1); NaN where ``n == 0``.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = sps.norm.ppf(0.5 + ci / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1.0 + z**2 / n
        centre = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def scenario_means(
    runs: pd.DataFrame,
    outcomes: str | Sequence[str],
    by: str | Sequence[str] = "scenario",
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Mean of each outcome per group, with a percentile-bootstrap CI across replications.

    Args:
        runs: the tidy ``runs`` table (one row per run).
        outcomes: outcome column name(s).
        by: grouping column(s), e.g. ``"scenario"`` or ``["scenario", "procurement.price_weight"]``.
        ci: coverage of the interval, in (0, 1).
        n_boot: bootstrap resamples per cell.
        seed: int seed or Generator.

    Returns:
        Tidy DataFrame with the ``by`` columns, ``outcome``, ``n`` (non-NaN runs, count),
        ``mean``, ``sd`` (ddof=1), ``ci_low``, ``ci_high`` (outcome units). Groups keep their
        order of first appearance. With n = 1 the sd and CI are NaN.
    """
    by_ = _as_list(by)
    rows = []
    for key, g in runs.groupby(by_, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for o in _as_list(outcomes):
            x = g[o].to_numpy(dtype=float)
            x = x[~np.isnan(x)]
            lo, hi = bootstrap_ci(x, np.mean, ci, n_boot, _cell_rng(seed, *key, o))
            rows.append({**dict(zip(by_, key)), "outcome": o, "n": int(x.size),
                         "mean": float(x.mean()) if x.size else np.nan,
                         "sd": float(x.std(ddof=1)) if x.size > 1 else np.nan,
                         "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=[*by_, "outcome", "n", "mean", "sd", "ci_low", "ci_high"])


def _paired_stats(b, s, ci, n_boot, rng, test):
    """Point estimates, paired-bootstrap CIs and the p-value for one cell."""
    d = s - b
    n = d.size
    out = {"n_pairs": n, "mean_baseline": np.nan, "mean_scenario": np.nan, "diff": np.nan,
           "ci_low": np.nan, "ci_high": np.nan, "rel_change": np.nan, "rel_ci_low": np.nan,
           "rel_ci_high": np.nan, "effect_size": np.nan, "effect_ci_low": np.nan,
           "effect_ci_high": np.nan, "p_value": np.nan}
    if n == 0:
        return out
    mb, ms, md = b.mean(), s.mean(), d.mean()
    sd = d.std(ddof=1) if n > 1 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out.update(mean_baseline=mb, mean_scenario=ms, diff=md,
                   rel_change=md / abs(mb) if mb != 0 else np.nan,
                   effect_size=0.0 if (sd == 0 and md == 0) else (md / sd if sd > 0 else np.nan))
    if n < 2:
        return out
    a = (1.0 - ci) / 2.0
    boots = []
    for idx in _boot_indices(rng, n, n_boot):
        bd, bb = d[idx], b[idx]
        m, sdv, mbb = bd.mean(axis=1), bd.std(axis=1, ddof=1), bb.mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(mbb != 0, m / np.abs(mbb), np.nan)
            dz = np.where(sdv > 0, m / sdv, np.where(m == 0, 0.0, np.nan))
        boots.append(np.column_stack([m, rel, dz]))
    bt = np.vstack(boots)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(bt, [a, 1.0 - a], axis=0)
    out.update(ci_low=q[0, 0], ci_high=q[1, 0], rel_ci_low=q[0, 1], rel_ci_high=q[1, 1],
               effect_ci_low=q[0, 2], effect_ci_high=q[1, 2])
    if np.all(d == 0):
        out["p_value"] = 1.0
    elif sd == 0:  # constant non-zero shift: t is infinite; Wilcoxon still well defined
        out["p_value"] = 0.0 if test == "ttest" else _wilcoxon_p(d)
    else:
        out["p_value"] = _wilcoxon_p(d) if test == "wilcoxon" else float(sps.ttest_rel(s, b).pvalue)
    return out


def _wilcoxon_p(d: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(sps.wilcoxon(d).pvalue)
        except ValueError:
            return np.nan


def paired_differences(
    runs: pd.DataFrame,
    outcomes: str | Sequence[str],
    baseline: Any | Mapping[str, Any] = "baseline",
    by: str | Sequence[str] = "scenario",
    pair_on: str | Sequence[str] = "replicate",
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.Generator = 0,
    test: str = "wilcoxon",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Paired differences of each group against the baseline (common random numbers).

    Which rows are the baseline: ``baseline`` is either a value of the first ``by`` column
    (e.g. ``"baseline"``) or a mapping ``{column: value}`` over some of the ``by`` columns.
    The ``by`` columns not named by the baseline are strata: a group is compared with the
    baseline rows of the same stratum (e.g. the same factor level), or, when the baseline has a
    single stratum only (e.g. it was run without the factors), with that one. Within a
    comparison, runs are matched on ``pair_on``; pairs with a NaN on either side are dropped
    per outcome.

    Args:
        runs: the tidy ``runs`` table.
        outcomes: outcome column name(s); Holm's family is these outcomes within each group.
        baseline: baseline value of ``by[0]``, or ``{column: value}``.
        by: grouping column(s).
        pair_on: column(s) that match a run to its baseline twin (default ``"replicate"``).
        ci: coverage of the intervals, in (0, 1).
        n_boot: paired-bootstrap resamples per cell.
        seed: int seed or Generator.
        test: ``"wilcoxon"`` (signed-rank) or ``"ttest"`` (paired t).
        alpha: family-wise error rate for ``significant`` (probability).

    Returns:
        One row per non-baseline group and outcome: the ``by`` columns, ``outcome``,
        ``n_pairs`` (count), ``mean_baseline``, ``mean_scenario``, ``diff`` (mean paired
        difference, scenario − baseline, outcome units), ``ci_low``/``ci_high`` (paired
        bootstrap), ``rel_change`` (diff / |baseline mean|, fraction) with ``rel_ci_low``/
        ``rel_ci_high``, ``effect_size`` (Cohen's d_z = mean diff / sd diff; 0 when all
        differences are 0, NaN when sd is 0 otherwise) with ``effect_ci_low``/
        ``effect_ci_high``, ``p_value`` (1 when every difference is 0), ``p_holm`` and
        ``significant`` (``p_holm < alpha``).

    Raises:
        ValueError: unknown ``test``, no baseline rows, or several runs sharing a pair key
            within one group (add the factor columns to ``by``).
    """
    if test not in ("wilcoxon", "ttest"):
        raise ValueError(f"test must be 'wilcoxon' or 'ttest', not {test!r}")
    by_, pairs, outs = _as_list(by), _as_list(pair_on), _as_list(outcomes)
    base_spec = dict(baseline) if isinstance(baseline, Mapping) else {by_[0]: baseline}
    strata = [c for c in by_ if c not in base_spec]
    is_base = np.logical_and.reduce([runs[c].eq(v).to_numpy() for c, v in base_spec.items()])
    base, others = runs[is_base], runs[~is_base]
    if base.empty:
        raise ValueError(f"no baseline runs matching {base_spec}")
    base_groups = {(k if isinstance(k, tuple) else (k,)): g
                   for k, g in base.groupby(strata, sort=False, dropna=False)} if strata else {(): base}
    dup = base.duplicated(strata + pairs).any() or others.duplicated(by_ + pairs).any()
    if dup:
        raise ValueError(f"several runs share the same {pairs} within one group; "
                         "add the factor columns that vary to `by`")
    rows = []
    for key, g in others.groupby(by_, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        kd = dict(zip(by_, key))
        skey = tuple(kd[c] for c in strata)
        b = base_groups.get(skey)
        if b is None:
            b = _nan_lookup(base_groups, skey)
        if b is None:
            if len(base_groups) != 1:
                raise ValueError(f"no baseline runs for stratum {dict(zip(strata, skey))}")
            b = next(iter(base_groups.values()))
        cell = []
        for o in outs:
            m = g[pairs + [o]].merge(b[pairs + [o]], on=pairs, suffixes=("_s", "_b"))
            sv, bv = m[f"{o}_s"].to_numpy(float), m[f"{o}_b"].to_numpy(float)
            ok = ~(np.isnan(sv) | np.isnan(bv))
            st = _paired_stats(bv[ok], sv[ok], ci, n_boot, _cell_rng(seed, *key, o), test)
            cell.append({**kd, "outcome": o, **st})
        adj = holm([c["p_value"] for c in cell])
        for c, p in zip(cell, adj):
            c["p_holm"] = p
            c["significant"] = bool(p < alpha) if not np.isnan(p) else False
        rows.extend(cell)
    cols = [*by_, "outcome", "n_pairs", "mean_baseline", "mean_scenario", "diff", "ci_low",
            "ci_high", "rel_change", "rel_ci_low", "rel_ci_high", "effect_size", "effect_ci_low",
            "effect_ci_high", "p_value", "p_holm", "significant"]
    return pd.DataFrame(rows, columns=cols)


def _nan_lookup(groups: dict, key: tuple):
    """Dict lookup treating NaN == NaN (groupby keys with missing factor values)."""
    def same(a, b):
        return a == b or (pd.isna(a) and pd.isna(b))
    for k, g in groups.items():
        if len(k) == len(key) and all(same(x, y) for x, y in zip(k, key)):
            return g
    return None


def pareto_front(
    df: pd.DataFrame, maximise: Sequence[str] = (), minimise: Sequence[str] = ()
) -> pd.Series:
    """Rows not dominated by any other row.

    Row j dominates row i when it is at least as good on every criterion and strictly better
    on one. Rows with a NaN in any criterion are never on the front (and dominate nothing).

    Args:
        df: one row per alternative (e.g. per weight setting, holding mean outcomes).
        maximise: columns where larger is better (e.g. ``quality_delivered``).
        minimise: columns where smaller is better (e.g. ``spend``).

    Returns:
        Boolean Series aligned with ``df.index``: True for non-dominated rows.
    """
    cols = [*maximise, *minimise]
    if not cols:
        raise ValueError("pareto_front needs at least one column to maximise or minimise")
    x = np.column_stack([-df[c].to_numpy(float) for c in maximise]
                        + [df[c].to_numpy(float) for c in minimise]) if len(df) else np.empty((0, 1))
    valid = ~np.isnan(x).any(axis=1)
    xv = x[valid]
    front = np.zeros(len(df), dtype=bool)
    keep = np.ones(len(xv), dtype=bool)
    for i in range(len(xv)):
        le = (xv <= xv[i]).all(axis=1)
        lt = (xv < xv[i]).any(axis=1)
        keep[i] = not (le & lt).any()
    front[np.flatnonzero(valid)] = keep
    return pd.Series(front, index=df.index, name="pareto")


def timeseries_bands(
    timeseries: pd.DataFrame,
    runs: pd.DataFrame | None,
    outcome: str,
    by: str | Sequence[str] = "scenario",
    ci: float = 0.95,
    method: str = "t",
) -> pd.DataFrame:
    """Per group and month: mean of an outcome across replications with a band.

    Args:
        timeseries: the tidy ``timeseries`` table (``run_id``, ``month``, outcomes).
        runs: the ``runs`` table, used to attach the ``by`` columns via ``run_id``; may be
            None when ``timeseries`` already holds them.
        outcome: outcome column.
        by: grouping column(s).
        ci: coverage of the band, in (0, 1).
        method: ``"t"`` — confidence interval of the mean across replications (Student t,
            the normal approximation for small n); ``"percentile"`` — central ``ci`` range of
            the replications themselves (spread of runs, not uncertainty of the mean).

    Returns:
        Tidy DataFrame: ``by`` columns, ``month``, ``outcome``, ``n`` (runs, count), ``mean``,
        ``low``, ``high`` (outcome units). ``low``/``high`` are NaN where n < 2 (``"t"``).
    """
    by_ = _as_list(by)
    ts = timeseries
    missing = [c for c in by_ if c not in ts.columns]
    if missing:
        if runs is None:
            raise ValueError(f"timeseries lacks {missing}; pass `runs` to attach them")
        ts = ts.merge(runs[["run_id", *missing]], on="run_id", how="left")
    g = ts.groupby([*by_, "month"], sort=False, dropna=False)[outcome]
    if method == "t":
        res = g.agg(n="count", mean="mean", sd="std").reset_index()
        with np.errstate(invalid="ignore"):
            tcrit = sps.t.ppf(0.5 + ci / 2.0, res["n"] - 1)
        half = tcrit * res["sd"] / np.sqrt(res["n"])
        res["low"], res["high"] = res["mean"] - half, res["mean"] + half
        res = res.drop(columns="sd")
    elif method == "percentile":
        a = (1.0 - ci) / 2.0
        res = g.agg(n="count", mean="mean", low=lambda v: v.quantile(a),
                    high=lambda v: v.quantile(1 - a)).reset_index()
    else:
        raise ValueError(f"method must be 't' or 'percentile', not {method!r}")
    res.insert(len(by_) + 1, "outcome", outcome)
    return res.sort_values([*by_, "month"], kind="stable").reset_index(drop=True)


def wide_means(means: pd.DataFrame, by: str | Sequence[str] = "scenario") -> pd.DataFrame:
    """Reshape ``scenario_means`` output to one row per group.

    Args:
        means: output of :func:`scenario_means`.
        by: the grouping column(s) used there.

    Returns:
        DataFrame with the ``by`` columns, then for each outcome ``<o>``, ``<o>_ci_low``,
        ``<o>_ci_high`` and ``<o>_n`` (outcome units; n is a count). Groups keep their order.
    """
    by_ = _as_list(by)
    order = means[by_].drop_duplicates()
    out = order.reset_index(drop=True)
    for o in means["outcome"].drop_duplicates():
        sub = means[means["outcome"] == o][[*by_, "mean", "ci_low", "ci_high", "n"]]
        sub = sub.rename(columns={"mean": o, "ci_low": f"{o}_ci_low", "ci_high": f"{o}_ci_high",
                                  "n": f"{o}_n"})
        out = out.merge(sub, on=by_, how="left")
    return out
