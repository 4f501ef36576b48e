"""The explain section (docs/EXPLAIN.md) in English and Chinese: tables, a figure and one sentence per effect
naming the channels that carry it, all from the explain table (experiments/analysis/explain.py).
Tables in, text and figures out; Mesa is imported only to draw (the font lookup in ``model.fonts``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis.explain import ALL_OFF, ALL_ON, COLUMNS, TOTAL, carriers
from experiments.analysis.i18n import lookup
from experiments.analysis.plots import outcome_label, save
from experiments.analysis.zh_style import amount_scale

TABLE, INFO = "explain.parquet", "explain.json"

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Why the reform moves the outcomes: channels", "改革为何改变结果：作用渠道分解"),
    "intro": ("{reform} against {baseline}, paired by seed ({n} seeds per variant, common random numbers), with "
              "the model's mechanism channels switched off one at a time and {how}. A channel off is off in both "
              "arms. Intervals are 95%.",
              "{reform}与{baseline}比较，按随机种子配对（每个变体 {n} 个种子，共同随机数）；逐一关闭模型的作用"
              "渠道，并{how}。关闭的渠道在两组中同时关闭。区间为 95% 置信区间。"),
    "how_exact": ("in all {v} combinations of the {k} channels (exact Shapley values)",
                  "对 {k} 个渠道的全部 {v} 种组合计算（精确 Shapley 值）"),
    "how_sampled": ("along {m} sampled orders of the {k} channels (Shapley values with their Monte Carlo error "
                    "in the intervals)", "沿 {k} 个渠道的 {m} 个随机排列计算（Shapley 值，区间含蒙特卡洛误差）"),
    "how_knockout": ("with no Shapley decomposition", "不作 Shapley 分解"),
    "totals": ("{label}: effect with every channel on {on}; with the {k} channels off {off}; total to "
               "explain {total}.", "{label}：全部渠道开启时效应 {on}；{k} 个渠道全部关闭时 {off}；"
               "待解释的总效应 {total}。"),
    "carried": ("Carried by {names}.", "主要来自{names}。"),
    "heading_unit": ("{label} ({unit})", "{label}，单位：{unit}"),
    "carried_none": ("No Shapley decomposition for this outcome.", "该结果无 Shapley 分解。"),
    "within_noise": ("The total is within noise (its interval includes 0): no channel can be said to carry it.",
                     "总效应处于随机波动范围内（区间包含 0），无法判断来自哪个渠道。"),
    "share": ("{name} ({share} of the total, {value})", "{name}（占总效应 {share}，{value}）"),
    "and": (" and ", "和"),
    "cols": ("Channel|Shapley value|Share of total|Effect with the channel off|Knockout (all on − off)",
             "渠道|Shapley 值|占总效应|关闭该渠道时的效应|关闭损失（全开 − 关闭）"),
    "fig_x": ("contribution to the reform's effect ({unit})", "对改革效应的贡献（{unit}）"),
    "fig_y": ("channel (Shapley value; knockout without a decomposition)", "渠道（Shapley 值；无分解时为关闭损失）"),
    "fig_total": ("total (all on − all off)", "总效应（全开 − 全关）"),
    "caption": ("Shapley values of the channels with 95% intervals; the grey bar is the total they add up to.",
                "各渠道的 Shapley 值及 95% 置信区间；灰色条为其加总的总效应。"),
    "command": ("Command: `{command}` ({runs} runs, {seconds} s).", "命令：`{command}`（{runs} 次运行，{seconds} 秒）。"),
    "sentence": ("{reform}'s effect on {label} is carried by {names}.", "{reform}对{label}的效应主要来自{names}。"),
}


def t(key: str, lang: str, **fields: Any) -> str:
    return lookup(TEXT, key, lang, **fields)


def channel_name(name: str, info: Mapping[str, Any], lang: str) -> str:
    """Display name of a channel (the tree's Chinese label in Chinese, when known)."""
    zh = (info.get("channel_labels") or {}).get(name)
    if lang == "zh" and zh:
        return str(zh).removeprefix("渠道：")
    return name.replace("_", " ")


def _ci(r: Mapping[str, Any], pct: bool = False, k: float = 1.0) -> str:
    """Estimate [interval] of a row, divided by ``k`` (10^4 or 10^8 for amounts in 万元/亿元)."""
    f = (lambda x: f"{x:+.0%}") if pct else (lambda x: f"{x / k:+.4g}")
    if not np.isfinite(r["ci_low"]):
        return f(r["estimate"])
    return f"{f(r['estimate'])} [{f(r['ci_low'])}, {f(r['ci_high'])}]"


def _u(value: str, unit: str) -> str:
    return f"{value} {unit}" if unit else value


def _scale(rows: Any, unit: str, lang: str) -> tuple[float, str]:
    """Divisor and unit of an outcome's figures (``rows``: estimate and interval columns)."""
    return amount_scale(unit, np.ravel(pd.DataFrame(rows)[["estimate", "ci_low", "ci_high"]].to_numpy(float)), lang)


def carried_by(table: pd.DataFrame, reform: str, outcome: str, info: Mapping[str, Any], meta: Any,
               lang: str) -> str:
    """The one or two channels carrying an effect, as a phrase ("" when there is no decomposition)."""
    top = carriers(table, reform, outcome)
    k, unit = _scale(top, outcome_label(outcome, meta, lang)[1], lang) if len(top) else (1.0, "")
    parts = [t("share", lang, name=channel_name(str(r["channel"]), info, lang),
               share=f"{r['share']:.0%}" if np.isfinite(r["share"]) else "?", value=_u(_ci(r, k=k), unit))
             for _, r in top.iterrows()]
    return t("and", lang).join(parts)


def blocks(table: pd.DataFrame, info: Mapping[str, Any], meta: Any, lang: str,
           figure: str | None = None) -> list[tuple]:
    """The section as report blocks (``experiments.analysis.report.to_markdown``)."""
    k, method = len(info.get("channels") or []), str(table["method"].iloc[0])
    how = t(f"how_{method}", lang, k=k, v=info.get("variants", 2 ** k), m=int(table["permutations"].iloc[0]))
    reform, base = str(table["reform"].iloc[0]), str(table["baseline"].iloc[0])
    n = int(table["n_seeds"].min())
    out: list[tuple] = [("h", 2, t("title", lang)), ("p", t("intro", lang, reform=f"`{reform}`",
                                                           baseline=f"`{base}`", n=n, how=how))]
    for o, g in table.groupby("outcome", sort=False):
        label, unit = outcome_label(str(o), meta, lang)
        div, unit = _scale(g, unit, lang)  # 1 except amounts in Chinese: the table's cells are then in `unit`
        one = {(r["kind"], r["channel"]): r for _, r in g.iterrows()}
        out.append(("h", 3, label if div == 1 else t("heading_unit", lang, label=label, unit=unit)))
        out.append(("p", t("totals", lang, label=label, k=k, on=_u(_ci(one[("effect", ALL_ON)], k=div), unit),
                           off=_u(_ci(one[("effect", ALL_OFF)], k=div), unit),
                           total=_u(_ci(one[("total", TOTAL)], k=div), unit))))
        phrase = carried_by(table, reform, str(o), info, meta, lang)
        none = "within_noise" if ("shapley", (info.get("channels") or [""])[0]) in one else "carried_none"
        out.append(("p", t("carried", lang, names=phrase) if phrase else t(none, lang)))
        rows = []
        for c in info.get("channels") or []:
            sh = one.get(("shapley", c))
            rows.append([channel_name(c, info, lang), _ci(sh, k=div) if sh is not None else "–",
                         f"{sh['share']:.0%}" if sh is not None and np.isfinite(sh["share"]) else "–",
                         _ci(one[("effect_without", c)], k=div), _ci(one[("knockout", c)], k=div)])
        out.append(("table", t("cols", lang).split("|"), rows))
    if figure:
        out.append(("fig", figure, t("caption", lang)))
    if info.get("command"):
        out.append(("p", t("command", lang, command=info["command"], runs=info.get("runs", "?"),
                        seconds=info.get("seconds", "?"))))
    return out


def figure(table: pd.DataFrame, info: Mapping[str, Any], meta: Any, lang: str) -> Figure:
    """Bars of the Shapley values (knockouts without a decomposition) with 95% intervals, a panel per
    outcome, and the total they add up to."""
    kind = "shapley" if (table["kind"] == "shapley").any() else "knockout"
    outs = list(dict.fromkeys(table["outcome"]))
    k = len(info.get("channels") or [])
    fig = Figure(figsize=(7.0, 1.2 + (0.32 * (k + 1) + 0.6) * len(outs)), layout="constrained")
    axes = fig.subplots(len(outs), 1, squeeze=False)[:, 0]
    for ax, o in zip(axes, outs):
        g = table[table["outcome"] == o]
        bars = g[g["kind"] == kind]
        tot = g[g["kind"] == "total"]
        rows = pd.concat([bars, tot])
        names = [channel_name(str(c), info, lang) for c in bars["channel"]] + [t("fig_total", lang)]
        y = np.arange(len(rows))[::-1]
        est = rows["estimate"].to_numpy(float)
        err = np.vstack([est - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - est])
        colors = ["tab:blue"] * len(bars) + ["tab:gray"]
        ax.barh(y, est, color=colors, xerr=np.nan_to_num(err), capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, names)
        label, unit = outcome_label(str(o), meta, lang)
        ax.set_title(label)
        ax.set_xlabel(t("fig_x", lang, unit=unit or "–"))
        ax.set_ylabel(t("fig_y", lang))
    return fig


def report_blocks(out: str | Path, found: tuple[pd.DataFrame, Mapping[str, Mapping[str, Any]]], meta: Any,
                  lang: str) -> tuple[list[Path], list[tuple]]:
    """The explain sections of an evidence report (one per reform explained), with their figures drawn
    into ``out/figures`` (``explain_REFORM.png``, ``.zh.png``); the caller holds the font context."""
    table, infos = found
    paths, out_blocks = [], []
    for reform, g in table.groupby("reform", sort=False):
        info = infos.get(str(reform)) or {"channels": list(dict.fromkeys(g["channel"][g["kind"] == "knockout"]))}
        name = f"explain_{reform}{'.zh' if lang == 'zh' else ''}.png"
        paths.append(save(figure(g, info, meta, lang), Path(out) / "figures" / name))
        out_blocks += blocks(g, info, meta, lang, figure=f"figures/{name}")
    return paths, out_blocks


def channel_labels(channels: Sequence[str]) -> dict[str, str]:
    """Chinese labels of the model's channels (empty for channels the model does not declare)."""
    try:
        from model.param_channels import DECLARED, MechanismChannels
    except ImportError:
        return {}
    fields = MechanismChannels.model_fields
    zh = {**{c: DECLARED[c].zh for c in DECLARED}, **{c: f.json_schema_extra["zh"] for c, f in fields.items()}}
    return {c: zh[c] for c in channels if c in zh}


def find(folder: str | Path) -> tuple[pd.DataFrame, dict[str, dict]] | None:
    """The explain tables of a results folder: its own ``explain.parquet`` and those of its
    ``explain_*/`` subfolders (``explain``'s default output inside the experiment's folder).

    Returns:
        (all tables stacked, reform -> its explain.json), or None when there is none.

    Raises:
        ValueError: a table that is not an explain table (the message names it).
    """
    root = Path(folder)
    paths = [p for p in [root / TABLE, *sorted(root.glob(f"explain_*/{TABLE}"))] if p.is_file()]
    if not paths:
        return None
    tables, infos = [], {}
    for p in paths:
        df = pd.read_parquet(p)
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            raise ValueError(f"{p}: not an explain table (column {missing[0]!r} missing)")
        tables.append(df)
        meta = p.with_name(INFO)
        info = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        infos[str(df["reform"].iloc[0])] = info
    return pd.concat(tables, ignore_index=True), infos
