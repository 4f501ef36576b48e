"""The policy brief (政策简报): one to two pages generated from the paired comparisons.

Nothing in the brief is written by hand. Its findings are the comparisons clear of noise — a
paired difference against the baseline whose 95% interval excludes zero and whose Holm-adjusted
p-value is below 0.05 (:func:`clear_of_noise`) — each sentence filled in from that row's
numbers; what did not separate from the baseline is listed from the other rows; the caveats are
read from the validation report's summary table (:func:`validation_caveats`) and from the
comparisons themselves (number of pairs); each lever's legal status comes from its scenario
file (``legal_status``, ``legal_source``). English and Chinese are the same blocks from the same
tables. Nothing here imports Mesa.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.brief_text import tr
from experiments.analysis.i18n import scenario_description, scenario_label
from experiments.analysis.plots import outcome_label
from experiments.analysis.report import fmt_ci, fmt_p
from experiments.analysis.zh_style import amount_scale, check_zh, obtained_zh, scaled

MAX_FINDINGS = 5
#: Outcomes whose findings the brief always states first (service quality and the per-order no-bid measures).
HEADLINE = ("service_quality", "first_attempt_no_bid_rate_village", "unfilled_rate_village")
"""Key findings stated as sentences (the largest by |relative change|); the lever table lists all."""


def clear_of_noise(diffs: pd.DataFrame, alpha: float = 0.05) -> pd.Series:
    """Which comparisons are clear of noise.

    Args:
        diffs: ``experiments.analysis.stats.paired_differences`` output.
        alpha: family-wise error rate of the Holm correction (probability).

    Returns:
        A boolean Series aligned with ``diffs``: the interval ``[ci_low, ci_high]`` excludes
        zero and ``p_holm < alpha``.
    """
    excl = (diffs["ci_low"] > 0) | (diffs["ci_high"] < 0)
    return (excl & (diffs["p_holm"] < alpha)).fillna(False).astype(bool)


def validation_caveats(markdown: str) -> list[dict[str, str]]:
    """The rows of the validation report's summary table.

    Args:
        markdown: the text of ``docs/VALIDATION.md`` (written by ``python -m experiments validate``).

    Returns:
        One dict per counted check (``id``, ``check``, ``obtained``, ``passed`` as "yes"/"no"), in
        the report's order; [] when the table is absent. Identities and input checks (result
        "holds") are not validation and are left out, as the report leaves them out of its count.
    """
    rows = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("["):
            continue
        if cells[4].lower() == "holds":
            continue
        rid = re.sub(r"\[([^\]]+)\].*", r"\1", cells[0])
        rows.append({"id": rid, "check": cells[1], "obtained": cells[3],
                     "passed": "yes" if "PASS" in cells[4] else "no"})
    return rows


def reading_lines(diffs: pd.DataFrame, outcome: str, outcomes_meta: Any = None, better: str | None = "higher",
                  lang: str = "en", alpha: float = 0.05) -> list[str]:
    """What each scenario's paired difference on ``outcome`` says, one line each (the notebooks' reading).

    Args:
        diffs: ``paired_differences`` output.
        outcome: the outcome.
        outcomes_meta: outcome metadata (labels, units, ``label_zh``).
        better: ``"higher"``, ``"lower"`` or None (no normative reading).
        lang: ``"en"`` or ``"zh"``.
        alpha: family-wise error rate of the Holm correction.

    Returns:
        A heading line, then per scenario: name, difference [95% CI], Holm-adjusted p and the
        verdict — no clear difference (the interval includes 0), higher/lower (better/worse),
        called suggestive when the interval excludes 0 but the Holm-adjusted p is not below ``alpha``.
    """
    label, unit = outcome_label(outcome, outcomes_meta, lang)
    out = [tr("reading_head", lang, label=label, unit=unit)]
    for _, r in diffs[diffs["outcome"] == outcome].iterrows():
        if not (r["ci_low"] > 0 or r["ci_high"] < 0):
            verdict = tr("no_clear", lang)
        else:
            up = r["diff"] > 0
            verdict = tr("higher" if up else "lower", lang)
            if better is not None:
                verdict += tr("better" if up == (better == "higher") else "worse", lang)
            if not r["p_holm"] < alpha:
                verdict = tr("suggestive", lang, verdict=verdict)
        ci = fmt_ci(r["diff"], r["ci_low"], r["ci_high"], sign=True)
        out.append(f"  {str(r['scenario']):<24} {ci:>32}  p={fmt_p(r['p_holm']):>6}  {verdict}")
    return out


def _numbers(row: Mapping[str, Any], meta: Any, lang: str) -> dict[str, Any]:
    """Label, unit, difference and relative change of a comparison row (amounts in 万元/亿元 in Chinese)."""
    label, unit = outcome_label(str(row["outcome"]), meta, lang)
    n = int(row["n_pairs"])
    k, unit = amount_scale(unit, (row["diff"], row["ci_low"], row["ci_high"]), lang)
    return {"label": label, "unit": unit, "n": n,
            "diff": fmt_ci(*scaled((row["diff"], row["ci_low"], row["ci_high"]), k), sign=True, n=n),
            "rel": fmt_ci(row["rel_change"], row["rel_ci_low"], row["rel_ci_high"], sign=True, pct=True, n=n)}


def _change(row: Mapping[str, Any], meta: Any, lang: str) -> str:
    num = _numbers(row, meta, lang)
    return tr("change", lang, label=num["label"], unit=num["unit"], diff=num["diff"], rel=num["rel"])


def _finding(row: Mapping[str, Any], meta: Any, lang: str, sname: Callable[[Any], str],
             baseline: str) -> str:
    return tr("finding", lang, scenario=sname(row["scenario"]), baseline=sname(baseline),
              direction=tr("up" if row["diff"] > 0 else "down", lang), p=fmt_p(row["p_holm"]),
              **_numbers(row, meta, lang))


def _carried(row: Mapping[str, Any], explained: tuple[pd.DataFrame, Mapping[str, Any]] | None, meta: Any,
             lang: str) -> str:
    """The sentence naming the one or two channels that carry a finding ("" without explain results for it,
    or for a row with a channel switched off)."""
    from experiments.analysis.explain import PREFIX
    from experiments.analysis.explain_report import carried_by

    if explained is None or any(k.startswith(PREFIX) and v is not True and v != 1 for k, v in row.items()):
        return ""
    table, infos = explained
    reform = str(row["scenario"])
    names = carried_by(table, reform, str(row["outcome"]), infos.get(reform) or {}, meta, lang)
    return tr("carried", lang, names=names) if names else ""


def _legal(info: Mapping[str, Any] | None, lang: str) -> str:
    from model.i18n import LEGAL_STATUS  # lazy: importing `model` loads Mesa

    status = (info or {}).get("legal_status")
    if status not in LEGAL_STATUS:
        return tr("legal_unknown", lang)
    text = LEGAL_STATUS[status][1 if lang == "zh" else 0]
    if lang == "zh":  # the source in Chinese, after the status (no English, no brackets in brackets)
        source = (info or {}).get("legal_source_zh")
        return tr("legal_source", lang, status=text, source=source) if source else text
    source = (info or {}).get("legal_source")
    return f"{text} ({source})" if source else text


def _caveats(diffs: pd.DataFrame, validation: Sequence[Mapping[str, str]], scenarios: Sequence[str],
             outcomes: Sequence[str], lang: str, sections: Sequence[str]) -> list[str]:
    """Caveat sentences from the comparisons, the validation table and the folder's sections."""
    pairs = diffs["n_pairs"].astype(int)
    n = f"{pairs.min()}" if pairs.min() == pairs.max() else f"{pairs.min()}–{pairs.max()}"
    out = [tr("cav_pairs", lang, n=n, k=len(outcomes))]
    if validation:
        failed = [v for v in validation if v["passed"] == "no"]
        out.append(tr("cav_validation", lang, passed=len(validation) - len(failed), total=len(validation)))
        named = [*scenarios, *outcomes]
        for v in failed:
            related = any(re.search(rf"\b{re.escape(x)}\b", v["check"] + " " + v["obtained"]) for x in named)
            key = "cav_failed_related" if related else "cav_failed"
            check, obtained = v["check"], v["obtained"]
            if lang == "zh":  # the validation report is English: its phrases in Chinese, else a pointer to it
                check, obtained = check_zh(check), obtained_zh(obtained)
                if check is None or obtained is None:
                    out.append(tr(f"{key}_see", lang, id=v["id"]))
                    continue
            out.append(tr(key, lang, id=v["id"], check=check, obtained=obtained))
    else:
        out.append(tr("cav_no_validation", lang))
    out += [tr("cav_section", lang, name=name) for name in sections]
    return out


def brief_blocks(diffs: pd.DataFrame, manifest: Mapping[str, Any], outcomes_meta: Any, baseline: str,
                 lang: str = "en", validation: Sequence[Mapping[str, str]] = (),
                 sections: Sequence[str] = (), alpha: float = 0.05,
                 explained: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
                 posterior: pd.DataFrame | None = None) -> tuple[str, list[tuple], pd.DataFrame]:
    """The brief as report blocks (see ``experiments.analysis.report.to_markdown``).

    Args:
        diffs: ``paired_differences`` of every scenario against ``baseline`` (the report's table).
        manifest: ``name``, ``description`` (and ``name_zh``/``description_zh``), ``scenarios``:
            name -> {``description``, ``name_zh``, ``description_zh``, ``legal_status``,
            ``legal_source``}.
        outcomes_meta: outcome name -> object/dict with ``label``, ``unit``, ``label_zh``.
        baseline: the baseline scenario's name.
        lang: ``"en"`` or ``"zh"``.
        validation: rows of :func:`validation_caveats` (may be empty).
        sections: names of extra analyses present in the results folder (e.g. ``sensitivity.md``).
        alpha: family-wise error rate of the Holm correction.
        explained: the folder's explain tables (``experiments.analysis.explain_report.find``): each
            finding then names the one or two channels that carry it.
        posterior: the folder's effects over the calibration's posterior (``parameter_effects.csv``
            of a ``run --parameter-draws`` sweep), or None: a section with the headline outcomes.

    Returns:
        ``(title, blocks, findings)``: ``findings`` is the rows of ``diffs`` clear of noise,
        largest relative change first (the sentences state those on :data:`HEADLINE` and the first
        :data:`MAX_FINDINGS` others).
    """
    scen = manifest.get("scenarios") or {}

    def sname(name: Any) -> str:
        return scenario_label(str(name), scen.get(name), lang)

    d = diffs.reset_index(drop=True)
    clear = clear_of_noise(d, alpha)
    findings = (d[clear].assign(_s=d.loc[clear, "rel_change"].abs().fillna(np.inf))
                .sort_values("_s", ascending=False, kind="stable").drop(columns="_s"))
    name = str(manifest.get("name") or "experiment")
    title = tr("title", lang, name=(manifest.get("name_zh") or f"`{name}`") if lang == "zh" else name)
    blocks: list[tuple] = [("h", 1, title), ("h", 2, tr("question", lang)),
                           ("p", scenario_description(manifest, lang) or tr("no_question", lang))]
    others = list(dict.fromkeys(d["scenario"]))
    blocks += [("h", 2, tr("compared", lang)),
               ("p", tr("compared_text", lang, baseline=sname(baseline), n=len(others),
                        k=d["outcome"].nunique(), pairs=int(d["n_pairs"].max()))),
               ("ul", [f"**{sname(s)}** (`{s}`): {scenario_description(scen.get(s), lang)}".rstrip(": ")
                       for s in others])]
    blocks.append(("h", 2, tr("findings", lang)))
    if findings.empty:
        blocks.append(("p", tr("no_findings", lang)))
    else:
        lead = findings["outcome"].isin(HEADLINE)  # the headline outcomes first, then the largest changes
        top = pd.concat([findings[lead], findings[~lead].head(MAX_FINDINGS)])
        blocks += [("p", tr("findings_text", lang, n=len(findings), shown=len(top))),
                   ("ul", [_finding(r, outcomes_meta, lang, sname, baseline) + _carried(r, explained, outcomes_meta, lang)
                           for _, r in top.iterrows()])]
    rows = []
    for s in others:
        g, c = d[d["scenario"] == s], clear[d["scenario"] == s]
        moved = tr("sep_items", lang).join(_change(r, outcomes_meta, lang) for _, r in g[c].iterrows()) \
            or tr("none", lang)
        still = tr("sep_names", lang).join(outcome_label(str(o), outcomes_meta, lang)[0] for o in g.loc[~c, "outcome"])
        rows.append([f"{sname(s)}", _legal(scen.get(s), lang), moved, still or tr("none", lang)])
    blocks += [("h", 2, tr("levers", lang)), ("p", tr("levers_text", lang, baseline=sname(baseline))),
               ("table", tr("lever_cols", lang).split("|"), rows)]
    if posterior is not None and not posterior.empty:
        blocks += _posterior_blocks(posterior, outcomes_meta, lang, sname)
    outcomes = list(dict.fromkeys(d["outcome"]))
    blocks += [("h", 2, tr("caveats", lang)),
               ("ul", _caveats(d, validation, others, outcomes, lang, sections)),
               ("p", tr("method", lang, alpha=alpha))]
    return title, blocks, findings


def _posterior_blocks(t: pd.DataFrame, meta: Any, lang: str, sname: Callable[[Any], str]) -> list[tuple]:
    """The brief's section on the effects over the calibration's posterior (headline outcomes)."""
    rows = []
    for _, r in t[t["outcome"].isin(HEADLINE)].iterrows():
        label, unit = outcome_label(str(r["outcome"]), meta, lang)
        k, unit = amount_scale(unit, (r["effect"], r["low"], r["high"]), lang)
        cell = fmt_ci(*scaled((r["effect"], r["low"], r["high"]), k), sign=True, n=int(r["draws"]))
        rows.append([sname(r["scenario"]), label, f"{cell} {unit}".strip(), f"{r['same_sign']:.0%}"])
    return [("h", 2, tr("posterior", lang)),
            ("p", tr("posterior_text", lang, draws=int(t["draws"].min()), reps=int(t["replicates"].min()))),
            ("table", tr("posterior_cols", lang).split("|"), rows),
            *([("p", f"`{t.attrs['command']}`")] if t.attrs.get("command") else [])]


def write_brief(out_dir: str | Path, diffs: pd.DataFrame, manifest: Mapping[str, Any], outcomes_meta: Any,
                baseline: str, lang: str = "en", validation: Sequence[Mapping[str, str]] = (),
                sections: Sequence[str] = (),
                explained: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
                posterior: pd.DataFrame | None = None) -> dict[str, Any]:
    """Write ``brief.md`` and ``brief.html`` (``brief.zh.md``/``brief.zh.html`` in Chinese).

    Args:
        out_dir: the results folder.
        diffs: ``paired_differences`` against ``baseline``.
        manifest: see :func:`brief_blocks`.
        outcomes_meta: outcome metadata.
        baseline: baseline scenario name.
        lang: ``"en"`` or ``"zh"``.
        validation: rows of :func:`validation_caveats`.
        sections: names of extra analyses present in the folder.
        explained: the folder's explain tables, or None (see :func:`brief_blocks`).
        posterior: effects over the calibration's posterior, or None (see :func:`brief_blocks`).

    Returns:
        ``{"markdown": Path, "html": Path, "findings": DataFrame}``.
    """
    from experiments.analysis.report import to_html, to_markdown

    title, blocks, findings = brief_blocks(diffs, manifest, outcomes_meta, baseline, lang, validation, sections,
                                           explained=explained, posterior=posterior)
    out = Path(out_dir)
    stem = "brief.zh" if lang == "zh" else "brief"
    md, page = out / f"{stem}.md", out / f"{stem}.html"
    from experiments.engine.store import atomic_write_text  # a killed brief leaves no half file

    atomic_write_text(to_markdown(blocks), md)
    atomic_write_text(to_html(blocks, title, lang), page)
    return {"markdown": md, "html": page, "findings": findings}
