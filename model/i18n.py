"""The shared Chinese vocabulary: units and administrative levels (issue 25).

Names (outcomes, parameters, scenarios, methods, rules, regimes, reforms) carry their Chinese
label where they are declared (``label_zh``, ``zh``, ``name_zh``). What is shared by many
declarations — the units they are measured in and the buyer levels — is translated once here,
so a unit string written in ``model.metrics`` or ``model.param_tree`` has exactly one Chinese
form. Terms follow the 2019 Penglai article where it has them (无人揭榜, 小弱差, 突击迎检 …) and
the law's wording otherwise (政府采购法, 财政部令第87号/第102号).
"""

from __future__ import annotations

LANGS = ("en", "zh")
"""Languages every label exists in; ``en`` is the default."""

LEVELS_ZH = {"all": "全部", "city": "市级", "town": "镇级", "village": "村级"}
"""Buyer level -> its Chinese name (the article's 城区 / 镇 / 村)."""

UNITS_ZH = {
    "": "",
    "0–1": "0–1",
    "share": "比例, 0–1",
    "ratio": "比值",
    "yuan": "元",
    "yuan/year": "元/年",
    "yuan/month": "元/月",
    "yuan per quality-unit": "元/质量单位",
    "slot-months/year": "项点·月/年",
    "tenders/year": "份/年",
    "bids": "份",
    "firms": "家",
    "firms/year": "家/年",
    "contract-months/year": "合同·月/年",
    "cases/year": "起/年",
    "contracts/year": "份合同/年",
    "commissions/year": "次委托/年",
    "per 1,000 households per month": "每千户每月",
}
"""Unit (as written in a declaration) -> its Chinese form (元 for yuan, 份 for tenders and bids)."""


def unit_zh(unit: str) -> str:
    """The Chinese form of a declared unit.

    Args:
        unit: A unit string as declared (e.g. ``"yuan/year"``).

    Returns:
        Its entry in :data:`UNITS_ZH`; the unit itself when it is not in the glossary (the
        label lint test lists every declared unit that is missing).
    """
    return UNITS_ZH.get(unit, unit)


def level_zh(level: str) -> str:
    """The Chinese name of a buyer level (``city``/``town``/``village``/``all``)."""
    return LEVELS_ZH.get(level, level)
