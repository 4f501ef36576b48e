"""The report's figures, drawn in one language from the report's own tables.

``report_figures`` picks the standard figures that the tables support (paired differences,
time series, no-bid rate by level and by distance, gaming gap against staff cost, quality–cost
frontier, factor heat maps), draws them with ``experiments.analysis.plots`` inside the
language's font context and saves them. The tables are the ones the report prints, so a
figure and a table never disagree; in Chinese only the scenario names shown are replaced
(``name_zh``), never a number. Mesa is imported only when figures are drawn (the font lookup
lives in ``model.fonts``, shared with the dashboard).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import plots
from experiments.analysis.i18n import translator
from experiments.analysis.stats import scenario_means, timeseries_bands


def _named(df: pd.DataFrame | None, sname: Callable[[Any], str]) -> pd.DataFrame | None:
    """``df`` with its scenario column shown by display name (a copy; numbers untouched)."""
    if df is None or "scenario" not in df.columns:
        return df
    return df.assign(scenario=df["scenario"].map(sname))


def _choose(runs: pd.DataFrame, timeseries: pd.DataFrame | None, tenders: pd.DataFrame | None,
            diffs: pd.DataFrame | None, key: Sequence[str], outs: Sequence[str], by: list[str],
            factors: list[str], meta: Mapping[str, Any] | None, stats: Mapping[str, Any],
            lang: str, sname: Callable[[Any], str]) -> list[tuple[str, Any, str]]:
    """(file stem, figure, caption) of every figure the tables support."""
    t, pct, ci = translator(lang), f"{stats['ci']:.0%}", stats["ci"]
    figs: list[tuple[str, Any, str]] = []
    if diffs is not None and not diffs.empty and len(diffs) // max(len(key), 1) <= 30:
        figs.append(("differences", plots.forest_plot(_named(diffs, sname), meta, by=by, lang=lang),
                     t("cap_forest", pct=pct)))
    if timeseries is not None:
        for o in [o for o in key if o in timeseries.columns][:3]:
            bands = timeseries_bands(timeseries, runs, o, by="scenario", ci=ci)
            figs.append((f"timeseries_{o}", plots.timeseries_plot(_named(bands, sname), o, outcome_meta=meta,
                                                                   lang=lang,
                                                                   burn_in_months=stats.get("burn_in_months", 0)),
                         t("cap_timeseries", label=plots.outcome_label(o, meta, lang)[0], pct=pct)))
    levels = plots.level_outcomes("no_bid_rate")
    extra = [o for o in (*levels, "gaming_gap", "admin_cost", "spend", "quality_delivered") if o in outs]
    extra_means = _named(scenario_means(runs, extra, by=by, ci=ci, n_boot=stats["n_boot"],
                                        seed=stats["seed"]), sname) if extra else None
    if all(o in outs for o in levels):
        figs.append(("no_bid_by_level", plots.by_level_plot(extra_means, levels, meta, by=by, lang=lang),
                     t("cap_level", pct=pct)))
    if tenders is not None:
        td = tenders
        if "no_bid" not in td and "n_bids" in td:
            td = td.assign(no_bid=td["n_bids"] == 0)
        if "no_bid" in td and ("distance_band" in td or "distance_km" in td):
            figs.append(("no_bid_by_distance", plots.distance_band_plot(td, runs=_named(runs, sname), ci=ci,
                                                                        lang=lang),
                         t("cap_distance", pct=pct)))
    n_groups = len(runs.groupby(by, sort=False, dropna=False))
    if {"gaming_gap", "admin_cost"} <= set(extra) and n_groups > 1:
        figs.append(("gaming_gap", plots.gaming_gap_plot(extra_means, outcome_meta=meta, by=by, lang=lang),
                     t("cap_gaming", pct=pct)))
    if {"spend", "quality_delivered"} <= set(extra) and n_groups >= 3:
        figs.append(("frontier", plots.frontier_plot(extra_means, "spend", "quality_delivered",
                                                     outcome_meta=meta, by=by, lang=lang),
                     t("cap_frontier")))
    if len(factors) == 2:
        label = plots.outcome_label(key[0], meta, lang)[0]
        for sc in list(runs["scenario"].drop_duplicates())[:4]:
            hm = plots.heatmap(runs[runs["scenario"] == sc], factors[0], factors[1], key[0], meta,
                               title=t("heatmap_title", label=label, scenario=sname(sc)), lang=lang)
            figs.append((f"heatmap_{sc}", hm, t("cap_heatmap", label=label, scenario=sname(sc))))
    return figs


def report_figures(out: Path, runs: pd.DataFrame, timeseries: pd.DataFrame | None,
                   tenders: pd.DataFrame | None, diffs: pd.DataFrame | None, key: Sequence[str],
                   outs: Sequence[str], by: list[str], factors: list[str],
                   meta: Mapping[str, Any] | None, stats: Mapping[str, Any], lang: str,
                   sname: Callable[[Any], str]) -> tuple[list[Path], list[tuple]]:
    """Draw and save the report's figures; return their paths and the report blocks.

    Args:
        out: the report folder; figures go to ``out/figures`` as ``figN_NAME.png`` (English)
            or ``figN_NAME.zh.png`` (Chinese).
        runs: the tidy ``runs`` table.
        timeseries: optional ``timeseries`` table.
        tenders: optional tender log.
        diffs: ``paired_differences`` output, or None.
        key: the key outcomes.
        outs: every outcome column of ``runs``.
        by: grouping columns (``scenario`` and the factors).
        factors: factor columns.
        meta: outcome metadata (labels, units, ``label_zh``).
        stats: ``{"ci": coverage, "n_boot": resamples, "seed": bootstrap seed}``.
        lang: ``"en"`` or ``"zh"``.
        sname: scenario name -> display name in ``lang``.

    Returns:
        ``(paths, blocks)``: the PNG files written and the report blocks (heading, figures).

    Raises:
        RuntimeError: Chinese figures and no CJK font installed (before anything is drawn).
    """
    from model.fonts import font_context  # lazy: importing `model` loads Mesa

    t = translator(lang)
    paths, blocks = [], []
    suffix = ".zh.png" if lang == "zh" else ".png"
    with font_context(lang):
        figs = _choose(runs, timeseries, tenders, diffs, key, outs, by, factors, meta, stats, lang, sname)
        if figs:
            blocks.append(("h", 2, t("figures")))
        for i, (name, fig, cap) in enumerate(figs, 1):
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
            paths.append(plots.save(fig, out / "figures" / f"fig{i}_{safe}{suffix}"))
            blocks.append(("fig", f"figures/{paths[-1].name}", t("figure_n", i=i, caption=cap)))
    return paths, blocks
