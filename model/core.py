"""ProcurementModel: a county-level city buying public services, one month per step.

Follows the 2019 Penglai report (蓬莱市委编办, 蓬莱市政府购买服务工作的实践与思考), mechanism by
mechanism as docs/ODD.md §7.15 maps it; the ODD description is docs/ODD.md.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model import invariants, metrics, places, slot_kernels, switch
from model.catalogue import LEVEL_NAMES, Catalogue, load_catalogue
from model.collector import OutcomeCollector
from model.contracts import new_contracts
from model.delivery.blacklist import Blacklist
from model.delivery.effort import contractible_share
from model.entities.citizens import Citizens
from model.ledger import MonthLedger, YearLedger
from model.memory import PairMemory
from model.month import PHASES, step_doc
from model.param_tree import Params
from model.procurement import orders
from model.procurement.beliefs import Beliefs
from model.procurement.batch import REASONS
from model.procurement.market import METHODS, check_roles
from model.rng import Streams
from model.slot_index import SlotIndex
from model.units import MONTHS_PER_YEAR
from model.world import TOWN, build_world


@cache
def _catalogue() -> Catalogue:
    cat = load_catalogue()
    for name in cat.__dataclass_fields__:
        arr = getattr(cat, name)
        if isinstance(arr, np.ndarray):
            arr.setflags(write=False)
    return cat


UNSET = object()
"""Default of ``seed`` and ``rng``: not given (the seed is then :data:`DEFAULT_SEED`)."""

DEFAULT_SEED = 0
"""The run's seed when neither ``seed`` nor ``rng`` is given."""


def run_seed(seed: Any = UNSET, rng: Any = UNSET) -> int:
    """The run's seed from ``seed`` or Mesa 3's ``rng`` keyword (the same thing; give one).

    None draws a fresh seed from the operating system's entropy, returned so that it is kept
    (``model.seed``) and the run can be repeated.

    Raises:
        ValueError: both are given and differ, or the seed is not a non-negative integer or None.
    """
    if seed is not UNSET and rng is not UNSET and seed != rng:
        raise ValueError(f"seed={seed!r} and rng={rng!r} differ: they name the same thing (the run's "
                         f"seed; rng is Mesa 3's keyword), give one")
    value = seed if seed is not UNSET else rng if rng is not UNSET else DEFAULT_SEED
    if value is None:  # a fresh seed from the OS, kept in model.seed so the run can be repeated
        value = int(np.random.SeedSequence().entropy % np.iinfo(np.int64).max)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"seed must be a non-negative integer (the run's seed) or None (a fresh "
                         f"one), got {value!r}")
    return int(value)


class ProcurementModel(mesa.Model):
    """Government buyers, competing contractors and citizens of one region.

    Mesa's API holds: ``rng`` is Mesa's own generator (the model's mechanisms draw from the named
    streams ``streams``, model/rng.py), ``datacollector`` records every outcome through its
    public ``collect``, and ``running`` turns False after ``params.years`` years. Buyers, firms,
    contracts and households are rows of tables (``buyers``, ``firms``, ``contracts``,
    ``citizens``), not Mesa agent objects; ``agents`` is empty (README "What is in the model").
    Besides each month's outcomes the DataCollector holds ``summary_<outcome>``: NaN until the
    last month of ``params.years``, then the run's summary, so ``mesa.batch_run`` with
    ``data_collection_period=-1`` returns one row per run with its parameters and summary.

    Args:
        params: the validated parameter tree (``model.load_params``).
        seed: the run's seed (default 0); every mechanism draws from its own named stream of it.
            None draws a fresh seed (kept in ``self.seed`` and reported as the DataCollector's
            ``seed``, so ``mesa.batch_run(..., rng=[None] * k)`` rows name it).
        rng: Mesa 3's name for ``seed`` (an integer or None); giving both with different values
            is an error.
        check_invariants: check model invariants at the end of every month (model.invariants;
            raises InvariantError). Off by default; results are identical either way.
        baseline, reform_start_year: run ``baseline`` for years 1..k−1 and ``params`` from the
            first month of year k (a reform switched on in a running county, model/switch.py);
            ``reform_start_year`` None or 1 runs ``params`` from the start (``baseline`` unused);
            ``baseline`` None is the default tree (the status quo).
        **overrides: parameter overrides as keywords, ``__`` for the dots of a dotted path
            (``procurement__award_rule="scoring"``, ``years=2``), as ``mesa.batch_run`` passes them.
    """

    def __init__(self, params: Params | None = None, seed: int | None | object = UNSET,
                 check_invariants: bool = False, *, rng: int | None | object = UNSET, baseline: Params | None = None,
                 reform_start_year: int | None = None, **overrides: Any) -> None:
        seed = run_seed(seed, rng)
        super().__init__(rng=seed)
        base = params if params is not None else Params()
        self.p = base.with_overrides({k.replace("__", "."): v for k, v in overrides.items()}, "keyword arguments") \
            if overrides else base
        for tree, origin in ((self.p, "parameters"), (baseline, "baseline")):
            if tree is not None:
                check_roles(tree, origin)  # the method selectors (the tree cannot check them itself)
        at = switch.switch_month(reform_start_year, self.p.years)
        self._reform = None if at is None else (self.p, at)  # (params, months run under the baseline)
        if at is not None:
            switch.check_switch(baseline if baseline is not None else Params(), self.p)
            self.p = baseline if baseline is not None else Params()
        self.seed = int(seed)
        self.streams = Streams(self.seed)  # the named streams; self.rng stays Mesa's own generator
        self.cat = _catalogue()
        self.world = build_world(self.p, self.cat, self.streams["world"])
        self.buyers, self.firms, self.slots = self.world.buyers, self.world.firms, self.world.slots
        self.town_buyer = np.flatnonzero(self.buyers.level == TOWN)
        self.kappa = contractible_share(self.p, self.cat.contractibility)
        s = self.p.scoring
        self.weights = {"price": s.price_weight, "technical": s.technical_weight,
                        "reputation": s.reputation_weight, "citizen": s.citizen_weight}
        self.contracts, self.orders = new_contracts(), orders.new_orders()
        n_s = len(self.slots)
        self.slot_state = np.zeros(n_s, np.int8)
        self.slot_contract = np.full(n_s, -1, np.int64)
        self.slot_order = np.full(n_s, -1, np.int64)
        self.slot_bought = np.zeros(n_s, bool)
        self.slot_inhouse_q = np.zeros(n_s)
        self.slot_weight = self.cat.visibility[self.slots.item] * self.cat.demand[self.slots.item]
        bd = self.p.bidding
        self.beliefs = Beliefs(len(self.cat.mode), 1.0 / (1.0 + bd.prior_rivals), bd.markup_init,
                               learning=self.p.channels.entry_learning)
        self.private_rep = PairMemory(self.p.evaluation.prior_reputation)
        bl = self.p.blacklist
        self.blacklist = Blacklist(bl.trigger, bl.scope, bl.duration, enabled=self.p.channels.blacklist)
        geo = self.world.geo
        self.citizens = Citizens(self.p.citizens, self.world.household_village, geo.village_town,
                                 self.streams["citizens"])
        self.slot_index = SlotIndex.build(self.slots, self.cat, geo, self.slot_weight)
        self.place_index = places.PlaceIndex.build(self.slots, geo, self.world.household_village,
                                                   self.p.region.distance_band_km)
        self.ledger = MonthLedger(n_towns=geo.n_towns)
        self.year_ledger = YearLedger(town_volume=np.zeros(geo.n_towns))
        self.month = 0
        self.raws: list[dict[str, float]] = []
        self.month_values: dict[str, float] = {}
        self.month_history: list[dict[str, float]] = []
        self.final_summary: tuple[int, dict[str, float]] | None = None  # (month, summary) for Mesa
        self.tender_chunks: list[dict[str, np.ndarray]] = []
        self.datacollector = OutcomeCollector()
        self.phases = list(PHASES)
        self.check_invariants = bool(check_invariants)
        self.invariant_snapshot = invariants.open_snapshot(self) if self.check_invariants else None

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        if self._reform is not None and self.month == self._reform[1]:
            self.switch_params(self._reform[0])
        self.month += 1
        self.ledger.reset()
        moy = self.month_of_year
        for phase in self.phases:
            if phase.due(moy):
                phase.run(self)
        if self.check_invariants:
            invariants.check(self)
        self.running = self.month < MONTHS_PER_YEAR * self.p.years

    step.__doc__ = step_doc()

    def run(self, years: int | None = None) -> "ProcurementModel":
        """Run ``years`` fiscal years (default ``params.years``); calls add up (``run(1)`` then
        ``run(3)`` is four years), and :meth:`summary` needs the run to outlast the warm-up."""
        years = years if years is not None else self.p.years
        for _ in range(MONTHS_PER_YEAR * years):
            self.step()
        return self

    def switch_params(self, params: Params) -> None:
        """Run on ``params`` from the next month, everything the county has become carried over;
        ValueError when they change the world the model was built with (model/switch.py)."""
        switch.switch_params(self, params)

    @property
    def month_of_year(self) -> int:
        return (self.month - 1) % MONTHS_PER_YEAR + 1

    # ------------------------------------------------------------------ helpers the phases use
    def reputation_seen(self, buyer: np.ndarray, firm: np.ndarray) -> np.ndarray:
        """Reputation a buyer sees: public on the disclosure platform or a published ranking (S15),
        else its own memory; the prior for everyone when ``channels.reputation_in_selection`` is off."""
        if not self.p.channels.reputation_in_selection:
            return np.full(len(firm), self.p.evaluation.prior_reputation)
        if self.p.fraud.disclosure or self.p.evaluation.ranking:
            return self.firms.reputation[firm]
        return self.private_rep.get(buyer, firm)

    def rating_seen(self, firm: np.ndarray) -> np.ndarray:
        """Citizens' rating an award sees: the firm's, or the prior when ``channels.reputation_in_selection``
        is off."""
        if not self.p.channels.reputation_in_selection:
            return np.full(len(firm), self.p.evaluation.prior_reputation)
        return self.firms.rating[firm]

    def expectation_of_contracts(self, rows: np.ndarray) -> np.ndarray:
        """Citizens' mean expectation where each contract delivers."""
        exp_v = self.citizens.expectation_by_village()
        c = self.contracts
        village, town = c.village[rows], c.town[rows]
        by_town = np.bincount(self.world.geo.village_town, weights=exp_v, minlength=len(self.town_buyer)) / \
            np.maximum(np.bincount(self.world.geo.village_town, minlength=len(self.town_buyer)), 1)
        return np.where(village >= 0, exp_v[np.maximum(village, 0)],
                        np.where(town >= 0, by_town[np.maximum(town, 0)], exp_v.mean()))

    def slot_quality(self) -> np.ndarray:
        """True quality of every slot this month: the contract's, the in-house quality where staff
        provide it (in-house items, and bought items until their first contract of the year starts),
        0 where unserved."""
        return slot_kernels.slot_quality(self.slot_state, self.slot_contract, self.contracts.q, self.slot_inhouse_q)

    # ------------------------------------------------------------------ results
    def summary(self) -> dict[str, float]:
        """The canonical outcomes over the run after its warm-up (``params.burn_in_years``; see
        model.metrics)."""
        return metrics.summarise(self.raws, burn_in_months=MONTHS_PER_YEAR * self.p.burn_in_years)

    def timeseries(self) -> pd.DataFrame:
        """One row per month: ``month`` then every outcome."""
        cols: dict[str, np.ndarray] = {}
        # from the model's own record of the months (a user's extra datacollector.collect() adds a
        # row to the DataCollector's series, never to this table)
        for name in metrics.OUTCOMES:
            cols[name] = np.array([v[name] for v in self.month_history], dtype=float)
        n = len(self.month_history)
        return pd.DataFrame({"month": np.arange(1, n + 1), **cols})

    def tender_log(self) -> pd.DataFrame:
        """One row per procurement attempt: month, order, buyer, ``method`` (also ``mode``),
        ``buyer_level``, ``place_level`` (also ``level``), ``attempt`` (1 = the order's first
        procurement), item, value, reserve, distance_km, term_months, notified, eligible, bids,
        winner (firm row; −1 none, −2 an individual, −3 the village committee), price, outcome."""
        if not self.tender_chunks:
            return pd.DataFrame()
        cols = {k: np.concatenate([t[k] for t in self.tender_chunks]) for k in self.tender_chunks[0]}
        df = pd.DataFrame(cols)
        df["place_level"] = pd.Categorical.from_codes(df.pop("level_code"), LEVEL_NAMES)
        df["level"] = df["place_level"]
        df["buyer_level"] = pd.Categorical.from_codes(df.pop("buyer_level_code"), LEVEL_NAMES)
        df["method"] = pd.Categorical.from_codes(df.pop("mode_code"), METHODS.names())
        df["mode"] = df["method"]
        df["outcome"] = pd.Categorical.from_codes(df.pop("reason_code"), REASONS)
        df["item"] = self.cat.ids[df.pop("item_code").to_numpy()]
        return df
