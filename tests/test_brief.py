"""The policy brief: its findings are exactly the comparisons clear of noise (issue 25)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.brief import brief_blocks, clear_of_noise, validation_caveats, write_brief
from experiments.analysis.report import fmt_ci
from experiments.analysis.stats import paired_differences

META = {"quality": {"label": "Quality", "unit": "0–1", "label_zh": "实际服务质量"},
        "cost": {"label": "Cost", "unit": "yuan/year", "label_zh": "成本"},
        "noise": {"label": "Noise", "unit": "share", "label_zh": "噪声"}}
MANIFEST = {"name": "planted", "name_zh": "植入差异", "description": "Which lever works?",
            "description_zh": "哪项措施有效？",
            "scenarios": {"base": {"description": "status quo", "name_zh": "基线", "legal_status": "practice_2019"},
                          "good": {"description": "raises quality", "name_zh": "好措施", "legal_status": "current_law",
                                   "legal_source": "Order 87 art. 55", "legal_source_zh": "财政部令第87号第五十五条"},
                          "costly": {"description": "raises cost", "name_zh": "贵措施", "legal_status": "rule_change"},
                          "idle": {"description": "does nothing", "name_zh": "无效措施"}}}


def _row(scenario, outcome, diff, lo, hi, p_holm):
    return {"scenario": scenario, "outcome": outcome, "n_pairs": 12, "mean_baseline": 1.0, "mean_scenario": 1 + diff,
            "diff": diff, "ci_low": lo, "ci_high": hi, "rel_change": diff, "rel_ci_low": lo, "rel_ci_high": hi,
            "effect_size": diff / 0.1, "effect_ci_low": lo / 0.1, "effect_ci_high": hi / 0.1, "p_value": p_holm,
            "p_holm": p_holm, "significant": p_holm < 0.05}


def test_clear_of_noise_needs_an_interval_excluding_zero_and_a_holm_p_below_alpha():
    d = pd.DataFrame([_row("good", "quality", 0.2, 0.1, 0.3, 0.01),     # clear
                      _row("good", "cost", -0.2, -0.3, -0.1, 0.002),    # clear, negative
                      _row("costly", "quality", 0.05, -0.01, 0.1, 0.01),  # interval covers 0
                      _row("costly", "cost", 0.3, 0.1, 0.5, 0.2),       # Holm p too large
                      _row("idle", "quality", 0.0, -0.1, 0.1, 1.0)])
    assert clear_of_noise(d).tolist() == [True, True, False, False, False]
    _, _, findings = brief_blocks(d, MANIFEST, META, "base")
    assert {(r.scenario, r.outcome) for r in findings.itertuples()} == {("good", "quality"), ("good", "cost")}


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    """12 paired replicates: `good` raises quality by 0.2, `costly` raises cost by 5,000 yuan
    (each with a little noise); other differences are exactly 0, and `noise` differs by ±1..3
    alternating (mean 0)."""
    rng = np.random.default_rng(7)
    n = 12
    base = {"quality": 0.5 + 0.02 * rng.standard_normal(n), "cost": 1e5 + 500 * rng.standard_normal(n)}
    rows = []
    swing = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)  # paired differences +1, -1, ...: mean 0
    for sc, dq, dc in (("base", 0, 0), ("good", 0.2, 0), ("costly", 0, 5000), ("idle", 0, 0)):
        for k in range(n):
            q = base["quality"][k] + (dq + 0.001 * rng.standard_normal() if dq else 0.0)
            c = base["cost"][k] + (dc + 10 * rng.standard_normal() if dc else 0.0)
            rows.append({"scenario": sc, "replicate": k, "quality": q, "cost": c,
                         "noise": 0.0 if sc == "base" else swing[k] * (1 + k % 3)})
    runs = pd.DataFrame(rows)
    return paired_differences(runs, ["quality", "cost", "noise"], baseline="base")


def test_brief_findings_are_exactly_the_planted_differences(planted, tmp_path):
    clear = planted[clear_of_noise(planted)]
    assert {(r.scenario, r.outcome) for r in clear.itertuples()} == {("good", "quality"), ("costly", "cost")}
    for lang in ("en", "zh"):
        out = write_brief(tmp_path, planted, MANIFEST, META, "base", lang=lang)
        assert {(r.scenario, r.outcome) for r in out["findings"].itertuples()} == {("good", "quality"),
                                                                                  ("costly", "cost")}
    md_en = (tmp_path / "brief.md").read_text(encoding="utf-8")
    md_zh = (tmp_path / "brief.zh.md").read_text(encoding="utf-8")
    assert (tmp_path / "brief.html").is_file() and "<html lang=\"zh-Hans\">" in (tmp_path / "brief.zh.html").read_text()
    # each finding's interval is printed, identically in both languages
    for _, r in clear.iterrows():
        ci = fmt_ci(r["diff"], r["ci_low"], r["ci_high"], sign=True, n=int(r["n_pairs"]))
        assert ci in md_en and ci in md_zh
    # the finding sentences: exactly two, and `idle` separates on nothing
    findings_en = md_en.split("## Findings clear of noise")[1].split("##")[0]
    assert findings_en.count("\n- ") == 2 and "idle" not in findings_en and "rises against base, by +" in findings_en
    assert "| idle | not declared in the scenario file | none | Quality, Cost, Noise |" in md_en
    assert "| 无效措施 | 情景文件未声明 | 无 | 实际服务质量、成本、噪声 |" in md_zh
    assert "needs a rule change (counterfactual)" in md_en and "现行法规允许；依据：财政部令第87号第五十五条" in md_zh
    assert "| 贵措施 | 需修改规则（反事实情景） |" in md_zh  # no Chinese source declared: the status alone
    assert md_zh.startswith("# 政策简报：植入差异") and "哪项措施有效？" in md_zh


def test_no_finding_when_nothing_separates(planted):
    quiet = planted[planted["scenario"] == "idle"]
    _, blocks, findings = brief_blocks(quiet, MANIFEST, META, "base")
    assert findings.empty
    assert any(b[0] == "p" and b[1].startswith("No comparison differs") for b in blocks)


def test_validation_caveats_read_the_summary_table():
    text = ("| id | check | MECHANISMS.md | obtained | result |\n|---|---|---|---|---|\n"
            "| [T1](#t1) | First-price auction | S7 | error 0.1% | PASS |\n"
            "| [R4](#r4) | Reform package effect on trust keeps its sign | R1–R6 | sign kept in 10/12 | **FAIL** |\n"
            "| [I1](#i1) | Effort formula (an identity) | P7 | Δ 0 | holds |\n")
    rows = validation_caveats(text)  # identities (result "holds") are not counted as validation
    assert [(r["id"], r["passed"]) for r in rows] == [("T1", "yes"), ("R4", "no")]
    d = pd.DataFrame([_row("good", "trust", 0.2, 0.1, 0.3, 0.01)])
    _, blocks, _ = brief_blocks(d, MANIFEST, META, "base", validation=rows)
    caveats = next(b[1] for b in blocks if b[0] == "ul" and any("validation" in i for i in b[1]))
    assert "The model passes 1 of 2 validation checks (docs/VALIDATION.md)." in caveats
    assert any(c.startswith("Check R4 fails and concerns this brief") for c in caveats)
    _, blocks, _ = brief_blocks(d, MANIFEST, META, "base", lang="zh", validation=rows)
    caveats = next(b[1] for b in blocks if b[0] == "ul" and any("验证" in i for i in b[1]))
    # a check name without a Chinese translation is not shown in English: the sentence points to the report
    assert "检验 R4 未通过，且与本简报相关，详见 docs/VALIDATION.md。" in caveats
