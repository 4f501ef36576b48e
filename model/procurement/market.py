"""One month's procurements, all at once, by method (seed S7, P3).

Procurement methods are classes registered in :data:`METHODS` (the tender log's ``method``), one
module each in model/procurement/methods/; each owns the rule that claims an order for it (the
catalogue's mode, the value band of model.procurement.method, the parameters) and the function
that runs it. :func:`run` runs every method's procurements of the month in registry order. The
tendering methods share the competitive procedure of model.procurement.compete; the unit's own
purchase and single source the invitation of known firms of model.procurement.direct.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import stake
from model.entities import finance
from model.overrides import ParamError
from model.procurement.batch import (  # noqa: F401 - Batch, Result and REASONS are part of this module's interface
    REASONS, Batch, Result)
from model.procurement.method import SELECTORS, Method, Orders  # noqa: F401 - Method is part of this module's interface
from model.procurement.methods.consultation import CompetitiveConsultation, CompetitiveNegotiation
from model.procurement.methods.framework import FrameworkAgreement
from model.procurement.methods.jiebang import JiebangPosting
from model.procurement.methods.posts import PostOutsourcing
from model.procurement.methods.public_tender import PublicTender
from model.procurement.methods.unit_self import SingleSource, UnitSelf
from model.procurement.methods.village_committee import VillageCommittee
from model.registry import Registry

if TYPE_CHECKING:
    from model.param_tree import Params
    from model.state import State

#: The procurement methods, in the order they run each month; position = code.
METHODS: Registry[Method] = Registry(
    "procurement method", PublicTender(), UnitSelf(), PostOutsourcing(), JiebangPosting(), CompetitiveConsultation(),
    CompetitiveNegotiation(), SingleSource(), FrameworkAgreement(), VillageCommittee())


#: What ``procurement.fallback`` may name besides a method: in-house provision by the buyer's staff
#: (the given-up order is dropped and its slots are provided in house).
IN_HOUSE = "in_house"


def role_choices(role: str) -> tuple[str, ...]:
    """The names the parameter of ``role`` (``method.SELECTORS``) may take: the registered methods
    that declare the role, in registry order (and in-house provision for the fallback)."""
    names = tuple(n for n, meth in METHODS.items() if role in meth.roles)
    return (*names, IN_HOUSE) if role == "fallback" else names


def check_roles(p: Params, origin: str) -> None:
    """Check that every method selector names a method declaring its role. The tree cannot check
    this itself: the methods import the tree (through their annotations), so it cannot import them.

    Raises:
        ParamError: one line naming ``origin``, the parameter, the value and what is allowed.
    """
    for role, leaf in SELECTORS.items():
        name, allowed = getattr(p.procurement, leaf), role_choices(role)
        if name not in allowed:
            shown = " | ".join(f'"{n}"' for n in allowed)
            raise ParamError(f"{origin}: procurement.{leaf} = {name!r}: not a procurement method for the role "
                             f"{role!r}; allowed: {shown}")


def code(name: str) -> int:
    """Code (registry position) of the method ``name``."""
    return METHODS.names().index(name)


def choose_methods(m: State, o: Orders) -> np.ndarray:
    """Method code of every order: the claiming method of lowest ``priority`` (int8 codes; −1 none)."""
    coded = sorted(enumerate(METHODS.values()), key=lambda cm: -cm[1].priority)
    mode = np.full(len(o.value), -1, np.int64)
    for c, method in coded:  # lower priority numbers overwrite higher ones
        mode = np.where(method.claims(m, o), c, mode)
    return mode.astype(np.int8)


def tendering(mode: np.ndarray) -> np.ndarray:
    """Which method codes have a minimum number of suppliers (the competitive methods)."""
    mins = np.array([meth.legal_min for meth in METHODS.values()])
    return mins[mode] > 0


def government_procurement(mode: np.ndarray) -> np.ndarray:
    """Which method codes are government procurement as the national statistics count it."""
    return np.array([meth.government_procurement for meth in METHODS.values()])[mode]


def run(m: State, b: Batch) -> Result:
    """Run every procurement of the batch by its method, method by method in registry order."""
    n = len(b)
    res = Result(winner=np.full(n, -1, np.int64), price=np.zeros(n), cost=np.zeros(n), capability=np.zeros(n),
                 honesty=np.ones(n), notified=np.zeros(n, np.int64), eligible=np.zeros(n, np.int64),
                 bids=np.zeros(n, np.int64), reason=np.zeros(n, np.int64), favoured=np.zeros(n, bool))
    m.ledger.headroom = finance.headroom(m)  # what each firm can still pre-fund; the methods draw it down
    m.ledger.books = stake.Books.of(m)  # no contract is signed or ends until the methods are done
    try:
        for c, method in enumerate(METHODS.values()):
            method.run(m, b, res, np.flatnonzero(b.mode == c))
    finally:
        m.ledger.books = None
    return res
