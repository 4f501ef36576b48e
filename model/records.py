"""What the model records each month: the tender log, the raw counters behind every outcome,
and the village quality index citizens perceive."""

from __future__ import annotations

import numpy as np

from model import metrics

from model.procurement.market import OPEN
from model.procurement.orders import SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, staff_provided
from model.world import CITY, STRONG, TOWN, VILLAGE

LEVEL_SUFFIX = ("city", "town", "village")


def village_index(m, q: np.ndarray, unserved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quality index Q_v and unserved share of every village, weighted by visibility × demand.

    A village is served by its own village slots, its town's slots and the city's slots.
    """
    geo = m.world.geo
    w = m.slot_weight
    n_v, n_t = geo.n_villages, geo.n_towns
    vs, v_of, ts, t_of, cs = _slot_groups(m)
    parts = []
    for values in (w * q, w * unserved, w):
        v = np.bincount(v_of, weights=values[vs], minlength=n_v)
        t = np.bincount(t_of, weights=values[ts], minlength=n_t)
        c = values[cs].sum()
        parts.append(v + t[geo.village_town] + c)
    num_q, num_u, den = parts
    den = np.maximum(den, 1e-12)
    return num_q / den, num_u / den


def shortfall_shares(m, q: np.ndarray, expect_v: np.ndarray) -> np.ndarray:
    """Share of each village's complaints about city, town and village services: (3, villages).

    A household that complains does so about the services that fall short of its expectation,
    so a village's complaints are split over the three levels in proportion to
    Σ w · max(0, E_v − q) over each level's slots serving the village (w = visibility × demand,
    E_v the village's mean expectation); a village with no shortfall splits by Σ w.
    """
    w, vt = m.slot_weight, m.world.geo.village_town
    vs, v_of, ts, t_of, cs = _slot_groups(m)
    town_rows, town_cols, town_shape, weight = _town_table(m)
    short = np.empty_like(weight)
    short[2] = np.bincount(v_of, weights=w[vs] * np.maximum(0.0, expect_v[v_of] - q[vs]), minlength=len(vt))
    # town slots serve every village of their town (as a towns × slots table); city slots every village
    q_t, w_t = np.zeros(town_shape), np.zeros(town_shape)
    q_t[town_rows, town_cols], w_t[town_rows, town_cols] = q[ts], w[ts]
    short[1] = (w_t[vt] * np.maximum(0.0, expect_v[:, None] - q_t[vt])).sum(axis=1)
    short[0] = (w[cs] * np.maximum(0.0, expect_v[:, None] - q[cs])).sum(axis=1)
    none = short.sum(axis=0) <= 0
    short[:, none] = weight[:, none]
    return short / np.maximum(short.sum(axis=0), 1e-300)


def _town_table(m) -> tuple[np.ndarray, np.ndarray, tuple[int, int], np.ndarray]:
    """Row (town) and column of every town slot in a towns × slots table, the table's shape, and
    the weight Σ w of each level's slots serving each village (3, villages); computed once."""
    cached = m.__dict__.get("_town_table_cache")
    if cached is None:
        geo, w = m.world.geo, m.slot_weight
        vs, v_of, ts, t_of, cs = _slot_groups(m)
        per_town = np.bincount(t_of, minlength=geo.n_towns)
        rank = np.empty(len(ts), np.int64)
        by_town = np.argsort(t_of, kind="stable")
        rank[by_town] = np.arange(len(ts)) - np.repeat(np.cumsum(per_town) - per_town, per_town)
        weight = np.stack([np.full(geo.n_villages, w[cs].sum()),
                           np.bincount(t_of, weights=w[ts], minlength=geo.n_towns)[geo.village_town],
                           np.bincount(v_of, weights=w[vs], minlength=geo.n_villages)])
        cached = (t_of, rank, (geo.n_towns, int(per_town.max(initial=0))), weight)
        m._town_table_cache = cached
    return cached


def _slot_groups(m) -> tuple[np.ndarray, ...]:
    """Slot rows of each level and their village / town, computed once per model (slots are
    fixed for the run): the same elements, in the same order, as masking by level each month."""
    cached = m.__dict__.get("_slot_groups_cache")
    if cached is None:
        s = m.slots
        vs, ts, cs = (np.flatnonzero(s.level == lvl) for lvl in (VILLAGE, TOWN, CITY))
        cached = (vs, s.village[vs], ts, s.town[ts], cs)
        m._slot_groups_cache = cached
    return cached


def _slot_constants(m) -> dict:
    """Per-slot arrays and sums that do not change during a run, computed once per model."""
    cached = m.__dict__.get("_slot_constants_cache")
    if cached is None:
        s = m.slots
        level = s.level.astype(np.int64)
        dw = np.clip(m.cat.demand[s.item] + s.taste, 0, None) * s.people  # local demand × people
        cached = {"level": level, "slots_by_level": np.bincount(level, minlength=3),
                  "people_sum": float(s.people.sum()), "dw": dw, "dw_sum": float(dw.sum()),
                  "dw_by_level": np.bincount(level, weights=dw, minlength=3),
                  "value": m.cat.value[s.item]}
        m._slot_constants_cache = cached
    return cached


def record_procurements(m, b, res, attempt: np.ndarray) -> None:
    """Append this month's procurements to the tender log and count them by level."""
    p = m.p
    geo_d = np.hypot(b.x, b.y)
    firm = res.winner
    is_firm = firm >= 0
    kind = np.where(is_firm, m.firms.kind[np.maximum(firm, 0)], -1)
    m._tenders.append({
        "month": np.full(len(b), m.month, np.int32), "order": b.order, "buyer": b.buyer,
        "level_code": b.level.astype(np.int8), "item_code": b.item, "mode_code": b.mode.astype(np.int8),
        "value": b.value, "reserve": b.reserve, "distance_km": geo_d, "attempt": attempt.astype(np.int32),
        "lot_villages": m.orders.n_slots[b.order], "notified": res.notified, "eligible": res.eligible,
        "bids": res.bids, "winner": firm, "winner_kind": kind.astype(np.int8), "price": np.where(firm != -1, res.price, np.nan),
        "winner_capability": np.where(firm != -1, res.capability, np.nan), "favoured": res.favoured,
        "reason_code": res.reason.astype(np.int8)})
    lvl = b.level.astype(np.int64)
    op = b.mode == OPEN
    ones = np.ones(op.sum())
    lo = lvl[op]
    m.acc_level("tenders", lo, ones)
    m.acc_level("bids", lo, res.bids[op])
    m.acc_level("notified", lo, res.notified[op])
    m.acc_level("no_bid", lo, (res.bids[op] == 0).astype(float))
    m.acc_level("single_bid", lo, (res.bids[op] == 1).astype(float))
    m.acc_level("failed", lo, (res.bids[op] < p.procurement.legal_min_bidders).astype(float))
    won_open = op & is_firm
    m.acc_level("ptr_sum", lvl[won_open], res.price[won_open] / b.reserve[won_open])
    m.acc_level("ptr_n", lvl[won_open], np.ones(won_open.sum()))
    m.acc_level("wincap_sum", lvl[is_firm], res.capability[is_firm])
    m.acc_level("wincap_n", lvl[is_firm], np.ones(is_firm.sum()))
    value = res.price[is_firm] * 1.0
    m.acc["award_value"] += float(value.sum())
    m.acc["local_value"] += float(value[kind[is_firm] != STRONG].sum())
    m.acc["favoured"] += float(res.favoured.sum())
    # the local market's pull for entrants: margins won and demand nobody served (yuan/year)
    town = m.orders.town[b.order]
    local = (town >= 0) & (b.level != CITY)
    margin = np.where(is_firm, res.price - res.cost, np.where(firm == -1, b.value * p.procurement.reserve_margin, 0))
    np.add.at(m.town_volume, town[local], np.maximum(margin[local], 0))


def collect(m) -> None:
    """Phase: the month's raw counters and outcomes; Mesa's DataCollector records them."""
    raw = month_raw(m)
    m.raws.append(raw)
    m.month_values = metrics.month_values(raw)
    # the same as m.datacollector.collect(m) for the named reporters (metrics.report
    # returns month_values[name]) without Mesa deepcopying every float of every month
    dc = m.datacollector
    for name in dc.model_reporters:
        dc.model_vars[name].append(m.month_values[name])
    if hasattr(dc, "_collection_steps"):
        dc._collection_steps.append(m.time)


def month_raw(m) -> dict[str, float]:
    """Raw counters of the month (numerators and denominators of every outcome)."""
    raw: dict[str, float] = {}
    for k, v in m.acc.items():
        raw[k] = float(v)
    for k, arr in m.acc_lvl.items():
        raw[k] = float(arr.sum())
        for i, suffix in enumerate(LEVEL_SUFFIX):
            raw[f"{k}_{suffix}"] = float(arr[i])
    c, s, f = m.contracts, m.slots, m.firms
    rows = m.active_rows
    rows = rows[c.people[rows] > 0] if len(rows) else rows
    lvl = c.level[rows].astype(np.int64)
    ppl = c.people[rows]
    for key, vals in (("q_people", c.q[rows] * ppl), ("qn_people", c.qn[rows] * ppl), ("qc_people", c.qc[rows] * ppl),
                      ("people", ppl)):
        by = np.bincount(lvl, weights=vals, minlength=3)
        raw[key] = float(by.sum())
        for i, suffix in enumerate(LEVEL_SUFFIX):
            raw[f"{key}_{suffix}"] = float(by[i])
    state = m.slot_state
    k = _slot_constants(m)
    cover_w = s.people
    staff = staff_provided(state)
    raw["covered_people"] = float(cover_w[(state == SLOT_SERVED) | staff].sum())
    raw["demand_people"] = k["people_sum"]
    unserved = state == SLOT_UNSERVED
    bought = m.slot_bought
    for key, by in (("unserved_slots", np.bincount(k["level"][unserved], minlength=3)),
                    ("bought_slots", np.bincount(k["level"][bought], minlength=3)), ("slots", k["slots_by_level"])):
        raw[key] = float(by.sum())
        for i, suffix in enumerate(LEVEL_SUFFIX):
            raw[f"{key}_{suffix}"] = float(by[i])
    q_slot = m.slot_quality()
    dw = k["dw"]
    dq_by = np.bincount(k["level"], weights=dw * q_slot, minlength=3)
    raw["demand_q"] = float(dq_by.sum())
    raw["demand_w"] = k["dw_sum"]
    for i, suffix in enumerate(LEVEL_SUFFIX):
        raw[f"demand_q_{suffix}"] = float(dq_by[i])
        raw[f"demand_w_{suffix}"] = float(k["dw_by_level"][i])
    raw["q_units"] = float(q_slot[state == SLOT_SERVED].sum())
    raw["inhouse_cost"] = float((k["value"][staff] * m.p.buyers.inhouse_cost).sum() / 12)
    raw["inhouse_slots"] = float((state == SLOT_INHOUSE).sum())
    raw["total_cost"] = raw.get("spend", 0.0) + raw.get("admin_cost", 0.0)
    raw["fraud_loss"] = raw.get("fraud_paid", 0.0) - raw.get("fraud_recovered", 0.0)
    for k in ("spend", "admin_cost", "fraud_attempts", "fraud_detected", "entries", "exits", "terminations",
              "favoured"):
        raw.setdefault(k, 0.0)
    alive = f.active
    raw["active_firms"] = float(alive.sum())
    firm_rows = c.firm[m.active_rows] if len(m.active_rows) else np.zeros(0, np.int64)
    value = c.price[m.active_rows] if len(m.active_rows) else np.zeros(0)
    firm_ok = firm_rows >= 0
    by_firm = np.bincount(firm_rows[firm_ok], weights=value[firm_ok], minlength=len(f))
    tot = by_firm.sum()
    raw["hhi"] = float(((by_firm / tot) ** 2).sum()) if tot > 0 else np.nan
    raw["blacklisted"] = float(m.blacklist.count(f, m.month))
    return raw
