"""The report's own words in English and Chinese, and the Chinese labels of declared names.

The evidence report, its figures and the policy brief are written from one set of tables; only
the words change with the language. Headings, notes and axis texts live in :data:`TEXT`
(key -> English, Chinese), each a ``str.format`` template. The labels of outcomes, scenarios
and units are not repeated here: they are read from where they are declared (an outcome's
``label_zh``, a scenario file's ``name_zh``/``description_zh``, the unit glossary
``model.i18n.UNITS_ZH``), with the English label as the fallback. Nothing here imports Mesa.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

LANGS = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {
    # report headings and notes
    "report_title": ("Experiment report", "实验报告"),
    "scenarios": ("Scenarios", "情景"),
    "summary": ("Summary", "结果汇总"),
    "summary_note": ("Mean of each key outcome across replications with its {pct} percentile-bootstrap "
                     "confidence interval, per scenario.",
                     "各情景主要结果在各次重复运行中的均值，方括号内为 {pct} 百分位自助法置信区间。"),
    "col_scenario": ("Scenario", "情景"),
    "col_runs": ("Runs", "运行次数"),
    "col_mean_ci": ("{label}, mean [{pct} CI]", "{label}，均值 [{pct} 置信区间]"),
    "differences": ("Differences from the baseline (`{baseline}`)", "与{baseline}的差异"),
    "diff_note": ("Scenario minus baseline, computed on runs paired by replicate (common random "
                  "numbers). p-values: {test} test; p (Holm): Holm–Bonferroni-adjusted across the "
                  "outcomes of each row group (scenario, and factor setting if any; settings are not "
                  "corrected against each other).",
                  "情景减基线，按重复编号配对计算（共同随机数）。p 值：{test}检验；p（Holm）：在每组"
                  "（情景，及因子取值）的各结果之间作 Holm–Bonferroni 校正（不同因子取值之间不校正）。"),
    "wilcoxon": ("Wilcoxon signed-rank", "Wilcoxon 符号秩"),
    "ttest": ("paired t", "配对 t "),
    "col_outcome": ("Outcome (unit)", "结果（单位）"),
    "col_pairs": ("Pairs", "配对数"),
    "col_diff": ("Difference [{pct} CI]", "差异 [{pct} 置信区间]"),
    "col_rel": ("Relative change [{pct} CI]", "相对变化 [{pct} 置信区间]"),
    "col_d": ("Cohen's d_z [{pct} CI]", "Cohen d_z [{pct} 置信区间]"),
    "col_p": ("p", "p"),
    "col_holm": ("p (Holm)", "p（Holm）"),
    "col_sig": ("Sig.", "显著性"),
    "wilcoxon_floor": ("**Note:** with {n} pairs the smallest Wilcoxon p-value possible is {pmin:.3f}, "
                       "so after Holm correction over {k} outcomes no difference can be significant at "
                       "0.05, however large; run more replications (or use the paired t-test) and read "
                       "the confidence intervals.",
                       "**注意：**只有 {n} 个配对时，Wilcoxon 检验可能的最小 p 值为 {pmin:.3f}，经 {k} "
                       "个结果的 Holm 校正后，任何差异都不可能在 0.05 水平上显著；请增加重复次数（或改用"
                       "配对 t 检验），并以置信区间为准。"),
    "no_pair_baseline": ("No paired comparison: the runs hold no baseline scenario `{baseline}` to "
                         "compare with.", "无法配对比较：运行结果中没有基线情景 {baseline}。"),
    "no_pair_error": ("Paired comparison not possible: {error}.", "无法配对比较：{error}。"),
    "no_rows": ("No comparison rows.", "没有可比较的行。"),
    # outcomes by place (experiments/analysis/report_place.py)
    "place_title": ("Outcomes by place", "分地区结果"),
    "place_note": ("The aggregate hides the villages: quality delivered is weighted by people served, so the "
                   "few city contracts weigh most. Below, each outcome for the services of each level of "
                   "government (city, town, village) and for the households of the villages in each distance "
                   "band from the county centre (a band's quality counts every contract serving its "
                   "households: its village's, its town's and the city's; its no-bid rate the procurement "
                   "attempts for places in the band), and the far-minus-centre gap (farthest band minus the "
                   "nearest; for quality, coverage and satisfaction a negative gap means the far villages "
                   "fare worse, for the no-bid rate a positive one); then the village services alone by band "
                   "(each village's own services, without the city's and towns' that all share) and their "
                   "gap. Means and differences from {baseline} (paired by replicate) with {pct} bootstrap confidence intervals; satisfaction is held by "
                   "households, who all live in villages, so it has no split by level.",
                   "总体指标掩盖了村级：实际服务质量按服务人口加权，少数市级合同权重最大。下表给出各结果按政府"
                   "层级（市、镇、村）的服务和按距县城距离带的村民户的取值（某距离带的服务质量计入服务其住户的"
                   "全部合同：本村、本镇和市级；无人揭榜率计入该带地点的采购），以及远近差距（最远距离带减最近"
                   "距离带；质量、覆盖率和满意度为负、无人揭榜率为正表示远村更差）；然后仅看村级服务（各村自己的服务，"
                   "不含各户共享的市级和镇级服务）按距离带的取值及其远近差距。均值及与{baseline}的差异"
                   "（按重复编号配对），方括号内为 {pct} 自助法置信区间；满意度属于住户，住户都住在村里，"
                   "因此没有按层级的拆分。"),
    "place_col": ("Place", "地区"),
    "place_all": ("All (the aggregate)", "全部（总体）"),
    "place_city": ("City services", "市级服务"),
    "place_town": ("Town services", "镇级服务"),
    "place_village": ("Village services", "村级服务"),
    "place_band": ("Distance band {b}{km}", "距离带 {b}{km}"),
    "place_gap": ("Far minus centre (band {n} − band 1)", "远近差距（距离带 {n} − 距离带 1）"),
    "place_km": ("km", "公里"),
    "place_village_band": ("Village services, {band}", "村级服务，{band}"),
    "place_village_gap": ("Village services, far minus centre (band {n} − band 1)",
                          "村级服务远近差距（距离带 {n} − 距离带 1）"),
    "place_means": ("{scenario}: mean [CI]", "{scenario}：均值 [置信区间]"),
    "place_diffs": ("{scenario} minus {baseline}: difference [CI]", "{scenario}减{baseline}：差异 [置信区间]"),
    "figures": ("Figures", "图"),
    "figure_n": ("Figure {i}. {caption}", "图 {i}. {caption}"),
    "cap_forest": ("Paired differences from the baseline with {pct} paired-bootstrap CIs; filled markers "
                   "are significant after Holm correction.",
                   "与基线的配对差异及 {pct} 配对自助法置信区间；实心点为 Holm 校正后显著。"),
    "cap_timeseries": ("{label} by month: mean across replications with its {pct} t-interval band, per "
                       "scenario.", "{label}逐月变化：各情景重复运行的均值及 {pct} t 区间带。"),
    "cap_level": ("No-bid rate by administrative level of the buyer, mean with {pct} bootstrap CI.",
                  "按购买主体层级的无人揭榜率（无人投标比例），均值及 {pct} 自助法置信区间。"),
    "cap_distance": ("Share of tenders receiving no bid, by distance band, with Wilson {pct} CIs "
                     "(tenders pooled over runs).",
                     "按距离分段的无人投标招标比例及 Wilson {pct} 置信区间（各次运行的招标合并）。"),
    "cap_gaming": ("Gaming gap against administrative staff cost per scenario, means with {pct} CIs.",
                   "各情景“突击迎检”差距与行政人员成本，均值及 {pct} 置信区间。"),
    "cap_frontier": ("Quality against spend per setting; the red line joins the non-dominated settings.",
                     "各设置的服务质量与支出；红线连接非劣（帕累托最优）设置。"),
    "cap_heatmap": ("{label} over the factor grid in scenario `{scenario}` (mean of runs per cell).",
                    "情景 {scenario} 中{label}在因子网格上的分布（每格为运行均值）。"),
    "heatmap_title": ("{label}, scenario {scenario}\n(mean of runs per cell)",
                      "{label}，情景 {scenario}\n（每格为运行均值）"),
    "ce_title": ("Full public cost and cost-effectiveness", "公共财政总成本与成本效益"),
    "ce_note": ("Full public cost (`public_cost`, yuan/year) = payments to contractors, posts and subsidies "
                "(`spend`) + procurement, approval and monitoring staff (`admin_cost`) + in-house provision "
                "(`inhouse_cost`) + the reforms' own running costs (`reform_cost`: publicity, KPI design, "
                "disclosure platform, citizens' rating, demand survey, incubation; illustrative estimates, "
                "model/param_costs.py) − repaid overclaims and fines, over the years after the warm-up. First "
                "table: {baseline} with its parts (mean [{pct} t-interval over replications]). Second table: "
                "changes against {baseline} paired by replicate ({pct} t-intervals); quality is "
                "`service_quality`, every catalogue item-location's quality (contract or in-house, 0 where "
                "unserved) weighted by the people it serves, the denominator of `cost_per_quality`. Cost per quality gained = Δ public cost / "
                "Δ quality × 0.01 (yuan/year per 0.01 of quality; percentile bootstrap over the pairs), "
                "given only where the quality gain's interval is above 0.",
                "公共财政总成本（`public_cost`，元/年）= 向承接方、岗位和补贴的支付（`spend`）+ 采购、审批和监管人员成本"
                "（`admin_cost`）+ 自办成本（`inhouse_cost`）+ 改革自身运行成本（`reform_cost`：宣传、量化指标设计、公示平台、"
                "民主测评、需求调查、孵化培育；均为示意性估计，见 `model/param_costs.py`）− 追回的冒领资金和罚款，按预热期"
                "之后的年份计算。第一张表：{baseline}及其构成（均值 [重复运行的 {pct} t 区间]）。第二张表：按重复编号与"
                "{baseline}配对的变化（{pct} t 区间）；质量指 `service_quality`，即每个目录事项点位的质量（购买或自办，"
                "未获服务为 0），按服务人口加权，也是 `cost_per_quality` 的分母。单位质量提升成本 = Δ公共成本 / Δ质量 × 0.01（每提升 "
                "0.01 质量的元/年；配对自助法百分位区间），仅在质量提升区间高于 0 时给出。"),
    "ce_parts_cols": ("Cost ({unit})|Baseline, mean [{pct} CI]", "成本（{unit}）|基线均值 [{pct} 置信区间]"),
    "ce_cols": ("Scenario|Pairs|Δ public cost, {unit_cost} [{pct} CI]|Δ service quality, 0–1 [{pct} CI]|"
                "Δ village no-bid rate, share [{pct} CI]|Cost per 0.01 quality gained, {unit_gain} [{pct} CI]",
                "情景|配对数|Δ公共财政总成本，{unit_cost} [{pct} 置信区间]|Δ全部服务质量，0–1 [{pct} 置信区间]|"
                "Δ村级无人揭榜率，比例 [{pct} 置信区间]|每提升 0.01 质量的成本，{unit_gain} [{pct} 置信区间]"),
    "ce_loss": ("quality falls (no gain to price)", "质量下降（无提升可计价）"),
    "ce_unclear": ("quality change not clear of 0", "质量变化与 0 无显著差别"),
    "rob_title": ("Robustness over the parameter space", "参数空间上的稳健性"),
    "rob_note": ("Does each reform's effect keep its sign where the parameters that drive the results are "
                 "uncertain? A Latin hypercube over them ({describe}); per reform and outcome: the paired effect "
                 "at the defaults [95% CI], the share of points whose point estimate has the same sign, and the "
                 "shares where the effect keeps that sign with its 95% interval clear of zero (kept) or has "
                 "the opposite sign clear of zero (reversed), each with its exact 95% interval; then the "
                 "parameters whose partial rank correlation with the effect is strongest. Made by `{command}` "
                 "(commit {commit}); the full table with every check is docs/VALIDATION.md.",
                 "当驱动结果的参数不确定时，各项改革的效果是否保持方向？对这些参数作拉丁超立方抽样（设计：{describe}）；"
                 "每项改革和结果：默认参数下的配对效果 [95% 置信区间]，点估计方向相同的点所占比例，效果保持该方向且 95% "
                 "区间不含 0 的比例（保持）以及方向相反且区间不含 0 的比例（反转），各附精确 95% 区间；最后是与效果偏秩"
                 "相关最强的参数。由 `{command}` 生成，代码版本 `{commit}`；完整表格及全部检验见 docs/VALIDATION.md。"),
    "rob_cols": ("Reform|Outcome|Effect at defaults [95% CI]|Same sign|Kept [95% CI]|Reversed [95% CI]|Decided by",
                 "改革|结果|默认参数下的效果 [95% 置信区间]|方向相同|保持 [95% 置信区间]|反转 [95% 置信区间]|决定因素"),
    "section_en": ("The results folder also holds {name}.", "结果目录中另有 `{name}`，由相应命令以英文写成，请与本报告一并阅读。"),
    "params": ("Parameters that differ from the baseline", "与基线不同的参数"),
    "no_params": ("No parameter differences recorded.", "未记录参数差异。"),
    "param_cols": ("Scenario|Parameter|Value|Baseline value", "情景|参数|取值|基线取值"),
    "factors_varied": ("Factors varied across runs: {factors}.", "各次运行中变化的因子：{factors}。"),
    "how_to_read": ("How to read this report", "阅读说明"),
    "how_text": ("Each scenario was run {reps} times (replications) with different random seeds. "
                 "Replicate k of every scenario uses the same seed as replicate k of the baseline "
                 "(common random numbers), so differences are computed pair by pair and reflect the "
                 "policy change rather than chance. Brackets give {pct} confidence intervals: "
                 "percentile bootstrap ({n_boot} resamples) over replications for means, and over "
                 "pairs for differences, relative changes and effect sizes (Cohen's d_z = mean paired "
                 "difference / its standard deviation). Because several outcomes are tested per "
                 "scenario, p-values are corrected with the Holm–Bonferroni method; marks: * p < 0.05, "
                 "** p < 0.01, *** p < 0.001, ns not significant. \"CI n/a\" means a single run, for "
                 "which no interval can be computed.",
                 "每个情景以不同随机种子运行 {reps} 次（重复）。各情景的第 k 次重复与基线的第 k 次重复使用"
                 "同一种子（共同随机数），因此差异逐对计算，反映的是政策变化而非偶然。方括号内为 {pct} "
                 "置信区间：均值为各次重复上的百分位自助法（{n_boot} 次重抽样），差异、相对变化和效应量"
                 "（Cohen d_z = 平均配对差异 / 其标准差）为各配对上的自助法。每个情景检验多个结果，p 值"
                 "用 Holm–Bonferroni 方法校正；标记：* p < 0.05，** p < 0.01，*** p < 0.001，ns 不显著。"
                 "“CI n/a”表示只有一次运行，无法计算区间。数值与英文报告完全相同（同一张表生成）。"),
    "provenance": ("Provenance", "来源与可复现信息"),
    "prov_cols": ("Item|Value", "项目|值"),
    "no_manifest": ("No manifest was given.", "未提供实验清单（manifest）。"),
    "runs_count": ("Runs in this report: {n} (count).", "本报告包含的运行：{n} 次。"),
    "none": ("none", "无"),
    # figures
    "month_axis": ("Month (months since the start of the run)", "月份（自运行开始的月数）"),
    "warm_up": ("warm-up (left out of the summaries)", "预热期（不计入汇总）"),
    "ts_title": ("{label} over time: mean across replications with band", "{label}随时间变化：重复运行均值及区间带"),
    "diff_axis": ("Difference in {label} ({unit})", "{label}差异（{unit}）"),
    "rel_axis": ("Change in {label} (%)", "{label}变化（%）"),
    "units": ("units", "单位"),
    "group_axis": ("{by} (name)", "{by}（名称）"),
    "sig_holm": ("significant (Holm)", "显著（Holm 校正）"),
    "not_sig": ("not significant", "不显著"),
    "forest_title": ("Paired differences against the baseline (mean and CI)", "与基线的配对差异（均值及置信区间）"),
    "setting_ci": ("setting (mean, CI)", "设置（均值，置信区间）"),
    "pareto": ("Pareto front", "帕累托前沿"),
    "frontier_title": ("Quality–cost frontier", "质量–成本前沿"),
    "level_axis": ("Buyer level (city / town / village)", "购买主体层级（市 / 镇 / 村）"),
    "level_title": ("{label} by level (mean and CI across replications)", "按层级的{label}（重复运行均值及置信区间）"),
    "band_axis": ("Distance band (km)", "距离分段（公里）"),
    "no_bid_axis": ("No-bid rate (share of tenders, 0–1)", "无人投标率（招标份数比例，0–1）"),
    "no_bid_title": ("No-bid rate by distance (Wilson {pct} CI)", "按距离的无人投标率（Wilson {pct} 置信区间）"),
    "all_tenders": ("all tenders", "全部招标"),
    "gaming_title": ("{y} against {x} (mean, CI)", "{y}与{x}（均值，置信区间）"),
    "scenario": ("scenario", "情景"),
    "simplex_title": ("{label} over the weight simplex\n(remaining weight = 1 − x − y; mean of runs per cell)",
                      "{label}在权重单纯形上的分布\n（其余权重 = 1 − x − y；每格为运行均值）"),
}
"""Message key -> (English, Chinese) template."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGS` (the message names the allowed ones).
    """
    if lang not in LANGS:
        raise ValueError(f"--lang {lang!r}: unknown language; allowed: {', '.join(LANGS)}")
    return lang


def lookup(table: Mapping[str, tuple[str, str]], key: str, lang: str, **fields: Any) -> str:
    """Message ``key`` of ``table`` (key -> (English, Chinese)) in ``lang``, formatted with ``fields``."""
    en, zh = table[key]
    return (zh if check_lang(lang) == "zh" else en).format(**fields)


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """The report message ``key`` (:data:`TEXT`) in ``lang``, formatted with ``fields``."""
    return lookup(TEXT, key, lang, **fields)


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **fields)`` bound to one language."""
    check_lang(lang)
    return lambda key, **fields: text(key, lang, **fields)


def _get(meta: Any, key: str) -> Any:
    if meta is None:
        return None
    return meta.get(key) if isinstance(meta, Mapping) else getattr(meta, key, None)


def unit_text(unit: str, lang: str = "en") -> str:
    """A declared unit in ``lang`` (Chinese from the glossary ``model.i18n.UNITS_ZH``)."""
    if check_lang(lang) == "en" or not unit:
        return unit
    from model.i18n import unit_zh  # lazy: importing `model` loads Mesa

    return unit_zh(unit)


def label_text(meta: Any, english: str, lang: str = "en", key: str = "label_zh") -> str:
    """The Chinese label declared on ``meta`` (attribute or key ``key``), else ``english``."""
    if check_lang(lang) == "en":
        return english
    return str(_get(meta, key) or english)


def scenario_label(name: str, info: Mapping[str, Any] | None, lang: str = "en") -> str:
    """A scenario's display name: its ``name_zh`` in Chinese, its name in English."""
    return label_text(info, name, lang, "name_zh")


def scenario_description(info: Mapping[str, Any] | None, lang: str = "en") -> str:
    """A scenario's description in ``lang``: ``description_zh`` in Chinese ("" when it has none: a Chinese page
    shows no English sentence), else English."""
    if check_lang(lang) == "zh":
        return str(_get(info, "description_zh") or "")
    return str(_get(info, "description") or "")
