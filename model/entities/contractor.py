"""Contractors: strong prefecture firms, local city firms, grassroots firms and social organisations.

A firm is a row of the firm table ``model.firms`` (capability, cost factor, capacity, honesty,
cash, reputation, listing) and of ``model.beliefs`` (what it has learned about each kind of
tender: win probability, markup); the vectorised procurement and delivery phases update both.
There is no Mesa agent object per firm (README "What is in the model").

Market dynamics (seed P6), monthly: every firm pays its overhead; a firm whose cash runs out
exits (its contracts are terminated and re-tendered). Yearly: new grassroots firms enter each
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

from model.delivery import stake
from model.world import GRASSROOTS, firm_rows, grassroots_base

if TYPE_CHECKING:
    from model.core import ProcurementModel


def overheads_and_exits(m: ProcurementModel) -> None:
    """Phase "exits": overheads are paid; firms out of cash exit."""
    f = m.firms
    alive = f.active
    f.col("cash")[alive] -= f.overhead[alive]
    broke = np.flatnonzero(alive & (f.cash < 0))
    if len(broke):
        # all exits of the month at once (the contracts of different firms are disjoint), without
        # one scan of the contracts per firm
        f.col("active")[broke] = False
        gone = np.zeros(len(f), bool)
        gone[broke] = True
        c = m.contracts
        firm = c.firm
        m.terminate(np.flatnonzero(c.active & (firm >= 0) & gone[np.maximum(firm, 0)]))
    m.ledger.exits += len(broke)


def entry(m: ProcurementModel) -> None:
    """Phase "entry" (year end): new grassroots firms enter towns where the market pays (none when
    ``channels.firm_entry`` is off)."""
    if not m.p.channels.firm_entry:
        return
    p, geo = m.p, m.world.geo
    mk = p.market
    f = m.firms
    odds = stake.entrant_odds(p, float(f.reputation[f.active].mean()), float(f.rating[f.active].mean())) \
        if f.active.any() else 1.0
    volume = odds * m.year_ledger.town_volume
    rate = mk.entry_rate * volume / (volume + mk.volume_scale_yuan) + mk.incubation
    rng = m.streams["market"]
    k = rng.poisson(rate)
    n = int(k.sum())
    m.year_ledger.town_volume = np.zeros(geo.n_towns)
    if n == 0:
        return
    town = np.repeat(np.arange(geo.n_towns, dtype=np.int32), k)
    ft = p.firms.grassroots
    rows = firm_rows(ft, GRASSROOTS, grassroots_base(geo, town, rng), n, rng, town=town, month=m.month)
    incubated = rng.random(n) < (mk.incubation / np.maximum(rate[town], 1e-12))
    if mk.incubation_qualified:
        for flag in ("legal", "accounting", "qualified"):
            rows[flag] = rows[flag] | incubated
    m.firms.append(n, **rows, reputation=p.evaluation.prior_reputation, rating=p.evaluation.prior_reputation)
    m.ledger.entries += n
