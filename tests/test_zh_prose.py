"""The Chinese brief and report read as Chinese (issue 29 item 6).

A brief and a report are rendered in Chinese from a tiny real results folder (baseline and lots, the fixture
of tests/test_report_cli.py, with the robustness table of results/curated/robustness, the caveats of docs/VALIDATION.md), and a brief from a
planted comparison whose amounts are in the hundreds of thousands and millions of yuan. Every line of
running text, heading, list item and table cell must hold no English word outside an allow-list (statistics'
proper names, units, codes), no amount of 10,000 yuan or more written in 元 (it is 万元 or 亿元), and no
bracket inside a bracket of the same kind. The checker here is independent of the code under test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main
from tests.test_report_cli import sweep  # noqa: F401 -- the tiny results folder (baseline and lots, a fixture)

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = {"Holm", "Bonferroni", "Wilcoxon", "Shapley", "Cohen", "PRCC", "HSV", "Wilson", "CI", "ns", "km", "OCDS"}
"""Latin words a Chinese page may hold: the names of the statistical methods, the interval abbreviation
printed in cells, the "not significant" mark, units and standards. Outcome and parameter codes, file names
and commands are in backticks or are paths and are removed before the words are counted."""


def _bare(text: str) -> str:
    """``text`` without what is not prose: code spans, link targets, paths and file names, ISO dates, the
    article's codes (R1–R6, S7, P1–P8 …) and Markdown emphasis."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"[\w.~/-]*/[\w.~/-]+|\b[\w-]+\.(?:md|toml|py|png|csv|json|parquet|html)\b", " ", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}(?:T[\d:.+-]+)?", " ", text)
    return re.sub(r"\b[RSPTEKI]\d+(?:–[RSP]?\d+)?\b", " ", text)


def english(text: str) -> list[str]:
    """English words in ``text`` (two letters or more) outside :data:`ALLOWED`."""
    return [w for w in re.findall(r"[A-Za-z]{2,}", _bare(text)) if w not in ALLOWED]


def nested(text: str) -> bool:
    """Whether a round bracket opens inside a round one, or a square one inside a square one."""
    depth = {"round": 0, "square": 0}
    kinds = {"(": ("round", 1), "（": ("round", 1), ")": ("round", -1), "）": ("round", -1),
             "[": ("square", 1), "]": ("square", -1), "【": ("square", 1), "】": ("square", -1)}
    for ch in re.sub(r"`[^`]*`", "", re.sub(r"\]\([^)]*\)", "]", text)):
        if ch in kinds:
            kind, step = kinds[ch]
            if step > 0 and depth[kind] > 0:
                return True
            depth[kind] = max(0, depth[kind] + step)
    return False


PLAIN_YUAN = re.compile(r"(?<![万亿])元")
NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d{5,}(?:\.\d+)?")


def _big(cell: str) -> bool:
    return any(abs(float(n.replace(",", ""))) >= 1e4 for n in NUMBER.findall(cell))


def amounts_in_yuan(text: str) -> list[str]:
    """Amounts of 10,000 or more written in 元: in a sentence, a number (with its interval) right before 元."""
    found = re.findall(r"([+-]?[\d,]+(?:\.\d+)?(?:e[+-]\d+)?)(?: \[[^\]]*\])? ?(?<![万亿])元", text)
    return [n for n in found if n.strip(",") and abs(float(n.replace(",", ""))) >= 1e4]


def problems(md: str) -> list[str]:
    """Every line of ``md`` that breaks the house style, with what breaks it."""
    out, header = [], None
    for line in md.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if header is None:
                header = cells
            elif not set("".join(cells)) <= set("-| "):
                for i, cell in enumerate(cells):
                    yuan = PLAIN_YUAN.search(header[i] if i < len(header) else "") or any(
                        PLAIN_YUAN.search(c) for c in cells)
                    if yuan and _big(cell):
                        out.append(f"amount in 元 ≥ 10,000: {cell!r} in {line[:80]!r}")
            units = cells
        else:
            header, units = None, [line]
        for unit in units:
            if english(unit):
                out.append(f"English {english(unit)[:5]}: {unit[:160]!r}")
            if nested(unit):
                out.append(f"nested brackets: {unit[:160]!r}")
            if not line.startswith("|") and amounts_in_yuan(unit):
                out.append(f"amount in 元 ≥ 10,000 {amounts_in_yuan(unit)}: {unit[:160]!r}")
    return out


def test_the_checker_finds_what_main_wrote():
    """The three faults of issue 29, as the brief on main wrote them, are caught; their fixes pass."""
    assert english("现行法规允许 (administrative publicity needs no rule change; the article's proposal §4.1)")
    assert amounts_in_yuan("差异 -279,000 [-300,000, -250,000] 元/年") == ["-279,000"]
    assert nested("7 个情景与基线（蓬莱现状（基线））比较") and not nested("与蓬莱现状（基线）比较，差异 +1 [0, 2]")
    assert problems("| 情景 | 支出 (元/年) |\n|---|---|\n| 甲 | +6,900,000 [+5,700,000, +8,200,000] |")
    ok = "| 情景 | 支出 (万元/年) |\n|---|---|\n| 甲 | +690 [+570, +820] |\n\n差异 -27.9 [-30.0, -25.0] 万元/年，" \
         "`fraud_loss` 见 docs/VALIDATION.md，运行 `python -m experiments validate`，Holm 校正，R1–R6，2026-12-06。"
    assert problems(ok) == []


@pytest.mark.slow
def test_chinese_report_and_brief_have_no_english_no_yuan_amounts_no_nested_brackets(sweep: Path, tmp_path: Path):
    out = tmp_path / "zh"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "figures", "*.csv"))
    (out / "sensitivity.md").write_text("## Sensitivity\n\nSobol indices of the outcomes (an English section).\n",
                                        encoding="utf-8")
    assert main(["report", str(out), "--lang", "zh", "--robustness", str(ROOT / "results/curated/robustness")]) == 0
    assert main(["brief", str(out), "--lang", "zh"]) == 0
    report, brief = ((out / f).read_text(encoding="utf-8") for f in ("report.zh.md", "brief.zh.md"))
    assert "## 参数空间上的稳健性" in report and "万元/年" in report  # the sections the checks are about are there
    assert "| 村级项目按镇打包（分包） | 现行法规允许；依据：财政部令第110号框架协议采购" in brief and "检验" in brief
    assert "`sensitivity.md`" in report and "Sobol" not in report  # an English section is named, not pasted
    assert problems(report) == [] and problems(brief) == []


def test_planted_findings_are_written_in_wan_yuan_with_the_same_digits():
    """A brief from planted comparisons: -279,000 yuan/year is -27.9 万元/年, 12,300,000 is 1,230 万元, the
    interval's digits kept; English is unchanged."""
    from experiments.analysis.brief import brief_blocks, validation_caveats
    from experiments.analysis.report import to_markdown
    from model.metrics import OUTCOMES

    def row(scenario, outcome, diff, lo, hi, rel):
        return {"scenario": scenario, "outcome": outcome, "n_pairs": 10, "diff": diff, "ci_low": lo, "ci_high": hi,
                "rel_change": rel, "rel_ci_low": rel * 1.2, "rel_ci_high": rel * 0.8, "p_value": 0.002,
                "p_holm": 0.01}

    diffs = pd.DataFrame([row("disclosure", "fraud_loss", -279_000, -301_000, -256_000, -0.9),
                          row("disclosure", "spend", 12_300_000, 10_400_000, 13_200_000, 0.3),
                          row("citizen_rating", "public_cost", 3_100_000_000, 2_900_000_000, 3_300_000_000, 0.2)])
    scen = {s: {"name_zh": z, "legal_status": "current_law", "legal_source": "政府采购法 art. 77",
                "legal_source_zh": "《政府采购法》第七十七条"}
            for s, z in (("baseline", "蓬莱现状（基线）"), ("disclosure", "R5 公示平台"), ("citizen_rating", "R6 测评"))}
    manifest = {"name": "planted", "name_zh": "植入比较", "scenarios": scen}
    validation = validation_caveats((ROOT / "docs" / "VALIDATION.md").read_text(encoding="utf-8"))
    _, zh, _ = brief_blocks(diffs, manifest, OUTCOMES, "baseline", "zh", validation)
    _, en, _ = brief_blocks(diffs, manifest, OUTCOMES, "baseline", "en", validation)
    zh_md, en_md = to_markdown(zh), to_markdown(en)
    assert "差异 -27.9 [-30.1, -25.6] 万元/年" in zh_md and "-279,000 [-301,000, -256,000] yuan/year" in en_md
    assert "+1,230 [+1,040, +1,320] 万元/年" in zh_md and "+12,300,000 [+10,400,000, +13,200,000]" in en_md
    assert "+31.0 [+29.0, +33.0] 亿元/年" in zh_md and "+3,100,000,000 [+2,900,000,000, +3,300,000,000]" in en_md
    assert problems(zh_md) == []


def test_chinese_figure_axes_of_amounts_read_in_wan_yuan():
    """The report's figures: an axis of yuan amounts reads 万元 in Chinese (ticks divided by 10^4, data kept);
    the English axis is unchanged."""
    from experiments.analysis.plots import forest_plot
    from model.metrics import OUTCOMES

    d = pd.DataFrame([{"scenario": s, "outcome": "spend", "diff": x, "ci_low": x - 1e6, "ci_high": x + 1e6,
                       "significant": True} for s, x in (("a", 6.9e6), ("b", -2.0e6))])
    zh, en = (forest_plot(d, OUTCOMES, lang=lang).axes[0] for lang in ("zh", "en"))
    assert zh.get_xlabel().endswith("（万元/年）") and en.get_xlabel().endswith("(yuan/year)")
    formatter = zh.xaxis.get_major_formatter()
    assert formatter(2_000_000, 0) == "200"
    data = [[list(line.get_xdata()) for line in ax.lines] for ax in (zh, en)]
    assert data[0] == data[1] and [6.9e6, -2.0e6] in data[0]  # the points are in yuan in both languages
