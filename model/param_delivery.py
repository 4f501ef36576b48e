"""Parameter sections of delivery and sanctions: effort and quality, monitoring, fraud and audits,
evaluation, blacklist (part of the tree of model/param_tree.py). The choices of monitoring
regimes and blacklist policies come from their registries."""

from __future__ import annotations

from typing import Annotated

from pydantic import model_validator

from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS
from model.delivery.evaluation import EVALUATIONS
from model.delivery.monitoring import REGIMES
from model.param_base import COUNTERFACTUAL, CURRENT, P, Section

class Delivery(Section):
    """Effort and quality (Hart, Shleifer and Vishny 1997; seed P7)."""

    effort_cost: float = P(0.5, "× monthly cost", "cost of full effort relative to the contract's monthly cost",
                           ge=0.01, le=5, zh="努力成本")
    min_effort: float = P(0.5, "0–1", "effort delivered with no incentive at all", ge=0, le=1, zh="无激励时的最低努力")
    intrinsic: float = P(0.15, "× payment", "intrinsic motivation of an honest firm per unit quality", ge=0, le=2,
                         zh="内在动机")
    inspection_penalty: float = P(0.3, "× monthly payment", "deduction per unit shortfall found at inspection",
                                  ge=0, le=5, zh="检查不达标扣款")
    reputation_horizon_years: float = P(10.0, "years", "future years of awards a firm weighs (its stake horizon; "
                                        "a permanent listing costs this many years)", ge=0, le=20,
                                        source="Calzolari and Spagnolo (2009); assumption", zh="信誉考虑的年限")
    discount_rate: float = P(0.08, "per year", "rate at which a firm discounts future margins", ge=0, le=1,
                             source="SME borrowing cost in China, ~5–10%/year (PBoC loan prime rate + premium)",
                             zh="企业贴现率")
    award_sensitivity: float = P(2.0, "logit units per unit score", "how strongly the win chance responds to "
                                 "the award score: ∂w/∂score = β w (1 − w)", ge=0, le=100,
                                 source="logit approximation of the award; assumption", zh="中标概率对评分的敏感度")
    pressure_max: float = P(5.0, "× (cost/price)", "cap on the budget pressure cost/price that shades "
                            "non-contractible effort (its floor is the inverse)", ge=1, le=100,
                            source="numerical guard; assumption", zh="预算压力上限")
    standard: float = P(0.75, "0–1", "quality the contract requires; shortfalls at inspection are deducted",
                        ge=0, le=1, source="seed R4 (量化 standards in contracts)", zh="合同质量标准")
    quality_noise: float = P(0.03, "0–1", "month-to-month noise of delivered quality", ge=0, le=0.5,
                             zh="月度质量波动")
    kpi_share: float = P(0.0, "share", "extra share of non-contractible quality made contractible by KPIs",
                         ge=0, le=1, source="seed R4", zh="量化指标新增可考核质量比例")


MonitorName = Annotated[str, REGIMES]


class Monitoring(Section):
    """Monitoring regimes (谁购买谁监管; seed S11, P7)."""

    regimes: list[MonitorName] = P(["announced", "complaints"], "names", "monitoring regimes in force",
                                   source="seed S11, P7", zh="监管方式")
    announced_per_year: int = P(2, "inspections/year", "announced inspections per contract-year", ge=0, le=12,
                                zh="每年预先通知的检查次数")
    random_prob: float = P(0.15, "per month", "chance of a random inspection in a month", ge=0, le=1,
                           zh="随机抽查概率")
    officer_observes: float = P(0.5, "share", "share of non-contractible quality a project officer sees",
                                ge=0, le=1, source="seed S11 (项目专管员)", zh="项目专管员可见的不可契约化质量比例")
    officer_min_value_yuan: float = P(100000.0, "yuan/year", "contracts with a project officer: at least this",
                                      ge=0, le=1e9, zh="配备项目专管员的最低合同额")
    inspection_cost_yuan: float = P(600.0, "yuan/inspection", "staff cost of one inspection", ge=0, le=1e6,
                                    zh="每次检查人员成本")
    officer_cost_yuan_month: float = P(2500.0, "yuan/month", "staff cost of an officer per contract", ge=0, le=1e6,
                                       zh="项目专管员人员成本")
    complaint_trigger: float = P(0.05, "complaints/household", "complaint rate that triggers an inspection",
                                 ge=0, le=1, zh="触发检查的投诉率")
    measurement_noise: float = P(0.03, "0–1", "noise of an inspector's reading", ge=0, le=0.5, zh="检查测量误差")


class Fraud(Section):
    """Overclaiming of funds (冒领财政资金), audits and disclosure (seed S12, S13, R5)."""

    overclaim_share: float = P(0.2, "share of payment", "share of payment a cheating firm overclaims", ge=0, le=1,
                               zh="冒领资金比例")
    audit_prob: float = P(0.15, "per contract-year", "chance a contract's funds are audited", ge=0, le=1,
                          source="seed S12", zh="审计概率")
    audit_detect: float = P(0.7, "probability", "chance an audit uncovers an overclaim", ge=0, le=1,
                            zh="审计查出冒领的概率")
    media_detect: float = P(0.0, "per contract-year", "chance media and the public expose an overclaim",
                            ge=0, le=1, source="seed R5", zh="媒体监督曝光概率")
    fine_multiple: float = P(0.3, "× overclaim", "fine on top of repayment", ge=0, le=10,
                             source="财政违法行为处罚处分条例 (国务院令第427号) art. 14: repayment plus a fine of "
                             "10–50% of the amount; default mid-range",
                             status="0.1–0.5: current law; outside: " + COUNTERFACTUAL, zh="罚款倍数")
    disclosure: bool = P(False, "switch", "public disclosure platform: scores and blacklists public",
                         source="seed R5 (公示平台)", status=CURRENT, zh="公示平台")


class Evaluation(Section):
    """Year-end evaluation (考评; seed S14, S15, R6)."""

    rule: Annotated[str, EVALUATIONS] = P("weighted", "rule", "how the year-end score is computed",
                                          source="seed S14", zh="考评计分方法")
    inspection_weight: float = P(0.5, "share", "weight of inspection results", ge=0, le=1, source="seed S14",
                                 zh="检查结果权重")
    kpi_weight: float = P(0.4, "share", "weight of KPI completion", ge=0, le=1, source="seed R4", zh="量化指标完成权重")
    citizen_weight: float = P(0.1, "share", "weight of the citizens' rating (民主测评)", ge=0, le=1,
                              source="seed R6", zh="民主测评权重")
    withhold_share: float = P(0.1, "share of payment", "payment withheld against the score", ge=0, le=1,
                              source="seed S14", zh="与考评挂钩的扣留款比例")
    fail_score: float = P(0.5, "0–1", "a score below this is a failing score", ge=0, le=1, zh="不合格分数线")
    reputation_rate: float = P(0.5, "per evaluation", "weight of the newest score in reputation", ge=0, le=1,
                               zh="最新考评在信誉中的权重")
    prior_reputation: float = P(0.6, "0–1", "reputation of a firm nobody has evaluated", ge=0, le=1, zh="未经考评企业的初始信誉")
    ranking: bool = P(False, "switch", "buyers publish a ranking of suppliers by their scores (排名通报): every "
                      "buyer reads a firm's score", source="seed S15", zh="排名通报")

    @model_validator(mode="after")
    def _weights(self) -> "Evaluation":
        total = self.inspection_weight + self.kpi_weight + self.citizen_weight
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"evaluation weights must sum to 1 (inspection + kpi + citizen = {total:.4g})")
        return self


class Blacklist(Section):
    """Blacklist policy: trigger, scope and duration (seed S13, R5)."""

    trigger: Annotated[str, TRIGGERS] = P("fraud", "policy", "what lists a firm", source="seed S13",
                                          zh="黑名单触发条件")
    scope: Annotated[str, SCOPES] = P("city", "policy", "who excludes a listed firm", zh="黑名单范围")
    duration: Annotated[str, DURATIONS] = P("3y", "policy", "how long a firm stays listed", zh="黑名单期限")
    failing_scores: int = P(2, "evaluations", "consecutive failing scores that trigger listing", ge=1, le=10,
                            zh="触发列入的连续不合格次数")
