"""Year-end evaluation (考评), withheld pay, reputation and ranking (seed S14, S15, R6).

score = w_insp · (mean inspected quality, or mean KPI when never inspected)
      + w_kpi · (mean contractible quality: KPI completion)
      + w_cit · (citizens' rating, 民主测评)

The withheld share of the payment is released in proportion to the score. Reputation moves
towards the score: r ← (1 − λ) r + λ · score — privately for the buyer, and publicly (all
buyers see it, and firms are ranked) when the disclosure platform is on.

The score formula is an evaluation rule registered in :data:`EVALUATIONS` (``evaluation.rule``).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from model.registry import Registry



class EvaluationValues(Protocol):
    """The ``evaluation`` section's values the rules read (``model.param_delivery.Evaluation``)."""

    rule: str
    inspection_weight: float
    kpi_weight: float
    citizen_weight: float
    reputation_rate: float


class EvaluationParams(Protocol):
    """The part of the parameter tree evaluation reads. Declared here, not imported: the tree
    checks ``evaluation.rule`` against this module's registry, so this module cannot import the tree."""

    evaluation: EvaluationValues


class EvaluationRule:
    """How the year-end score of a contract is computed; registered in :data:`EVALUATIONS`.

    Attributes:
        name: the value of ``evaluation.rule`` that selects it. source, status: where it comes from.
    """

    name: str = ""
    label_zh: str = ""  # Chinese label (the article's term where it has one)
    source: str = ""
    status: str = ""

    def scores(self, p: EvaluationParams, mean_meas: np.ndarray, n_insp: np.ndarray, mean_qc: np.ndarray,
               rating: np.ndarray) -> np.ndarray:
        """Scores (0–1) from the mean inspected quality (0–1), inspections (count), mean contractible
        quality (KPI completion, 0–1) and the citizens' rating (0–1) of many contracts."""
        raise NotImplementedError


class Weighted(EvaluationRule):
    """w_insp · (inspected quality, or KPI when never inspected) + w_kpi · KPI + w_cit · rating."""

    name = "weighted"
    label_zh = "加权考评（检查、量化指标、民主测评）"
    source = "seed S14 (考评), R6 (民主测评)"
    status = "the article's 2019 practice"

    def scores(self, p, mean_meas, n_insp, mean_qc, rating):
        ev = p.evaluation
        inspected = np.where(n_insp > 0, mean_meas, mean_qc)
        return np.clip(ev.inspection_weight * inspected + ev.kpi_weight * mean_qc + ev.citizen_weight * rating, 0, 1)


#: The evaluation rules, by ``evaluation.rule``.
EVALUATIONS: Registry[EvaluationRule] = Registry("evaluation rule", Weighted())


def scores(p: EvaluationParams, mean_meas: np.ndarray, n_insp: np.ndarray, mean_qc: np.ndarray,
           rating: np.ndarray) -> np.ndarray:
    """Evaluation scores (0–1) of many contracts under the rule in force."""
    return EVALUATIONS[p.evaluation.rule].scores(p, mean_meas, n_insp, mean_qc, rating)


def updated_reputation(p: EvaluationParams, old: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Reputation after one evaluation."""
    lam = p.evaluation.reputation_rate
    return (1 - lam) * old + lam * score
