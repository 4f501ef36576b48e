"""The contract table: every contract of a run, one row each (bulk state for vectorised delivery)."""

from __future__ import annotations

import numpy as np

from model.table import Table

CONTRACT_COLUMNS = {
    "order": (np.int64, -1), "firm": (np.int64, -1), "buyer": (np.int64, -1), "item": (np.int32, -1),
    "level": (np.int8, 0), "mode": (np.int8, 0), "town": (np.int32, -1), "village": (np.int32, -1),
    "price": (float, 0.0), "cost": (float, 0.0), "start": (np.int32, 0), "end": (np.int32, 0),
    "active": (bool, False), "capability": (float, 0.0), "honesty": (float, 1.0), "cheats": (bool, False),
    "kappa": (float, 0.5), "visibility": (float, 0.5), "officer": (bool, False),
    "months": (np.int32, 0),
    "sum_q": (float, 0.0), "sum_qc": (float, 0.0), "sum_qn": (float, 0.0), "sum_meas": (float, 0.0),
    "n_insp": (np.int32, 0), "q": (float, 0.0), "qc": (float, 0.0), "qn": (float, 0.0),
    "people": (float, 0.0), "withheld": (float, 0.0), "fraud_paid": (float, 0.0), "favoured": (bool, False),
    "alert": (bool, False), "score": (float, np.nan), "terminated": (bool, False),
}


def new_contracts() -> Table:
    """An empty contract table."""
    return Table(CONTRACT_COLUMNS, capacity=1024)
