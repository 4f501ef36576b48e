"""The parameter sections of who may bid and how bids are scored: qualification screening (seed S9)
and the comprehensive scoring rule's weights (seed S7, S14, R6)."""

from __future__ import annotations

from pydantic import model_validator

from model.param_base import COUNTERFACTUAL, EST, P, Section


class Scoring(Section):
    """Weights of the comprehensive scoring rule (综合评分法)."""

    price_weight: float = P(0.3, "share", "weight of the price score", ge=0, le=1,
                            source="Regulation on Government Procurement, services ≥ 10%",
                            status="≥ 0.1: current law (财政部令第87号 art. 55); below: " + COUNTERFACTUAL, zh="价格分权重")
    technical_weight: float = P(0.5, "share", "weight of the technical score", ge=0, le=1, zh="技术分权重")
    reputation_weight: float = P(0.2, "share", "weight of the reputation score", ge=0, le=1, source="seed S14",
                                 status="reputation from one buyer's own memory: " + COUNTERFACTUAL
                                 + "; from the public credit record (fraud.disclosure): current law", zh="信誉分权重")
    citizen_weight: float = P(0.0, "share", "weight of the citizens' rating", ge=0, le=1, source="seed R6", zh="群众评价分权重")
    price_weight_floor: float = P(0.1, "share", "legal minimum price weight for services", ge=0, le=1,
                                  source="Ministry of Finance Order 87 art. 55", zh="服务项目价格分法定下限")

    @model_validator(mode="after")
    def _weights(self) -> "Scoring":
        total = self.price_weight + self.technical_weight + self.reputation_weight + self.citizen_weight
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"scoring weights must sum to 1 (price + technical + reputation + citizen "
                             f"= {total:.4g})")
        if self.price_weight + 1e-12 < self.price_weight_floor:
            raise ValueError(f"price_weight {self.price_weight} is below the legal floor "
                             f"price_weight_floor = {self.price_weight_floor}")
        return self


class Screening(Section):
    """Qualification screening: the article's five checks (seed S9)."""

    strictness: float = P(1.0, "0–1", "how strictly the five checks are applied", ge=0, le=1, source="seed S9",
                          zh="资格审查严格程度")
    relax_below_yuan: float = P(0.0, "yuan/year", "items below this value skip the formal checks (reform)",
                                ge=0, le=1e8, zh="免正式审查的小额项目限额")
    capability_floor: float = P(0.45, "0–1", "minimum capability at strictness 1 for specialised items",
                                ge=0, le=1, zh="专业项目最低能力要求")
    violation_years: float = P(3.0, "years", "look-back of the no-major-violation check", ge=0, le=20,
                               source="seed S9 check 5", zh="无重大违法记录的年限")
    accounting_from: float = P(0.4, "0–1", "strictness from which check 4 (sound accounting) applies",
                               ge=0, le=1, source=f"{EST}: the order in which the lever switches on the "
                               "checks of seed S9 (Government Procurement Law art. 22)", zh="财务制度审查起点")
    qualification_from: float = P(0.6, "0–1", "strictness from which check 3 (a professional "
                                  "qualification for specialised items) applies", ge=0, le=1,
                                  source=f"{EST}: as accounting_from", zh="专业资质审查起点")
    specialised_above: float = P(0.5, "0–1", "items more specialised than this need the "
                                 "professional qualification of check 3", ge=0, le=1,
                                 source=f"{EST}: the upper half of the specialisation scale", zh="专业项目界限")
