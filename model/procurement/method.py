"""The procurement-method interface (registered in model.procurement.market.METHODS), the value
bands that decide which method buys an order, and what a method does after a failure.

Value bands (yuan per year of the order; county standards, 国办发〔2019〕55号 for the central ones):
below ``procurement.decentralised_limit_yuan`` the purchase is not a government-procurement
procedure and the unit buys under its own rules; from the limit up to
``procurement.open_tender_threshold_yuan`` a non-tender method; above it public tender.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.state import State
    from model.procurement.batch import Batch, Result

BELOW, MIDDLE, ABOVE = 0, 1, 2

#: The roles a method may declare (``Method.roles``) and the parameter (``procurement.<name>``) that
#: chooses a method for each: competitive items below the decentralised-purchase limit, the non-tender
#: band, the method a void public tender switches to, and what follows when the buyer gives up.
SELECTORS = {"small": "small_method", "middle": "middle_method", "switch": "switch_method", "fallback": "fallback"}


def band(m: State, value: np.ndarray) -> np.ndarray:
    """Value band of every order: 2 at or above the open-tender threshold, else 0 below the
    decentralised-purchase limit, else 1 (``value`` in yuan/year; a threshold set below the limit
    wins, so public tender for everything is a counterfactual the parameters can express)."""
    pr = m.p.procurement
    return np.where(value >= pr.open_tender_threshold_yuan, ABOVE,
                    np.where(value < pr.decentralised_limit_yuan, BELOW, MIDDLE))


@dataclass
class Orders:
    """What a method's claim may look at, per order.

    Attributes:
        cat_mode: the catalogue's mode of the item (model.catalogue.MODES).
        value: yuan/year. level: place level. bundled: a lot of several villages.
    """

    cat_mode: np.ndarray
    value: np.ndarray
    level: np.ndarray
    bundled: np.ndarray


@dataclass
class Next:
    """What follows failed procurements, per row: the method of the next attempt (name; the
    same method for a repeat), months until it, channel steps added to the notice, and whether
    the buyer gives up (the fallback, ``procurement.fallback``, follows)."""

    method: np.ndarray
    delay: np.ndarray
    widen: np.ndarray
    give_up: np.ndarray


class Method:
    """A procurement method, registered in ``market.METHODS``; its position there is its code
    (the order's ``mode``).

    Attributes:
        name: the tender log's ``method``.
        priority: an order goes to the claiming method of lowest priority number.
        source, status: the law the method follows and its legal status (current law, the
            article's 2019 practice, or a counterfactual).
        legal_min: the minimum number of suppliers for an award (0: no statutory minimum).
        government_procurement: a method of the Government Procurement Law that the Ministry of
            Finance's statistics count (a project of the county's 政府采购 figures); postings, the
            unit's own purchases below the limit, posts and village committees are outside them.
        roles: the roles (keys of :data:`SELECTORS`) for which a county may choose it: its name is
            then an allowed value of that role's parameter (``market.role_choices``). A method chosen
            as "small" or "middle" claims its band's orders itself (``claims``); "switch" and
            "fallback" orders reach it after a failure.
    """

    name: str = ""
    label_zh: str = ""  # Chinese label (the article's or the law's term)
    priority: float = 0.0
    source: str = ""
    status: str = ""
    legal_min: int = 0
    government_procurement: bool = False
    roles: tuple[str, ...] = ()

    def claims(self, m: State, o: Orders) -> np.ndarray:
        """Which orders this method may buy (bool per order)."""
        raise NotImplementedError

    def run(self, m: State, b: Batch, res: Result, rows: np.ndarray) -> None:
        """Run procurements ``rows`` of batch ``b`` and fill their rows of ``res``."""
        raise NotImplementedError

    def after_failure(self, m: State, failures: np.ndarray, bids: np.ndarray) -> Next:
        """What follows a failure (``failures``: this method's failures of each order so far,
        including this one; ``bids``: bids or responses this time). Default: repeat after
        ``procurement.retender_delay_months`` until ``procurement.max_failures``, then give up."""
        return repeat(m, self.name, failures)

    def takes_fallback(self, m: State, rows: np.ndarray) -> np.ndarray:
        """Which of the given-up orders ``rows`` it can take as the fallback (bool per row; default all)."""
        return np.ones(len(rows), bool)


def repeat(m: State, name: str, failures: np.ndarray, widen: int = 0) -> Next:
    """Repeat the same method after the re-procurement delay until ``max_failures``."""
    pr = m.p.procurement
    n = len(failures)
    return Next(np.full(n, name, object), np.full(n, max(1, pr.retender_delay_months)), np.full(n, widen),
                failures >= pr.max_failures)


def switch(m: State, name: str, n: int) -> Next:
    """Switch to method ``name`` after the approval delay (``procurement.switch_approval_months``)."""
    return Next(np.full(n, name, object), np.full(n, max(1, m.p.procurement.switch_approval_months)),
                np.zeros(n, np.int64), np.zeros(n, bool))
