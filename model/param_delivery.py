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
                           ge=0.01, le=5)
    min_effort: float = P(0.5, "0–1", "effort delivered with no incentive at all", ge=0, le=1)
    intrinsic: float = P(0.15, "× payment", "intrinsic motivation of an honest firm per unit quality", ge=0, le=2)
    inspection_penalty: float = P(0.3, "× monthly payment", "deduction per unit shortfall found at inspection",
                                  ge=0, le=5)
    reputation_horizon_years: float = P(2.0, "years", "future years of rents a firm weighs for reputation",
                                        ge=0, le=20)
    standard: float = P(0.75, "0–1", "quality the contract requires; shortfalls at inspection are deducted",
                        ge=0, le=1, source="seed R4 (量化 standards in contracts)")
    quality_noise: float = P(0.03, "0–1", "month-to-month noise of delivered quality", ge=0, le=0.5)
    kpi_share: float = P(0.0, "share", "extra share of non-contractible quality made contractible by KPIs",
                         ge=0, le=1, source="seed R4")


MonitorName = Annotated[str, REGIMES]


class Monitoring(Section):
    """Monitoring regimes (谁购买谁监管; seed S11, P7)."""

    regimes: list[MonitorName] = P(["announced", "complaints"], "names", "monitoring regimes in force",
                                   source="seed S11, P7")
    announced_per_year: int = P(2, "inspections/year", "announced inspections per contract-year", ge=0, le=12)
    random_prob: float = P(0.15, "per month", "chance of a random inspection in a month", ge=0, le=1)
    officer_observes: float = P(0.5, "share", "share of non-contractible quality a project officer sees",
                                ge=0, le=1, source="seed S11 (项目专管员)")
    officer_min_value_yuan: float = P(100000.0, "yuan/year", "contracts with a project officer: at least this",
                                      ge=0, le=1e9)
    inspection_cost_yuan: float = P(600.0, "yuan/inspection", "staff cost of one inspection", ge=0, le=1e6)
    officer_cost_yuan_month: float = P(2500.0, "yuan/month", "staff cost of an officer per contract", ge=0, le=1e6)
    complaint_trigger: float = P(0.05, "complaints/household", "complaint rate that triggers an inspection",
                                 ge=0, le=1)
    measurement_noise: float = P(0.03, "0–1", "noise of an inspector's reading", ge=0, le=0.5)


class Fraud(Section):
    """Overclaiming of funds (冒领财政资金), audits and disclosure (seed S12, S13, R5)."""

    overclaim_share: float = P(0.2, "share of payment", "share of payment a cheating firm overclaims", ge=0, le=1)
    audit_prob: float = P(0.15, "per contract-year", "chance a contract's funds are audited", ge=0, le=1,
                          source="seed S12")
    audit_detect: float = P(0.7, "probability", "chance an audit uncovers an overclaim", ge=0, le=1)
    media_detect: float = P(0.0, "per contract-year", "chance media and the public expose an overclaim",
                            ge=0, le=1, source="seed R5")
    fine_multiple: float = P(0.3, "× overclaim", "fine on top of repayment", ge=0, le=10,
                             source="财政违法行为处罚处分条例 (国务院令第427号) art. 14: repayment plus a fine of "
                             "10–50% of the amount; default mid-range",
                             status="0.1–0.5: current law; outside: " + COUNTERFACTUAL)
    disclosure: bool = P(False, "switch", "public disclosure platform: scores and blacklists public",
                         source="seed R5 (公示平台)", status=CURRENT)


class Evaluation(Section):
    """Year-end evaluation (考评; seed S14, S15, R6)."""

    rule: Annotated[str, EVALUATIONS] = P("weighted", "rule", "how the year-end score is computed",
                                          source="seed S14")
    inspection_weight: float = P(0.5, "share", "weight of inspection results", ge=0, le=1, source="seed S14")
    kpi_weight: float = P(0.4, "share", "weight of KPI completion", ge=0, le=1, source="seed R4")
    citizen_weight: float = P(0.1, "share", "weight of the citizens' rating (民主测评)", ge=0, le=1,
                              source="seed R6")
    withhold_share: float = P(0.1, "share of payment", "payment withheld against the score", ge=0, le=1,
                              source="seed S14")
    fail_score: float = P(0.5, "0–1", "a score below this is a failing score", ge=0, le=1)
    reputation_rate: float = P(0.5, "per evaluation", "weight of the newest score in reputation", ge=0, le=1)
    prior_reputation: float = P(0.6, "0–1", "reputation of a firm nobody has evaluated", ge=0, le=1)

    @model_validator(mode="after")
    def _weights(self) -> "Evaluation":
        total = self.inspection_weight + self.kpi_weight + self.citizen_weight
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"evaluation weights must sum to 1 (inspection + kpi + citizen = {total:.4g})")
        return self


class Blacklist(Section):
    """Blacklist policy: trigger, scope and duration (seed S13, R5)."""

    trigger: Annotated[str, TRIGGERS] = P("fraud", "policy", "what lists a firm", source="seed S13")
    scope: Annotated[str, SCOPES] = P("city", "policy", "who excludes a listed firm")
    duration: Annotated[str, DURATIONS] = P("3y", "policy", "how long a firm stays listed")
    failing_scores: int = P(2, "evaluations", "consecutive failing scores that trigger listing", ge=1, le=10)
