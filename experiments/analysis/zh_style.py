"""Chinese house style of the report and the brief: amounts in 万元/亿元, and the Chinese of the
English phrases other commands write (the validation report's check names and results, the robustness
screen's design and drivers).

Amounts: an amount in yuan is written in 万元 from 10,000 and in 亿元 from 100,000,000 (the convention of
Chinese budget documents), with the same significant digits as the English figure — the number is the
same, only divided by 10^4 or 10^8 before the report's rounding (``fmt_ci`` rounds to the interval's
width, so dividing by a power of ten keeps the digits). Phrases: the validation report and the screen are
written in English by ``experiments/studies``; here their fixed wording is translated phrase by phrase, and
a phrase without a translation is not shown in Chinese (the sentence points to docs/VALIDATION.md instead),
so no English reaches a Chinese page. Names of outcomes and parameters stay as code in backticks. Nothing
here imports Mesa.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

WAN, YI = 1e4, 1e8
"""万 and 亿 (yuan)."""


def amount_scale(unit: str, values: Iterable[float], lang: str) -> tuple[float, str]:
    """The divisor and unit in which amounts are written.

    Args:
        unit: the unit as shown in ``lang`` (Chinese from the glossary: ``"元/年"``, ``"元"`` …).
        values: the figures to be written in it (point estimates and interval bounds; NaN ignored).
        lang: ``"en"`` or ``"zh"``.

    Returns:
        ``(1.0, unit)`` in English, for a unit that is not yuan, or when every |value| < 10,000;
        else ``(1e4, "万" + unit)`` below 10^8 and ``(1e8, "亿" + unit)`` from 10^8 (by the largest |value|).
    """
    if lang != "zh" or not unit.startswith("元"):
        return 1.0, unit
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    top = max(finite, default=0.0)
    if top >= YI:
        return YI, f"亿{unit}"
    if top >= WAN:
        return WAN, f"万{unit}"
    return 1.0, unit


def scaled(values: Iterable[float], divisor: float) -> list[float]:
    """``values`` divided by ``divisor`` (None kept as NaN)."""
    return [float("nan") if v is None else float(v) / divisor for v in values]


CHECKS_ZH = {
    "First-price procurement auction: mean winning price = closed form (n = 2…8)":
        "一级价格采购拍卖：平均中标价等于解析解，n = 2…8",
    "Entry with participation costs": "存在投标成本时的参与决策",
    "Non-contractible quality falls under price pressure (HSV)": "价格压力下不可契约化质量下降，即 HSV 模型的结论",
    "Scoring auction buys quality at a higher price than lowest price": "综合评分法以高于最低价法的价格换取更高质量",
    "Award weight on reputation → incumbents' effort (winners fixed)": "评标中声誉权重提高，在位承接主体更加努力（中标者固定）",
    "Longer, wider blacklist → less overclaiming (winners fixed)": "黑名单期限更长、范围更广，冒领减少（中标者固定）",
    "Grassroots tenders draw no bid (无人揭榜)": "基层项目无人揭榜",
    "Campaign-style performance for announced inspections (突击迎检)": "事先通知的检查引发突击迎检",
    "Thin supplier markets (市场竞争机制没有建立)": "承接主体少，市场竞争机制没有建立",
    "Incomplete adoption for want of awareness (认识不到位)": "认识不到位，购买服务推行不充分",
    "Citizens' satisfaction lags spending (老百姓不买账)": "群众满意度跟不上支出增长，老百姓不买账",
    "Audit intensity and missing funds": "审计力度与资金流失",
    "Wider tender publicity: more bidders, lower prices": "扩大招标信息发布范围：投标人增多、价格下降",
    "Single-bidder share in the published range": "单一投标人比例落在已发表研究的范围内",
    "Surprise vs scheduled inspections": "突击检查与定期检查的比较",
}
"""A validation check's name (docs/VALIDATION.md, experiments/studies) -> its Chinese name."""

_CHECK_PATTERNS = ((re.compile(r"Reform package effect on (\w+) keeps its sign over the parameter space"),
                    r"改革组合对 `\1` 的效应在参数空间上保持方向"),)

_OBTAINED = (
    (r" ?\(95% CI (\S+) to (\S+)\)", r"（95% 置信区间 \1 至 \2）"),
    (r"sign kept clear of zero at (\S+) of points, reversed clear of zero at (\S+)",
     r"方向保持且区间不含 0 的抽样点占 \1，方向相反且区间不含 0 的占 \2"),
    (r"at the defaults ", "默认参数下 "),
    (r" \(positive\)", "，正向"), (r" \(negative\)", "，负向"), (r" \(relative\)", "，相对变化"),
    (r"Δ share ", "Δ 比例 "), (r"Δ (?:winner )?capability ", "Δ 中标者能力 "),
    (r"Δ quality delivered ", "Δ 实际服务质量 "), (r"Δ gaming gap ", "Δ 突击迎检差距 "),
    (r"Δ no-bid ", "Δ 无人揭榜率 "), (r"Δ unfilled ", "Δ 未落实率 "), (r"Δ adoption ", "Δ 采用率 "),
    (r"Δ ([a-z]+(?:_[a-z]+)+) ", r"Δ `\1` "),
    (r"bids per town tender ", "镇级每份招标的投标数 "), (r"bids per tender ", "每份招标的投标数 "),
    (r"active firms per town ", "每镇在营承接主体 "), (r"\bHHI ", "赫芬达尔指数 "),
    (r"relative fall of the gaming gap ", "突击迎检差距相对降幅 "),
    (r"relative fall ", "相对降幅 "), (r"absolute fall (\S+) percentage points", r"绝对降幅 \1 个百分点"),
    (r"price/reserve ", "价格与预算价之比 "), (r"; ", "；"),
)

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
"""An English word (two letters or more); single letters (n, p, t, k, e of 1e+04) are symbols."""

ALLOWED_LATIN = frozenset({"CI", "Holm", "Bonferroni", "Wilcoxon", "Shapley", "Cohen", "PRCC", "HSV", "OCDS",
                           "km", "ns", "docs", "md", "VALIDATION", "png", "explain", "validate", "python",
                           "experiments", "toml", "csv", "json", "parquet", "model", "py", "param", "costs"})
"""Latin words that may stand in Chinese running text: statistics' proper names and abbreviations, and the
parts of file names and commands (a sentence naming docs/VALIDATION.md or `python -m experiments`)."""


def english_words(text: str) -> list[str]:
    """English words in ``text`` outside backticks and outside :data:`ALLOWED_LATIN` (a Chinese page has none)."""
    bare = re.sub(r"`[^`]*`", "", text)
    bare = re.sub(r"\b(?:R|S|P|T|E|K|I)\d+(?:–(?:R|S|P)?\d+)?\b", "", bare)  # the article's codes (R1–R6, S7 …)
    bare = re.sub(r"\b[\w./-]+\.(?:md|toml|py|png|csv|json|parquet|html)\b", "", bare)  # file names
    return [w for w in LATIN_WORD.findall(bare) if w not in ALLOWED_LATIN]


def check_zh(name: str) -> str | None:
    """The Chinese name of a validation check, or None when it has none."""
    if name in CHECKS_ZH:
        return CHECKS_ZH[name]
    for pattern, repl in _CHECK_PATTERNS:
        if pattern.fullmatch(name):
            return pattern.sub(repl, name)
    return None


def _big_number(m: re.Match) -> str:
    """A number in scientific notation of 10,000 or more as Chinese writes it (-3.16e+04 -> -3.16万)."""
    x = float(m.group(0))
    if abs(x) < WAN:
        return m.group(0)
    k, word = (YI, "亿") if abs(x) >= YI else (WAN, "万")
    return f"{x / k:.3g}{word}"


def obtained_zh(text: str) -> str | None:
    """A check's result (its "obtained" cell) in Chinese, or None when a phrase has no translation."""
    out = re.sub(r"[+-]?\d+(?:\.\d+)?e[+-]\d+", _big_number, text)
    for pattern, repl in _OBTAINED:
        out = re.sub(pattern, repl, out)
    return None if english_words(out) else out


def drivers_zh(text: str) -> str:
    """The robustness screen's "decided by" cell in Chinese (parameter paths as code)."""
    out = re.sub(r"(?<![`\w])([a-z_]+(?:\.[a-z_0-9]+)+)(?![`\w])", r"`\1`", text)
    out = re.sub(r"sign kept \(clear of zero\) in (\S+) of points with (`[^`]+`) < (\S+) and (\S+) at or above",
                 r"\2 < \3 的抽样点中方向保持且区间不含 0 的占 \1，≥ \3 的占 \4", out)
    out = re.sub(r" \(p = ([^)]+)\)", r"，p = \1", out)
    return re.sub(r"^none$", "无", out.replace("; ", "；"))


def screen_zh(text: str) -> str:
    """The robustness screen's design (``describe_screen``) in Chinese."""
    out = re.sub(r"(?<![`\w])([a-z_]+(?:\.[a-z_0-9]+)+) = ", r"`\1` = ", text)
    out = out.replace("the default region", "默认区域").replace(" (paired)", "，配对比较")
    out = re.sub(r"(\d+) years", r"\1 年", out)
    out = re.sub(r"(\d+) Latin-hypercube points × seeds", r"\1 个拉丁超立方抽样点 × 随机种子", out)
    return out.replace("; ", "，").replace(", `", "，`")


_WORDS_ZH = {"True": "是", "False": "否", "none": "无", "(default)": "默认值", "(absent)": "无",
             "complete": "已完成", "incomplete": "未完成"}
"""Values the report prints that are words (booleans, a run's status, placeholders) -> Chinese."""


def param_value_zh(value: str, labels: Mapping[str, str] | None = None) -> str:
    """A parameter value in the Chinese parameter table: a registry variant's ``label_zh`` (``labels``) or a
    Chinese word for a boolean or placeholder; any other text is a code (in backticks); numbers as they are."""
    if labels and value in labels:
        return labels[value]
    if value in _WORDS_ZH:
        return _WORDS_ZH[value]
    return f"`{value}`" if LATIN_WORD.search(value) and not value.startswith("`") else value


def provenance_value_zh(value: str) -> str:
    """A provenance value in the Chinese report: a word in Chinese, a path, name or command as code."""
    return param_value_zh(value)
