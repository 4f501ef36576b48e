"""Lint: every declared name has its Chinese label beside the English one (issue 25).

Outcomes (``label_zh``), parameter leaves (``zh``), units (the glossary), policy variants of every
registry (``label_zh``), scenario files (``name_zh``, ``description_zh``, ``legal_status``,
``legal_source``), experiment files (``name_zh``, ``description_zh``), and both languages of every
message template with the same placeholders.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from experiments.analysis.brief_text import BRIEF_TEXT
from experiments.analysis.i18n import TEXT
from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS
from model.delivery.evaluation import EVALUATIONS
from model.delivery.monitoring import REGIMES
from model.i18n import LEGAL_STATUS, LEVELS_ZH, UNITS_ZH
from model.metrics import LEVEL_NAMES, OUTCOMES
from model.param_tree import Params
from model.params import reference_rows
from model.procurement.award import AWARD_RULES
from model.procurement.bidding import STRATEGIES
from model.procurement.market import METHODS

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u4e00-\u9fff]")
REGISTRIES = {"award rules": AWARD_RULES, "bidding strategies": STRATEGIES, "monitoring regimes": REGIMES,
              "evaluation rules": EVALUATIONS, "procurement methods": METHODS, "blacklist triggers": TRIGGERS,
              "blacklist scopes": SCOPES, "blacklist durations": DURATIONS}


def _leaves(model, prefix=""):
    from pydantic import BaseModel

    for name, f in model.model_fields.items():
        if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel):
            yield from _leaves(f.annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", f.json_schema_extra or {}


def test_every_outcome_has_a_chinese_label():
    missing = [o.name for o in OUTCOMES.values() if not HAN.search(o.label_zh)]
    assert not missing, f"outcomes without label_zh: {missing}"
    assert OUTCOMES["no_bid_rate"].label_zh == "无人揭榜率"  # the article's own term
    assert all(LEVELS_ZH[o.level] in o.label_zh for o in OUTCOMES.values() if o.level in LEVEL_NAMES)


def test_every_parameter_leaf_has_a_chinese_label():
    leaves = dict(_leaves(Params))
    missing = [path for path, extra in leaves.items() if not HAN.search(str(extra.get("zh", "")))]
    assert len(leaves) > 100 and not missing, f"parameters without zh: {missing}"
    assert leaves["citizens.menu"]["zh"] == "百姓点菜"


def test_every_declared_unit_has_a_chinese_form():
    units = {o.unit for o in OUTCOMES.values()} | {extra["unit"] for _, extra in _leaves(Params)}
    assert not units - set(UNITS_ZH), f"units missing from model.i18n.UNITS_ZH: {sorted(units - set(UNITS_ZH))}"
    assert UNITS_ZH["yuan/year"] == "元/年" and UNITS_ZH["bids"] == "份"


@pytest.mark.parametrize("kind", REGISTRIES)
def test_every_policy_variant_has_a_chinese_label(kind):
    missing = [n for n, v in REGISTRIES[kind].items() if not HAN.search(getattr(v, "label_zh", ""))]
    assert not missing, f"{kind} without label_zh: {missing}"


def test_article_terms_name_the_variants():
    assert AWARD_RULES["scoring"].label_zh == "综合评分法"
    assert REGIMES["project_officer"].label_zh == "项目专管员"
    assert "突击迎检" in REGIMES["announced"].label_zh


SCENARIOS = sorted((ROOT / "experiments" / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_file_has_chinese_labels_and_a_legal_status(path):
    head = tomllib.loads(path.read_text(encoding="utf-8"))["scenario"]
    assert HAN.search(head.get("name_zh", "")), f"{path.name}: scenario.name_zh missing"
    assert HAN.search(head.get("description_zh", "")), f"{path.name}: scenario.description_zh missing"
    assert head.get("legal_status") in LEGAL_STATUS, f"{path.name}: scenario.legal_status missing or unknown"
    assert head.get("legal_source", "").strip(), f"{path.name}: scenario.legal_source missing"
    zh = head.get("legal_source_zh", "")  # the brief's legal column in Chinese: no English, no (…(…)…)
    assert HAN.search(zh) and not re.search(r"[A-Za-z]{2,}", zh), f"{path.name}: scenario.legal_source_zh missing"
    assert not re.search(r"[(（][^)）]*[(（]", zh), f"{path.name}: scenario.legal_source_zh nests brackets"


@pytest.mark.parametrize("code", ["R1", "R2", "R3", "R4", "R5", "R6"])
def test_every_reform_of_the_article_is_a_scenario_named_in_chinese(code):
    named = [tomllib.loads(p.read_text(encoding="utf-8"))["scenario"]["name_zh"] for p in SCENARIOS]
    assert any(n.startswith(f"{code} ") for n in named), f"no scenario whose name_zh starts with {code}"


def test_every_experiment_file_has_chinese_title_and_question():
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        head = tomllib.loads(path.read_text(encoding="utf-8")).get("experiment") or {}
        if "name" in head:
            assert HAN.search(head.get("name_zh", "")) and HAN.search(head.get("description_zh", "")), path.name


def test_scenario_loader_accepts_labels_and_rejects_a_bad_legal_status(tmp_path):
    from model import ParamError, load_scenario

    sc = load_scenario(ROOT / "experiments" / "scenarios" / "lots.toml")
    assert sc.name_zh and sc.legal_status == "current_law"
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\nlegal_status = "maybe"\n', encoding="utf-8")
    with pytest.raises(ParamError, match="legal_status.*allowed: current_law, practice_2019, rule_change"):
        load_scenario(bad)


@pytest.mark.parametrize("table", [TEXT, BRIEF_TEXT], ids=["report", "brief"])
def test_message_templates_exist_in_both_languages_with_the_same_fields(table):
    fields = lambda t: {f for _, f, _, _ in string.Formatter().parse(t) if f}  # noqa: E731
    for key, (en, zh) in table.items():
        assert en and zh, key
        assert fields(en) == fields(zh), f"{key}: placeholders differ"


def test_parameter_reference_still_builds():
    assert reference_rows()
