"""The parameter sections of the people: citizens (households) and buyers (seed P1, P8, R3, S2)."""

from __future__ import annotations

from model.param_base import CURRENT, PRACTICE, P, Section


class Citizens(Section):
    """Households' perception, satisfaction, trust and complaints (seed P8, R3, R6)."""

    perception_noise: float = P(0.08, "0–1", "noise of a household's perception", ge=0, le=1, zh="居民感知误差")
    satisfaction_rate: float = P(0.15, "per month", "speed at which satisfaction follows perceptions", ge=0, le=1,
                                 zh="满意度调整速度")
    expectation_rate: float = P(0.05, "per month", "speed at which expectations follow perceptions", ge=0, le=1,
                                zh="期望调整速度")
    expectation_init: float = P(0.55, "0–1", "initial expectation of service quality", ge=0, le=1,
                                zh="初始服务质量期望")
    tolerance: float = P(0.1, "0–1", "shortfall below expectation tolerated before complaining", ge=0, le=1,
                         zh="投诉前可容忍的差距")
    complaint_channel: float = P(0.1, "probability", "chance a dissatisfied household complains",
                                 ge=0, le=1, source="seed R5 (social supervision)", zh="不满居民投诉概率")
    trust_rate: float = P(0.05, "per month", "speed at which trust follows satisfaction", ge=0, le=1, zh="信任调整速度")
    trust_init: float = P(0.6, "0–1", "initial trust in government", ge=0, le=1, zh="初始政府信任度")
    satisfaction_init: float = P(0.5, "0–1", "initial household satisfaction", ge=0, le=1,
                                 source="assumption", zh="初始满意度")
    disconfirmation: float = P(0.5, "per unit gap", "weight of (perceived − expected) quality in the "
                               "satisfaction target", ge=0, le=5,
                               source="Oliver (1980) expectation–disconfirmation; assumption", zh="期望落差权重")
    unserved_hit: float = P(0.08, "per unserved share", "trust lost per share of unserved demand", ge=0, le=1,
                            zh="未获服务造成的信任损失")
    swing_hit: float = P(0.3, "per unit swing", "trust lost per unit month-to-month quality swing (一阵风)",
                         ge=0, le=5, source="seed P7", zh="质量波动（一阵风）造成的信任损失")
    scandal_hit: float = P(0.05, "per scandal", "trust lost in a town per published scandal", ge=0, le=1,
                           source="seed P8", zh="公开丑闻造成的信任损失")
    menu: bool = P(False, "switch", "citizens' demand ranks the items bought (百姓点菜)", source="seed R3",
                   status=CURRENT, zh="百姓点菜")
    raters: int = P(30, "households", "households polled in the citizens' rating", ge=1, le=10000, zh="民主测评调查户数")
    taste_sd: float = P(0.15, "0–1 quality", "spread (s.d.) of tastes across a slot's households: how far "
                        "their judgement of the same service differs", ge=0, le=1,
                        source="seed P8; assumption", zh="居民口味差异")


class Buyers(Section):
    """Government buyers: adoption, budgets, in-house provision (seed S1–S5, P1, R1, R2)."""

    awareness_mean: float = P(0.55, "0–1", "mean awareness of purchasing", ge=0, le=1, source="seed P1",
                              zh="平均认识程度")
    awareness_sd: float = P(0.2, "0–1", "spread of awareness across units", ge=0, le=1, zh="认识程度离散度")
    publicity: float = P(0.0, "0–1", "publicity campaign intensity", ge=0, le=1, source="seed R1", zh="宣传力度")
    publicity_effect: float = P(0.3, "awareness", "awareness gained at full publicity", ge=0, le=1,
                                zh="充分宣传带来的认识提升")
    publicity_reach: float = P(0.5, "share", "extra notice reach at full publicity", ge=0, le=1, source="seed R1",
                               zh="充分宣传带来的信息送达提升")
    learn_good: float = P(0.02, "awareness", "awareness gained after a good contract", ge=0, le=1,
                          zh="良好合同后的认识提升")
    learn_bad: float = P(0.02, "awareness", "awareness lost after a void tender or scandal", ge=0, le=1,
                         zh="废标或丑闻后的认识下降")
    budget_city_yuan: float = P(21_000_000.0, "yuan/year", "the county's yearly allocation for the city "
                                "departments' purchased services, split across departments in proportion to the "
                                "value of their purchasable catalogue items", ge=0, le=1e10,
                                source="estimate: the model's purchasable city catalogue is 20.25M yuan/year; one "
                                "county's 2019 service purchases were 148 projects, 181.9M yuan budgeted (mean 1.23M), "
                                "which include much beyond this catalogue, so 21M (12% of it) is sized to "
                                "afford the catalogue, not taken from it", zh="市直部门购买服务预算（全县）")
    budget_town_yuan: float = P(2_300_000.0, "yuan/year", "a town government's yearly allocation for purchased "
                                "town services (the town catalogue is 3.81M yuan/year)", ge=0, le=1e9,
                                source="estimate: 0.6 of the town catalogue, the former share (seed S5)",
                                zh="镇政府购买服务预算（每镇）")
    budget_village_yuan: float = P(75_000.0, "yuan/year", "yearly allocation for purchased village services, per "
                                   "village (the town buys them; the village catalogue is 376,000 yuan/year)",
                                   ge=0, le=1e8, source="estimate: 0.2 of the village catalogue, the former share "
                                   "(seed S5, P3)", zh="村级购买服务预算（每村）")
    staff_city: float = P(8.0, "staff", "staff of a city department", ge=0.1, le=1000, source="seed S2",
                          zh="市直部门人员")
    staff_town: float = P(6.0, "staff", "staff of a town government for these tasks", ge=0.1, le=1000,
                          zh="镇政府相关人员")
    staff_village: float = P(1.5, "staff", "village committee staff", ge=0.1, le=100, source="seed S2 (活多人少)",
                             zh="村委会人员")
    inhouse_quality: float = P(0.6, "0–1", "in-house quality with no staff load", ge=0, le=1, source="seed S1, S2",
                               zh="无负担时的自办质量")
    load_sensitivity: float = P(0.35, "per typical item per staff", "in-house quality loss per unit of staff "
                                "load above one typical item of work per staff", ge=0, le=10, zh="人员负担对自办质量的影响（活多人少）")
    staff_pay_city_yuan: float = P(110_000.0, "yuan/staff-year", "pay and on-costs of a city department's staff "
                                   "member", ge=0, le=1e7, source="estimate: average wage in public administration, "
                                   "urban non-private units, about 111,000 yuan in 2021 (NBS)", zh="市直部门人员年人力成本")
    staff_pay_town_yuan: float = P(90_000.0, "yuan/staff-year", "pay and on-costs of a town civil servant",
                                   ge=0, le=1e7, source="estimate: town civil servants earn below the national "
                                   "public-administration average (about 111,000 yuan, 2021, NBS)", zh="镇政府人员年人力成本")
    staff_pay_village_yuan: float = P(50_000.0, "yuan/staff-year", "pay and office costs of a village cadre "
                                      "working on these services", ge=0, le=1e6,
                                      source="estimate: Fujian 2020 funds at least 130,000 yuan a village for cadre "
                                      "pay and office costs (about 3 paid cadres); Hubei 2021 about 200,000 a year for "
                                      "a village organisation's whole operation", zh="村干部年人力成本")
    inhouse_material_share: float = P(0.3, "× item value", "non-staff cost (materials, equipment, fuel) of doing an "
                                      "item in-house at unloaded quality; it scales with the quality delivered",
                                      ge=0, le=1, source="estimate: labour is most of the cost of these services",
                                      zh="自办的非人力成本比例")
    buy_technical_posts: bool = P(False, "switch", "buy hard-to-staff technical posts", source="seed R2",
                                  status=PRACTICE, zh="购买技术岗位服务")
    adhoc_per_year: float = P(0.3, "items/buyer/year", "ad-hoc items (一事一议) per city or town buyer",
                              ge=0, le=20, source="seed S5", zh="临时事项（一事一议）数")
    adhoc_value_share: float = P(0.25, "× catalogue value", "value of an ad-hoc purchase relative to a year "
                                 "of the catalogue item", ge=0.01, le=1, source="seed S5; assumption",
                                 zh="临时事项金额比例")
    adhoc_term_months: int = P(3, "months", "term of an ad-hoc purchase", ge=1, le=12,
                               source="seed S5; assumption", zh="临时事项期限")
    hard_to_staff_quality: float = P(0.5, "× in-house quality", "in-house quality of a hard-to-staff "
                                     "technical item relative to other items", ge=0, le=1,
                                     source="seed S2, R2 (hard to staff); assumption", zh="难以自办事项的自办质量")
