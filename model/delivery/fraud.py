"""Overclaiming of funds (冒领财政资金), audits and disclosure (seed S12, S13, R5).

At the start of a contract a firm decides whether to overclaim a share ``s`` of its payments
(padded attendance, fabricated records). With honesty h, gain G = s · price · term, detection
probability D and penalty L = G · (1 + fine) + B, where B is the profit the blacklist would cost
(a year of the firm's margin on this contract for every year the duration weighs, times the
scope's weight: model/delivery/blacklist.py),
the firm cheats when

    G · (1 − 2h) > D · L

so a firm with honesty ≥ 0.5 never cheats. D combines the yearly audit (probability
audit_prob, uncovering with audit_detect) and media exposure (media_detect, reform R5):
D = 1 − (1 − audit_prob · audit_detect)(1 − media_detect). Detection happens month by month with
hazard D/12; a detected firm repays, pays the fine, loses the contract and may be listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS

if TYPE_CHECKING:
    from model.param_tree import Params


def detection(p: Params) -> float:
    """Yearly probability that an overclaim is found (audit or media)."""
    f = p.fraud
    return 1 - (1 - f.audit_prob * f.audit_detect) * (1 - f.media_detect)


def blacklist_cost(p: Params, margin_year: np.ndarray) -> np.ndarray:
    """Profit a listing would cost the firm (yuan)."""
    b = p.blacklist
    duration = DURATIONS[b.duration]
    if "fraud" not in TRIGGERS[b.trigger].events or duration.months == 0:
        return np.zeros_like(margin_year)
    return duration.stake_years * np.maximum(margin_year, 0) * SCOPES[b.scope].stake_weight


def decide(p: Params, honesty: np.ndarray, price: np.ndarray, cost: np.ndarray, term: np.ndarray) -> np.ndarray:
    """Which new contracts the firm will overclaim on."""
    gain = p.fraud.overclaim_share * price * term
    penalty = gain * (1 + p.fraud.fine_multiple) + blacklist_cost(p, (price - cost))
    return gain * (1 - 2 * honesty) > detection(p) * penalty
