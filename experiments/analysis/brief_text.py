"""The policy brief's sentence templates in English and Chinese, and the legal-status vocabulary.

Every template is filled in from one row of the paired-comparison table (or from the
validation table), so a sentence states exactly the numbers behind it. Legal status is one of
three: current law, the 2019 Penglai article's practice, or a counterfactual that needs a rule
change; a scenario file names its status in ``legal_status`` (one of ``model.i18n.LEGAL_STATUS``) and
the source in ``legal_source``.
"""

from __future__ import annotations

from typing import Any

from experiments.analysis.i18n import lookup

BRIEF_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Policy brief: {name}", "政策简报：{name}"),
    "question": ("The question", "问题"),
    "no_question": ("(The experiment file gives no description.)", "（实验文件未给出中文说明。）"),
    "compared": ("Scenarios compared", "比较的情景"),
    "compared_text": ("{n} scenarios are compared with the baseline, {baseline}, on {k} outcomes, each "
                      "with up to {pairs} replications paired by seed (common random numbers).",
                      "以“{baseline}”为基线，{n} 个情景在 {k} 项结果上与之比较，每项最多 {pairs} 次按随机种子"
                      "配对的重复运行（共同随机数）。"),
    "findings": ("Findings clear of noise", "与基线差异显著的发现"),
    "findings_text": ("{n} comparisons differ from the baseline beyond noise (95% interval excludes zero "
                      "and Holm-adjusted p < 0.05); those on service quality and the village no-bid measures "
                      "first, then the largest other relative changes ({shown} in all):",
                      "共 {n} 项比较与基线差异显著（95% 置信区间不含零，且经 Holm 校正后 p < 0.05）。下列 {shown} 项"
                      "先列服务质量和村级无人揭榜指标，再列相对变化最大的其他结果："),
    "no_findings": ("No comparison differs from the baseline beyond noise (no 95% interval excludes zero "
                    "with a Holm-adjusted p < 0.05).",
                    "没有任何比较与基线差异显著：没有一项结果的 95% 置信区间不含零且经 Holm 校正后 p < 0.05。"),
    "finding": ("{scenario}: {label} {direction} against {baseline}, by {diff} {unit} ({rel}; 95% intervals, {n} "
                "pairs; Holm-adjusted p = {p}).",
                "{scenario}：{label}较{baseline}{direction}，差异 {diff} {unit}，相对变化 {rel}（方括号内为 95% "
                "置信区间，{n} 对配对运行；经 Holm 校正 p = {p}）。"),
    "carried": (" It is carried by {names} (the channel's Shapley value or knockout as a share of the effect, "
                "`explain`; docs/VALIDATION.md).",
                "该效应主要来自{names}；比例为该渠道的 Shapley 值或关闭该渠道后的变化占总效应之比，由 explain 命令计算。"),
    "posterior": ("Over the calibration's parameter uncertainty", "计入校准参数不确定性后的效应"),
    "posterior_text": ("The same comparisons at {draws} draws of the calibrated parameters (the calibration's "
                       "posterior, docs/VALIDATION.md) × {reps} replications, common random numbers: the effect, "
                       "its 95% interval including parameter uncertainty, and the share of draws in which the "
                       "effect keeps its sign.",
                       "在校准参数的 {draws} 组抽样（校准后验分布，见 docs/VALIDATION.md）上各重复 {reps} 次、使用共同随机数"
                       "重做同样的比较：效应、计入参数不确定性的 95% 区间，以及效应方向不变的抽样所占比例。"),
    "posterior_cols": ("Scenario|Outcome|Effect [95% interval]|Same sign in", "情景|结果|效应及 95% 区间|方向不变的比例"),
    "up": ("rises", "上升"),
    "down": ("falls", "下降"),
    "change": ("{label} {diff} {unit} ({rel})", "{label} {diff} {unit}，相对变化 {rel}"),
    "levers": ("Each lever: legal status, what moved, what did not", "各项措施：法律地位、显著变化与无显著变化的结果"),
    "levers_text": ("Differences against {baseline} with 95% intervals; \"did not separate\" lists the "
                    "outcomes whose difference is within noise.",
                    "与{baseline}的差异及 95% 置信区间；“无显著差异”一栏列出差异处于随机波动范围内的结果。"),
    "lever_cols": ("Scenario|Legal status|Clear of noise|Did not separate from the baseline",
                   "情景|法律地位|差异显著的结果|无显著差异"),
    "legal_unknown": ("not declared in the scenario file", "情景文件未声明"),
    "legal_source": ("{status} ({source})", "{status}；依据：{source}"),
    "none": ("none", "无"),
    "sep_items": ("; ", "；"),
    "sep_names": (", ", "、"),
    "caveats": ("Caveats", "注意事项"),
    "cav_pairs": ("Each comparison rests on {n} paired replications; Holm's correction runs over "
                  "the {k} outcomes of each scenario.",
                  "每项比较基于 {n} 次配对重复；Holm 校正在每个情景的 {k} 项结果之间进行。"),
    "cav_validation": ("The model passes {passed} of {total} validation checks (docs/VALIDATION.md).",
                       "模型通过了 {total} 项验证检验中的 {passed} 项（docs/VALIDATION.md）。"),
    "cav_failed_related": ("Check {id} fails and concerns this brief: {check} — obtained {obtained}.",
                           "检验 {id} 未通过，且与本简报相关：{check}；结果：{obtained}。"),
    "cav_failed": ("Check {id} fails: {check} — obtained {obtained}.",
                   "检验 {id} 未通过：{check}；结果：{obtained}。"),
    "cav_failed_see": ("Check {id} fails (docs/VALIDATION.md).", "检验 {id} 未通过，详见 docs/VALIDATION.md。"),
    "cav_failed_related_see": ("Check {id} fails and concerns this brief (docs/VALIDATION.md).",
                               "检验 {id} 未通过，且与本简报相关，详见 docs/VALIDATION.md。"),
    "cav_no_validation": ("No validation report was found (run `python -m experiments validate`).",
                          "未找到验证报告，请运行 `python -m experiments validate`。"),
    "cav_section": ("The results folder also holds {name}; read it with the report.",
                    "结果目录中另有 {name}，请与报告一并阅读。"),
    "method": ("Method: scenario minus baseline on runs paired by replicate; 95% paired-bootstrap "
               "intervals; Wilcoxon signed-rank p-values, Holm-adjusted (family-wise error {alpha}). "
               "Every sentence above is generated from the comparison table of the evidence report.",
               "方法：按重复编号配对，情景减基线；95% 配对自助法置信区间；Wilcoxon 符号秩检验 p 值，"
               "经 Holm 校正（族错误率 {alpha}）。以上每一句均由证据报告中的比较表自动生成。"),
    # the notebooks' reading of a comparison (experiments.analysis.brief.reading_lines)
    "reading_head": ("{label} ({unit}): scenario − baseline, mean [95% CI], Holm-adjusted p",
                     "{label}（{unit}）：情景 − 基线，均值 [95% 置信区间]，Holm 校正 p"),
    "no_clear": ("no clear difference (the CI includes 0)", "无明显差异（置信区间包含 0）"),
    "higher": ("higher than the baseline", "高于基线"),
    "lower": ("lower than the baseline", "低于基线"),
    "better": (" (better)", "（更好）"),
    "worse": (" (worse)", "（更差）"),
    "suggestive": ("suggestive only, not significant after Holm: {verdict}", "仅为提示，Holm 校正后不显著：{verdict}"),
}
"""Brief message key -> (English, Chinese) template."""


def tr(key: str, lang: str, **fields: Any) -> str:
    """The brief message ``key`` in ``lang``, formatted with ``fields``."""
    return lookup(BRIEF_TEXT, key, lang, **fields)
