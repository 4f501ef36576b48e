"""The evidence report: Markdown and self-contained HTML with tables, figures and provenance.

``build_report`` takes the tidy tables (``runs``, optionally ``timeseries`` and ``tenders``)
and the experiment manifest, computes the statistics with ``experiments.analysis.stats``, draws the
figures with ``experiments.analysis.plots`` and writes ``report.md``, ``report.html`` and
``figures/*.png``. Every number shown carries its confidence interval or is a count.
The document is assembled once as a list of blocks and rendered to both formats, so the two
never disagree. Nothing here imports Mesa or ``model``; outcome labels and units come from the
``outcomes_meta`` mapping the caller passes (e.g. ``model.metrics.OUTCOMES``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis import plots
from experiments.analysis.stats import paired_differences, scenario_means, timeseries_bands
from experiments.engine.runner import META_COLUMNS

DEFAULT_KEY_OUTCOMES = ("quality_delivered", "cost_per_quality", "spend", "no_bid_rate",
                        "no_bid_rate_village", "gaming_gap", "satisfaction", "trust")


# ---------------------------------------------------------------- column discovery

def outcome_columns(runs: pd.DataFrame, outcomes_meta: Mapping[str, Any] | None = None) -> list[str]:
    """Outcome columns of a ``runs`` table: numeric, not an id column, not a dotted factor."""
    cols = [c for c in runs.columns if c not in META_COLUMNS and "." not in c
            and pd.api.types.is_numeric_dtype(runs[c]) and not pd.api.types.is_bool_dtype(runs[c])]
    if outcomes_meta:
        known = [c for c in outcomes_meta if c in cols]
        return known or cols
    return cols


def factor_columns(runs: pd.DataFrame) -> list[str]:
    """Factor columns (dotted parameter paths) that take more than one value."""
    return [c for c in runs.columns if "." in c and runs[c].nunique(dropna=False) > 1]


# ---------------------------------------------------------------- number formatting

def _decimals(width: float, x: float) -> int:
    """Decimals that show two significant digits of ``width`` (or three of ``x``)."""
    ref, sig = (width, 2) if np.isfinite(width) and width > 0 else (abs(x), 3)
    if not np.isfinite(ref) or ref == 0:
        return 3
    return int(min(6, max(-9, sig - 1 - math.floor(math.log10(ref)))))


def _num(x: float, d: int, sign: bool = False, pct: bool = False) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    x = round(float(x), d)
    s = f"{x:+,.{max(d, 0)}f}" if sign else f"{x:,.{max(d, 0)}f}"
    return s + ("%" if pct else "")


def fmt_ci(mean: float, low: float, high: float, sign: bool = False, pct: bool = False,
           n: int | None = None) -> str:
    """``"mean [low, high]"`` rounded to the precision the interval supports.

    Args:
        mean: point estimate (any unit).
        low: lower CI bound (same unit).
        high: upper CI bound (same unit).
        sign: show a sign (for differences).
        pct: multiply by 100 and append ``%`` (for relative changes given as fractions).
        n: number of runs, shown when the CI is undefined.

    Returns:
        The formatted string; ``"x [CI n/a, n=1]"`` when the interval is undefined.
    """
    k = 100.0 if pct else 1.0
    mean, low, high = (k * v if v is not None else np.nan for v in (mean, low, high))
    if not np.isfinite(low) or not np.isfinite(high):
        d = _decimals(np.nan, mean)
        return f"{_num(mean, d, sign, pct)} [CI n/a" + (f", n={n}]" if n is not None else "]")
    d = _decimals((high - low) / 2.0, mean)
    return f"{_num(mean, d, sign, pct)} [{_num(low, d, sign, pct)}, {_num(high, d, sign, pct)}]"


def fmt_p(p: float) -> str:
    """A p-value: ``"<0.001"``, three decimals, or ``"n/a"``."""
    if p is None or not np.isfinite(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def stars(p: float) -> str:
    """Significance marks for a Holm-adjusted p-value (``***`` < 0.001, ``**`` < 0.01, ``*`` < 0.05)."""
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else "ns"


# ---------------------------------------------------------------- rendering

def _md(blocks: list[tuple]) -> str:
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            out.append("#" * b[1] + " " + b[2])
        elif kind == "p":
            out.append(b[1])
        elif kind == "ul":
            out.append("\n".join(f"- {i}" for i in b[1]))
        elif kind == "table":
            esc = [[str(c).replace("|", "\\|") for c in r] for r in [b[1], *b[2]]]
            out.append("\n".join(["| " + " | ".join(esc[0]) + " |",
                                  "|" + "|".join("---" for _ in esc[0]) + "|",
                                  *("| " + " | ".join(r) + " |" for r in esc[1:])]))
        elif kind == "fig":
            out.append(f"![{b[2]}]({b[1]})\n\n*{b[2]}*")
        elif kind == "raw":
            out.append(b[1].rstrip())
    return "\n\n".join(out) + "\n"


def _inline(text: str) -> str:
    s = html.escape(str(text))
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)


_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.45;color:#222}table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}"
        "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}th{background:#f3f3f3}"
        "figure{margin:1.5rem 0}img{max-width:100%}figcaption{font-style:italic;font-size:.9rem}"
        "code{background:#f5f5f5;padding:0 .2rem}")


def _html(blocks: list[tuple], title: str) -> str:
    out = [f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>"]
    for b in blocks:
        kind = b[0]
        if kind == "h":
            out.append(f"<h{b[1]}>{_inline(b[2])}</h{b[1]}>")
        elif kind == "p":
            out.append(f"<p>{_inline(b[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{_inline(c)}</th>" for c in b[1])
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in b[2])
            out.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>")
        elif kind == "fig":
            out.append(f"<figure><img src=\"{html.escape(b[1])}\" alt=\"{html.escape(b[2])}\">"
                       f"<figcaption>{_inline(b[2])}</figcaption></figure>")
        elif kind == "raw":  # a Markdown section from sensitivity/calibrate/optimize, shown as text
            out.append("<section>" + "".join(f"<p>{_inline(par)}</p>" for par in b[1].split("\n\n")) + "</section>")
    return "\n".join(out) + "\n</body>\n</html>\n"


# ---------------------------------------------------------------- sections

def _flatten(d: Mapping, prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for k, v in d.items():
        if isinstance(v, Mapping):
            rows += _flatten(v, f"{prefix}{k}.")
        else:
            text = (", ".join(map(str, v)) or "none") if isinstance(v, (list, tuple)) else str(v)
            rows.append((f"{prefix}{k}", text))
    return rows


def _param_rows(param_diffs: Any, manifest: Mapping, baseline: str) -> list[list[str]]:
    if isinstance(param_diffs, pd.DataFrame):
        return [list(map(str, r)) for r in param_diffs.itertuples(index=False)]
    rows = []
    if param_diffs is not None:
        for sc, diffs in param_diffs.items():
            for k, v in diffs.items():
                bv, sv = v if isinstance(v, tuple) and len(v) == 2 else ("", v)
                rows.append([str(sc), f"`{k}`", str(sv), str(bv)])
        return rows
    scen = manifest.get("scenarios") or {}
    base_ov = (scen.get(baseline) or {}).get("overrides") or {}
    for sc, info in scen.items():
        if sc == baseline:
            continue
        ov = (info or {}).get("overrides") or {}
        for k in list(ov) + [k for k in base_ov if k not in ov]:
            sv, bv = ov.get(k, "(default)"), base_ov.get(k, "(default)")
            if sv != bv:
                rows.append([str(sc), f"`{k}`", str(sv), str(bv)])
    return rows


def build_report(
    out_dir: str | Path,
    runs: pd.DataFrame,
    timeseries: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    manifest: Mapping[str, Any] | None = None,
    outcomes_meta: Mapping[str, Any] | None = None,
    baseline: str = "baseline",
    key_outcomes: Sequence[str] | None = None,
    param_diffs: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None = None,
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    test: str = "wilcoxon",
    sections: Sequence[str | Path] = ("sensitivity.md", "calibration.md", "policy_search.md",
                                      "discovery.md", "archetypes.md", "parameter_uncertainty.md"),
) -> dict[str, Any]:
    """Write the evidence report of one experiment.

    Args:
        out_dir: output folder (created); figures go to ``out_dir/figures``.
        runs: the tidy ``runs`` table.
        timeseries: optional tidy ``timeseries`` table (time-series figures).
        tenders: optional tender log (no-bid rate by distance band; needs ``no_bid`` or
            ``n_bids`` and ``distance_band`` or ``distance_km``).
        manifest: experiment manifest: ``name``/``experiment``, ``description``, provenance
            entries, and ``scenarios``: name -> {``description``, ``overrides``}.
        outcomes_meta: outcome name -> object/dict with ``label``, ``unit``, ``meaning``.
        baseline: name of the baseline scenario.
        key_outcomes: outcomes in the tables (the Holm family); default a canonical set.
        param_diffs: parameters differing from the baseline: a DataFrame rendered as is, or
            scenario -> {dotted path: value or (baseline value, scenario value)}; default from
            the manifest's scenario overrides.
        ci: coverage of all intervals, in (0, 1).
        n_boot: bootstrap resamples per cell.
        seed: bootstrap seed (the report is deterministic).
        test: paired test, ``"wilcoxon"`` or ``"ttest"``.
        sections: Markdown files (relative to ``out_dir`` or absolute) appended when present —
            the sections written by ``sensitivity``, ``calibrate``, ``optimize``,
            ``discover``, ``archetypes`` and ``run --parameter-draws``.

    Returns:
        ``{"markdown": Path, "html": Path, "figures": [Path, ...], "tables": [Path, ...]}``.
    """
    out, manifest = Path(out_dir), dict(manifest or {})
    (out / "figures").mkdir(parents=True, exist_ok=True)
    meta = outcomes_meta
    outs = outcome_columns(runs, meta)
    key = [o for o in (key_outcomes or DEFAULT_KEY_OUTCOMES) if o in outs] or outs[:6]
    factors = factor_columns(runs)
    by = ["scenario", *factors]
    pct = f"{ci:.0%}"
    title = str(manifest.get("name") or manifest.get("experiment") or "Experiment report")

    means = scenario_means(runs, key, by=by, ci=ci, n_boot=n_boot, seed=seed)
    diffs, diff_note = None, ""
    if baseline in set(runs["scenario"]) and runs["scenario"].nunique() > 1:
        try:
            diffs = paired_differences(runs, key, baseline=baseline, by=by, ci=ci, n_boot=n_boot,
                                       seed=seed, test=test)
        except ValueError as e:
            diff_note = f"Paired comparison not possible: {e}."
    else:
        diff_note = f"No paired comparison: the runs hold no baseline scenario `{baseline}` to compare with."

    blocks: list[tuple] = [("h", 1, title)]
    if manifest.get("description"):
        blocks.append(("p", str(manifest["description"])))
    scen = manifest.get("scenarios") or {}
    if scen:
        blocks += [("h", 2, "Scenarios"),
                   ("ul", [f"**{n}**: {(i or {}).get('description', '')}".rstrip(": ") for n, i in scen.items()])]

    # summary table
    n_runs = runs.groupby(by, sort=False, dropna=False).size().rename("runs").reset_index()
    head = [*[c.capitalize() if c == "scenario" else f"`{c}`" for c in by], "Runs",
            *[f"{plots.axis_label(o, meta)}, mean [{pct} CI]" for o in key]]
    rows = []
    for _, r in n_runs.iterrows():
        g = means
        for c in by:
            g = g[(g[c] == r[c]) | (g[c].isna() & pd.isna(r[c]))]
        cells = [fmt_ci(*g[g["outcome"] == o][["mean", "ci_low", "ci_high"]].iloc[0], n=int(r["runs"]))
                 for o in key]
        rows.append([*[str(r[c]) for c in by], str(r["runs"]), *cells])
    blocks += [("h", 2, "Summary"),
               ("p", f"Mean of each key outcome across replications with its {pct} percentile-bootstrap "
                     "confidence interval, per scenario."),
               ("table", head, rows)]

    # paired differences
    blocks.append(("h", 2, f"Differences from the baseline (`{baseline}`)"))
    if diffs is not None and not diffs.empty:
        head = [*[c.capitalize() if c == "scenario" else f"`{c}`" for c in by], "Outcome (unit)", "Pairs",
                f"Difference [{pct} CI]", f"Relative change [{pct} CI]", f"Cohen's d_z [{pct} CI]",
                "p", "p (Holm)", "Sig."]
        rows = [[*[str(r[c]) for c in by], plots.axis_label(r["outcome"], meta), str(r["n_pairs"]),
                 fmt_ci(r["diff"], r["ci_low"], r["ci_high"], sign=True, n=r["n_pairs"]),
                 fmt_ci(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"], sign=True, pct=True, n=r["n_pairs"]),
                 fmt_ci(r["effect_size"], r["effect_ci_low"], r["effect_ci_high"], sign=True, n=r["n_pairs"]),
                 fmt_p(r["p_value"]), fmt_p(r["p_holm"]), stars(r["p_holm"])]
                for _, r in diffs.iterrows()]
        blocks += [("p", "Scenario minus baseline, computed on runs paired by replicate (common random "
                         f"numbers). p-values: {'Wilcoxon signed-rank' if test == 'wilcoxon' else 'paired t'} "
                         "test; p (Holm): Holm–Bonferroni-adjusted across the outcomes of each row group "
                         "(scenario, and factor setting if any; settings are not corrected against each other)."),
                   ("table", head, rows)]
        n_min = int(diffs["n_pairs"].min())
        if test == "wilcoxon" and n_min > 0 and len(key) * 2.0 / 2.0**n_min >= 0.05:
            blocks.append(("p", f"**Note:** with {n_min} pairs the smallest Wilcoxon p-value possible is "
                                f"{2.0 / 2.0**n_min:.3f}, so after Holm correction over {len(key)} outcomes no "
                                "difference can be significant at 0.05, however large; run more replications "
                                "(or use the paired t-test) and read the confidence intervals."))
    else:
        blocks.append(("p", diff_note or "No comparison rows."))

    # figures
    figs: list[tuple[str, Any, str]] = []
    if diffs is not None and not diffs.empty and len(diffs) // max(len(key), 1) <= 30:
        figs.append(("differences", plots.forest_plot(diffs, meta, by=by), "Paired differences from the baseline "
                     f"with {pct} paired-bootstrap CIs; filled markers are significant after Holm correction."))
    if timeseries is not None:
        for o in [o for o in key if o in timeseries.columns][:3]:
            bands = timeseries_bands(timeseries, runs, o, by="scenario", ci=ci)
            figs.append((f"timeseries_{o}", plots.timeseries_plot(bands, o, outcome_meta=meta),
                         f"{plots.outcome_label(o, meta)[0]} by month: mean across replications with its "
                         f"{pct} t-interval band, per scenario."))
    levels = plots.level_outcomes("no_bid_rate")
    extra = [o for o in (*levels, "gaming_gap", "admin_cost", "spend", "quality_delivered") if o in outs]
    extra_means = scenario_means(runs, extra, by=by, ci=ci, n_boot=n_boot, seed=seed) if extra else None
    if all(o in outs for o in levels):
        figs.append(("no_bid_by_level", plots.by_level_plot(extra_means, levels, meta, by=by),
                     f"No-bid rate by administrative level of the buyer, mean with {pct} bootstrap CI."))
    if tenders is not None:
        t = tenders
        if "no_bid" not in t and "n_bids" in t:
            t = t.assign(no_bid=t["n_bids"] == 0)
        if "no_bid" in t and ("distance_band" in t or "distance_km" in t):
            figs.append(("no_bid_by_distance", plots.distance_band_plot(t, runs=runs, ci=ci),
                         f"Share of tenders receiving no bid, by distance band, with Wilson {pct} CIs "
                         "(tenders pooled over runs)."))
    n_groups = len(n_runs)
    if {"gaming_gap", "admin_cost"} <= set(extra) and n_groups > 1:
        figs.append(("gaming_gap", plots.gaming_gap_plot(extra_means, outcome_meta=meta, by=by),
                     f"Gaming gap against administrative staff cost per scenario, means with {pct} CIs."))
    if {"spend", "quality_delivered"} <= set(extra) and n_groups >= 3:
        figs.append(("frontier", plots.frontier_plot(extra_means, "spend", "quality_delivered",
                                                     outcome_meta=meta, by=by),
                     "Quality against spend per setting; the red line joins the non-dominated settings."))
    if len(factors) == 2:
        for sc in list(runs["scenario"].drop_duplicates())[:4]:
            label = plots.outcome_label(key[0], meta)[0]
            hm = plots.heatmap(runs[runs["scenario"] == sc], factors[0], factors[1], key[0], meta,
                               title=f"{label}, scenario {sc}\n(mean of runs per cell)")
            figs.append((f"heatmap_{sc}", hm, f"{plots.outcome_label(key[0], meta)[0]} "
                         f"over the factor grid in scenario `{sc}` (mean of runs per cell)."))
    fig_paths = []
    if figs:
        blocks.append(("h", 2, "Figures"))
    for i, (name, fig, cap) in enumerate(figs, 1):
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        fig_paths.append(plots.save(fig, out / "figures" / f"fig{i}_{safe}.png"))
        blocks.append(("fig", f"figures/{fig_paths[-1].name}", f"Figure {i}. {cap}"))

    for name in sections:  # sections written by the sensitivity, calibrate and optimize commands
        path = Path(name) if Path(name).is_absolute() else out / name
        if path.is_file():
            blocks.append(("raw", path.read_text(encoding="utf-8")))

    # parameters, how to read, provenance
    prow = _param_rows(param_diffs, manifest, baseline)
    blocks.append(("h", 2, "Parameters that differ from the baseline"))
    if not prow:
        blocks.append(("p", "No parameter differences recorded."))
    else:
        head = (list(map(str, param_diffs.columns)) if isinstance(param_diffs, pd.DataFrame)
                else ["Scenario", "Parameter", "Value", "Baseline value"])
        blocks.append(("table", head, prow))
    if factors:
        blocks.append(("p", "Factors varied across runs: " + ", ".join(f"`{f}`" for f in factors) + "."))
    reps = n_runs["runs"]
    blocks += [("h", 2, "How to read this report"),
               ("p", f"Each scenario was run {reps.min()}"
                + (f"–{reps.max()}" if reps.max() != reps.min() else "")
                + " times (replications) with different random seeds. Replicate k of every scenario uses "
                "the same seed as replicate k of the baseline (common random numbers), so differences are "
                "computed pair by pair and reflect the policy change rather than chance. Brackets give "
                f"{pct} confidence intervals: percentile bootstrap ({n_boot} resamples) over replications "
                "for means, and over pairs for differences, relative changes and effect sizes (Cohen's "
                "d_z = mean paired difference / its standard deviation). Because several outcomes are "
                "tested per scenario, p-values are corrected with the Holm–Bonferroni method; marks: "
                "* p < 0.05, ** p < 0.01, *** p < 0.001, ns not significant. \"CI n/a\" means a single "
                "run, for which no interval can be computed.")]
    prov = [[f"`{k}`", v] for k, v in _flatten({k: v for k, v in manifest.items()
                                                 if k not in ("scenarios", "description")})]
    blocks += [("h", 2, "Provenance"),
               ("table", ["Item", "Value"], prov) if prov else ("p", "No manifest was given."),
               ("p", f"Runs in this report: {len(runs)} (count).")]

    md_path, html_path = out / "report.md", out / "report.html"
    md_path.write_text(_md(blocks), encoding="utf-8")
    html_path.write_text(_html(blocks, title), encoding="utf-8")
    tables = [out / "summary.csv"]
    means.to_csv(tables[0], index=False)
    if diffs is not None:
        tables.append(out / "differences.csv")
        diffs.to_csv(tables[-1], index=False)
    return {"markdown": md_path, "html": html_path, "figures": fig_paths, "tables": tables}
