"""The standard figures, drawn from the tidy tables and the outputs of ``experiments.analysis.stats``.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (no global figure
state, no backend switching), with a title, axis labels carrying units and a legend where
there are several series. Labels and units come from an ``outcome_meta`` mapping
(name -> object or dict with ``label``, ``unit``, ``meaning``, e.g. ``model.metrics.OUTCOMES``
passed in by the caller); without it the column name is used and the unit is guessed from the
canonical outcome names of the design. Nothing here imports Mesa or ``model``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from experiments.analysis.i18n import label_text, text, unit_text
from experiments.analysis.stats import pareto_front, wide_means, wilson_ci
from experiments.analysis.zh_style import amount_scale

_GUESSED_UNITS = {  # fallback only; the model's declared outcomes take precedence
    "quality_delivered": "0–1", "quality_measured": "0–1", "gaming_gap": "0–1 quality points",
    "coverage": "share", "spend": "yuan", "admin_cost": "yuan", "price_to_reserve": "ratio",
    "cost_per_quality": "yuan per quality unit", "tenders": "count", "bids_per_tender": "bids",
    "active_contractors": "firms", "entries": "firms", "exits": "firms", "hhi": "0–1",
    "winner_capability": "0–1", "fraud_attempts": "count", "fraud_detected": "count",
    "fraud_loss": "yuan", "blacklisted": "firms", "favouritism": "count",
    "satisfaction": "0–1", "trust": "0–1", "complaints": "count", "adoption": "share",
}


def outcome_label(name: str, outcome_meta: Mapping[str, Any] | None = None,
                  lang: str = "en") -> tuple[str, str]:
    """Label and unit of an outcome.

    Args:
        name: outcome column name.
        outcome_meta: mapping name -> object/dict with ``label`` and ``unit`` (and ``label_zh``);
            may be None.
        lang: ``"en"`` or ``"zh"`` (the declared ``label_zh`` and the unit glossary).

    Returns:
        ``(label, unit)``; unit may be ``""`` when unknown.
    """
    m = (outcome_meta or {}).get(name)
    get = (lambda k: m.get(k)) if isinstance(m, Mapping) else (lambda k: getattr(m, k, None))
    label = (get("label") if m is not None else None) or name.replace("_", " ").capitalize()
    unit = get("unit") if m is not None else None
    if unit is None:
        base = name.rsplit("_", 1)[0] if name.endswith(("_city", "_town", "_village")) else name
        unit = _GUESSED_UNITS.get(base, "share of tenders" if base.endswith("_rate") else "")
    return label_text(m, str(label), lang), unit_text(str(unit), lang)


def axis_label(name: str, outcome_meta: Mapping[str, Any] | None = None, prefix: str = "",
               lang: str = "en") -> str:
    """``"Label (unit)"`` for an axis; the unit is omitted only when unknown."""
    label, unit = outcome_label(name, outcome_meta, lang)
    return f"{prefix}{label} ({unit})" if unit else f"{prefix}{label}"


def money_axis(ax: Any, which: str, unit: str, values: Any, lang: str) -> str:
    """In Chinese an axis of amounts in yuan (10,000 or more) is read in 万元/亿元: its ticks are divided,
    the data are not. Returns the unit to print on the axis (``unit`` itself in English)."""
    k, shown = amount_scale(unit, np.ravel(np.asarray(values, dtype=float)), lang)
    if k != 1:
        (ax.xaxis if which == "x" else ax.yaxis).set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / k:,.6g}"))
    return shown


def _outcome_axis(ax: Any, which: str, name: str, outcome_meta: Any, lang: str, values: Any) -> None:
    """Label an axis with :func:`axis_label`, in 万元/亿元 for amounts in Chinese (:func:`money_axis`)."""
    label, unit = outcome_label(name, outcome_meta, lang)
    unit = money_axis(ax, which, unit, values, lang)
    (ax.set_xlabel if which == "x" else ax.set_ylabel)(f"{label} ({unit})" if unit else label)


def _param_label(col: str) -> str:
    unit = "weight, 0–1" if "weight" in col else ("share" if "share" in col else "parameter value")
    return f"{col} ({unit})"


def _group_names(df: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    return df[list(by)].astype(str).agg(", ".join, axis=1)


def _by(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _by_title(by: Sequence[str], lang: str) -> str:
    """The legend title naming the grouping columns (``scenario`` translated)."""
    return ", ".join(text("scenario", lang) if c == "scenario" else c for c in by)


def _fig(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (7.0, 4.2), **kw):
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def timeseries_plot(
    bands: pd.DataFrame,
    outcome: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    by: str | Sequence[str] = "scenario",
    outcome_meta: Mapping[str, Any] | None = None,
    lang: str = "en",
    burn_in_months: int = 0,
) -> Figure:
    """Mean of an outcome over the months with its band, one line per group.

    Args:
        bands: output of :func:`experiments.analysis.stats.timeseries_bands`.
        outcome: outcome name (default: the one in ``bands``).
        label: axis label (default from ``outcome_meta`` or the name).
        unit: unit shown in brackets (default from ``outcome_meta`` or guessed).
        by: the grouping column(s) of ``bands``.
        outcome_meta: optional outcome metadata mapping.
        lang: language of the texts (``"en"`` or ``"zh"``).
        burn_in_months: the warm-up the summaries leave out (months); shaded when above 0.

    Returns:
        The figure (x: month, y: outcome in its unit).
    """
    by_ = _by(by)
    outcome = outcome or str(bands["outcome"].iloc[0])
    ml, mu = outcome_label(outcome, outcome_meta, lang)
    label, unit = label or ml, unit if unit is not None else mu
    fig, axes = _fig()
    ax = axes[0, 0]
    names = _group_names(bands, by_)
    for name in names.drop_duplicates():
        g = bands[names == name].sort_values("month")
        (line,) = ax.plot(g["month"], g["mean"], label=name, lw=1.6)
        ax.fill_between(g["month"], g["low"], g["high"], color=line.get_color(), alpha=0.2, lw=0)
    if burn_in_months > 0:
        ax.axvspan(0.5, burn_in_months + 0.5, color="0.88", zorder=0, label=text("warm_up", lang))
    ax.set_xlabel(text("month_axis", lang))
    unit = money_axis(ax, "y", unit, bands[["mean", "low", "high"]], lang)
    ax.set_ylabel(f"{label} ({unit})" if unit else label)
    ax.set_title(text("ts_title", lang, label=label))
    ax.legend(title=_by_title(by_, lang), fontsize="small")
    return fig


FOREST_MAX_COLUMNS = 4
"""Most panel columns of :func:`forest_plot` (17 outcomes: 4 × 5, a readable page)."""


def forest_columns(n_outcomes: int) -> int:
    """Panel columns for ``n_outcomes`` panels: one up to 3, then 2 (≤ 4), 3 (≤ 9), else 4."""
    if n_outcomes <= 3:
        return 1
    return 2 if n_outcomes <= 4 else 3 if n_outcomes <= 9 else FOREST_MAX_COLUMNS


def forest_plot(
    diffs: pd.DataFrame,
    outcome_meta: Mapping[str, Any] | None = None,
    outcomes: Sequence[str] | None = None,
    by: str | Sequence[str] = "scenario",
    relative: bool = False,
    lang: str = "en",
    ncols: int | None = None,
) -> Figure:
    """Paired differences against the baseline with their CIs, one panel per outcome.

    The panels fill a grid (:func:`forest_columns`) read row by row; the scenario names label the
    first column only (every panel has the same rows), and one legend below serves all panels (in
    one column, as before, each panel has its own).

    Args:
        diffs: output of :func:`experiments.analysis.stats.paired_differences`.
        outcome_meta: optional outcome metadata mapping.
        outcomes: which outcomes (default all, in table order).
        by: the grouping column(s) of ``diffs``.
        relative: plot the relative change in percent instead of the difference in units.
        lang: language of the texts (``"en"`` or ``"zh"``).
        ncols: panel columns (default :func:`forest_columns` of the number of outcomes).

    Returns:
        The figure (one axes per outcome, in order); filled markers are significant after Holm
        correction.
    """
    by_ = _by(by)
    outcomes = list(outcomes) if outcomes is not None else list(diffs["outcome"].drop_duplicates())
    groups = list(_group_names(diffs, by_).drop_duplicates())
    ncols = max(1, min(ncols or forest_columns(len(outcomes)), len(outcomes)))
    nrows = -(-len(outcomes) // ncols)
    name_width = min(3.2, 0.8 + 0.075 * max((len(g) for g in groups), default=0))
    fig = Figure(figsize=(name_width + 3.3 * ncols, 0.9 + (0.35 * len(groups) + 1.1) * nrows),
                 layout="constrained")
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = list(grid.ravel()[:len(outcomes)])
    for ax in grid.ravel()[len(outcomes):]:
        ax.remove()
    col, lo, hi = ("rel_change", "rel_ci_low", "rel_ci_high") if relative else ("diff", "ci_low", "ci_high")
    scale = 100.0 if relative else 1.0
    handles: dict[str, Any] = {}
    for i, (ax, o) in enumerate(zip(axes, outcomes)):
        d = diffs[diffs["outcome"] == o]
        names = _group_names(d, by_)
        y = np.array([groups.index(n) for n in names], dtype=float)
        mid, l_, h_ = d[col].to_numpy(float) * scale, d[lo].to_numpy(float) * scale, d[hi].to_numpy(float) * scale
        err = np.vstack([np.clip(mid - l_, 0, None), np.clip(h_ - mid, 0, None)])
        sig = d["significant"].to_numpy(bool)
        ax.axvline(0.0, color="0.5", lw=0.8, ls="--")
        for mask, face, lab in ((sig, "C0", text("sig_holm", lang)), (~sig, "white", text("not_sig", lang))):
            if mask.any():
                handles[lab] = ax.errorbar(mid[mask], y[mask], xerr=np.clip(np.nan_to_num(err[:, mask]), 0, None),
                                           fmt="o", color="C0", mfc=face, capsize=3, label=lab)
        first = i % ncols == 0
        ax.set_yticks(range(len(groups)), groups if first else [])
        ax.set_ylim(len(groups) - 0.5, -0.5)
        lab, unit = outcome_label(o, outcome_meta, lang)
        unit = unit if relative else money_axis(ax, "x", unit, [mid, l_, h_], lang)
        ax.set_xlabel(text("rel_axis", lang, label=lab) if relative
                      else text("diff_axis", lang, label=lab, unit=unit or text("units", lang)),
                      fontsize="small" if ncols > 1 else None, wrap=True)
        if first:
            ax.set_ylabel(text("group_axis", lang, by=_by_title(by_, lang).capitalize()))
        if ncols == 1:
            ax.legend(fontsize="x-small", loc="best")
    if handles and ncols > 1:
        fig.legend(list(handles.values()), list(handles), fontsize="small", loc="outside lower center",
                   ncols=len(handles))
    fig.suptitle(text("forest_title", lang))
    return fig


def heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    outcome_meta: Mapping[str, Any] | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """A 2-D grid of two parameter columns coloured by the mean of an outcome.

    Args:
        df: one row per run (or per setting); several rows per cell are averaged.
        x: column on the horizontal axis (e.g. ``procurement.price_weight``).
        y: column on the vertical axis.
        value: outcome column that colours the cells.
        outcome_meta: optional outcome metadata mapping (colour-bar label and unit).
        x_label: axis label with unit (default: column name with a guessed unit).
        y_label: axis label with unit.
        title: figure title.
        lang: language of the colour-bar label.

    Returns:
        The figure; empty cells (e.g. outside a weight simplex) are left blank.
    """
    grid = df.pivot_table(index=y, columns=x, values=value, aggfunc="mean")
    fig, axes = _fig(size=(6.4, 5.0))
    ax = axes[0, 0]
    xs, ys = grid.columns.to_numpy(float), grid.index.to_numpy(float)
    mesh = ax.pcolormesh(_edges(xs), _edges(ys), np.ma.masked_invalid(grid.to_numpy(float)),
                         cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=ax, label=axis_label(value, outcome_meta, lang=lang))
    ax.set_xlabel(x_label or _param_label(x))
    ax.set_ylabel(y_label or _param_label(y))
    short = f"{x.rsplit('.', 1)[-1]} × {y.rsplit('.', 1)[-1]}"
    ax.set_title(title or f"{outcome_label(value, outcome_meta)[0]} over {short}\n(mean of runs per cell)")
    return fig


def _edges(v: np.ndarray) -> np.ndarray:
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mids = (v[1:] + v[:-1]) / 2.0
    return np.concatenate([[v[0] - (mids[0] - v[0])], mids, [v[-1] + (v[-1] - mids[-1])]])


def simplex_heatmap(
    runs: pd.DataFrame,
    outcome: str,
    weights: tuple[str, str],
    outcome_meta: Mapping[str, Any] | None = None,
    lang: str = "en",
) -> Figure:
    """Heat map over two weights of a simplex (the remaining weight is 1 minus their sum).

    Args:
        runs: the ``runs`` table with the two weight factor columns.
        outcome: outcome colouring the cells.
        weights: the two weight columns (dotted parameter paths), x then y.
        outcome_meta: optional outcome metadata mapping.
        lang: language of the texts (``"en"`` or ``"zh"``).

    Returns:
        The figure.
    """
    x, y = weights
    return heatmap(runs, x, y, outcome, outcome_meta, lang=lang, title=text(
        "simplex_title", lang, label=outcome_label(outcome, outcome_meta, lang)[0]))


def _wide(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return wide_means(df, by) if {"outcome", "mean"} <= set(df.columns) else df


def _xy_err(w: pd.DataFrame, col: str):
    if f"{col}_ci_low" not in w.columns:
        return None
    v = w[col].to_numpy(float)
    return np.nan_to_num(np.vstack([np.clip(v - w[f"{col}_ci_low"].to_numpy(float), 0, None),
                                    np.clip(w[f"{col}_ci_high"].to_numpy(float) - v, 0, None)]))


def frontier_plot(
    df: pd.DataFrame,
    x_cost: str,
    y_quality: str,
    label_col: str | None = None,
    outcome_meta: Mapping[str, Any] | None = None,
    by: str | Sequence[str] = "scenario",
    lang: str = "en",
) -> Figure:
    """Settings in the cost–quality plane with the Pareto front (low cost, high quality).

    Args:
        df: either ``scenario_means`` output (long) or a wide table with one row per setting
            and columns ``x_cost``, ``y_quality`` (optionally ``<col>_ci_low/_ci_high``).
        x_cost: cost outcome (minimised), e.g. ``cost_per_quality``.
        y_quality: quality outcome (maximised), e.g. ``quality_delivered``.
        label_col: column naming each point (default: the ``by`` columns).
        outcome_meta: optional outcome metadata mapping.
        by: grouping column(s) when ``df`` is long.
        lang: language of the texts (``"en"`` or ``"zh"``).

    Returns:
        The figure, points with CI error bars where available.
    """
    by_ = _by(by)
    w = _wide(df, by_).reset_index(drop=True)
    names = w[label_col].astype(str) if label_col else _group_names(w, [c for c in by_ if c in w])
    front = pareto_front(w, maximise=[y_quality], minimise=[x_cost]).to_numpy()
    fig, axes = _fig()
    ax = axes[0, 0]
    ax.errorbar(w[x_cost], w[y_quality], xerr=_xy_err(w, x_cost), yerr=_xy_err(w, y_quality),
                fmt="o", color="0.6", ms=4, capsize=2, label=text("setting_ci", lang))
    f = w[front].sort_values(x_cost)
    ax.plot(f[x_cost], f[y_quality], "-o", color="C3", label=text("pareto", lang))
    for i in np.flatnonzero(front):
        ax.annotate(names.iloc[i], (w[x_cost].iloc[i], w[y_quality].iloc[i]), fontsize="x-small",
                    xytext=(4, 4), textcoords="offset points")
    _outcome_axis(ax, "x", x_cost, outcome_meta, lang, w[x_cost])
    _outcome_axis(ax, "y", y_quality, outcome_meta, lang, w[y_quality])
    ax.set_title(text("frontier_title", lang))
    ax.legend(fontsize="small")
    return fig


def level_outcomes(name: str) -> tuple[str, ...]:
    """The per-level outcomes of ``name`` (``name_city``, ``name_town``, ``name_village``), in the
    order of the levels declared in ``model.metrics``.

    Args:
        name: An outcome declared by level, e.g. ``no_bid_rate``.
    """
    from model.catalogue import LEVEL_NAMES as LEVELS  # here, not at the top: importing `model` loads Mesa

    return tuple(f"{name}_{level}" for level in LEVELS)


def _level_tick(outcome: str, lang: str) -> str:
    """The level of a per-level outcome (``no_bid_rate_village`` -> ``village``/``村级``)."""
    if not outcome.endswith(("_city", "_town", "_village")):
        return outcome
    level = outcome.rsplit("_", 1)[-1]
    if lang == "en":
        return level
    from model.i18n import level_zh  # lazy: importing `model` loads Mesa

    return level_zh(level)


def by_level_plot(
    means: pd.DataFrame,
    outcomes: Sequence[str] | None = None,
    outcome_meta: Mapping[str, Any] | None = None,
    by: str | Sequence[str] = "scenario",
    lang: str = "en",
) -> Figure:
    """Grouped bars: one group per outcome (level), one bar per scenario, with CI error bars.

    Args:
        means: output of :func:`experiments.analysis.stats.scenario_means`.
        outcomes: the per-level outcomes, in display order (default: the no-bid rate's,
            :func:`level_outcomes`).
        outcome_meta: optional outcome metadata mapping (the y unit is the first outcome's).
        by: the grouping column(s) of ``means``.
        lang: language of the texts (``"en"`` or ``"zh"``).

    Returns:
        The figure.
    """
    by_ = _by(by)
    outcomes = list(level_outcomes("no_bid_rate") if outcomes is None else outcomes)
    m = means[means["outcome"].isin(outcomes)]
    names = _group_names(m, by_)
    groups = list(names.drop_duplicates())
    width = 0.8 / max(len(groups), 1)
    fig, axes = _fig()
    ax = axes[0, 0]
    for j, gname in enumerate(groups):
        g = m[names == gname].set_index("outcome").reindex(outcomes)
        v = g["mean"].to_numpy(float)
        err = np.nan_to_num(np.vstack([v - g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float) - v]))
        ax.bar(np.arange(len(outcomes)) + (j - (len(groups) - 1) / 2) * width, v, width,
               yerr=np.clip(err, 0, None), capsize=3, label=gname)
    ticks = [_level_tick(o, lang) for o in outcomes]
    ax.set_xticks(range(len(outcomes)), ticks)
    base = outcomes[0].rsplit("_", 1)[0] if outcomes[0].endswith(("_city", "_town", "_village")) else outcomes[0]
    unit = outcome_label(outcomes[0], outcome_meta, lang)[1]
    base_label = outcome_label(base, outcome_meta, lang)[0]
    ax.set_xlabel(text("level_axis", lang))
    ax.set_ylabel(f"{base_label} ({unit})" if unit else base_label)
    ax.set_title(text("level_title", lang, label=base_label))
    ax.legend(title=_by_title(by_, lang), fontsize="small")
    return fig


def distance_band_plot(
    tenders: pd.DataFrame,
    value: str = "no_bid",
    band_col: str = "distance_band",
    by: str | Sequence[str] = "scenario",
    runs: pd.DataFrame | None = None,
    ci: float = 0.95,
    distance_col: str = "distance_km",
    bins: Sequence[float] = (0, 5, 10, 20, 40, np.inf),
    lang: str = "en",
    count: str | None = None,
) -> Figure:
    """Rate of a binary tender outcome by distance band, with Wilson CIs, per group.

    The Wilson interval treats tenders as independent; tenders of one run share a world, so
    with few runs the intervals are somewhat optimistic.

    Args:
        tenders: the tender log (``run_id`` and one row per tender).
        value: 0/1 or boolean column, e.g. ``no_bid``.
        band_col: distance-band column; when absent, bands are cut from ``distance_col``.
        by: grouping column(s); attached from ``runs`` via ``run_id`` when missing; ignored
            when neither table has them.
        runs: optional ``runs`` table.
        ci: coverage of the intervals.
        distance_col: distance column (km) used only when ``band_col`` is absent.
        bins: band edges in km for that case.
        lang: language of the texts (``"en"`` or ``"zh"``).
        count: for a table of counts (one row per run, band, ...): the column holding the
            number of tenders of the row; ``value`` then holds how many of them have the
            outcome. None: one row per tender.

    Returns:
        The figure (y: share of tenders, 0–1).
    """
    t = tenders
    by_ = _by(by)
    missing = [c for c in by_ if c not in t.columns]
    if missing and runs is not None and "run_id" in t.columns:
        t = t.merge(runs[["run_id", *[c for c in missing if c in runs.columns]]], on="run_id", how="left")
    by_ = [c for c in by_ if c in t.columns]
    if band_col not in t.columns:
        t = t.assign(**{band_col: pd.cut(t[distance_col], list(bins), right=False)})
    bands = t[band_col]
    is_cat = isinstance(bands.dtype, pd.CategoricalDtype)
    order = list(bands.cat.categories) if is_cat else sorted(bands.dropna().unique())
    keys = [*by_, band_col]
    if count is None:
        agg = (t.assign(_v=t[value].astype(float)).groupby(keys, sort=False, observed=True)["_v"]
               .agg(["sum", "count"]).reset_index())
    else:
        agg = (t.groupby(keys, sort=False, observed=True)[[value, count]].sum()
               .rename(columns={value: "sum", count: "count"}).reset_index())
    lo, hi = wilson_ci(agg["sum"], agg["count"], ci)
    agg["rate"], agg["lo"], agg["hi"] = agg["sum"] / agg["count"], lo, hi
    names = _group_names(agg, by_) if by_ else pd.Series(text("all_tenders", lang), index=agg.index)
    fig, axes = _fig()
    ax = axes[0, 0]
    groups = list(names.drop_duplicates())
    for j, gname in enumerate(groups):
        g = agg[names == gname]
        xpos = np.array([order.index(b) for b in g[band_col]]) + (j - (len(groups) - 1) / 2) * 0.08
        s = np.argsort(xpos)
        yerr = np.clip(np.vstack([g["rate"] - g["lo"], g["hi"] - g["rate"]])[:, s], 0, None)
        ax.errorbar(xpos[s], g["rate"].to_numpy()[s], yerr=yerr, fmt="-o", capsize=3, label=gname)
    ax.set_xticks(range(len(order)), [str(b) for b in order])
    ax.set_xlabel(text("band_axis", lang))
    if value == "no_bid":
        ax.set_ylabel(text("no_bid_axis", lang))
        ax.set_title(text("no_bid_title", lang, pct=f"{ci:.0%}"))
    else:
        ax.set_ylabel(f"{value.replace('_', ' ').capitalize()} rate (share of tenders, 0–1)")
        ax.set_title(f"{value.replace('_', ' ').capitalize()} rate by distance (Wilson {ci:.0%} CI)")
    ax.legend(fontsize="small")
    return fig


def gaming_gap_plot(
    means: pd.DataFrame,
    x: str = "admin_cost",
    y: str = "gaming_gap",
    outcome_meta: Mapping[str, Any] | None = None,
    by: str | Sequence[str] = "scenario",
    lang: str = "en",
) -> Figure:
    """Gaming gap against monitoring staff cost, one point per scenario with CI error bars.

    Args:
        means: ``scenario_means`` output (long) or a wide table (see :func:`frontier_plot`).
        x: cost outcome on the horizontal axis.
        y: gap outcome on the vertical axis.
        outcome_meta: optional outcome metadata mapping.
        by: grouping column(s).
        lang: language of the texts (``"en"`` or ``"zh"``).

    Returns:
        The figure.
    """
    by_ = _by(by)
    w = _wide(means, by_).reset_index(drop=True)
    names = _group_names(w, by_)
    fig, axes = _fig()
    ax = axes[0, 0]
    xe, ye = _xy_err(w, x), _xy_err(w, y)
    for i, name in enumerate(names):
        ax.errorbar(w[x].iloc[i], w[y].iloc[i], xerr=None if xe is None else xe[:, [i]],
                    yerr=None if ye is None else ye[:, [i]], fmt="o", capsize=3, label=name)
    _outcome_axis(ax, "x", x, outcome_meta, lang, w[x])
    _outcome_axis(ax, "y", y, outcome_meta, lang, w[y])
    ylab, xlab = outcome_label(y, outcome_meta, lang)[0], outcome_label(x, outcome_meta, lang)[0]
    ax.set_title(text("gaming_title", lang, y=ylab, x=xlab if lang == "zh" else xlab.lower()))
    ax.legend(title=_by_title(by_, lang), fontsize="small")
    return fig


def save(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write a figure as PNG, creating the folder.

    Args:
        fig: the figure.
        path: target file (``.png`` appended when missing).
        dpi: resolution (dots per inch).

    Returns:
        The path written.
    """
    p = Path(path)
    if p.suffix.lower() != ".png":
        p = p.with_suffix(".png")
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, dpi=dpi, format="png")
    return p
