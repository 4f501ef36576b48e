"""How a firm prices a prospective contract (seed P3, P6): the contract it would get.

The full-effort cost of delivery (model/procurement/batch.py ``delivery_cost``: service, travel,
the firm's private cost shock) is weighed by what the firm expects to spend and receive under the
contract's regime (model/delivery/expected.py ``terms``: the effort its stake and the monitoring
will draw, deductions, withheld pay, financing), and mobilisation is added: the break-even price

    c* = (s · cost + mobilisation) / ρ

is the "cost" the bidding strategy marks up, and price · ρ − s · cost − mobilisation the margin
entry weighs. The financing need of the contract (model/entities/finance.py ``need``) is what
the firm must pre-fund within its headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.delivery import expected, stake
from model.entities import finance

if TYPE_CHECKING:
    from model.state import State
    from model.procurement.batch import Batch


@dataclass
class Terms:
    """A firm's view of prospective contracts (arrays over pairs)."""

    spend: np.ndarray   # expected spending as a share of the full-effort cost (s)
    receive: np.ndarray  # expected share of the price received (ρ)
    mob: np.ndarray     # mobilisation net of subsidy (yuan)

    def break_even(self, cost: np.ndarray) -> np.ndarray:
        """c* (yuan over the term) from the full-effort cost over the term."""
        return (self.spend * cost + self.mob) / self.receive

    def margin(self, price: np.ndarray, cost: np.ndarray) -> np.ndarray:
        """Expected profit (yuan over the term) at ``price`` with full-effort cost ``cost``."""
        return price * self.receive - self.spend * cost - self.mob


def terms(m: State, b: Batch, ti: np.ndarray, fi: np.ndarray, cost: np.ndarray,
          price: np.ndarray, mob: np.ndarray) -> Terms:
    """The expected terms of procurement ``ti`` for firm ``fi`` at ``price`` (yuan over the term) with
    full-effort cost ``cost`` (yuan over the term)."""
    p, f = m.p, m.firms
    item = b.item[ti]
    term = b.term[ti]
    per_year = price / term
    vis = m.cat.visibility[item]
    r_c, r_n = stake.stakes_of(m, p, fi, b.buyer[ti], item, per_year, vis)
    officer = b.value[ti] >= p.monitoring.officer_min_value_yuan
    s, rho = expected.terms(p, f.capability[fi], f.honesty[fi], vis, m.kappa[item], cost / term, per_year, term,
                            r_c, r_n, officer)
    return Terms(s, rho, mob)


def need(m: State, b: Batch, ti: np.ndarray, cost: np.ndarray, price: np.ndarray,
         mob: np.ndarray) -> np.ndarray:
    """Financing need (yuan) of contracts at ``price`` with full-effort ``cost`` (both over the term)."""
    term = b.term[ti]
    return finance.need(m.p, cost / term, price / term, term, mob)
