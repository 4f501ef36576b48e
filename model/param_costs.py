"""The parameter section of the reforms' own costs to the public purse (model/costs.py).

Contract payments, subsidies and posts are in ``spend``; procurement, inspection and project
officers' staff time in ``admin_cost`` (model/procurement/orders.py, model/delivery/phases.py);
in-house provision in ``inhouse_cost`` (``buyers.inhouse_cost``). What no mechanism pays for
itself is here: each reform's own running cost, charged in the months it is switched on
(model/costs.py). No source prices these for Penglai: every value is an illustrative estimate
(order of magnitude from county budgets), marked as such.
"""

from __future__ import annotations

from model.param_base import EST, P, Section


class Costs(Section):
    """The running costs of the reforms (all illustrative estimates; yuan)."""

    publicity_yuan_year: float = P(200000.0, "yuan/year", "cost of a full publicity campaign (R1: media, "
                                   "training of unit staff, leaflets), scaled by buyers.publicity", ge=0, le=1e9,
                                   source=EST + " (a county campaign: a few staff-years and media buys)",
                                   zh="宣传活动经费")
    kpi_yuan_contract_year: float = P(4000.0, "yuan/contract-year", "cost of designing and measuring KPIs "
                                      "(R4) per active contract, at kpi_share 1; scaled by delivery.kpi_share",
                                      ge=0, le=1e7, source=EST + " (third-party assessment of a small contract)",
                                      zh="量化指标设计与测评费用")
    disclosure_yuan_year: float = P(300000.0, "yuan/year", "cost of the public disclosure platform (R5): build "
                                    "amortised over five years plus operation and staff", ge=0, le=1e9,
                                    source=EST + " (a county information platform)", zh="公示平台建设运行费用")
    rating_yuan_household: float = P(20.0, "yuan/household polled", "cost of one household's answer in the "
                                     "citizens' rating (R6, 民主测评) of an evaluated contract; charged while any "
                                     "evaluation or scoring weight rests on it", ge=0, le=1e4,
                                     source=EST + " (an interview or phone survey)", zh="民主测评每户调查费用")
    menu_yuan_village_year: float = P(1000.0, "yuan/village/year", "cost of surveying villagers' demand (R3, "
                                      "百姓点菜) in every village each year", ge=0, le=1e7,
                                      source=EST + " (a village meeting and a questionnaire)",
                                      zh="百姓点菜需求调查费用")
    incubation_yuan_firm: float = P(100000.0, "yuan/incubated firm", "cost of incubating one grassroots "
                                    "organisation (space, training, registration, mentoring), charged at the "
                                    "programme's rate market.incubation", ge=0, le=1e8,
                                    source=EST + " (财综〔2016〕54号 names support, not its price)",
                                    zh="每个孵化组织的培育费用")
