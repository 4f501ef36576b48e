"""Contractors: strong prefecture firms, local city firms, grassroots firms and social organisations.

A Mesa agent per firm carries its identity; its bulk state (capability, cost factor, capacity,
honesty, cash, reputation, listing) lives in ``model.firms`` row ``row``, and what it has learned
about each kind of tender (win probability, markup) in ``model.beliefs`` row ``row``; the vectorised
procurement and delivery phases update both.

Market dynamics (seed P6), monthly: every firm pays its overhead; a firm whose cash runs out
exits (its contracts are terminated and re-tendered). Yearly: new grassroots firms enter each
town at rate

    λ_t = entry_rate · V_t / (V_t + volume_scale) + incubation

where V_t is the town's profitable volume last year (margins earned by local contracts plus the
value of village and town procurements that failed for want of bidders).
"""

from __future__ import annotations

import mesa
import numpy as np

from model.world import FIRM_KINDS, GRASSROOTS, firm_rows, grassroots_base


class Contractor(mesa.Agent):
    """A firm or social organisation that bids for and delivers contracts."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def kind(self) -> str:
        return FIRM_KINDS[int(self.model.firms.kind[self.row])]

    @property
    def cash(self) -> float:
        return float(self.model.firms.cash[self.row])

    def exit_market(self) -> None:
        """Leave the market: stop bidding, terminate contracts, leave the model."""
        m = self.model
        m.firms.col("active")[self.row] = False
        c = m.contracts
        m.terminate(np.flatnonzero(c.active & (c.firm == self.row)))
        self.remove()


def overheads_and_exits(m) -> None:
    """Phase "exits": overheads are paid; firms out of cash exit."""
    f = m.firms
    alive = f.active
    f.col("cash")[alive] -= f.overhead[alive]
    broke = np.flatnonzero(alive & (f.cash < 0))
    if len(broke):
        # all exits of the month at once (the same as Contractor.exit_market firm by firm: the
        # contracts of different firms are disjoint), without one scan of the contracts per firm
        f.col("active")[broke] = False
        gone = np.zeros(len(f), bool)
        gone[broke] = True
        c = m.contracts
        firm = c.firm
        m.terminate(np.flatnonzero(c.active & (firm >= 0) & gone[np.maximum(firm, 0)]))
        for row in broke:
            m.contractor_of_row[int(row)].remove()
    m.ledger.exits += len(broke)


def entry(m) -> None:
    """Phase "entry" (year end): new grassroots firms enter towns where the market pays."""
    p, geo = m.p, m.world.geo
    mk = p.market
    volume = m.year_ledger.town_volume
    rate = mk.entry_rate * volume / (volume + mk.volume_scale_yuan) + mk.incubation
    rng = m.rng["market"]
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
    new = m.firms.append(n, **rows, reputation=p.evaluation.prior_reputation, rating=p.evaluation.prior_reputation)
    for row in new:
        m.contractor_of_row[int(row)] = Contractor(m, int(row))
    m.ledger.entries += n
