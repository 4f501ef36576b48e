"""Award rules, registered by name (seed S7; Government Procurement Law; MoF Order 87).

An award rule is a class (:class:`AwardRule`) registered in :data:`AWARD_RULES`. Its
``winners`` hook takes the valid bids of many tenders at once — arrays sorted by tender — and
returns, per tender, the position of the winning bid (−1 when the tender has no bid); its
``stake_weights`` hook says how much reputation and the citizens' rating weigh in winning the
next contract, which is what a firm's stake in its delivered quality depends on
(model/delivery/effort.py).

``lowest_price``: the lowest price wins (ties: higher technical score, then lower firm row).

``scoring`` (综合评分法): for bid j of tender t,

    score_j = 100 · (w_price · min_t(price) / price_j + w_tech · tech_j
                     + w_rep · reputation_j + w_cit · rating_j)

and the highest score wins (ties: lower price). The price weight may not fall below the legal
floor for services (10% by default), enforced when the parameters are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from model.registry import Registry



class ScoringWeights(Protocol):
    """The ``scoring`` section's weights a rule's stake reads (``model.param_tree.Scoring``)."""

    reputation_weight: float
    citizen_weight: float


class ProcurementWeights(Protocol):
    """The ``procurement`` section's weight a rule's stake reads (``model.param_tree.Procurement``)."""

    lowest_price_reputation_weight: float


class AwardParams(Protocol):
    """The part of the parameter tree the award rules read. Declared here, not imported: the tree
    checks ``procurement.award_rule`` against this module's registry, so this module cannot import
    the tree."""

    scoring: ScoringWeights
    procurement: ProcurementWeights


@dataclass
class Bids:
    """Valid bids of a batch of tenders, sorted by tender.

    Attributes:
        tender: tender position (0..n_tenders-1), non-decreasing.
        firm: firm row. price: yuan. tech, reputation, rating: 0–1.
        n_tenders: tenders in the batch.
    """

    tender: np.ndarray
    firm: np.ndarray
    price: np.ndarray
    tech: np.ndarray
    reputation: np.ndarray
    rating: np.ndarray
    n_tenders: int


def _first_per_tender(order: np.ndarray, tender: np.ndarray, n: int) -> np.ndarray:
    """Position of the first bid of each tender in ``order`` (−1 for tenders without bids)."""
    win = np.full(n, -1, np.int64)
    t_sorted = tender[order]
    first = np.r_[True, t_sorted[1:] != t_sorted[:-1]] if len(order) else np.zeros(0, bool)
    win[t_sorted[first]] = order[first]
    return win


def lowest_price(b: Bids, weights: dict[str, float]) -> np.ndarray:
    """Lowest price wins."""
    order = np.lexsort((b.firm, -b.tech, b.price, b.tender))
    return _first_per_tender(order, b.tender, b.n_tenders)


#: Full marks of a comprehensive score: the price score of MoF Order 87 art. 55 is
#: (benchmark price / bid price) × 100, the benchmark being the lowest valid bid.
SCORE_POINTS = 100.0

#: Decimals a comprehensive score is rounded to before bids are ranked, so that scores equal but
#: for floating-point rounding tie (and the tie-break, the lower price, decides).
SCORE_DECIMALS = 9


def score(b: Bids, weights: dict[str, float]) -> np.ndarray:
    """Comprehensive scores (0–100) of every bid."""
    min_price = np.full(b.n_tenders, np.inf)
    np.minimum.at(min_price, b.tender, b.price)
    price_score = min_price[b.tender] / b.price
    return SCORE_POINTS * (weights["price"] * price_score + weights["technical"] * b.tech
                           + weights["reputation"] * b.reputation + weights["citizen"] * b.rating)


def scoring(b: Bids, weights: dict[str, float]) -> np.ndarray:
    """Highest comprehensive score wins."""
    s = np.round(score(b, weights), SCORE_DECIMALS)
    order = np.lexsort((b.firm, b.price, -s, b.tender))
    return _first_per_tender(order, b.tender, b.n_tenders)


class AwardRule:
    """An award rule: how the winner of a tender is chosen, and what that makes a firm's
    future awards depend on.

    Attributes:
        name: the value of ``procurement.award_rule`` that selects it.
        source: the law or practice it follows. status: current law, the article's 2019
            practice, or a counterfactual.
    """

    name: str = ""
    label_zh: str = ""  # Chinese label (the article's term where it has one)
    source: str = ""
    status: str = ""

    def winners(self, b: Bids, weights: dict[str, float]) -> np.ndarray:
        """Position of the winning bid of every tender (−1: no winner).

        Args:
            b: the live bids, sorted by tender.
            weights: the scoring weights (``price``, ``technical``, ``reputation``, ``citizen``; shares).
        """
        raise NotImplementedError

    def stake_weights(self, p: AwardParams) -> tuple[float, float]:
        """(ρ, ρ_cit): weights (shares) of reputation and of the citizens' rating in winning the
        next contract under this rule."""
        raise NotImplementedError


class LowestPrice(AwardRule):
    """Lowest price wins (ties: higher technical score, then lower firm row)."""

    name = "lowest_price"
    label_zh = "最低价法"
    source = "Government Procurement Law art. 36; seed S7 (Penglai's practice)"
    status = "current law; the article's 2019 practice"

    def winners(self, b: Bids, weights: dict[str, float]) -> np.ndarray:
        return lowest_price(b, weights)

    def stake_weights(self, p: AwardParams) -> tuple[float, float]:
        return p.procurement.lowest_price_reputation_weight, 0.0


class Scoring(AwardRule):
    """Comprehensive scoring (综合评分法): the highest score wins (ties: lower price)."""

    name = "scoring"
    label_zh = "综合评分法"
    source = "MoF Order 87 art. 55 (price weight ≥ 10% for services)"
    status = "current law"

    def winners(self, b: Bids, weights: dict[str, float]) -> np.ndarray:
        return scoring(b, weights)

    def stake_weights(self, p: AwardParams) -> tuple[float, float]:
        return p.scoring.reputation_weight, p.scoring.citizen_weight


#: The award rules, by ``procurement.award_rule``.
AWARD_RULES: Registry[AwardRule] = Registry("award rule", LowestPrice(), Scoring())
