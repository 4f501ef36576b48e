"""The county's state as the phases see it: the one interface between the month's phases and the model.

Every phase of the month (model/month.py) is a function ``phase(m)`` of a :class:`State`;
``model.core.ProcurementModel`` is the one implementation (it builds the tables and runs the phase
table). A mechanism module annotates ``m: State`` and imports this module, never ``model.core``:
so a phase can be read, tested or moved without the model class, and the modules of ``model/``
import each other without a cycle, annotations included (tests/test_imports.py). A phase reads and
writes only what is declared here (tests/test_imports.py checks every ``m.<name>`` a phase
module uses against this declaration).

Tables (``model.table.Table``) hold one row per entity with typed columns; their columns are
declared where the table is made: firms in ``model.world.FIRM_COLUMNS``, buyers in
``model.world.build_buyers``, contracts in ``model.contracts.CONTRACT_COLUMNS``, orders in
``model.procurement.orders.ORDER_COLUMNS`` (name, dtype and default of each column).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from model.catalogue import Catalogue
    from model.delivery.blacklist import Blacklist
    from model.entities.citizens import Citizens
    from model.ledger import MonthLedger, YearLedger
    from model.memory import PairMemory
    from model.param_tree import Params
    from model.place_index import PlaceIndex
    from model.procurement.beliefs import Beliefs
    from model.rng import Streams
    from model.slot_index import SlotIndex
    from model.table import Table
    from model.world import Slots, World


@runtime_checkable
class State(Protocol):
    """What the month's phases read and write (the attributes of a running model)."""

    # --- parameters and the clock
    p: Params
    """The parameters in force this month (switched by ``model.switch`` when a reform starts)."""
    seed: int
    """The run's seed: every mechanism draws from its named stream of it (``streams``)."""
    month: int
    """Months run so far; during a month's phases, the current month (1-based)."""
    streams: Streams
    """The named random streams (model/rng.py): one per mechanism, common across scenarios."""

    # --- the county and its entities
    cat: Catalogue
    """The service catalogue (model/data/catalogue.csv): one row per kind of service."""
    world: World
    """Geography, buyers, firms and slots as built from the ``world`` stream."""
    buyers: Table
    """Government buyers: city departments, towns, villages (``world.buyers``)."""
    firms: Table
    """Contractors, one row per firm ever present (``active`` marks those in business)."""
    slots: Slots
    """Service slots: one per (buyer, catalogue item) the buyer may buy."""
    town_buyer: np.ndarray
    """Buyer row of each town's government, by town."""
    contracts: Table
    """Every contract signed (``active`` marks those running)."""
    orders: Table
    """Every order a buyer placed this run, with its procurement status."""

    # --- derived from the parameters (rebuilt when they switch)
    kappa: np.ndarray
    """Contractible share of quality per catalogue item (model/delivery/effort.py)."""
    weights: dict[str, float]
    """Scoring weights of the award (price, technical, reputation, citizen)."""

    # --- each slot's state this year
    slot_state: np.ndarray
    """Per slot: unserved, served by a contract, in-house, or waiting (``model.world.SLOT_*``)."""
    slot_contract: np.ndarray
    """Per slot: row of the contract serving it, −1 for none."""
    slot_order: np.ndarray
    """Per slot: row of its order this year, −1 for none."""
    slot_bought: np.ndarray
    """Per slot: whether the buyer chose to buy it this year."""
    slot_inhouse_q: np.ndarray
    """Per slot: the quality its buyer's own staff deliver when they provide it (0–1)."""
    slot_weight: np.ndarray
    """Per slot: visibility × demand of its item (the citizens' weight of the slot)."""

    # --- what buyers, firms and citizens have learned
    beliefs: Beliefs
    """Each firm's win-probability beliefs and markups per kind of tender."""
    private_rep: PairMemory
    """Each buyer's own memory of each firm's performance."""
    blacklist: Blacklist
    """Listings of firms (who listed them, from and until when)."""
    citizens: Citizens
    """Households' satisfaction, expectations and trust."""
    slot_index: SlotIndex
    """Groupings of slots by village, level and item for the month's outcomes."""
    place_index: PlaceIndex
    """Groupings of slots and households by distance band for the outcomes by place."""

    # --- the month's record
    ledger: MonthLedger
    """The month's raw counters (reset at the start of every month), from which outcomes are computed."""
    year_ledger: YearLedger
    """Counters kept over a fiscal year (the local market's pull for entrants)."""
    raws: list[dict[str, float]]
    """Every closed month's raw counters (``ledger`` flattened)."""
    month_values: dict[str, float]
    """The last closed month's outcomes."""
    month_history: list[dict[str, float]]
    """Every closed month's outcomes."""
    tender_chunks: list[dict[str, np.ndarray]]
    """The procurement log, one block of columns per batch (``tender_log()`` joins them)."""
    datacollector: Any
    """Mesa's DataCollector, fed from ``month_values`` at every month's close."""
    invariant_snapshot: Any
    """The invariant checker's snapshot of the previous month (model/invariants.py), None unless checked."""

    # --- views and rules the phases share
    @property
    def month_of_year(self) -> int:
        """The current month of the fiscal year (1–12)."""

    def reputation_seen(self, buyer: np.ndarray, firm: np.ndarray) -> np.ndarray:
        """Reputation of ``firm`` as ``buyer`` sees it (public record or its own memory)."""

    def rating_seen(self, firm: np.ndarray) -> np.ndarray:
        """Citizens' rating of ``firm`` as an award sees it."""

    def expectation_of_contracts(self, rows: np.ndarray) -> np.ndarray:
        """Citizens' mean expectation where each contract of ``rows`` delivers."""

    def slot_quality(self) -> np.ndarray:
        """True quality of every slot this month (0 where unserved)."""
