"""Monitoring regimes, registered by name and combinable (谁购买谁监管; seed S11, P7).

Each regime returns, for every active contract this month, the probability of inspection the
firm anticipates and whether an inspection actually happens:

- ``announced``: ``announced_per_year`` inspections in months fixed and known in advance (evenly
  spaced over the contract: month t of a T-month contract is inspected when ⌊t·k/T⌋ > ⌊(t−1)·k/T⌋
  with k = announced_per_year · T/12) → firms raise effort in those months only (突击迎检);
- ``random``: an unannounced inspection with probability ``random_prob`` each month;
- ``project_officer``: a dedicated officer visits weekly (contracts worth at least
  ``officer_min_value_yuan``; the article's greenbelt example), seeing part of the
  non-contractible quality too;
- ``complaints``: citizens' complaints above ``complaint_trigger`` per household last month
  trigger an inspection, which the firm sees coming.

Each inspection costs ``inspection_cost_yuan`` of staff time; an officer costs
``officer_cost_yuan_month`` per contract-month.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def announced_months(month_of_contract: np.ndarray, term: np.ndarray, per_year: int) -> np.ndarray:
    """Whether month t (1-based) of a ``term``-month contract is an announced inspection month."""
    k = per_year * term / 12.0
    return np.floor(month_of_contract * k / term + 1e-9) > np.floor((month_of_contract - 1) * k / term + 1e-9)


def announced(m, rows: np.ndarray, month_of_contract: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = m.contracts
    term = (c.end[rows] - c.start[rows] + 1).astype(float)
    due = announced_months(month_of_contract, term, m.p.monitoring.announced_per_year)
    return due.astype(float), due


def random(m, rows: np.ndarray, month_of_contract: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    prob = m.p.monitoring.random_prob
    return np.full(len(rows), prob), u < prob


def project_officer(m, rows: np.ndarray, month_of_contract: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    on = m.contracts.officer[rows]
    return on.astype(float), on


def complaints(m, rows: np.ndarray, month_of_contract: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    alert = m.contracts.alert[rows]
    return alert.astype(float), alert


REGIMES: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "announced": announced,
    "random": random,
    "project_officer": project_officer,
    "complaints": complaints,
}


def monitor(m, rows: np.ndarray, month_of_contract: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combine the regimes in force.

    Returns:
        (anticipated inspection probability, inspected this month, officer present) per contract.
    """
    u = m.rng["monitoring"].random(len(rows))  # drawn whatever the regimes: common random numbers
    p_none = np.ones(len(rows))
    inspected = np.zeros(len(rows), bool)
    officer = np.zeros(len(rows), bool)
    for name in m.p.monitoring.regimes:
        prob, hit = REGIMES[name](m, rows, month_of_contract, u)
        p_none *= 1 - prob
        inspected |= hit
        if name == "project_officer":
            officer |= hit
    return 1 - p_none, inspected, officer
