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

from experiments.analysis import explain_report, plots, robustness_section
from experiments.analysis.cost_effect import cost_blocks
from experiments.analysis.i18n import scenario_description, scenario_label, translator
from experiments.analysis.report_figures import report_figures
from experiments.analysis.report_place import place_blocks
from experiments.analysis.stats import paired_differences, scenario_means
from experiments.analysis.zh_style import amount_scale, param_value_zh, provenance_value_zh, scaled
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

def to_markdown(blocks: list[tuple]) -> str:
    """Render report blocks (``("h", level, text)``, ``("p", text)``, ``("ul", items)``,
    ``("table", head, rows)``, ``("fig", path, caption)``, ``("raw", markdown)``) as Markdown."""
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


def to_html(blocks: list[tuple], title: str, lang: str = "en") -> str:
    """Render report blocks (see :func:`to_markdown`) as one self-contained HTML page."""
    out = [f"<!DOCTYPE html>\n<html lang=\"{'zh-Hans' if lang == 'zh' else 'en'}\">\n<head>\n<meta charset=\"utf-8\">\n"
           f"<title>{html.escape(title.replace('`', ''))}</title>\n<style>{_CSS}</style>\n</head>\n<body>"]
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


def _cells(row: Any, by: Sequence[str], sname: Any) -> list[str]:
    """The grouping cells of a table row; the scenario shown by its display name."""
    return [sname(row[c]) if c == "scenario" else str(row[c]) for c in by]


def _param_cell(cell: str, labels: Mapping[str, str] | None) -> str:
    """A parameter cell (`` `path` ``) after its Chinese label when ``labels`` has one (no brackets: a label
    may hold its own)."""
    label = (labels or {}).get(cell.strip("`"))
    return f"{label} {cell}" if label else cell


def _amount_label(o: str, meta: Any, lang: str, values: Any) -> tuple[str, float]:
    """``"Label (unit)"`` of an outcome and the divisor of its figures (amounts in 万元/亿元 in Chinese)."""
    label, unit = plots.outcome_label(o, meta, lang)
    k, unit = amount_scale(unit, values, lang)
    return (f"{label} ({unit})" if unit else label), k


def _scenario_item(name: str, info: Mapping[str, Any] | None, lang: str) -> str:
    """One bullet of the scenario list: display name (code name in Chinese) and description."""
    label = scenario_label(name, info, lang)
    shown = f"**{label}** (`{name}`)" if label != name else f"**{name}**"
    return f"{shown}: {scenario_description(info, lang)}".rstrip(": ")


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
    lang: str = "en",
    param_labels: Mapping[str, str] | None = None,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
    robustness: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
    band_km: float | None = None,
    explain: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
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
            ``discover``, ``archetypes`` and ``run --parameter-draws`` (in English; the Chinese report
            names them instead of pasting English text).
        lang: ``"en"`` writes ``report.md``/``report.html`` and ``figures/figN_*.png``;
            ``"zh"`` writes ``report.zh.md``/``report.zh.html`` and ``figures/figN_*.zh.png``
            in Chinese from the same tables (identical numbers). Scenario names and
            descriptions in Chinese come from the manifest's ``name_zh``/``description_zh``,
            outcome labels from ``label_zh`` in ``outcomes_meta``.
        param_labels: dotted parameter path -> its Chinese label (the tree's ``zh``), shown
            beside the path in the Chinese parameter table.
        value_labels: dotted parameter path -> {value: its Chinese label} (a registry's ``label_zh``),
            for the values in the Chinese parameter table.
        robustness: the robustness screen's saved table and its manifest
            (``experiments.analysis.robustness_section.load``), shown as a section when given.
        band_km: width of the distance bands of the by-place outcomes (km,
            ``region.distance_band_km``), for their labels; None shows the band numbers only.
        explain: the explain tables of the folder and their manifests
            (``experiments.analysis.explain_report.find``): which channels carry each effect.

    Returns:
        ``{"markdown": Path, "html": Path, "figures": [Path, ...], "tables": [Path, ...]}``.
    """
    t = translator(lang)
    out, manifest = Path(out_dir), dict(manifest or {})
    (out / "figures").mkdir(parents=True, exist_ok=True)
    meta = outcomes_meta
    outs = outcome_columns(runs, meta)
    key = [o for o in (key_outcomes or DEFAULT_KEY_OUTCOMES) if o in outs] or outs[:6]
    factors = factor_columns(runs)
    by = ["scenario", *factors]
    pct = f"{ci:.0%}"
    scen = manifest.get("scenarios") or {}

    def sname(name: Any) -> str:
        return scenario_label(str(name), scen.get(name), lang)

    def olabel(o: str) -> str:
        return plots.axis_label(o, meta, lang=lang)

    title = str(manifest.get("name") or manifest.get("experiment") or t("report_title"))
    if lang == "zh":
        title = f"{t('report_title')}：{manifest.get('name_zh') or f'`{title}`'}"

    means = scenario_means(runs, key, by=by, ci=ci, n_boot=n_boot, seed=seed)
    diffs, diff_note = None, ""
    if baseline in set(runs["scenario"]) and runs["scenario"].nunique() > 1:
        try:
            diffs = paired_differences(runs, key, baseline=baseline, by=by, ci=ci, n_boot=n_boot,
                                       seed=seed, test=test)
        except ValueError as e:
            diff_note = t("no_pair_error", error=e)
    else:
        diff_note = t("no_pair_baseline", baseline=baseline)

    blocks: list[tuple] = [("h", 1, title)]
    description = scenario_description(manifest, lang)
    if description:
        blocks.append(("p", description))
    if scen:
        blocks += [("h", 2, t("scenarios")),
                   ("ul", [_scenario_item(n, i, lang) for n, i in scen.items()])]

    # summary table
    n_runs = runs.groupby(by, sort=False, dropna=False).size().rename("runs").reset_index()
    by_head = [t("col_scenario") if c == "scenario" else f"`{c}`" for c in by]
    scale = {o: _amount_label(o, meta, lang, means.loc[means["outcome"] == o, ["mean", "ci_low", "ci_high"]]
                              .to_numpy().ravel()) for o in key}
    head = [*by_head, t("col_runs"), *[t("col_mean_ci", label=scale[o][0], pct=pct) for o in key]]
    rows = []
    for _, r in n_runs.iterrows():
        g = means
        for c in by:
            g = g[(g[c] == r[c]) | (g[c].isna() & pd.isna(r[c]))]
        cells = [fmt_ci(*scaled(g[g["outcome"] == o][["mean", "ci_low", "ci_high"]].iloc[0], scale[o][1]),
                        n=int(r["runs"])) for o in key]
        rows.append([*_cells(r, by, sname), str(r["runs"]), *cells])
    blocks += [("h", 2, t("summary")), ("p", t("summary_note", pct=pct)), ("table", head, rows)]

    # paired differences
    blocks.append(("h", 2, t("differences", baseline=sname(baseline))))
    if diffs is not None and not diffs.empty:
        head = [*by_head, t("col_outcome"), t("col_pairs"), t("col_diff", pct=pct), t("col_rel", pct=pct),
                t("col_d", pct=pct), t("col_p"), t("col_holm"), t("col_sig")]
        rows = []
        for _, r in diffs.iterrows():
            label, k = _amount_label(r["outcome"], meta, lang, (r["diff"], r["ci_low"], r["ci_high"]))
            rows.append([*_cells(r, by, sname), label, str(r["n_pairs"]),
                         fmt_ci(*scaled((r["diff"], r["ci_low"], r["ci_high"]), k), sign=True, n=r["n_pairs"]),
                         fmt_ci(r["rel_change"], r["rel_ci_low"], r["rel_ci_high"], sign=True, pct=True,
                                n=r["n_pairs"]),
                         fmt_ci(r["effect_size"], r["effect_ci_low"], r["effect_ci_high"], sign=True, n=r["n_pairs"]),
                         fmt_p(r["p_value"]), fmt_p(r["p_holm"]), stars(r["p_holm"])])
        blocks += [("p", t("diff_note", test=t(test))), ("table", head, rows)]
        n_min = int(diffs["n_pairs"].min())
        if test == "wilcoxon" and n_min > 0 and len(key) * 2.0 / 2.0**n_min >= 0.05:
            blocks.append(("p", t("wilcoxon_floor", n=n_min, pmin=2.0 / 2.0**n_min, k=len(key))))
    else:
        blocks.append(("p", diff_note or t("no_rows")))

    ce_blocks, ce_table = cost_blocks(runs, baseline, t, sname, fmt_ci, ci, n_boot, seed, lang) \
        if diffs is not None else ([], pd.DataFrame())
    blocks += ce_blocks
    if robustness is not None:
        blocks += robustness_section.blocks(robustness[0], dict(robustness[1]), t, sname,
                                            lambda o, v: _amount_label(o, meta, lang, v), fmt_ci, lang)
    stats_kw = {"ci": ci, "n_boot": n_boot, "seed": seed, "test": test}
    blocks += place_blocks(runs, olabel, sname, fmt_ci, baseline, band_km, lang, stats_kw, by)

    # figures (drawn inside the language's font context; raises before drawing without a CJK font)
    burn = (manifest.get("experiment") or {}).get("burn_in_years") or []
    warm = 12 * int(burn[0]) if isinstance(burn, list) and len(burn) == 1 else 0  # one warm-up for all: shaded
    fig_paths, fig_blocks = report_figures(out, runs, timeseries, tenders, diffs, key, outs, by, factors, meta,
                                           {"ci": ci, "n_boot": n_boot, "seed": seed, "burn_in_months": warm},
                                           lang, sname)
    blocks += fig_blocks
    if explain is not None:  # which channels carry the effects (python -m experiments explain)
        from model.fonts import font_context  # lazy: importing `model` loads Mesa

        with font_context(lang):
            ex_paths, ex_blocks = explain_report.report_blocks(out, explain, meta, lang)
        fig_paths, blocks = [*fig_paths, *ex_paths], [*blocks, *ex_blocks]

    for name in sections:  # sections written by the sensitivity, calibrate and optimize commands
        path = Path(name) if Path(name).is_absolute() else out / name
        if path.is_file():  # written in English by those commands: named, not pasted, in Chinese
            blocks.append(("p", t("section_en", name=path.name)) if lang == "zh"
                          else ("raw", path.read_text(encoding="utf-8")))

    # parameters, how to read, provenance
    prow = _param_rows(param_diffs, manifest, baseline)
    blocks.append(("h", 2, t("params")))
    if not prow:
        blocks.append(("p", t("no_params")))
    else:
        head = (list(map(str, param_diffs.columns)) if isinstance(param_diffs, pd.DataFrame)
                else t("param_cols").split("|"))
        labels = param_labels if lang == "zh" else None
        values = (lambda path, v: param_value_zh(v, (value_labels or {}).get(path.strip("`")))) if lang == "zh" \
            else (lambda path, v: v)
        blocks.append(("table", head, [[sname(r[0]), _param_cell(r[1], labels), *(values(r[1], v) for v in r[2:])]
                                       for r in prow]))
    if factors:
        blocks.append(("p", t("factors_varied", factors=", ".join(f"`{f}`" for f in factors))))
    reps = n_runs["runs"]
    rep_text = f"{reps.min()}" + (f"–{reps.max()}" if reps.max() != reps.min() else "")
    blocks += [("h", 2, t("how_to_read")), ("p", t("how_text", reps=rep_text, pct=pct, n_boot=n_boot))]
    prov = [[f"`{k}`", provenance_value_zh(v) if lang == "zh" else v] for k, v in _flatten({k: v for k, v in manifest.items()
                                                 if k not in ("scenarios", "description", "description_zh",
                                                              "name_zh")})]
    blocks += [("h", 2, t("provenance")),
               ("table", t("prov_cols").split("|"), prov) if prov else ("p", t("no_manifest")),
               ("p", t("runs_count", n=len(runs)))]

    stem = "report.zh" if lang == "zh" else "report"
    md_path, html_path = out / f"{stem}.md", out / f"{stem}.html"
    from experiments.engine.store import atomic_write_text  # a killed report leaves no half file

    atomic_write_text(to_markdown(blocks), md_path)
    atomic_write_text(to_html(blocks, title, lang), html_path)
    tables = [out / "summary.csv"]
    atomic_write_text(means.to_csv(index=False), tables[0])
    if diffs is not None:
        tables.append(out / "differences.csv")
        atomic_write_text(diffs.to_csv(index=False), tables[-1])
    if not ce_table.empty:
        tables.append(out / "cost_effectiveness.csv")
        atomic_write_text(ce_table.to_csv(index=False), tables[-1])
    return {"markdown": md_path, "html": html_path, "figures": fig_paths, "tables": tables}
