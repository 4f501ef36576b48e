"""The shared Chinese vocabulary: units and administrative levels (docs/internals.md, "Two languages").

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

LEGAL_STATUS = {
    "current_law": ("lawful under current rules", "现行法规允许"),
    "practice_2019": ("Penglai's 2019 practice (the article)", "蓬莱 2019 年做法（原文）"),
    "rule_change": ("needs a rule change (counterfactual)", "需修改规则（反事实情景）"),
}
"""A scenario's ``legal_status`` -> (English, Chinese) wording: every rule that encodes law names its legal
status — current law, the article's 2019 practice, or a counterfactual that needs a rule change."""

LEVELS_ZH = {"all": "全部", "city": "市级", "town": "镇级", "village": "村级"}
"""Buyer level -> its Chinese name (the article's 城区 / 镇 / 村)."""

UNITS_ZH = {
    "": "",
    "0–1 quality": "质量, 0–1",
    "attempts": "次",
    "attempts/year": "次/年", "projects/year": "个/年",
    "share of capacity per year": "产能比例/年",
    "method": "采购方式",
    "yuan/order": "元/单",
    "beta a + b": "贝塔分布 a + b",
    "logit units per unit score": "每单位评分的对数几率",
    "per unit gap": "每单位落差",
    "per year": "每年",
    "share of room": "寻租空间比例",
    "× (cost/price)": "× (成本/价格)",
    "× catalogue value": "× 目录金额",
    "× in-house quality": "× 自办质量",
    "× radius_km": "× 半径",
    "× village_spread_km²": "× 村距²",
    "0–1": "0–1",
    "share": "比例, 0–1",
    "ratio": "比值",
    "yuan": "元",
    "yuan/year": "元/年",
    "yuan/month": "元/月",
    "yuan per quality-unit": "元/质量单位",
    "yuan per quality-person": "元/质量·人",
    "yuan/staff-year": "元/人·年",
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
    "applicants": "人",
    "awareness": "认识程度",
    "channel": "渠道",
    "complaints/household": "次投诉/户",
    "contracts": "份合同",
    "departments": "个部门",
    "evaluations": "次考评",
    "firms/town/year": "家/镇/年",
    "households": "户",
    "inspections/year": "次检查/年",
    "items/buyer/year": "项/购买主体/年",
    "km": "公里",
    "log-sd": "对数标准差",
    "log-sd at specialisation 1": "专业化程度为 1 时的对数标准差",
    "mode": "方式",
    "months": "月",
    "months of overhead": "月固定成本",
    "names": "名称",
    "per contract-year": "每合同年",
    "per evaluation": "每次考评",
    "per month": "每月",
    "per month observed": "每观察月",
    "per scandal": "每起丑闻",
    "per typical item per staff": "每人每典型事项",
    "per unit swing": "每单位波动",
    "per unserved share": "每单位未服务比例",
    "policy": "政策",
    "probability": "概率",
    "rule": "规则",
    "score": "分",
    "share of payment": "占付款比例",
    "share of value": "占合同额比例",
    "staff": "人",
    "strategy": "策略",
    "switch": "开关",
    "tenders": "份",
    "towns": "个镇",
    "villages": "个村",
    "years": "年",
    "yuan/bid": "元/份投标",
    "yuan/contract": "元/合同",
    "yuan/inspection": "元/次检查",
    "yuan/contract-year": "元/合同·年",
    "yuan/household polled": "元/受访户",
    "yuan/village/year": "元/村·年",
    "yuan/incubated firm": "元/孵化组织",
    "yuan/km": "元/公里",
    "yuan/procurement": "元/次采购",
    "× free capacity": "× 空闲产能",
    "× yearly turnover": "× 年营业额",
    "× item cost": "× 事项成本",
    "× item value": "× 事项价值",
    "× market wage": "× 市场工资",
    "× monthly cost": "× 月成本",
    "× monthly payment": "× 月付款",
    "× overclaim": "× 冒领金额",
    "× payment": "× 付款",
    "× reserve": "× 预算价",
    "× travel cost": "× 交通成本",
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
