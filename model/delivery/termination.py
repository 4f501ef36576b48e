"""Ending contracts early (a firm's exit, a fraud finding): the order-lifecycle rule.

The contract stops, the firm's load falls, its slots go unserved, and the order is re-procured
after the approval delay if that falls within the fiscal year (a recurring order), else dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.procurement import orders
from model.units import MONTHS_PER_YEAR
from model.world import SLOT_UNSERVED

if TYPE_CHECKING:
    from model.state import State


def terminate(m: State, rows: np.ndarray) -> None:
    """End contracts early; their slots go unserved and the order is re-procured."""
    rows = rows[m.contracts.active[rows]] if len(rows) else rows
    if len(rows) == 0:
        return
    c, o = m.contracts, m.orders
    c.col("active")[rows] = False
    c.col("terminated")[rows] = True
    firm = c.firm[rows]
    np.subtract.at(m.firms.col("load"), firm[firm >= 0], 1)
    hit = orders.index_mask(m.slot_contract, rows, len(c))
    m.slot_state[hit] = SLOT_UNSERVED
    m.slot_contract[hit] = -1
    od = c.order[rows]
    year_end = ((m.month - 1) // MONTHS_PER_YEAR + 1) * MONTHS_PER_YEAR
    due = m.month + 1 + m.p.procurement.approval_delay_months
    o.col("status")[od] = np.where((due <= year_end) & ~o.adhoc[od], orders.WAITING, orders.DROPPED)
    o.col("due")[od] = due
    o.col("failures")[od] = 0
