"""Award rules, registered by name (seed S7; Government Procurement Law; MoF Order 87).

Each rule takes the valid bids of many tenders at once — arrays sorted by tender — and returns,
per tender, the position of the winning bid (−1 when the tender has no bid).

``lowest_price``: the lowest price wins (ties: higher technical score, then lower firm row).

``scoring`` (综合评分法): for bid j of tender t,

    score_j = 100 · (w_price · min_t(price) / price_j + w_tech · tech_j
                     + w_rep · reputation_j + w_cit · rating_j)

and the highest score wins (ties: lower price). The price weight may not fall below the legal
floor for services (10% by default), enforced when the parameters are loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


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


def score(b: Bids, weights: dict[str, float]) -> np.ndarray:
    """Comprehensive scores (0–100) of every bid."""
    min_price = np.full(b.n_tenders, np.inf)
    np.minimum.at(min_price, b.tender, b.price)
    price_score = min_price[b.tender] / b.price
    return 100.0 * (weights["price"] * price_score + weights["technical"] * b.tech
                    + weights["reputation"] * b.reputation + weights["citizen"] * b.rating)


def scoring(b: Bids, weights: dict[str, float]) -> np.ndarray:
    """Highest comprehensive score wins."""
    s = np.round(score(b, weights), 9)
    order = np.lexsort((b.firm, b.price, -s, b.tender))
    return _first_per_tender(order, b.tender, b.n_tenders)


AWARD_RULES: dict[str, Callable[[Bids, dict[str, float]], np.ndarray]] = {
    "lowest_price": lowest_price,
    "scoring": scoring,
}
