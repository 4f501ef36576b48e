"""Government buyers: city departments, town governments, village committees (seed S1–S5, P1, R1–R3).

Each fiscal year (month 1) a buyer

1. updates its awareness of purchasing: publicity raises it, a' = a + publicity · effect · (1 − a)
   (reform R1); good and bad experiences move it during the year;
2. decides, item by item, to buy or to keep the item in-house: it buys an item when its awareness
   exceeds the item's resistance (P1: units that do not understand purchasing keep work in-house);
   hard-to-staff technical posts are bought only under reform R2;
3. ranks wanted items by departmental priority — or by its households' demand under the citizen
   menu (百姓点菜, R3) — and buys down the list out of its yearly budget from the county's
   allocation for purchased services (:func:`budgets`), skipping an item that no longer fits and
   going on to cheaper ones (S5);
4. receives ad-hoc items (一事一议) at random during the year, bought by fast commission (S5).

In-house provision costs staff time in proportion to the item's value (S1), and its quality falls
with the load per staff member (活多人少, S2): q_in = inhouse_quality / (1 + load_sensitivity ·
max(0, load − 1)), load = in-house work / staff, with an item's work = its value / the mean value
of the catalogue items of its level (a typical item is one unit of work); hard-to-staff items are
done at ``hard_to_staff_quality`` of it.

Favouritism and its room (seed S8, R6 权力寻租, S15 排名通报): a buyer of integrity g favours its
connected firm in a directed commission when g < favour_below · room. Published scores shrink
the room when favouring would be visible — when the connected firm stands low in what is
published: room = 1 − exposure · (1 − percentile), exposure = rating_exposure (the citizens'
rating is published on the disclosure platform) + ranking_exposure (buyers publish a ranking of
suppliers), capped at 1; percentile is the connected firm's place (0 last, 1 top) among active
firms by the published rating or reputation. Favouring the top-ranked firm is indistinguishable
from choosing on merit, so it keeps the whole room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.catalogue import POSTS
from model.units import MONTHS_PER_YEAR
from model.world import CITY, TOWN, VILLAGE

if TYPE_CHECKING:
    from model.state import State


def publicity(m: State) -> None:
    """Yearly awareness gain from publicity (R1)."""
    b = m.p.buyers
    aw = m.buyers.col("awareness")
    aw += b.publicity * b.publicity_effect * (1 - aw)


def learn(m: State, buyer_rows: np.ndarray, good: np.ndarray) -> None:
    """Awareness after a month's experiences: a' = a + (learn_good · n_good − learn_bad · n_bad) / n
    (unchanged when ``channels.buyer_learning`` is off)."""
    if not m.p.channels.buyer_learning:
        return
    b = m.p.buyers
    n = np.bincount(buyer_rows, minlength=len(m.buyers))
    n_good = np.bincount(buyer_rows, weights=good.astype(float), minlength=len(m.buyers))
    seen = n > 0
    aw = m.buyers.col("awareness")
    aw[seen] += (b.learn_good * n_good[seen] - b.learn_bad * (n[seen] - n_good[seen])) / n[seen]
    np.clip(aw, 0, 1, out=aw)


def favour_room(m: State, firm: np.ndarray) -> np.ndarray:
    """Share (0–1) of the favouritism room left to a buyer whose connected firm is ``firm`` (rows)."""
    cp, f = m.p.commission, m.firms
    room = np.ones(len(firm))
    for published, exposure, column in ((m.p.fraud.disclosure, cp.rating_exposure, f.rating),
                                        (m.p.evaluation.ranking, cp.ranking_exposure, f.reputation)):
        if not published or len(firm) == 0:
            continue
        active = np.sort(column[f.active])
        pct = np.searchsorted(active, column[firm], side="right") / max(len(active), 1)
        room -= exposure * (1 - pct)
    return np.clip(room, 0, 1)


def purchasable(m: State) -> np.ndarray:
    """Slots that may be bought at all (technical posts only under R2)."""
    hard = m.cat.hard_to_staff[m.slots.item]
    return ~hard | m.p.buyers.buy_technical_posts


def priorities(m: State) -> np.ndarray:
    """Rank key of each slot: departmental priority; under the citizen menu (R3), the households'
    demand for the item where they live (catalogue demand + local taste)."""
    s, cat = m.slots, m.cat
    if m.p.citizens.menu:
        return cat.demand[s.item] + s.taste
    return cat.priority[s.item]


def budgets(m: State) -> np.ndarray:
    """Each buyer's yearly budget for purchased services (yuan), from the county's allocation:
    ``budget_city_yuan`` for all city departments, split in proportion to the value of each
    department's purchasable items; ``budget_town_yuan`` per town government;
    ``budget_village_yuan`` per village (the town buys a village's items out of it)."""
    s, cat, b, bp = m.slots, m.cat, m.buyers, m.p.buyers
    own = np.bincount(s.buyer, weights=cat.value[s.item] * purchasable(m), minlength=len(b))
    city = b.level == CITY
    split = own / max(own[city].sum(), 1e-12)
    return np.where(city, bp.budget_city_yuan * split,
                    np.where(b.level == TOWN, bp.budget_town_yuan, bp.budget_village_yuan))


def choose_items(m: State) -> np.ndarray:
    """Which slots each buyer buys this year: it takes its wanted items by priority and buys each
    one that still fits in what is left of its budget; an item that does not fit is skipped and
    cheaper items further down the list are still bought (S5)."""
    s, cat, b = m.slots, m.cat, m.buyers
    value = cat.value[s.item]
    want = purchasable(m) & (b.awareness[s.buyer] > s.resistance)
    left = budgets(m) + 1e-6
    order = np.lexsort((np.arange(len(s)), -priorities(m), s.buyer))
    order = order[want[order]]
    bought = np.zeros(len(s), bool)
    # buyers buy in parallel: round r looks at each buyer's r-th wanted item
    buyer_sorted = s.buyer[order]
    start = np.r_[0, np.flatnonzero(buyer_sorted[1:] != buyer_sorted[:-1]) + 1] if len(order) else np.zeros(0, int)
    rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
    for r in range(int(rank.max(initial=-1)) + 1):
        rows = order[rank == r]
        fits = value[rows] <= left[s.buyer[rows]]
        bought[rows[fits]] = True
        left[s.buyer[rows[fits]]] -= value[rows[fits]]
    return bought


def work_units(m: State) -> np.ndarray:
    """Staff work of every slot done in-house, in typical items of its level: the item's value over
    the mean value of the catalogue items of that level (staff time grows with the item's size,
    as its in-house cost does). Fixed for a run: built once with the slots' index
    (``model.slot_index.SlotIndex.work``)."""
    return m.slot_index.work


def inhouse_quality(m: State, inhouse: np.ndarray) -> np.ndarray:
    """Quality of every slot if done in-house this year (S1, S2)."""
    s, b, bp = m.slots, m.buyers, m.p.buyers
    load = np.bincount(s.buyer, weights=inhouse * work_units(m), minlength=len(b)) / b.staff
    b.col("inhouse_load")[:] = load
    q = bp.inhouse_quality / (1 + bp.load_sensitivity * np.maximum(0.0, load[s.buyer] - 1))
    return np.where(m.cat.hard_to_staff[s.item], bp.hard_to_staff_quality * q, q)


def adhoc_needs(m: State, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ad-hoc items of the year for city and town buyers: (buyer rows, items, months 1–12)."""
    b, cat = m.buyers, m.cat
    who = np.flatnonzero((b.level == CITY) | (b.level == TOWN))
    k = rng.poisson(m.p.buyers.adhoc_per_year, len(who))
    rows = np.repeat(who, k)
    items_of = [np.flatnonzero((cat.level == lvl) & (cat.mode != POSTS)) for lvl in (CITY, TOWN, VILLAGE)]
    u = rng.random(len(rows))
    lvl = b.level[rows]
    items = np.array([items_of[l][int(x * len(items_of[l]))] for l, x in zip(lvl, u)], dtype=np.int64)
    months = rng.integers(1, MONTHS_PER_YEAR + 1, len(rows))
    return rows, items, months
