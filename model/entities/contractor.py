"""Contractors: strong prefecture firms, local city firms, grassroots firms and social organisations.

A firm is a row of the firm table ``model.firms`` (capability, cost factor, capacity, honesty,
cash, reputation, listing) and of ``model.beliefs`` (what it has learned about each kind of
tender: win probability, markup); the vectorised procurement and delivery phases update both.
There is no Mesa agent object per firm (README "What is in the model").

Market dynamics (seed P6), monthly: pay falls due, every firm pays its overhead and interest on
drawn credit; a firm exits after sustained insolvency or repeated loss-making years
(model/entities/finance.py; its contracts are terminated and re-tendered). Yearly: new grassroots firms enter each
town at rate

    λ_t = entry_rate · o · V_t / (o · V_t + volume_scale) + incubation

where V_t is the town's profitable volume last year (margins earned by local contracts plus the
value of village and town procurements that failed for want of bidders) and o the entrant's odds
of winning against the incumbents under the award rule in force (model/delivery/stake.py
``entrant_odds``: its prior reputation against their mean record), so o · V_t is the yearly
business an entrant stands to win — the stake that draws it in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import stake, termination
from model.entities import finance
from model.world import FIRM_KINDS, GRASSROOTS, LOCAL, STRONG, firm_rows, grassroots_base

if TYPE_CHECKING:
    from model.state import State


def overheads_and_exits(m: State) -> None:
    """Phase "exits": pay falls due; overheads and interest are paid; firms exit under the exit rule
    of model/entities/finance.py (sustained insolvency or repeated loss-making years)."""
    finance.pay_overheads(m)
    finance.record_load(m)
    f = m.firms
    broke = finance.leaving(m)
    if len(broke):
        # all exits of the month at once (the contracts of different firms are disjoint), without
        # one scan of the contracts per firm
        f.col("active")[broke] = False
        gone = np.zeros(len(f), bool)
        gone[broke] = True
        c = m.contracts
        firm = c.firm
        termination.terminate(m, np.flatnonzero(c.active & (firm >= 0) & gone[np.maximum(firm, 0)]))
    m.ledger.exits += len(broke)


def _enter_city_firms(m: State) -> None:
    """Local city firms (around the county centre) and strong prefecture firms enter at rate
    entry_rate_<kind> · v / (v + volume_scale), v = odds · V_kind / (incumbents of the kind + 1),
    V_kind the county-wide volume the kind attends to last year (``YearLedger.kind_volume``)."""
    p, mk, f = m.p, m.p.market, m.firms
    odds = stake.entrant_odds(p, float(f.reputation[f.active].mean()), float(f.rating[f.active].mean())) \
        if f.active.any() else 1.0
    rng = m.streams["market_city"]
    kinds = ((STRONG, p.firms.strong, mk.entry_rate_strong, m.world.geo.prefecture_xy),
             (LOCAL, p.firms.local, mk.entry_rate_local, np.zeros(2)))
    for kind, ft, rate0, home in kinds:
        v = odds * m.year_ledger.kind_volume[kind] / ((f.active & (f.kind == kind)).sum() + 1)
        n = int(rng.poisson(rate0 * v / (v + mk.volume_scale_yuan)))
        if n:
            rows = firm_rows(ft, kind, home, n, rng, p.finance, month=m.month)
            f.append(n, **rows, reputation=p.evaluation.prior_reputation, rating=p.evaluation.prior_reputation)
            m.ledger.entries += n
    m.year_ledger.kind_volume = np.zeros(len(FIRM_KINDS))


def entry(m: State) -> None:
    """Phase "entry" (year end): new grassroots firms enter towns, and local and strong firms the
    county, where the market pays (none when ``channels.firm_entry`` is off)."""
    if not m.p.channels.firm_entry:
        return
    _enter_city_firms(m)
    p, geo = m.p, m.world.geo
    mk = p.market
    f = m.firms
    odds = stake.entrant_odds(p, float(f.reputation[f.active].mean()), float(f.rating[f.active].mean())) \
        if f.active.any() else 1.0
    incumbents = np.bincount(f.town[f.active & (f.kind == GRASSROOTS)], minlength=geo.n_towns)
    volume = odds * m.year_ledger.town_volume / (incumbents + 1)  # the entrant's share of the town's business
    rate = mk.entry_rate * volume / (volume + mk.volume_scale_yuan) + mk.incubation
    rng = m.streams["market"]
    k = rng.poisson(rate)
    n = int(k.sum())
    m.year_ledger.town_volume = np.zeros(geo.n_towns)
    if n == 0:
        return
    town = np.repeat(np.arange(geo.n_towns, dtype=np.int32), k)
    ft = p.firms.grassroots
    rows = firm_rows(ft, GRASSROOTS, grassroots_base(geo, town, rng), n, rng, p.finance, town=town, month=m.month)
    incubated = rng.random(n) < (mk.incubation / np.maximum(rate[town], 1e-12))
    if mk.incubation_qualified:
        for flag in ("legal", "accounting", "qualified"):
            rows[flag] = rows[flag] | incubated
    m.firms.append(n, **rows, reputation=p.evaluation.prior_reputation, rating=p.evaluation.prior_reputation)
    m.ledger.entries += n
