"""The month ledger: what a month produces for the metrics (typed fields, not string-keyed dicts).

A :class:`MonthLedger` is made in ``ProcurementModel.__init__`` and reset at the start of every
month. The phases of ``model.month.PHASES`` add to its typed fields (a misspelt field is an
``AttributeError``, never a silent 0); the metrics phase fills the end-of-month fields from the
model's state and flattens the ledger into the month's raw counters (:meth:`MonthLedger.raw`),
from which model/metrics.py computes every outcome. Each outcome declares the ledger fields it
reads (``Outcome.reads``); tests/test_ledger.py ties them together.

A *per-level* field is an array (city, town, village) flattened to ``name`` (the sum, or a
separate total field) and ``name_city``, ``name_town``, ``name_village``. A *per-band* field
(``…_band``) is an array over the distance bands from the county centre (model/places.py)
flattened to ``name1`` … ``name4`` (band 1 nearest).

State passed between phases within the month lives here too (``active_rows``, ``scandals_town``);
:class:`YearLedger` holds what accumulates over a fiscal year (the local market's volume, read
by firm entry at year end).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import Any

import numpy as np

from model.catalogue import LEVEL_NAMES
from model.units import N_BANDS

#: Levels of government (city, town, village).
N_LEVELS = len(LEVEL_NAMES)
#: Kinds of firm (strong, local, grassroots; model.world.FIRM_KINDS).
N_FIRM_KINDS = 3


def per_level(level: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` summed by level (city, town, village): a (3,) array to add to a per-level field."""
    return np.bincount(level, weights=values, minlength=N_LEVELS)[:N_LEVELS]


def _levels(doc: str, writer: str, total: str | None = None):
    return field(default_factory=lambda: np.zeros(N_LEVELS),
                 metadata={"doc": doc, "writer": writer, "levels": True, "total": total})


def _bands(doc: str, writer: str):
    return field(default_factory=lambda: np.zeros(N_BANDS), metadata={"doc": doc, "writer": writer, "bands": True})


def _count(doc: str, writer: str):
    return field(default=0.0, metadata={"doc": doc, "writer": writer})


def _state(doc: str, writer: str):
    return field(default_factory=lambda: np.zeros(0, np.int64),
                 metadata={"doc": doc, "writer": writer, "internal": True})


@dataclass(slots=True)
class MonthLedger:
    """The month's counters (yuan, counts, sums of 0–1 values), by the phase that writes them."""

    # procurement: records.record_procurements, procurement.orders
    tenders: np.ndarray = _levels("procurement attempts, every method (incl. repeats)", "records.record_procurements")
    bids: np.ndarray = _levels("bids or responses at procurement attempts", "records.record_procurements")
    notified: np.ndarray = _levels("firms notified of procurement attempts", "records.record_procurements")
    no_bid: np.ndarray = _levels("procurement attempts with no bid or response", "records.record_procurements")
    single_bid: np.ndarray = _levels("procurement attempts with one bid or response", "records.record_procurements")
    failed: np.ndarray = _levels("procurement attempts failed for fewer bids than the method's minimum",
                                 "records.record_procurements")
    first_tenders: np.ndarray = _levels("orders' first procurement attempts", "records.record_procurements")
    first_no_bid: np.ndarray = _levels("first attempts with no bid or response", "records.record_procurements")
    orders: np.ndarray = _levels("orders planned for the year (not ad-hoc)", "procurement.orders.plan_year")
    unfilled: np.ndarray = _levels("planned orders dropped without a provider", "procurement.orders.procure")
    tenders_band: np.ndarray = _bands("procurement attempts by distance band of their place", "records.record_procurements")
    no_bid_band: np.ndarray = _bands("attempts with no bid or response by distance band", "records.record_procurements")
    ptr_sum: np.ndarray = _levels("Σ winning price / reserve of awarded competitive procurements", "records.record_procurements")
    ptr_n: np.ndarray = _levels("awarded competitive procurements", "records.record_procurements")
    gp_projects: np.ndarray = _levels("orders' first attempts by a government-procurement method (projects)",
                                      "records.record_procurements")
    gp_budget: np.ndarray = _levels("Σ budget (reserve × term, yuan) of those projects", "records.record_procurements")
    gp_won_budget: np.ndarray = _levels("Σ budget (reserve × term, yuan) of awarded government-procurement attempts",
                                        "records.record_procurements")
    gp_won_price: np.ndarray = _levels("Σ contract value (price × term, yuan) of the same attempts",
                                       "records.record_procurements")
    first_failed: np.ndarray = _levels("first attempts not awarded (no bid, too few bids or no acceptable bid)",
                                       "records.record_procurements")
    wincap_sum: np.ndarray = _levels("Σ capability of winning firms", "records.record_procurements")
    wincap_n: np.ndarray = _levels("procurements won by firms", "records.record_procurements")
    award_value: float = _count("value awarded to firms (yuan/year)", "records.record_procurements")
    local_value: float = _count("value awarded to local and grassroots firms (yuan/year)",
                                "records.record_procurements")
    favoured: float = _count("commissions given to a connected firm", "records.record_procurements")
    admin_cost: float = _count("procurement, approval and monitoring staff cost (yuan)",
                               "procurement.orders.procure, delivery.phases.deliver")
    spend: float = _count("government payments: contracts, posts, released pay, subsidies (yuan)",
                          "procurement.orders, delivery.phases")
    # delivery, audits, evaluation: delivery.phases
    gaming_gap_sum: np.ndarray = _levels("Σ inspected − typical quality over inspections", "delivery.phases.deliver")
    inspections: np.ndarray = _levels("inspections", "delivery.phases.deliver")
    measured_sum: np.ndarray = _levels("Σ measured quality over inspections", "delivery.phases.deliver")
    paid_to_firms: float = _count("payments to firms (yuan)", "delivery.phases")
    paid_to_posts: float = _count("payments to post holders (yuan)", "delivery.phases")
    fraud_attempts: float = _count("contract-months with an overclaim", "delivery.phases.deliver")
    fraud_paid: float = _count("overclaimed payments (yuan)", "delivery.phases.deliver")
    fraud_detected: float = _count("overclaims uncovered", "delivery.phases.audit")
    fraud_recovered: float = _count("overclaims repaid (yuan)", "delivery.phases.audit")
    fines: float = _count("fines paid (yuan)", "delivery.phases.audit")
    terminations: float = _count("contracts terminated for fraud", "delivery.phases.audit")
    newly_listed: float = _count("firms newly listed", "delivery.phases.audit, delivery.phases.evaluate")
    scandals: float = _count("published scandals", "delivery.phases.audit")
    effort_c_sum: float = _count("Σ contractible effort over active firm contract-months", "delivery.phases.deliver")
    effort_n_sum: float = _count("Σ non-contractible effort over active firm contract-months",
                                 "delivery.phases.deliver")
    effort_months: float = _count("active firm contract-months (efforts chosen)", "delivery.phases.deliver")
    evaluated: np.ndarray = _levels("contracts evaluated", "delivery.phases.evaluate")
    score_sum: np.ndarray = _levels("Σ evaluation scores", "delivery.phases.evaluate")
    # citizens: entities.citizens_phase.citizens_phase
    satisfaction: float = _count("mean household satisfaction (0–1)", "entities.citizens_phase.citizens_phase")
    trust: float = _count("mean household trust (0–1)", "entities.citizens_phase.citizens_phase")
    perceived: float = _count("mean perceived quality (0–1)", "entities.citizens_phase.citizens_phase")
    complaints: float = _count("complaints per 1,000 households", "entities.citizens_phase.citizens_phase")
    complaints_levels: np.ndarray = _levels("complaints per 1,000 households about each level's services",
                                            "entities.citizens_phase.citizens_phase", total="complaints")
    satisfaction_band: np.ndarray = _bands("Σ household satisfaction by band", "places.satisfaction_by_band")
    households_band: np.ndarray = _bands("households by band", "places.satisfaction_by_band")
    # market: entities.contractor
    exits: float = _count("firms that exited", "entities.contractor.overheads_and_exits")
    interest: float = _count("interest firms paid on drawn credit (yuan)", "entities.contractor.overheads_and_exits")
    payouts: float = _count("cash firms' owners drew out at the year's end (yuan)",
                            "entities.contractor.overheads_and_exits")
    entries: float = _count("firms that entered", "entities.contractor.entry")
    # end of month, from the state: records.close_month
    q_people: np.ndarray = _levels("Σ true quality × people over active contracts", "records.close_month")
    qn_people: np.ndarray = _levels("Σ non-contractible quality × people", "records.close_month")
    qc_people: np.ndarray = _levels("Σ contractible quality × people", "records.close_month")
    people: np.ndarray = _levels("people served by active contracts", "records.close_month")
    covered_people: float = _count("people of slots served or staff-provided", "records.close_month")
    demand_people: float = _count("people of all slots", "records.close_month")
    covered_people_levels: np.ndarray = _levels("people of slots served or staff-provided by level",
                                                "records.close_month", total="covered_people")
    demand_people_levels: np.ndarray = _levels("people of all slots by level", "records.close_month",
                                               total="demand_people")
    q_people_band: np.ndarray = _bands("Σ true quality × people of contract-served slots by band", "places.close_bands")
    people_band: np.ndarray = _bands("people of contract-served slots by band", "places.close_bands")
    covered_people_band: np.ndarray = _bands("people of slots served or staff-provided by band", "places.close_bands")
    demand_people_band: np.ndarray = _bands("people of all slots by band", "places.close_bands")
    q_village_band: np.ndarray = _bands("Σ true quality × people of contract-served village slots by band",
                                        "places.close_bands")
    people_village_band: np.ndarray = _bands("people of contract-served village slots by band", "places.close_bands")
    covered_village_band: np.ndarray = _bands("people of village slots served or staff-provided by band",
                                              "places.close_bands")
    demand_village_band: np.ndarray = _bands("people of all village slots by band", "places.close_bands")
    unserved_slots: np.ndarray = _levels("slots left unserved", "records.close_month")
    bought_slots: np.ndarray = _levels("slots bought this year", "records.close_month")
    slots: np.ndarray = _levels("slots", "records.close_month")
    demand_q: np.ndarray = _levels("Σ demand weight × slot quality", "records.close_month")
    demand_w: float = _count("Σ demand weight of all slots", "records.close_month")
    demand_w_levels: np.ndarray = _levels("Σ demand weight by level", "records.close_month", total="demand_w")
    unserved_people: np.ndarray = _levels("people of slots with no provider (procurement failed or contract ended, "
                                          "awaiting a new attempt)", "records.close_month")
    q_all_people: np.ndarray = _levels("Σ quality × people of every slot: contracted or staff-provided (0 unserved)",
                                       "records.close_month")
    q_units: float = _count("Σ quality of every slot: contracted or staff-provided (0 unserved)", "records.close_month")
    inhouse_cost: float = _count("cost of in-house provision (yuan)", "records.close_month")
    inhouse_slots: float = _count("slots done in-house", "records.close_month")
    reform_cost: float = _count("the reforms' own running costs (yuan)", "costs.close_costs")
    public_cost: float = _count("spend + admin + in-house + reform costs − repaid overclaims and fines (yuan)",
                                "costs.close_costs")
    fraud_loss: float = _count("overclaims not recovered (yuan)", "records.close_month")
    active_firms: float = _count("firms in business", "records.close_month")
    active_grassroots: float = _count("grassroots firms and social organisations in business", "records.close_month")
    hhi: float = _count("Herfindahl index of active contract value", "records.close_month")
    blacklisted: float = _count("firms currently listed", "records.close_month")
    # passed between phases (not reported)
    active_rows: np.ndarray = _state("contracts active at delivery (read by audit and the metrics)",
                                     "delivery.phases.deliver")
    scandals_town: np.ndarray = _state("published scandals by town (read by the citizens)", "delivery.phases.audit")
    headroom: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "doc": "firms' financing headroom this month (yuan), less the needs of contracts won so far (read by the "
               "procurement methods)", "writer": "procurement.market.run", "internal": True})

    books: Any = field(default=None, metadata={
        "doc": "the firms' books (model.delivery.stake.Books) while the month's procurements run, frozen at their "
               "start (no contract is signed or ends until they are over); None otherwise",
        "writer": "procurement.market.run", "internal": True})

    n_towns: int = field(default=0, metadata={"doc": "towns of the region", "writer": "__init__",
                                              "internal": True})

    def __post_init__(self) -> None:
        self.scandals_town = np.zeros(self.n_towns)

    def reset(self) -> None:
        """Zero every field for a new month."""
        for f in fields(self):
            if f.name != "n_towns":
                setattr(self, f.name, f.default if f.default is not MISSING else f.default_factory())
        self.__post_init__()

    def raw(self) -> dict[str, float]:
        """The month's raw counters: every reported field, per-level fields flattened."""
        return dict(zip(_flat().keys, self.raw_values().tolist()))

    def raw_values(self) -> np.ndarray:
        """The raw counters as one array, in the order of :func:`raw_fields` (one numpy pass, not
        one Python conversion per counter)."""
        flat = _flat()
        by_level = np.array([getattr(self, name) for name in flat.levels], dtype=float).reshape(-1, N_LEVELS)
        block = np.empty((len(flat.levels), N_LEVELS + 1))
        block[:, 0] = by_level.sum(axis=1)
        block[:, 1:] = by_level
        scalars = np.array([getattr(self, name) for name in flat.scalars], dtype=float)
        bands = np.array([getattr(self, name) for name in flat.bands], dtype=float).reshape(-1)
        return np.concatenate((scalars, block.ravel(), bands))[flat.order]


def _layout() -> list[tuple[str, str, int | None]]:
    """(raw counter, ledger field, index): index None for a scalar field, −1 for the sum of a
    per-level field, 0–2 for one level, 0–3 for one distance band."""
    out: list[tuple[str, str, int | None]] = []
    for f in fields(MonthLedger):
        meta = f.metadata
        if meta.get("internal"):
            continue
        if meta.get("bands"):
            out.extend((f"{f.name}{i + 1}", f.name, i) for i in range(N_BANDS))
            continue
        if not meta.get("levels"):
            out.append((f.name, f.name, None))
            continue
        base = meta["total"] or f.name
        if meta["total"] is None:
            out.append((base, f.name, -1))
        out.extend((f"{base}_{suffix}", f.name, i) for i, suffix in enumerate(LEVEL_NAMES))
    return out


@dataclass(frozen=True)
class _Flat:
    """How :meth:`MonthLedger.raw_values` flattens the ledger: the raw counters in order, the scalar,
    per-level and per-band fields, and where each counter sits in [scalars, (sum, city, town,
    village) of every per-level field, (band 1 … band 4) of every per-band field]."""

    keys: tuple[str, ...]
    scalars: tuple[str, ...]
    levels: tuple[str, ...]
    bands: tuple[str, ...]
    order: np.ndarray


@cache
def _flat() -> _Flat:
    layout = _layout()
    banded = {f.name for f in fields(MonthLedger) if f.metadata.get("bands")}
    scalars = tuple(dict.fromkeys(name for _, name, index in layout if index is None))
    levels = tuple(dict.fromkeys(name for _, name, index in layout if index is not None and name not in banded))
    bands = tuple(dict.fromkeys(name for _, name, _ in layout if name in banded))
    width, start = N_LEVELS + 1, len(scalars) + (N_LEVELS + 1) * len(levels)

    def position(name: str, index: int | None) -> int:
        if index is None:
            return scalars.index(name)
        if name in banded:
            return start + N_BANDS * bands.index(name) + index
        return len(scalars) + width * levels.index(name) + 1 + index

    order = [position(name, index) for _, name, index in layout]
    return _Flat(tuple(key for key, _, _ in layout), scalars, levels, bands, np.array(order, np.int64))


@cache
def raw_fields() -> dict[str, str]:
    """Raw counter name -> the ledger field it comes from."""
    return {key: name for key, name, _ in _layout()}


@dataclass
class YearLedger:
    """What accumulates over a fiscal year.

    Attributes:
        town_volume: the local market's pull for entrants by town — margins won and demand nobody
            served (yuan/year); written by records.record_procurements, read and reset by firm
            entry (entities.contractor.entry) at year end.
        kind_volume: the same pull county-wide for local and strong firms (by firm kind): margins
            won by firms of the kind and the value of procurements nobody served that the kind pays
            attention to (at least its minimum contract value), yuan/year.
    """

    town_volume: np.ndarray
    kind_volume: np.ndarray = field(default_factory=lambda: np.zeros(N_FIRM_KINDS))
