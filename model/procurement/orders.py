"""Procurement orders: the yearly plan, mode choice, lots, void tenders and fallbacks (seed S5–S10, P3, P5).

An order is one procurement of one item for one or more slots. Its mode follows the catalogue
and the value threshold: posts for post items; directed commission for commission items and
below ``open_tender_threshold_yuan``; open tender otherwise. Every order waits for the
multi-agency approval (``approval_delay_months``) and costs ``admin_cost_yuan + admin_cost_share · value`` of staff time.

The reserve is the buyer's estimate of cost: value · exp(N(0, reserve_error_sd · specialisation))
· (1 + reserve_margin), so specialised items are mispriced more often (P5); a reserve below every
bidder's cost fails the tender. An open tender with fewer valid bids than the legal minimum is
void (废标): re-tendered after ``retender_delay_months``; after ``max_failures`` void tenders it
falls back to commission or in-house provision. With ``lots``, the same village item across a
town's villages is bundled into one tender by the town government.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import records
from model.catalogue import COMMISSION, OPEN
from model.delivery import fraud
from model.delivery.monitoring import REGIMES
from model.entities import buyer as buyer_mod
from model.procurement import market
from model.table import Table
from model.world import SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, SLOT_WAITING, VILLAGE

if TYPE_CHECKING:
    from model.core import ProcurementModel

ORDER_COLUMNS = {
    "buyer": (np.int64, -1), "item": (np.int32, -1), "level": (np.int8, 0), "mode": (np.int8, 0),
    "value": (float, 0.0), "reserve": (float, 0.0), "x": (float, 0.0), "y": (float, 0.0),
    "visits": (float, 1.0), "tour_km": (float, 0.0), "spec": (float, 0.0), "due": (np.int32, 0),
    "failures": (np.int32, 0), "status": (np.int8, 0), "people": (float, 0.0), "town": (np.int32, -1),
    "village": (np.int32, -1), "adhoc": (bool, False), "n_slots": (np.int32, 0), "contract": (np.int64, -1),
}
WAITING, DONE, DROPPED = 0, 1, 2
def new_orders() -> Table:
    """An empty order table."""
    return Table(ORDER_COLUMNS, capacity=4096)


def _mode(m: ProcurementModel, item: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Method code of each order (model.procurement.market.METHODS decides)."""
    return market.choose_methods(m, m.cat.mode[item], value)


def _reserve(m: ProcurementModel, value: np.ndarray, spec: np.ndarray) -> np.ndarray:
    pr = m.p.procurement
    err = m.streams["reserve"].standard_normal(len(value)) * pr.reserve_error_sd * spec
    return value * np.exp(err) * (1 + pr.reserve_margin)


def plan_year(m: ProcurementModel) -> None:
    """Phase "plan_year" (month 1 of each year): awareness, items bought, in-house provision, orders."""
    buyer_mod.publicity(m)
    s, cat, b = m.slots, m.cat, m.buyers
    bought = buyer_mod.choose_items(m)
    m.slot_bought = bought
    m.slot_inhouse_q = buyer_mod.inhouse_quality(m, ~bought)
    m.slot_state[:] = np.where(bought, SLOT_WAITING, SLOT_INHOUSE)
    m.slot_contract[:] = -1
    rows = np.flatnonzero(bought)
    lots = m.p.procurement.lots & (s.level[rows] == VILLAGE) & (cat.mode[s.item[rows]] == OPEN)
    single, lot_rows = rows[~lots], rows[lots]
    due = m.month + m.p.procurement.approval_delay_months
    o = _add(m, single, s.buyer[single], b.x[s.buyer[single]], b.y[s.buyer[single]], np.zeros(len(single)), due)
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
        m.orders.append(len(rows_a), buyer=rows_a, item=items_a, level=b.level[rows_a], mode=COMMISSION,
                        value=value, reserve=_reserve(m, value, cat.specialisation[items_a]), x=b.x[rows_a],
                        y=b.y[rows_a], visits=cat.visits[items_a], spec=cat.specialisation[items_a],
                        due=m.month - 1 + months_a, adhoc=True, town=b.town[rows_a])


def _add(m: ProcurementModel, slot_rows, buyer_rows, x, y, tour, due, n_slots=None) -> np.ndarray:
    s, cat = m.slots, m.cat
    item = s.item[slot_rows]
    mult = np.ones(len(slot_rows)) if n_slots is None else n_slots
    value = cat.value[item] * mult
    people = s.people[slot_rows] * mult
    return m.orders.append(
        len(slot_rows), buyer=buyer_rows, item=item, level=s.level[slot_rows], mode=_mode(m, item, value),
        value=value, reserve=_reserve(m, value, cat.specialisation[item]), x=x, y=y, visits=cat.visits[item],
        tour_km=tour, spec=cat.specialisation[item], due=due, people=people, town=s.town[slot_rows],
        village=np.where(mult > 1, -1, s.village[slot_rows]), n_slots=mult.astype(np.int32))


def procure(m: ProcurementModel) -> None:
    """Phase "procure": run every procurement due this month; contract winners; handle failures."""
    o = m.orders
    due = np.flatnonzero((o.status == WAITING) & (o.due == m.month))
    if len(due) == 0:
        return
    year_end = ((m.month - 1) // 12 + 1) * 12
    term = np.where(o.adhoc[due], m.p.buyers.adhoc_term_months, year_end - m.month + 1) / 12.0
    batch = market.Batch(order=due, buyer=o.buyer[due], item=o.item[due], level=o.level[due], mode=o.mode[due],
                         value=o.value[due], reserve=o.reserve[due], term=term, x=o.x[due], y=o.y[due],
                         visits=o.visits[due], tour_km=o.tour_km[due], spec=o.spec[due])
    res = market.run(m, batch)
    records.record_procurements(m, batch, res, o.failures[due] + 1)
    pr = m.p.procurement
    m.ledger.admin_cost += float((pr.admin_cost_yuan + pr.admin_cost_share * batch.value * term).sum())
    won = res.winner != -1
    _contract(m, batch, res, won, term)
    _failed(m, due[~won], res.reason[~won])
    buyer_mod.learn(m, batch.buyer[(batch.mode == OPEN)], won[batch.mode == OPEN])


def _contract(m: ProcurementModel, batch, res, won, term) -> None:
    o, c, f, cat, p = m.orders, m.contracts, m.firms, m.cat, m.p
    if not won.any():
        return
    idx = np.flatnonzero(won)
    orders = batch.order[idx]
    item = batch.item[idx]
    firm = res.winner[idx]
    months = np.round(term[idx] * 12).astype(np.int32)
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


def _failed(m: ProcurementModel, rows: np.ndarray, reason: np.ndarray) -> None:
    """Void tenders and failed commissions/recruitments: re-tender, fall back, or give up."""
    if len(rows) == 0:
        return
    o, pr = m.orders, m.p.procurement
    o.col("failures")[rows] += 1
    year_end = ((m.month - 1) // 12 + 1) * 12
    retry = o.failures[rows] < pr.max_failures
    fallback = ~retry & (o.mode[rows] == OPEN) & (pr.fallback == "commission")
    o.col("due")[rows] = m.month + max(1, pr.retender_delay_months)
    o.col("mode")[rows[fallback]] = COMMISSION
    o.col("failures")[rows[fallback]] = 0
    give_up = (~retry & ~fallback) | (o.due[rows] > year_end) & ~o.adhoc[rows]
    o.col("status")[rows[give_up]] = DROPPED
    waiting = slots_of(m, rows) & m.slot_bought
    m.slot_state[waiting] = SLOT_UNSERVED
    dropped_slots = slots_of(m, rows[give_up]) & m.slot_bought
    m.slot_state[dropped_slots & (pr.fallback == "in_house")] = SLOT_INHOUSE


def slots_of(m: ProcurementModel, order_rows: np.ndarray) -> np.ndarray:
    """Mask of the slots whose current order is one of ``order_rows`` (the same as
    ``np.isin(m.slot_order, order_rows)``, by one gather instead of a sort)."""
    return index_mask(m.slot_order, order_rows, len(m.orders))


def index_mask(keys: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """``np.isin(keys, rows)`` for row indices in ``[0, n)``; keys < 0 (none) are never in."""
    flag = np.zeros(n + 1, bool)
    flag[rows] = True
    return flag[np.where(keys >= 0, keys, n)]
