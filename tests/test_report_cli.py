"""`python -m experiments report OUT_DIR` and `run ... --report` on a tiny real experiment."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import COMMANDS, main
from experiments.commands.report import param_diffs, parse_outcomes, report_manifest
from experiments.engine.spec_checks import SpecError

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "experiments" / "scenarios"
TINY = ["--set", "region.n_towns=2", "--set", "region.villages_per_town=8",
        "--set", "region.households_per_village=20", "--set", "burn_in_years=0"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """baseline vs lots, 2 replicates x 1 year, tender log, written with `run --report`."""
    base = tmp_path_factory.mktemp("report")
    (base / "exp.toml").write_text(f"""
[experiment]
name = "tiny_lots"
description = "Lots against the baseline (P3)."
seed = 5
replications = 2
years = 1
baseline = "baseline"
outcomes = ["quality_delivered", "no_bid_rate_village", "spend"]
scenarios = ["{SCENARIOS / 'baseline.toml'}", "{SCENARIOS / 'lots.toml'}"]
""")
    out = base / "out"
    code = main(["run", str(base / "exp.toml"), "--out", str(out), "--executor", "serial",
                 "--quiet", "--tenders", "--report", *TINY])
    assert code == 0
    return out


def test_report_is_registered():
    assert "report" in COMMANDS


@pytest.mark.slow
def test_run_with_report_writes_report_tables_and_figures(sweep: Path):
    md = (sweep / "report.md").read_text(encoding="utf-8")
    html = (sweep / "report.html").read_text(encoding="utf-8")
    assert md.startswith("# tiny_lots")
    for section in ("## Summary", "## Differences from the baseline", "## Figures",
                    "## Parameters that differ from the baseline", "## Provenance"):
        assert section in md
    assert "<table>" in html and "</html>" in html
    # the experiment's outcomes are the key outcomes, labelled with their units
    assert "Quality delivered (0–1)" in md and "No-bid rate (village) (share)" in md
    # parameter differences come from the manifest's resolved parameters
    assert "| lots | `procurement.lots` | True | False |" in md
    # provenance: the command line (here pytest's argv, as run in-process) and the seed
    assert "| `command` | python -m experiments " in md and "| `experiment.seed` | 5 |" in md
    figures = {p.name.split("_", 1)[1] for p in (sweep / "figures").glob("*.png")}
    assert {"differences.png", "no_bid_by_level.png", "no_bid_by_distance.png"} <= figures
    summary = pd.read_csv(sweep / "summary.csv")
    assert list(dict.fromkeys(summary["scenario"])) == ["baseline", "lots"]
    assert set(summary["outcome"]) == {"quality_delivered", "no_bid_rate_village", "spend"}
    assert (summary["n"] == 2).all()
    diffs = pd.read_csv(sweep / "differences.csv")
    assert set(diffs["scenario"]) == {"lots"}


@pytest.mark.slow
def test_report_command_with_outcomes_and_baseline(sweep: Path, tmp_path: Path, capsys):
    out = tmp_path / "copy"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "figures", "*.csv"))
    code = main(["report", str(out), "--baseline", "lots", "--outcomes", "coverage, spend"])
    assert code == 0
    assert "report:" in capsys.readouterr().out
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Differences from the baseline (`lots`)" in md
    assert "| baseline | `procurement.lots` | False | True |" in md
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["outcome"]) == {"coverage", "spend"}


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_missing_folder_is_an_error(tmp_path: Path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "not a folder" in _one_line_error(capsys)
    assert not (tmp_path / "nope").exists()


def test_folder_without_runs_is_an_error(tmp_path: Path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no runs.parquet" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["--baseline", "nobody"], "--baseline 'nobody': not a scenario"),
    (["--outcomes", "quality,spend"], "--outcomes: unknown outcome 'quality'"),
    (["--outcomes", " , "], "--outcomes: expected comma-separated"),
])
@pytest.mark.slow
def test_bad_options_write_nothing(sweep: Path, tmp_path: Path, capsys, argv, message):
    out = tmp_path / "copy"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "figures", "*.csv"))
    before = sorted(p.name for p in out.iterdir())
    assert main(["report", str(out), *argv]) == 2
    assert message in _one_line_error(capsys)
    assert sorted(p.name for p in out.iterdir()) == before


def test_param_diffs_keeps_only_differing_keys():
    params = {"baseline": {"a.x": 1, "a.y": "lowest", "b.z": [1, 2]},
              "s1": {"a.x": 1, "a.y": "scoring", "b.z": [1, 2]},
              "s2": {"a.x": 2, "a.y": "lowest", "b.z": [2]},
              "same": {"a.x": 1, "a.y": "lowest", "b.z": [1, 2]}}
    assert param_diffs(params, "baseline") == {
        "s1": {"a.y": ("lowest", "scoring")},
        "s2": {"a.x": (1, 2), "b.z": ([1, 2], [2])},
        "same": {}}
    assert param_diffs(params, "s1", ["s2", "s1"]) == {
        "s2": {"a.x": (1, 2), "a.y": ("scoring", "lowest"), "b.z": ([1, 2], [2])}}


def test_report_manifest_is_compact():
    manifest = {"experiment": {"name": "e", "description": "d", "seed": 3, "file": "/x.toml",
                               "spec": {"big": 1}},
                "scenarios": [{"name": "baseline", "description": "b", "overrides": {}},
                              {"name": "lots", "description": "l",
                               "overrides": {"procurement.lots": True}}],
                "parameters": {"baseline": {"a": 1}}, "git_commit": "abc",
                "run": {"argv": ["run", "x.toml"]}}
    out = report_manifest(manifest)
    assert out["name"] == "e" and out["description"] == "d"
    assert out["scenarios"] == {"baseline": {"description": "b", "overrides": {}},
                                "lots": {"description": "l",
                                         "overrides": {"procurement.lots": True}}}
    assert out["experiment"] == {"file": "/x.toml", "seed": 3}
    assert out["command"] == "python -m experiments run x.toml"
    assert "parameters" not in out and out["git_commit"] == "abc"


def test_parse_outcomes():
    assert parse_outcomes(None) is None
    assert parse_outcomes("a, b,,c") == ["a", "b", "c"]
    with pytest.raises(SpecError):
        parse_outcomes(",")


def _tables(md: str) -> list[list[list[str]]]:
    """The Markdown tables of a report: rows (header and separator dropped) of cells."""
    out, cur = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            cur.append([c.strip() for c in line.strip().strip("|").split(" | ")])
        elif cur:
            out.append(cur[2:])
            cur = []
    return out


def _headers(md: str) -> list[list[str]]:
    """The header row of each Markdown table."""
    lines = md.splitlines()
    return [[c.strip() for c in line.strip().strip("|").split(" | ")] for i, line in enumerate(lines)
            if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|"))]


def _in_yuan(cell: str, unit_text: str) -> str:
    """A Chinese cell written in 万元/亿元 (``unit_text`` names the unit) as the English prints it in yuan."""
    k = 1e8 if "亿元" in unit_text else 1e4 if "万元" in unit_text else 1
    if k == 1:
        return cell
    def back(m: re.Match) -> str:
        x = float(m.group(0).replace(",", "")) * k
        return f"{x:+,.0f}" if m.group(0)[0] in "+-" else f"{x:,.0f}"
    return re.sub(r"[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?", back, cell)


@pytest.mark.slow
def test_report_in_chinese_has_the_same_numbers(sweep: Path, tmp_path: Path):
    out = tmp_path / "zh"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "figures", "*.csv"))
    assert main(["report", str(out)]) == 0
    assert main(["report", str(out), "--lang", "zh"]) == 0
    en, zh = ((out / f).read_text(encoding="utf-8") for f in ("report.md", "report.zh.md"))
    assert zh.startswith("# 实验报告：") and "## 结果汇总" in zh and "## 与蓬莱现状（基线）的差异" in zh
    assert "| 村级项目按镇打包（分包） | 村级项目按镇打包（分包） `procurement.lots` | 是 | 否 |" in zh
    assert "实际服务质量 (0–1)，均值 [95% 置信区间]" in zh and "村级" in zh
    assert "购买服务支出 (万元/年)，均值 [95% 置信区间]" in zh  # spend, millions of yuan, in 万元
    t_en, t_zh = _tables(en), _tables(zh)
    head_zh = _headers(zh)[0]
    # summary: every cell after the scenario name; differences: every cell after the outcome label (amounts
    # in 万元/亿元 in Chinese: the same numbers once multiplied back)
    assert [r[1:] for r in t_en[0]] == [[_in_yuan(c, h) for c, h in zip(r[1:], head_zh[1:])] for r in t_zh[0]]
    assert [r[2:] for r in t_en[1]] == [[r[2], _in_yuan(r[3], r[1]), *r[4:]] for r in t_zh[1]]
    assert len(t_en[0]) == 2 and len(t_en[1]) == 3
    assert [r[0] for r in t_zh[0]] == ["蓬莱现状（基线）", "村级项目按镇打包（分包）"]
    zh_figs = sorted(p.name for p in (out / "figures").glob("*.zh.png"))
    en_figs = sorted(p.name for p in (out / "figures").glob("*.png") if not p.name.endswith(".zh.png"))
    assert [f.replace(".zh.png", ".png") for f in zh_figs] == en_figs
    assert "<html lang=\"zh-Hans\">" in (out / "report.zh.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_brief_command_in_both_languages(sweep: Path, tmp_path: Path, capsys):
    out = tmp_path / "brief"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "figures", "*.csv"))
    assert main(["brief", str(out)]) == 0 and main(["brief", str(out), "--lang", "zh"]) == 0
    assert "comparisons clear of noise" in capsys.readouterr().out
    en, zh = ((out / f).read_text(encoding="utf-8") for f in ("brief.md", "brief.zh.md"))
    assert en.startswith("# Policy brief: tiny_lots") and zh.startswith("# 政策简报：")
    assert "| lots | lawful under current rules (财政部令第110号" in en
    assert "| 村级项目按镇打包（分包） | 现行法规允许" in zh
    assert (out / "brief.html").is_file() and (out / "brief.zh.html").is_file()


def test_bad_language_is_one_error_line_and_writes_nothing(sweep: Path, tmp_path: Path, capsys):
    out = tmp_path / "bad"
    shutil.copytree(sweep, out, ignore=shutil.ignore_patterns("report.*", "brief.*", "figures", "*.csv"))
    for cmd in ("report", "brief"):
        assert main([cmd, str(out), "--lang", "fr"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --lang 'fr': unknown language; allowed: en, zh") and err.count("\n") == 1
    assert not list(out.glob("report*")) and not list(out.glob("brief*")) and not (out / "figures").exists()
