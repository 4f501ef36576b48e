"""Procurement orders: the yearly plan, method choice, lots, failures and fallbacks (seed S5–S10, P3, P5).

An order is one procurement of one item for one or more slots. Its method follows the catalogue,
the value band and the parameters (model.procurement.method, market.METHODS). The buyer is the
city department or town government of the place; a village's services are bought by its town
(政府购买服务管理办法, 财政部令第102号 art. 5–6), the village's own buyer row only choosing which
of its items the town buys. Every order waits for the multi-agency approval
(``approval_delay_months``) and costs ``admin_cost_yuan + admin_cost_share · value`` of staff time.

The reserve is the buyer's estimate of cost: value · exp(N(0, reserve_error_sd · specialisation))
· (1 + reserve_margin), so specialised items are mispriced more often (P5); a reserve below every
bidder's cost fails the procurement. After a failure the method says what follows
(``Method.after_failure``: a public tender switches method with approval, a posting is reposted on
a wider channel, a consultation left with one supplier goes to single source); when the buyer
gives up, ``procurement.fallback`` follows (the unit's own purchase, the village committee, or
in-house provision); an order given up for the year falls back to in-house provision by the
buyer's staff, at their cost (:func:`fall_back_inhouse`). Every procurement of an order counts as one attempt (the tender log's
``attempt``). With ``lots``, the same village item across a town's villages is bundled into one
framework-agreement order by the town government.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import records
from model.catalogue import COMMISSION, OPEN, POSTS
from model.ledger import per_level
from model.delivery import fraud
from model.delivery.monitoring import REGIMES
from model.entities import buyer as buyer_mod
from model.procurement import market
from model.procurement.method import Orders
from model.table import Table
from model.units import MONTHS_PER_YEAR
from model.world import SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, SLOT_WAITING, VILLAGE

if TYPE_CHECKING:
    from model.state import State

ORDER_COLUMNS = {
    "buyer": (np.int64, -1), "item": (np.int32, -1), "level": (np.int8, 0), "mode": (np.int8, 0),
    "value": (float, 0.0), "reserve": (float, 0.0), "x": (float, 0.0), "y": (float, 0.0),
    "visits": (float, 1.0), "tour_km": (float, 0.0), "spec": (float, 0.0), "due": (np.int32, 0),
    "failures": (np.int32, 0), "status": (np.int8, 0), "people": (float, 0.0), "town": (np.int32, -1),
    "village": (np.int32, -1), "adhoc": (bool, False), "n_slots": (np.int32, 0), "contract": (np.int64, -1),
    "attempts": (np.int32, 0), "widen": (np.int8, 0),
}
WAITING, DONE, DROPPED = 0, 1, 2
def new_orders() -> Table:
    """An empty order table."""
    return Table(ORDER_COLUMNS, capacity=4096)


def _mode(m: State, cat_mode: np.ndarray, value: np.ndarray, level: np.ndarray,
          bundled: np.ndarray) -> np.ndarray:
    """Method code of each order (model.procurement.market.METHODS decides)."""
    return market.choose_methods(m, Orders(cat_mode, value, level, bundled))


def _reserve(m: State, value: np.ndarray, spec: np.ndarray) -> np.ndarray:
    pr = m.p.procurement
    err = m.streams["reserve"].standard_normal(len(value)) * pr.reserve_error_sd * spec
    return value * np.exp(err) * (1 + pr.reserve_margin)


def plan_year(m: State) -> None:
    """Phase "plan_year" (month 1 of each year): awareness, items bought, in-house provision, orders."""
    buyer_mod.publicity(m)
    s, cat, b = m.slots, m.cat, m.buyers
    held = _held(m)
    bought = buyer_mod.choose_items(m) | held
    m.slot_bought = bought
    m.slot_inhouse_q = buyer_mod.inhouse_quality(m, ~bought)
    m.slot_state[:] = np.where(held, SLOT_SERVED, np.where(bought, SLOT_WAITING, SLOT_INHOUSE))
    m.slot_contract[:] = np.where(held, m.slot_contract, -1)
    rows = np.flatnonzero(bought & ~held)
    lots = m.p.procurement.lots & (s.level[rows] == VILLAGE) & (cat.mode[s.item[rows]] == OPEN)
    single, lot_rows = rows[~lots], rows[lots]
    due = m.month + m.p.procurement.approval_delay_months
    buyer = np.where(s.level[single] == VILLAGE, m.town_buyer[np.maximum(s.town[single], 0)], s.buyer[single])
    o = _add(m, single, buyer, b.x[s.buyer[single]], b.y[s.buyer[single]], np.zeros(len(single)), due)
    m.slot_order[single] = o
    if len(lot_rows):
        key = s.town[lot_rows].astype(np.int64) * len(cat) + s.item[lot_rows]
        uniq, inv = np.unique(key, return_inverse=True)
        first = np.unique(inv, return_index=True)[1]
        town = s.town[lot_rows][first]
        town_buyer = m.town_buyer[town]
        n_v = np.bincount(inv).astype(float)
        tour = m.p.region.village_spread_km * np.sqrt(n_v)
        o = _add(m, lot_rows[first], town_buyer, b.x[town_buyer], b.y[town_buyer], tour, due, n_slots=n_v)
        m.slot_order[lot_rows] = o[inv]
    rows_a, items_a, months_a = buyer_mod.adhoc_needs(m, m.streams["catalogue"])
    if len(rows_a):
        value = m.p.buyers.adhoc_value_share * cat.value[items_a]
        mode = _mode(m, np.full(len(rows_a), COMMISSION), value, b.level[rows_a], np.zeros(len(rows_a), bool))
        m.orders.append(len(rows_a), buyer=rows_a, item=items_a, level=b.level[rows_a], mode=mode,
                        value=value, reserve=_reserve(m, value, cat.specialisation[items_a]), x=b.x[rows_a],
                        y=b.y[rows_a], visits=cat.visits[items_a], spec=cat.specialisation[items_a],
                        due=m.month - 1 + months_a, adhoc=True, town=b.town[rows_a])


def _held(m: State) -> np.ndarray:
    """Slots served by a multi-year contract still running into this year (``contract_years`` > 1):
    they stay bought and served, and get no new order (commitments carry over the budget)."""
    sc, c = m.slot_contract, m.contracts
    ok = (sc >= 0) & (m.slot_state == SLOT_SERVED)
    if not ok.any():
        return ok
    rows = np.where(ok, sc, 0)
    return ok & c.active[rows] & (c.end[rows] >= m.month)


def _add(m: State, slot_rows, buyer_rows, x, y, tour, due, n_slots=None) -> np.ndarray:
    s, cat = m.slots, m.cat
    item = s.item[slot_rows]
    mult = np.ones(len(slot_rows)) if n_slots is None else n_slots
    value = cat.value[item] * mult
    people = s.people[slot_rows] * mult
    m.ledger.orders += per_level(s.level[slot_rows].astype(np.int64), np.ones(len(slot_rows)))
    mode = _mode(m, m.cat.mode[item], value, s.level[slot_rows], mult > 1)
    return m.orders.append(
        len(slot_rows), buyer=buyer_rows, item=item, level=s.level[slot_rows], mode=mode,
        value=value, reserve=_reserve(m, value, cat.specialisation[item]), x=x, y=y, visits=cat.visits[item],
        tour_km=tour, spec=cat.specialisation[item], due=due, people=people, town=s.town[slot_rows],
        village=np.where(mult > 1, -1, s.village[slot_rows]), n_slots=mult.astype(np.int32))


def procure(m: State) -> None:
    """Phase "procure": run every procurement due this month; contract winners; handle failures."""
    o = m.orders
    due = np.flatnonzero((o.status == WAITING) & (o.due == m.month))
    if len(due) == 0:
        return
    year_end = ((m.month - 1) // MONTHS_PER_YEAR + 1) * MONTHS_PER_YEAR
    years = m.p.procurement.contract_years  # the first year runs to the fiscal year's end
    term = np.where(o.adhoc[due], m.p.buyers.adhoc_term_months,
                    year_end - m.month + 1 + MONTHS_PER_YEAR * (years - 1)) / MONTHS_PER_YEAR
    batch = market.Batch(order=due, buyer=o.buyer[due], item=o.item[due], level=o.level[due], mode=o.mode[due],
                         value=o.value[due], reserve=o.reserve[due], term=term, x=o.x[due], y=o.y[due],
                         visits=o.visits[due], tour_km=o.tour_km[due], spec=o.spec[due],
                         widen=o.widen[due].astype(np.int64))
    res = market.run(m, batch)
    o.col("attempts")[due] += 1
    records.record_procurements(m, batch, res, o.attempts[due], term)
    pr = m.p.procurement
    m.ledger.admin_cost += float((pr.admin_cost_yuan + pr.admin_cost_share * batch.value * term).sum())
    won = res.winner != -1
    _contract(m, batch, res, won, term)
    _failed(m, due[~won], res.bids[~won])
    comp = market.tendering(batch.mode)
    buyer_mod.learn(m, batch.buyer[comp], won[comp])


def _contract(m: State, batch, res, won, term) -> None:
    o, c, f, cat, p = m.orders, m.contracts, m.firms, m.cat, m.p
    if not won.any():
        return
    idx = np.flatnonzero(won)
    orders = batch.order[idx]
    item = batch.item[idx]
    firm = res.winner[idx]
    months = np.round(term[idx] * MONTHS_PER_YEAR).astype(np.int32)
    price, cost = res.price[idx], res.cost[idx]
    cheats = fraud.decide(m, firm, batch.buyer[idx], res.honesty[idx], price, cost, term[idx])
    with_officer = any(REGIMES[r].officer for r in p.monitoring.regimes)
    officer = with_officer & (batch.value[idx] >= p.monitoring.officer_min_value_yuan)
    rows = c.append(len(idx), order=orders, firm=firm, buyer=batch.buyer[idx], item=item, level=batch.level[idx],
                    mode=batch.mode[idx], town=o.town[orders], village=o.village[orders], price=price, cost=cost,
                    start=m.month, end=m.month + months - 1, active=True, capability=res.capability[idx],
                    honesty=res.honesty[idx], cheats=cheats, kappa=m.kappa[item], visibility=cat.visibility[item],
                    officer=officer, people=o.people[orders],
                    favoured=res.favoured[idx])
    o.col("status")[orders] = DONE
    o.col("contract")[orders] = rows
    is_firm = firm >= 0
    subsidy = np.where(batch.level[idx] == VILLAGE, p.procurement.mobilisation_subsidy_yuan, 0.0)
    np.subtract.at(f.col("cash"), firm[is_firm], p.procurement.mobilisation_cost_yuan - subsidy[is_firm])
    m.ledger.spend += float(subsidy[is_firm].sum())
    served = slots_of(m, orders) & m.slot_bought
    m.slot_contract[served] = o.contract[m.slot_order[served]]
    m.slot_state[served] = SLOT_SERVED


def _failed(m: State, rows: np.ndarray, bids: np.ndarray) -> None:
    """Failed procurements: what each method allows next (repeat, switch, repost), or the
    fallback when the buyer gives up; an order whose next attempt would fall after the year's
    end is dropped (unfilled)."""
    if len(rows) == 0:
        return
    o, pr = m.orders, m.p.procurement
    o.col("failures")[rows] += 1
    mode, delay, widen, give_up = o.mode[rows].copy(), np.zeros(len(rows), np.int64), o.widen[rows].copy(), \
        np.zeros(len(rows), bool)
    for c, method in enumerate(market.METHODS.values()):
        mine = np.flatnonzero(mode == c)
        if len(mine):
            nxt = method.after_failure(m, o.failures[rows[mine]], bids[mine])
            codes = {n: market.code(n) for n in set(nxt.method)}  # once per distinct name
            mode[mine] = [codes[n] for n in nxt.method]
            delay[mine], widen[mine], give_up[mine] = nxt.delay, widen[mine] + nxt.widen, nxt.give_up
    switched = mode != o.mode[rows]
    fb = _fallback_code(m, rows, o.mode[rows])
    to_fb = give_up & (fb >= 0)
    mode[to_fb], delay[to_fb], switched[to_fb] = fb[to_fb], max(1, pr.retender_delay_months), True
    o.col("mode")[rows] = mode
    o.col("widen")[rows] = widen
    o.col("failures")[rows[switched]] = 0
    o.col("due")[rows] = m.month + delay
    year_end = ((m.month - 1) // MONTHS_PER_YEAR + 1) * MONTHS_PER_YEAR
    drop = (give_up & ~to_fb) | (o.due[rows] > year_end) & ~o.adhoc[rows]
    o.col("status")[rows[drop]] = DROPPED
    gone = rows[drop & ~o.adhoc[rows]]
    m.ledger.unfilled += per_level(o.level[gone].astype(np.int64), np.ones(len(gone)))
    waiting = slots_of(m, rows) & m.slot_bought
    m.slot_state[waiting] = SLOT_UNSERVED
    fall_back_inhouse(m, slots_of(m, rows[drop]) & m.slot_bought)


def fall_back_inhouse(m: State, slots: np.ndarray) -> None:
    """The last fallback: the buyer's own staff (the village committee for a village's items)
    provide the slots of orders given up for the year, at their staff cost (model/costs.py) and at
    the quality their load allows — now higher, so every in-house item of the buyer loses quality
    (S2). A failed order is never free."""
    if not slots.any():
        return
    m.slot_state[slots] = SLOT_INHOUSE
    m.slot_inhouse_q = buyer_mod.inhouse_quality(m, m.slot_state == SLOT_INHOUSE)


def _fallback_code(m: State, rows: np.ndarray, mode: np.ndarray) -> np.ndarray:
    """Method code the buyer falls back on when it gives up (−1: none, the order is dropped):
    ``procurement.fallback`` — a method declaring the role "fallback", for the orders it takes
    (``Method.takes_fallback``: the village committee only those of one village), or in-house
    provision; never the method that just failed; post items are not commissioned."""
    o, fallback = m.orders, m.p.procurement.fallback
    if fallback == market.IN_HOUSE:
        return np.full(len(rows), -1)
    target = market.code(fallback)
    ok = (mode != target) & (m.cat.mode[o.item[rows]] != POSTS) & market.METHODS[fallback].takes_fallback(m, rows)
    return np.where(ok, target, -1)


def slots_of(m: State, order_rows: np.ndarray) -> np.ndarray:
    """Mask of the slots whose current order is one of ``order_rows`` (the same as
    ``np.isin(m.slot_order, order_rows)``, by one gather instead of a sort)."""
    return index_mask(m.slot_order, order_rows, len(m.orders))


def index_mask(keys: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """``np.isin(keys, rows)`` for row indices in ``[0, n)``; keys < 0 (none) are never in."""
    flag = np.zeros(n + 1, bool)
    flag[rows] = True
    return flag[np.where(keys >= 0, keys, n)]
