"""Year-end evaluation (考评), withheld pay, reputation and ranking (seed S14, S15, R6).

score = w_insp · (mean inspected quality, or mean KPI when never inspected)
      + w_kpi · (mean contractible quality: KPI completion)
      + w_cit · (citizens' rating, 民主测评)

The withheld share of the payment is released in proportion to the score. Reputation moves
towards the score: r ← (1 − λ) r + λ · score — privately for the buyer, and publicly (all
buyers see it, and firms are ranked) when the disclosure platform is on.
"""

from __future__ import annotations

import numpy as np

from model.param_tree import Params


def scores(p: Params, mean_meas: np.ndarray, n_insp: np.ndarray, mean_qc: np.ndarray,
           rating: np.ndarray) -> np.ndarray:
    """Evaluation scores (0–1) of many contracts."""
    ev = p.evaluation
    inspected = np.where(n_insp > 0, mean_meas, mean_qc)
    return np.clip(ev.inspection_weight * inspected + ev.kpi_weight * mean_qc + ev.citizen_weight * rating, 0, 1)


def updated_reputation(p: Params, old: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Reputation after one evaluation."""
    lam = p.evaluation.reputation_rate
    return (1 - lam) * old + lam * score
