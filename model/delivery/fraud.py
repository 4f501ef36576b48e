"""Overclaiming of funds (冒领财政资金), audits and disclosure (seed S12, S13, R5).

At the start of a contract a firm decides whether to overclaim a share ``s`` of its payments
(padded attendance, fabricated records). Becker (1968): it weighs the gain against the
probability of detection times the sanction. With honesty h, gain G = s · price · term,
detection probability D and sanction L = G · (1 + fine) + B, where B is the discounted business a
blacklist would remove from the firm given the policy's trigger, scope and duration
(model/delivery/stake.py ``listing_loss``), the firm cheats when

    G · (1 − 2h) > D · L

so a firm with honesty ≥ 0.5 never cheats. D combines the yearly audit (probability
audit_prob, uncovering with audit_detect) and media exposure (media_detect, reform R5):
D = 1 − (1 − audit_prob · audit_detect)(1 − media_detect). Detection happens month by month with
hazard D/12; a detected firm repays, pays the fine, loses the contract and may be listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import stake

if TYPE_CHECKING:
    from model.state import State
    from model.param_tree import Params


def detection(p: Params) -> float:
    """Yearly probability that an overclaim is found (audit or media)."""
    f = p.fraud
    return 1 - (1 - f.audit_prob * f.audit_detect) * (1 - f.media_detect)


def cheats(p: Params, honesty: np.ndarray, price: np.ndarray, term: np.ndarray,
           listing_loss: np.ndarray) -> np.ndarray:
    """Becker's rule: which contracts the firm overclaims on.

    Args:
        p: parameters. honesty: 0–1. price: yuan/year. term: years.
        listing_loss: discounted business a listing would remove (yuan; ``stake.listing_loss``).
    """
    gain = p.fraud.overclaim_share * price * term
    penalty = gain * (1 + p.fraud.fine_multiple) + listing_loss
    return gain * (1 - 2 * honesty) > detection(p) * penalty


def decide(m: State, firm: np.ndarray, buyer: np.ndarray, honesty: np.ndarray,
           price: np.ndarray, cost: np.ndarray, term: np.ndarray) -> np.ndarray:
    """Which new contracts (not yet in the contract table) the firm will overclaim on.

    The firm's book counts the new contract too (its margin price − cost).

    Args:
        m: the model (contracts, firms). firm: firm rows (−2: an individual, never cheats).
        buyer: buyer rows. honesty: 0–1. price, cost: yuan/year. term: years.
    """
    p = m.p
    ok = firm >= 0
    fk = np.maximum(firm, 0)
    mine, total = stake.books(m, firm, buyer)
    new = np.where(ok, np.maximum(price - cost, 0), 0.0)
    loss = stake.listing_loss(p, mine + new, total + new, m.firms.overhead[fk])
    return ok & cheats(p, honesty, price, term, loss)
