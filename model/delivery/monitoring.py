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

from typing import TYPE_CHECKING, Protocol

import numpy as np

from model.registry import Registry
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.rng import Streams
    from model.table import Table


class MonitoringValues(Protocol):
    """The ``monitoring`` section's values the regimes read (``model.param_delivery.Monitoring``)."""

    regimes: list[str]
    announced_per_year: int
    random_prob: float


class ChannelSwitches(Protocol):
    """The channel switch monitoring reads (``model.param_channels.MechanismChannels``)."""

    complaint_alerts: bool


class MonitoringParams(Protocol):
    """The part of the parameter tree monitoring reads."""

    monitoring: MonitoringValues
    channels: ChannelSwitches


class Monitored(Protocol):
    """What monitoring reads of the county's state (a part of ``model.state.State``). Declared here,
    not imported: the parameter tree checks ``monitoring.regimes`` against this module's registry, so
    this module can import neither the tree nor the state."""

    p: MonitoringParams
    contracts: Table
    streams: Streams


def announced_months(month_of_contract: np.ndarray, term: np.ndarray, per_year: int) -> np.ndarray:
    """Whether month t (1-based) of a ``term``-month contract is an announced inspection month."""
    k = per_year * term / MONTHS_PER_YEAR
    return np.floor(month_of_contract * k / term + 1e-9) > np.floor((month_of_contract - 1) * k / term + 1e-9)


class Regime:
    """A monitoring regime, registered in :data:`REGIMES` by its name in ``monitoring.regimes``.

    Attributes:
        name: the regime's name.
        officer: contracts worth at least ``monitoring.officer_min_value_yuan`` get a project
            officer (staff cost ``officer_cost_yuan_month``; sees part of non-contractible quality).
        alerts: the citizens phase turns complaint rates into alerts this regime inspects.
    """

    name: str = ""
    label_zh: str = ""  # Chinese label (the article's term where it has one)
    officer: bool = False
    alerts: bool = False

    def inspect(self, m: Monitored, rows: np.ndarray, month_of_contract: np.ndarray,
                u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(anticipated inspection probability, inspected this month) of contracts ``rows``.

        Args:
            m: the model. rows: active contract rows. month_of_contract: 1-based month of each
                contract. u: this month's uniform draw of each contract (the monitoring stream).
        """
        raise NotImplementedError


class Announced(Regime):
    """``announced_per_year`` inspections in months fixed and known in advance (突击迎检)."""

    name = "announced"
    label_zh = "预先通知的检查（易致突击迎检）"

    def inspect(self, m: Monitored, rows, month_of_contract, u):
        c = m.contracts
        term = (c.end[rows] - c.start[rows] + 1).astype(float)
        due = announced_months(month_of_contract, term, m.p.monitoring.announced_per_year)
        return due.astype(float), due


class Random(Regime):
    """An unannounced inspection with probability ``random_prob`` each month."""

    name = "random"
    label_zh = "随机抽查"

    def inspect(self, m: Monitored, rows, month_of_contract, u):
        prob = m.p.monitoring.random_prob
        return np.full(len(rows), prob), u < prob


class _Flagged(Regime):
    """Inspects the contracts whose flag column (``column`` of the contract table) is set; the
    firm knows it (anticipated probability 0 or 1)."""

    column: str = ""

    def inspect(self, m: Monitored, rows, month_of_contract, u):
        on = getattr(m.contracts, self.column)[rows]
        return on.astype(float), on


class ProjectOfficer(_Flagged):
    """A dedicated officer visits weekly the contracts that have one (项目专管员)."""

    name = "project_officer"
    label_zh = "项目专管员"
    officer = True
    column = "officer"


class Complaints(_Flagged):
    """Complaints above ``complaint_trigger`` trigger an inspection the firm sees coming."""

    name = "complaints"
    label_zh = "投诉触发检查"
    alerts = True
    column = "alert"

    def inspect(self, m: Monitored, rows, month_of_contract, u):
        if not m.p.channels.complaint_alerts:  # channel off: complaints trigger nothing
            return np.zeros(len(rows)), np.zeros(len(rows), bool)
        return super().inspect(m, rows, month_of_contract, u)


#: The monitoring regimes, by name (``monitoring.regimes`` lists those in force).
REGIMES: Registry[Regime] = Registry("monitoring regime", Announced(), Random(), ProjectOfficer(), Complaints())


def monitor(m: Monitored, rows: np.ndarray,
            month_of_contract: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combine the regimes in force.

    Returns:
        (anticipated inspection probability, inspected this month, officer present) per contract.
    """
    u = m.streams["monitoring"].random(len(rows))  # drawn whatever the regimes: common random numbers
    p_none = np.ones(len(rows))
    inspected = np.zeros(len(rows), bool)
    officer = np.zeros(len(rows), bool)
    for name in m.p.monitoring.regimes:
        regime = REGIMES[name]
        prob, hit = regime.inspect(m, rows, month_of_contract, u)
        p_none *= 1 - prob
        inspected |= hit
        if regime.officer:
            officer |= hit
    return 1 - p_none, inspected, officer
