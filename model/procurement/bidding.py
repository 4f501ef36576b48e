"""Bidding strategies, registered by name (DESIGN.md "Contractors").

``learning``: price = min(cost · (1 + markup), reserve); the markup rises after a win and falls
after a loss, within [markup_min, markup_max].

``equilibrium``: the symmetric risk-neutral first-price procurement equilibrium for ``n``
bidders with costs iid uniform on [c_low, c_high] (Vickrey 1961; Krishna 2010 ch. 2):

    b(c) = c + (c_high − c) / n

so the expected winning price is E[c_(2)] = c_low + 2 (c_high − c_low) / (n + 1). In the model
``c_high`` is the reserve (no firm bids above it) and ``n`` the number of entrants.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def learning_price(cost: np.ndarray, markup: np.ndarray, reserve: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Cost plus the firm's learned markup, capped by the reserve (yuan)."""
    return np.minimum(cost * (1 + markup), reserve)


def equilibrium_price(cost: np.ndarray, markup: np.ndarray, reserve: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Symmetric first-price equilibrium bid with the reserve as the top of the cost support (yuan)."""
    return cost + (reserve - cost) / np.maximum(n, 1)


def closed_form_winning_price(n: int, c_low: float, c_high: float) -> float:
    """Expected winning price of the symmetric equilibrium: c_low + 2 (c_high − c_low) / (n + 1)."""
    return c_low + 2.0 * (c_high - c_low) / (n + 1)


STRATEGIES: dict[str, Callable[..., np.ndarray]] = {
    "learning": learning_price,
    "equilibrium": equilibrium_price,
}


def learn_markup(markup: np.ndarray, won: np.ndarray, lost: np.ndarray, step: float, lo: float,
                 hi: float) -> np.ndarray:
    """Markups after a round: +step per win, −step per loss, bounded (share)."""
    return np.clip(markup + step * (won - lost), lo, hi)
