"""Builds the region: centre, towns, villages, buyers, service slots, contractors, households.

Everything is drawn from the ``world`` stream of the run's seed (docs/ODD.md §2.6 and §7.14).
Coordinates are km; the county centre is at (0, 0) and the prefecture city at
(``region.prefecture_distance_km``, 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, betaincinv

from model.catalogue import CITY, TOWN, VILLAGE, Catalogue
from model.param_finance import Finance
from model.param_tree import FirmType, Params
from model.table import Table

STRONG, LOCAL, GRASSROOTS = 0, 1, 2
FIRM_KINDS = ("strong", "local", "grassroots")

FIRM_COLUMNS = {
    "kind": (np.int8, -1), "x": (float, 0.0), "y": (float, 0.0), "town": (np.int32, -1),
    "capability": (float, 0.0), "cost_factor": (float, 1.0), "travel": (float, 1.0), "capacity": (np.int32, 0),
    "min_value": (float, 0.0), "honesty": (float, 1.0), "legal": (bool, True), "accounting": (bool, True),
    "qualified": (bool, True), "cash": (float, 0.0), "overhead": (float, 0.0),
    "active": (bool, True), "load": (np.int32, 0), "reputation": (float, 0.6), "rating": (float, 0.6),
    "listed_until": (np.int32, -1), "listed_at": (np.int32, -1_000_000), "failing": (np.int32, 0),
    "entered": (np.int32, 0), "profit_year": (float, 0.0), "revenue_year": (float, 0.0),
    # finance (model/entities/finance.py): credit line, pay earned and due in 1–3 months, the
    # net worth (cash + pay due) at the fiscal year's start, consecutive months insolvent and years of loss
    "credit": (float, 0.0), "due_1": (float, 0.0), "due_2": (float, 0.0), "due_3": (float, 0.0),
    "worth0": (float, 0.0), "insolvent": (np.int32, 0), "loss_years": (np.int32, 0),
    # growth (model/entities/finance.py ``grow``): the most contracts held at once this fiscal year
    "peak_load": (np.int32, 0),
}


@dataclass
class Geography:
    """Places of the region (km)."""

    town_xy: np.ndarray          # (T, 2)
    village_xy: np.ndarray       # (V, 2)
    village_town: np.ndarray     # (V,) town index of each village
    prefecture_xy: np.ndarray    # (2,)

    @property
    def n_towns(self) -> int:
        return len(self.town_xy)

    @property
    def n_villages(self) -> int:
        return len(self.village_xy)


#: What happens at a service slot this month.
SLOT_INHOUSE, SLOT_SERVED, SLOT_WAITING, SLOT_UNSERVED = 0, 1, 2, 3


def staff_provided(state: np.ndarray) -> np.ndarray:
    """Slots the buyer's own staff provide this month: in-house items, and bought items waiting
    for their first procurement of the year (the status quo carries on while the order is
    approved and tendered); a slot goes unserved only once its procurement failed or its
    contract was terminated."""
    return (state == SLOT_INHOUSE) | (state == SLOT_WAITING)


@dataclass
class Slots:
    """Service slots: one per (buyer, catalogue item) the buyer may buy.

    A slot is served by a contract, provided in-house (also while a bought item waits for its
    first procurement of the year), or unserved after its procurement failed or its contract was
    terminated.
    """

    buyer: np.ndarray        # (S,) buyer row
    item: np.ndarray         # (S,)
    level: np.ndarray        # (S,) 0 city, 1 town, 2 village
    town: np.ndarray         # (S,) town of the buyer (-1 for the city)
    village: np.ndarray      # (S,) village of the buyer (-1 above village level)
    people: np.ndarray       # (S,) households served
    resistance: np.ndarray   # (S,) awareness the buyer needs before it buys this item (P1)
    taste: np.ndarray        # (S,) local variation of citizens' demand for the item (R3)

    def __len__(self) -> int:
        return len(self.buyer)


@dataclass
class World:
    """The region at month 0."""

    geo: Geography
    buyers: Table
    slots: Slots
    firms: Table
    household_village: np.ndarray


#: Vogel's sunflower spiral: the k-th town at radius ∝ √(k + 1/2) and angle k · the golden angle.
VOGEL_OFFSET = 0.5
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))
#: Beta means are kept this far inside (0, 1) so both shape parameters stay positive.
BETA_MEAN_GUARD = 1e-3


def build_geography(p: Params, rng: np.random.Generator) -> Geography:
    """Towns on a sunflower spiral over the disk (jittered); villages scattered around towns."""
    r = p.region
    k = np.arange(r.n_towns) + VOGEL_OFFSET
    rad = r.radius_km * np.sqrt(k / r.n_towns)
    ang = k * GOLDEN_ANGLE + rng.uniform(0, 2 * np.pi)
    town_xy = np.c_[rad * np.cos(ang), rad * np.sin(ang)] + rng.normal(0, r.radius_km * r.town_jitter, (r.n_towns, 2))
    n_v = r.n_towns * r.villages_per_town
    village_town = np.repeat(np.arange(r.n_towns, dtype=np.int32), r.villages_per_town)
    dist = r.village_spread_km * np.sqrt(rng.uniform(r.village_area_min, r.village_area_max, n_v))
    theta = rng.uniform(0, 2 * np.pi, n_v)
    village_xy = town_xy[village_town] + np.c_[dist * np.cos(theta), dist * np.sin(theta)]
    return Geography(town_xy, village_xy, village_town, np.array([r.prefecture_distance_km, 0.0]))


def build_buyers(p: Params, geo: Geography, rng: np.random.Generator) -> Table:
    """City departments at the centre, town governments, village committees (seed S4)."""
    r, b = p.region, p.buyers
    n_d, n_t, n_v = r.city_departments, geo.n_towns, geo.n_villages
    n = n_d + n_t + n_v
    t = Table({"level": (np.int8, 0), "x": (float, 0.0), "y": (float, 0.0), "town": (np.int32, -1),
               "village": (np.int32, -1), "awareness": (float, 0.5), "integrity": (float, 1.0),
               "staff": (float, 1.0), "connected": (np.int32, -1),
               "inhouse_load": (float, 0.0)}, capacity=n)
    level = np.r_[np.full(n_d, CITY), np.full(n_t, TOWN), np.full(n_v, VILLAGE)].astype(np.int8)
    xy = np.r_[np.zeros((n_d, 2)), geo.town_xy, geo.village_xy]
    town = np.r_[np.full(n_d, -1), np.arange(n_t), geo.village_town].astype(np.int32)
    village = np.r_[np.full(n_d + n_t, -1), np.arange(n_v)].astype(np.int32)
    staff = np.array([b.staff_city, b.staff_town, b.staff_village])[level]
    aw = np.clip(rng.normal(b.awareness_mean, b.awareness_sd, n), 0, 1)
    integ = _beta(rng, p.commission.integrity_mean, p.commission.integrity_strength, n)
    t.append(n, level=level, x=xy[:, 0], y=xy[:, 1], town=town, village=village, awareness=aw,
             integrity=integ, staff=staff)
    return t


def build_slots(p: Params, geo: Geography, buyers: Table, cat: Catalogue, rng: np.random.Generator) -> Slots:
    """One slot per (buyer, item of the buyer's level); city items shared among departments."""
    hh = p.region.households_per_village
    rows_b, rows_i = [], []
    city = np.flatnonzero(buyers.level == CITY)
    for lvl in (CITY, TOWN, VILLAGE):
        items = np.flatnonzero(cat.level == lvl)
        if lvl == CITY:
            rows_b.append(city[np.arange(len(items)) % len(city)])
            rows_i.append(items)
        else:
            who = np.flatnonzero(buyers.level == lvl)
            rows_b.append(np.repeat(who, len(items)))
            rows_i.append(np.tile(items, len(who)))
    buyer = np.concatenate(rows_b).astype(np.int32)
    item = np.concatenate(rows_i).astype(np.int32)
    level = buyers.level[buyer]
    people = np.where(level == CITY, geo.n_villages * hh,
                      np.where(level == TOWN, p.region.villages_per_town * hh, hh)).astype(float)
    n = len(buyer)
    return Slots(buyer=buyer, item=item, level=level, town=buyers.town[buyer], village=buyers.village[buyer],
                 people=people, resistance=rng.uniform(0, 1, n), taste=rng.normal(0, p.citizens.taste_sd, n))


def _beta(rng: np.random.Generator, mean: float, strength: float, n: int) -> np.ndarray:
    m = min(max(mean, BETA_MEAN_GUARD), 1 - BETA_MEAN_GUARD)
    return rng.beta(m * strength, (1 - m) * strength, n)


def initial_honesty(ft: FirmType, honesty: np.ndarray) -> np.ndarray:
    """Honesty of firms in business when the run starts: the kind's beta draws mapped, quantile by
    quantile, onto the same beta truncated below ``ft.initial_honesty_min`` (no extra draws)."""
    lo = ft.initial_honesty_min
    if lo <= 0 or not len(honesty):
        return honesty
    m = min(max(ft.honesty_mean, BETA_MEAN_GUARD), 1 - BETA_MEAN_GUARD)
    a, b = m * ft.honesty_strength, (1 - m) * ft.honesty_strength
    f0 = betainc(a, b, lo)
    return np.maximum(betaincinv(a, b, f0 + betainc(a, b, honesty) * (1 - f0)), lo)


def firm_rows(ft: FirmType, kind: int, centre: np.ndarray, n: int, rng: np.random.Generator,
              finance: Finance, town: np.ndarray | int = -1, month: int = 0) -> dict[str, np.ndarray]:
    """Attributes of ``n`` new firms of one type based around ``centre`` (km); cash and credit
    scale with the type's expected turnover (``finance``)."""
    xy = centre + rng.normal(0, ft.base_spread_km, (n, 2))
    return dict(
        kind=np.full(n, kind, np.int8), x=xy[:, 0], y=xy[:, 1], town=town,
        capability=np.clip(rng.normal(ft.capability_mean, ft.capability_sd, n), ft.capability_min, 1.0),
        cost_factor=np.clip(rng.normal(ft.cost_factor_mean, ft.cost_factor_sd, n), ft.cost_factor_min,
                            ft.cost_factor_max),
        capacity=np.full(n, ft.capacity, np.int32), min_value=ft.min_contract_yuan, travel=ft.travel_factor,
        honesty=_beta(rng, ft.honesty_mean, ft.honesty_strength, n),
        legal=rng.uniform(size=n) < ft.legal_entity_share, accounting=rng.uniform(size=n) < ft.accounting_share,
        qualified=rng.uniform(size=n) < ft.qualified_share,
        cash=finance.initial_cash_share * ft.turnover_yuan_year, worth0=finance.initial_cash_share * ft.turnover_yuan_year,
        credit=finance.credit_share * ft.turnover_yuan_year,
        overhead=ft.overhead_yuan_month, entered=month,
    )


def grassroots_base(geo: Geography, town: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grassroots firms and social organisations are based in a village of their town (km)."""
    per_town = np.bincount(geo.village_town, minlength=geo.n_towns)
    first = np.r_[0, np.cumsum(per_town)[:-1]]
    pick = first[town] + (rng.random(len(town)) * per_town[town]).astype(np.int64)
    return geo.village_xy[pick] if len(town) else np.zeros((0, 2))


def build_firms(p: Params, geo: Geography, rng: np.random.Generator) -> Table:
    """Strong prefecture firms, local city firms, grassroots firms in every town."""
    f = p.firms
    t = Table(FIRM_COLUMNS, capacity=256)
    init = dict(reputation=p.evaluation.prior_reputation, rating=p.evaluation.prior_reputation)
    n_g = f.grassroots.count * geo.n_towns
    home = np.repeat(np.arange(geo.n_towns, dtype=np.int32), f.grassroots.count)
    for ft, kind, n, centre, town in ((f.strong, STRONG, f.strong.count, geo.prefecture_xy, -1),
                                      (f.local, LOCAL, f.local.count, np.zeros(2), -1),
                                      (f.grassroots, GRASSROOTS, n_g, None, home)):
        if centre is None:
            centre = grassroots_base(geo, home, rng)
        rows = firm_rows(ft, kind, centre, n, rng, p.finance, town=town)
        rows["honesty"] = initial_honesty(ft, rows["honesty"])
        t.append(n, **rows, **init)
    return t


def build_world(p: Params, cat: Catalogue, rng: np.random.Generator) -> World:
    """The whole region from the ``world`` stream."""
    geo = build_geography(p, rng)
    buyers = build_buyers(p, geo, rng)
    slots = build_slots(p, geo, buyers, cat, rng)
    firms = build_firms(p, geo, rng)
    # A low-integrity buyer has a connected firm among those it knows (seed S8, R6).
    fx, fy = firms.x, firms.y
    for b in np.flatnonzero(buyers.integrity < p.commission.favour_below):
        d = np.hypot(fx - buyers.x[b], fy - buyers.y[b])
        near = np.flatnonzero(d <= p.commission.known_radius_km)
        if len(near):
            buyers.col("connected")[b] = rng.choice(near)
    household_village = np.repeat(np.arange(geo.n_villages, dtype=np.int32), p.region.households_per_village)
    return World(geo, buyers, slots, firms, household_village)
