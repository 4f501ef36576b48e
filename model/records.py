"""What the model records each month: the tender log, the raw counters behind every outcome,
and the village quality index citizens perceive."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import metrics, places, slot_kernels
from model.costs import close_costs, inhouse_parts
from model.ledger import per_level
from model.units import MONTHS_PER_YEAR
from model.procurement.batch import TOO_FEW_BIDS
from model.procurement.market import government_procurement, tendering
from model.world import CITY, GRASSROOTS, SLOT_SERVED, STRONG, staff_provided

if TYPE_CHECKING:
    from model.state import State


def village_index(m: State, q: np.ndarray, unserved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quality index Q_v and unserved share of every village, weighted by visibility × demand.

    A village is served by its own village slots, its town's slots and the city's slots.
    """
    geo = m.world.geo
    w, k = m.slot_weight, m.slot_index
    v_q, v_u, t_q, t_u = slot_kernels.village_sums(w, q, unserved, k.vs, k.v_of, k.ts, k.t_of, geo.n_villages,
                                                   geo.n_towns)
    num_q = v_q + t_q[geo.village_town] + (w[k.cs] * q[k.cs]).sum()
    num_u = v_u + t_u[geo.village_town] + (w[k.cs] * unserved[k.cs]).sum()
    den = np.maximum(k.weight[2] + k.weight[1] + k.weight[0], 1e-12)
    return num_q / den, num_u / den


def shortfall_shares(m: State, q: np.ndarray, expect_v: np.ndarray) -> np.ndarray:
    """Share of each village's complaints about city, town and village services: (3, villages).

    A household that complains does so about the services that fall short of its expectation,
    so a village's complaints are split over the three levels in proportion to
    Σ w · max(0, E_v − q) over each level's slots serving the village (w = visibility × demand,
    E_v the village's mean expectation); a village with no shortfall splits by Σ w.
    """
    w, vt = m.slot_weight, m.world.geo.village_town
    k = m.slot_index
    vs, v_of, ts, t_of, cs = k.vs, k.v_of, k.ts, k.t_of, k.cs
    town_rows, town_cols, town_shape, weight = t_of, k.town_rank, k.town_shape, k.weight
    short = np.empty_like(weight)
    short[2] = slot_kernels.village_shortfall(w, q, vs, v_of, expect_v)
    # town slots serve every village of their town (as a towns × slots table); city slots every village
    q_t, w_t = np.zeros(town_shape), np.zeros(town_shape)
    q_t[town_rows, town_cols], w_t[town_rows, town_cols] = q[ts], w[ts]
    short[1] = (w_t[vt] * np.maximum(0.0, expect_v[:, None] - q_t[vt])).sum(axis=1)
    short[0] = (w[cs] * np.maximum(0.0, expect_v[:, None] - q[cs])).sum(axis=1)
    none = short.sum(axis=0) <= 0
    short[:, none] = weight[:, none]
    return short / np.maximum(short.sum(axis=0), 1e-300)


def record_procurements(m: State, b, res, attempt: np.ndarray, term: np.ndarray) -> None:
    """Append this month's procurements to the tender log and count them by level (every method's
    attempts; ``attempt``: 1 for an order's first procurement; ``term``: contract years)."""
    p = m.p
    geo_d = np.hypot(b.x, b.y)
    firm = res.winner
    is_firm = firm >= 0
    kind = np.where(is_firm, m.firms.kind[np.maximum(firm, 0)], -1)
    m.tender_chunks.append({
        "month": np.full(len(b), m.month, np.int32), "order": b.order, "buyer": b.buyer,
        "level_code": b.level.astype(np.int8), "item_code": b.item, "mode_code": b.mode.astype(np.int8),
        "buyer_level_code": m.buyers.level[b.buyer].astype(np.int8),
        "value": b.value, "reserve": b.reserve, "distance_km": geo_d, "attempt": attempt.astype(np.int32),
        "term_months": np.round(term * MONTHS_PER_YEAR).astype(np.int32),
        "lot_villages": m.orders.n_slots[b.order], "notified": res.notified, "eligible": res.eligible,
        "bids": res.bids, "winner": firm, "winner_kind": kind.astype(np.int8), "price": np.where(firm != -1, res.price, np.nan),
        "winner_capability": np.where(firm != -1, res.capability, np.nan), "favoured": res.favoured,
        "reason_code": res.reason.astype(np.int8)})
    lvl = b.level.astype(np.int64)
    led = m.ledger
    led.tenders += per_level(lvl, np.ones(len(b)))
    led.bids += per_level(lvl, res.bids)
    led.notified += per_level(lvl, res.notified)
    led.no_bid += per_level(lvl, (res.bids == 0).astype(float))
    led.single_bid += per_level(lvl, (res.bids == 1).astype(float))
    led.failed += per_level(lvl, (res.reason == TOO_FEW_BIDS).astype(float))
    first = attempt == 1
    band = places.band_of(geo_d, p.region.distance_band_km)
    led.tenders_band += np.bincount(band, minlength=places.N_BANDS)
    led.no_bid_band += np.bincount(band, weights=(res.bids == 0).astype(float), minlength=places.N_BANDS)
    led.first_tenders += per_level(lvl[first], np.ones(first.sum()))
    led.first_no_bid += per_level(lvl[first], (res.bids[first] == 0).astype(float))
    won_open = tendering(b.mode) & is_firm
    led.ptr_sum += per_level(lvl[won_open], res.price[won_open] / b.reserve[won_open])
    led.ptr_n += per_level(lvl[won_open], np.ones(won_open.sum()))
    led.first_failed += per_level(lvl[first], (firm[first] == -1).astype(float))
    gp = government_procurement(b.mode)
    budget = b.reserve * term
    gp_first, gp_won = gp & first, gp & is_firm
    led.gp_projects += per_level(lvl[gp_first], np.ones(gp_first.sum()))
    led.gp_budget += per_level(lvl[gp_first], budget[gp_first])
    led.gp_won_budget += per_level(lvl[gp_won], budget[gp_won])
    led.gp_won_price += per_level(lvl[gp_won], res.price[gp_won] * term[gp_won])
    led.wincap_sum += per_level(lvl[is_firm], res.capability[is_firm])
    led.wincap_n += per_level(lvl[is_firm], np.ones(is_firm.sum()))
    value = res.price[is_firm] * 1.0
    led.award_value += float(value.sum())
    led.local_value += float(value[kind[is_firm] != STRONG].sum())
    led.favoured += float(res.favoured.sum())
    # the local market's pull for entrants: margins won and demand nobody served (yuan/year)
    town = m.orders.town[b.order]
    local = (town >= 0) & (b.level != CITY)
    margin = np.where(is_firm, res.price - res.cost, np.where(firm == -1, b.value * p.procurement.reserve_margin, 0))
    np.add.at(m.year_ledger.town_volume, town[local], np.maximum(margin[local], 0))
    for k, ft in enumerate((p.firms.strong, p.firms.local)):  # the county-wide pull for each kind
        mine = (kind == k) | ((firm == -1) & (b.value >= ft.min_contract_yuan))
        m.year_ledger.kind_volume[k] += float(np.maximum(margin[mine], 0).sum())


def collect(m: State) -> None:
    """Phase: the month's raw counters and outcomes; Mesa's DataCollector records them."""
    close_month(m)
    raw = m.ledger.raw()
    m.raws.append(raw)
    m.month_values = metrics.month_values(raw)
    m.month_history.append(m.month_values)
    m.datacollector.collect(m)


def close_month(m: State) -> None:
    """The end-of-month counters of the ledger, from the model's state."""
    led, c, s, f = m.ledger, m.contracts, m.slots, m.firms
    rows = led.active_rows
    rows = rows[c.people[rows] > 0] if len(rows) else rows
    lvl = c.level[rows].astype(np.int64)
    ppl = c.people[rows]
    led.q_people = per_level(lvl, c.q[rows] * ppl)
    led.qn_people = per_level(lvl, c.qn[rows] * ppl)
    led.qc_people = per_level(lvl, c.qc[rows] * ppl)
    led.people = per_level(lvl, ppl)
    state, k = m.slot_state, m.slot_index
    q_slot = m.slot_quality()
    (led.covered_people_levels, led.unserved_slots, led.bought_slots, led.demand_q, led.q_all_people,
     led.unserved_people, inhouse) = slot_kernels.level_sums(state, k.level, s.people, k.dw, q_slot, m.slot_bought)
    led.covered_people = float(s.people[(state == SLOT_SERVED) | staff_provided(state)].sum())
    led.demand_people, led.demand_people_levels = k.people_sum, k.people_by_level
    led.slots = k.slots_by_level
    led.demand_w, led.demand_w_levels = k.dw_sum, k.dw_by_level
    led.q_units = float(q_slot.sum())
    places.close_bands(m.ledger, m.place_index, m.slot_state, q_slot)
    payroll, material = inhouse_parts(m)
    led.inhouse_cost = (float(payroll.sum()) + material) / MONTHS_PER_YEAR
    led.inhouse_slots = float(inhouse)
    close_costs(m)
    led.fraud_loss = led.fraud_paid - led.fraud_recovered
    led.active_firms = float(f.active.sum())
    led.active_grassroots = float((f.active & (f.kind == GRASSROOTS)).sum())
    active = led.active_rows
    firm_rows = c.firm[active] if len(active) else np.zeros(0, np.int64)
    value = c.price[active] if len(active) else np.zeros(0)
    firm_ok = firm_rows >= 0
    by_firm = np.bincount(firm_rows[firm_ok], weights=value[firm_ok], minlength=len(f))
    tot = by_firm.sum()
    led.hhi = float(((by_firm / tot) ** 2).sum()) if tot > 0 else np.nan
    led.blacklisted = float(m.blacklist.count(f, m.month))
