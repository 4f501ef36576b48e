"""Bidding strategies, registered by name (docs/ODD.md §7.5).

``learning``: price = min(cost · (1 + markup), reserve); the markup rises after a win and falls
after a loss, within [markup_min, markup_max].

``equilibrium``: the symmetric risk-neutral first-price procurement equilibrium for ``n``
bidders with costs iid uniform on [c_low, c_high] (Vickrey 1961; Krishna 2010 ch. 2):

    b(c) = c + (c_high − c) / n

so the expected winning price is E[c_(2)] = c_low + 2 (c_high − c_low) / (n + 1). In the model
``c_high`` is the reserve (no firm bids above it) and ``n`` the number of entrants.
"""

from __future__ import annotations

import numpy as np

from model.registry import Registry


def learning_price(cost: np.ndarray, markup: np.ndarray, reserve: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Cost plus the firm's learned markup, capped by the reserve, never below 0 (yuan; a break-even
    below 0 — a mobilisation subsidy above the costs — bids 0)."""
    return np.maximum(np.minimum(cost * (1 + markup), reserve), 0.0)


def equilibrium_price(cost: np.ndarray, markup: np.ndarray, reserve: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Symmetric first-price equilibrium bid with the reserve as the top of the cost support, never
    below 0 (yuan; a break-even below 0 — a mobilisation subsidy above the costs — bids 0)."""
    return np.maximum(cost + (reserve - cost) / np.maximum(n, 1), 0.0)


def closed_form_winning_price(n: int, c_low: float, c_high: float) -> float:
    """Expected winning price of the symmetric equilibrium: c_low + 2 (c_high − c_low) / (n + 1)."""
    return c_low + 2.0 * (c_high - c_low) / (n + 1)


class BiddingStrategy:
    """How a firm prices its bid; registered in :data:`STRATEGIES` by ``bidding.strategy``.

    Attributes:
        name: the value of ``bidding.strategy`` that selects it.
        learns: whether firms update their markups after each round (``bidding.markup_*``).
    """

    name: str = ""
    label_zh: str = ""  # Chinese label (the article's term where it has one)
    learns: bool = False

    def price(self, cost: np.ndarray, markup: np.ndarray, reserve: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Bid prices (yuan) from costs (yuan), markups (share), reserves (yuan) and entrants ``n``.
        Where the cost is below the reserve the price is at most the reserve and never negative
        (entry's bound on expected profit, model/procurement/entry.py ``gain_bound``, relies on
        it; tests/test_perf_identity.py checks it for every strategy)."""
        raise NotImplementedError


class Learning(BiddingStrategy):
    """Cost plus a learned markup, capped by the reserve (:func:`learning_price`)."""

    name = "learning"
    label_zh = "学习型报价"
    learns = True

    def price(self, cost, markup, reserve, n):
        return learning_price(cost, markup, reserve, n)


class Equilibrium(BiddingStrategy):
    """The symmetric first-price equilibrium bid (:func:`equilibrium_price`; validation against theory)."""

    name = "equilibrium"
    label_zh = "均衡报价（理论基准）"

    def price(self, cost, markup, reserve, n):
        return equilibrium_price(cost, markup, reserve, n)


#: The bidding strategies, by ``bidding.strategy``.
STRATEGIES: Registry[BiddingStrategy] = Registry("bidding strategy", Learning(), Equilibrium())


def learn_markup(markup: np.ndarray, won: np.ndarray, lost: np.ndarray, step: float, lo: float,
                 hi: float) -> np.ndarray:
    """Markups after a round: +step per win, −step per loss, bounded (share)."""
    return np.clip(markup + step * (won - lost), lo, hi)
