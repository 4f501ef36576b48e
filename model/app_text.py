"""The dashboard's words in English and Chinese (model/app.py).

Outcome, parameter and policy names are not repeated here: the dashboard reads their Chinese
labels where they are declared (``Outcome.label_zh``, a variant's ``label_zh``, the unit glossary
``model.i18n.UNITS_ZH``). This module holds only the page's own texts.
"""

from __future__ import annotations

from typing import Any

LANG_ENV = "JIEBANG_DASHBOARD_LANG"
"""Environment variable with the page's starting language, ``en`` or ``zh`` (set by the CLI)."""

LANG_CHOICES = {"English": "en", "中文": "zh"}
"""Language selector label -> language code."""

STATES_ZH = ("已服务", "招标中", "失败", "无人揭榜", "自办")
"""Chinese names of the display states of a service slot (same order as ``model.app.STATES``)."""

TEXT: dict[str, tuple[str, str]] = {
    "seed": ("Seed", "随机种子"),
    "award_rule": ("Award rule", "评标方法"),
    "price_weight": ("Price weight (scoring)", "价格分权重（综合评分法）"),
    "citizen_weight": ("Citizen-rating weight (evaluation)", "民主测评权重（考评）"),
    "blacklist_trigger": ("Blacklist trigger", "黑名单触发条件"),
    "blacklist_scope": ("Blacklist scope", "黑名单范围"),
    "blacklist_duration": ("Blacklist duration", "黑名单期限"),
    "monitoring": ("Monitoring regime", "监管方式"),
    "lots": ("Village lots (bundle by town)", "村级项目按镇打包"),
    "notice_channel": ("Notice channel (village tenders)", "村级招标信息发布渠道"),
    "publicity": ("Publicity", "宣传力度"),
    "firm_base": ("firm base (size: contracts)", "企业驻地（大小：合同数）"),
    "city_centre": ("city centre", "城区"),
    "prefecture": ("prefecture city", "地级市"),
    "services": ("{state} ({n} services)", "{state}（{n} 项服务）"),
    "map_legend": ("village ● town ■ city ★", "村 ● 镇 ■ 城区 ★"),
    "map_title": ("Services this month — month {month} (year {year}, month {moy})",
                  "本月服务状态——第 {month} 月（第 {year} 年第 {moy} 月）"),
    "km_east": ("km east of the centre", "城区以东（公里）"),
    "km_north": ("km north of the centre", "城区以北（公里）"),
    "panel_quality": ("Quality delivered vs measured", "实际质量与检查所测质量"),
    "panel_no_bid": ("No-bid rate by level", "各层级无人揭榜率"),
    "panel_spend": ("Spending", "支出"),
    "panel_trust": ("Trust in government", "政府信任度"),
    "panel_firms": ("Active firms", "在营承接主体"),
    "panel_blacklist": ("Blacklisted firms", "黑名单企业"),
    "million_yuan": ("million yuan / month", "万元/月"),
    "month": ("month", "月"),
    "press_step": ("press Step", "请按“单步”"),
    "levers": ("Scenario: {name} · seed {seed} · levers changed: {changed}",
               "情景：{name} · 随机种子 {seed} · 调整的措施：{changed}"),
    "none": ("none", "无"),
    "sep": (", ", "，"),
    "defaults_name": ("(model defaults)", "模型默认值"),
    "inspector": ("**Tender inspector**: the latest procurements up to month {month} (bids, winner and why a "
                  "procurement failed)", "**招标查看器**：截至第 {month} 月的最近采购（投标、中标者及采购失败原因）"),
    "scenario_card": ("Scenario", "情景"),
    "scenario_file": ("Scenario file", "情景文件"),
    "language": ("Language", "语言"),
    "defaults_text": ("The model defaults (Penglai's status quo).", "模型默认值（蓬莱现状）。"),
    "on_reset": ("Lever changes take effect on Reset.", "措施调整在按“重置”后生效。"),
    "page_name": ("Jiebang: one run of the region", "揭榜：区域的一次模拟运行"),
    "controls": ("Controls", "运行控制"),
    "reset": ("Reset", "重置"),
    "step": ("Step", "单步"),
    "play_interval": ("Pause between months while playing (ms)", "连续运行时每月间隔（毫秒）"),
    "model_params_card": ("Levers", "政策措施"),
    "information": ("Information", "运行信息"),
    "month_now": ("Month {month}", "第 {month} 月"),
    "individual": ("individual", "个人"),
}
"""Dashboard message key -> (English, Chinese) template."""

TENDER_COLUMNS_ZH = {"month": "月份", "level": "层级", "item": "服务项目", "mode": "采购方式",
                     "value": "预算（万元/年）", "reserve": "采购人底价（万元/年）", "notified": "获知企业数",
                     "eligible": "合格企业数", "bids": "投标数", "winner": "中标者", "price": "中标价（万元/年）",
                     "outcome": "结果"}
"""The tender inspector's column names in Chinese (model.app.tender_table)."""

REASONS_ZH = {"awarded": "成交", "no_notice": "无企业获知", "none_eligible": "无合格企业",
              "reserve_below_cost": "底价低于成本", "unprofitable": "无利可图、无人投标", "too_few_bids": "投标不足法定家数",
              "no_applicant": "无人应聘", "no_capacity": "中标企业无承接能力", "no_finance": "企业无力垫资"}
"""Procurement outcomes (model.procurement.batch.REASONS) in Chinese, for the tender inspector."""

FIRM_KINDS_ZH = {"strong": "地级市大型企业", "local": "本市企业", "grassroots": "镇村基层主体"}
"""Firm kinds (model.world.FIRM_KINDS) in Chinese, for the tender inspector's winner column."""


def t(key: str, lang: str = "en", **fields: Any) -> str:
    """The dashboard message ``key`` in ``lang`` (``"en"`` or ``"zh"``), formatted with ``fields``."""
    en, zh = TEXT[key]
    return (zh if lang == "zh" else en).format(**fields)
