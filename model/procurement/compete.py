"""The competitive procedure every tendering method shares (seed S7, P3): candidates → notice
→ screening → entry → bids → award rule → the method's minimum number of suppliers.

A notified, eligible, unlisted firm with free capacity enters when

    E[profit] = 1/(1 + rivals) · (ρ · price − s · cost − mobilisation) − bid_cost > min_profit

where s · cost is what it expects to spend and ρ · price what it expects to receive under the
contract's regime (model/procurement/pricing.py: the effort it will choose, deductions, withheld
pay, financing); its bid marks up the break-even price (s · cost + mobilisation) / ρ. Here
``rivals`` = min(1/w − 1, eligible − 1): w is the win probability the firm infers from the
competition it has seen at that kind of procurement (catalogue item; model.procurement.beliefs),
but never more rivals than the other eligible firms that saw this notice — a notice few firms
hear of is a better bet. Among its profitable procurements a firm bids for the most profitable
while its expected wins (Σ 1/(1 + rivals)) stay below ``bidding.bid_slack`` × its free
capacity and the financing need of its expected wins (Σ need/(1 + rivals)) within its financing
headroom (model/entities/finance.py); a winner keeps, within capacity and headroom, its most
profitable wins. A repeat is decided the same way as a first attempt: the firm weighs it on its merits
with the capacity it has free that month. Small, far village contracts therefore attract few or
no bids for economic reasons.

The notice goes out on the channel of the place level (``procurement.channel_<level>``), widened
by one step per repost (``Batch.widen``: notice board → city website → provincial platform).
The weighing of entry and the month's profitable pairs are in model/procurement/entry.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.procurement import batch, entry, notices
from model.procurement.award import AWARD_RULES, Bids
from model.procurement.batch import (
    AWARDED, NO_CAPACITY, NO_FINANCE, NO_NOTICE, NONE_ELIGIBLE, RESERVE_BELOW_COST, TOO_FEW_BIDS, UNPROFITABLE, Batch, Result,
    best_first, cap_by_capacity, free_capacity, group_counts, screen_counted, subset, tender_blocks)
from model.procurement.bidding import STRATEGIES
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.state import State


def channel_of(m: State, b: Batch) -> np.ndarray:
    """Notice channel of every procurement: its place level's channel, widened by its reposts."""
    return np.minimum(notices.channel_of_level(m.p, b.level) + b.widen, len(notices.CHANNELS) - 1)


#: Longest search radius of a notice (km): a finite bound where neither the break-even distance
#: nor the channel's reach bounds it (free travel, a reach that never falls below the floor),
#: beyond any region's size.
LONGEST_SEARCH_KM = 1e7


def _tender_radius(m: State, b: Batch):
    """Search radius per firm kind for open tenders: within reach of the notice, within the
    kind's break-even distance (travel alone would cost the reserve), and only for tenders the
    kind pays attention to (value ≥ its minimum contract value); −1 = not searched."""
    reach_km = notices.reach_radius(m.p, channel_of(m, b))

    def radius(kind: int, rows: np.ndarray) -> np.ndarray:
        f = m.firms
        per_km = np.maximum(b.visits * MONTHS_PER_YEAR * 2 * m.p.procurement.travel_cost_yuan_km * f.travel[rows].min(), 1e-9)
        r = np.minimum(np.minimum(b.reserve / per_km, reach_km), LONGEST_SEARCH_KM)
        return np.where(b.value >= f.min_value[rows].min(), r, -1.0)

    return radius


def _award(m: State, bids: Bids, gain: np.ndarray, free: np.ndarray,
           legal_min: int, room: np.ndarray | None = None, need: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Award every tender; a firm that would win more than its free capacity, or more than it can
    finance (financing ``need`` of each bid within its headroom ``room``, yuan), keeps its most
    profitable wins and withdraws from the rest, which are awarded again among the other bids.

    Returns:
        (winning bid position per tender or −1, valid bids per tender).
    """
    live = np.ones(len(bids.firm), bool)
    room = np.full(len(free), np.inf) if room is None else room
    need = np.zeros(len(bids.firm)) if need is None else need
    rule = AWARD_RULES[m.p.procurement.award_rule].winners
    n_bids = np.bincount(bids.tender, minlength=bids.n_tenders)  # valid bids when the tender is evaluated
    # A rule picks each tender's winner from that tender's live bids only, and only winning bids
    # are withdrawn, so after the first round only the tenders that lost their winner are awarded
    # again (the same rounds as re-awarding every tender, at the cost of the bids that changed).
    win_pos = np.full(bids.n_tenders, -1, np.int64)
    redo = np.ones(bids.n_tenders, bool)
    for _ in range(len(bids.firm) + 1):  # every round withdraws at least one bid
        pos = np.flatnonzero(live & redo[bids.tender])
        sub = Bids(bids.tender[pos], bids.firm[pos], bids.price[pos], bids.tech[pos], bids.reputation[pos],
                   bids.rating[pos], bids.n_tenders)
        win = rule(sub, m.weights)
        again = np.flatnonzero(redo)
        got = win[again]
        win_pos[again] = -1
        win_pos[again[got >= 0]] = pos[got[got >= 0]]
        ok = (n_bids >= legal_min) & (win_pos >= 0)
        w = win_pos[ok]
        fw, gw = bids.firm[w], gain[w]
        order = best_first(fw, gw)  # one order for both caps
        keep = cap_by_capacity(fw, gw, free, None, order) & cap_by_capacity(fw, gw, room, need[w], order)
        if keep.all():
            out = np.full(bids.n_tenders, -1, np.int64)
            out[np.flatnonzero(ok)] = w
            return out, n_bids
        live[w[~keep]] = False
        redo[:] = False
        redo[bids.tender[w[~keep]]] = True
    raise RuntimeError("capacity-constrained award did not settle")


@dataclass
class _Entry:
    """The entry decision of a month's notified eligible pairs: the bids (in pair order) and their
    terms, counts per tender."""

    ti: np.ndarray        # per bid: tender
    fi: np.ndarray        # per bid: firm
    pair: np.ndarray      # per bid: position among the month's notified eligible pairs
    cost: np.ndarray      # per bid: full-effort cost over the term (yuan)
    reserve: np.ndarray   # per bid: reserve over the term (yuan)
    floor: np.ndarray     # per bid: break-even price (yuan)
    markup: np.ndarray    # per bid
    gain: np.ndarray      # per bid: expected profit (yuan)
    need: np.ndarray      # per bid: financing need of the contract (yuan)
    unfunded: np.ndarray  # per tender: bids a firm had the capacity but not the financing for


def _block_pairs(m: State, blk: Batch, grids: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who hears of the block's notices, and which of them pass screening (part by part as drawn,
    before the pairs are ordered): the notified firms per tender, and ``(ti, fi, dist)`` of the notified
    eligible pairs, ordered by tender then firm. ``grids``: the notice sampler's grids of the firms,
    built by the month's first block and kept for the others (the firms do not change meanwhile)."""
    rule = batch.screen_rule(m, blk)  # the sampler counts and screens the pairs as it draws them
    parts = notices.heard_parts(blk.x, blk.y, channel_of(m, blk), blk.value, _tender_radius(m, blk),
                                m.firms, m.p, m.streams["notices"], rule, grids)
    if rule is not None:
        notified = rule[0]
    else:  # a per-buyer blacklist: counted and screened part by part once drawn (a third are eligible)
        notified = np.zeros(len(blk), np.int64)
        for part in parts:
            heard, ti, fi, dist = screen_counted(m, blk, *part)
            part[:] = ti, fi, dist
            notified += heard
    ti, fi, dist = notices.merge_pairs(parts)
    return notified, ti, fi, dist


def _weigh_block(m: State, blk: Batch, ti, fi, dist, eligible, strategy, found: entry.Profitable, first: tuple[int, int]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The block's profitable pairs (weighed chunk by chunk) added to ``found``, numbered from the
    block's ``first`` (tender, notified eligible pair) of the month; returns per tender the pairs
    whose break-even is below the reserve and the profitable pairs — counted over the pairs weighed,
    which are all of a tender's pairs wherever either count would be 0 (all that the reasons read).

    A pair that ``found`` is certain to drop (:meth:`~model.procurement.entry.Profitable.beaten`)
    is not weighed (:func:`~model.procurement.entry.unbeaten`) unless its tender needs it for those
    counts; the pairs kept are the same."""
    n = len(blk)
    below_n, worth = np.zeros(n, np.int64), np.zeros(n, np.int64)
    weighed = np.zeros(len(ti), bool)
    for s in range(0, max(len(ti), 1), batch.CHUNK_PAIRS):
        c, known = entry.unbeaten(m, blk, ti, fi, dist, eligible, found, np.arange(s, min(s + batch.CHUNK_PAIRS, len(ti))))
        weighed[c] = True
        below, enter, *terms = entry.weigh(m, blk, ti[c], fi[c], dist[c], eligible, strategy, known)
        below_n += group_counts(ti[c], below, n)
        *_, gain, need, rivals = terms
        k = c[enter]
        worth += np.bincount(ti[k], minlength=n)
        found.add(ti[k] + first[0], fi[k], dist[k], gain, need, rivals, k + first[1])
    rest = np.flatnonzero(~weighed)
    rest = rest[((below_n == 0) | (worth == 0))[ti[rest]]]
    for s in range(0, len(rest), batch.CHUNK_PAIRS):
        c = rest[s:s + batch.CHUNK_PAIRS]
        below, enter, *terms = entry.weigh(m, blk, ti[c], fi[c], dist[c], eligible, strategy)
        *_, gain, _, _ = terms
        if (gain > found.cutoff[fi[c[enter]]]).any():
            raise RuntimeError("a pair passed over as beaten is more profitable than its firm's kept pairs")
        below_n += group_counts(ti[c], below, n)
        worth += np.bincount(ti[c[enter]], minlength=n)
    return below_n, worth


def _entries(m: State, sub: Batch, found: entry.Profitable, eligible: np.ndarray, strategy, free: np.ndarray) -> _Entry:
    """Which notified eligible firms bid: among its profitable pairs, firm by firm, its most
    profitable ones within capacity and financing headroom; the bids' terms are weighed again for
    the bids alone (elementwise: the same values)."""
    p, n = m.p, len(sub)
    ti, fi, dist, gain, need, rivals, pair = found.columns()
    odds = 1 / (1 + rivals)
    order = best_first(fi, gain, found.sorted)  # one order for both caps; the last pruning's pairs are in it
    by_capacity = cap_by_capacity(fi, gain, free * p.bidding.bid_slack, odds, order)
    by_finance = cap_by_capacity(fi, gain, m.ledger.headroom, need * odds, order)  # wins it can finance
    bid = by_capacity & by_finance
    unfunded = np.bincount(ti[by_capacity & ~by_finance], minlength=n)
    ti, fi, dist, pair = ti[bid], fi[bid], dist[bid], pair[bid]
    _, again, cost, reserve, floor, markup, gain, need, _ = entry.weigh(m, sub, ti, fi, dist, eligible, strategy)
    if not again.all():  # the same pairs weighed again must weigh the same
        raise RuntimeError("a bid's terms changed when weighed again")
    return _Entry(ti, fi, pair, cost, reserve, floor, markup, gain, need, unfunded)


def compete(m: State, b: Batch, res: Result, rows: np.ndarray, legal_min: int) -> None:
    """Run the competitive procurements ``rows`` of the batch and fill ``res``; fewer than
    ``legal_min`` valid bids fail the procurement (outcome ``too_few_bids``). The tenders are
    taken in blocks (:func:`~model.procurement.batch.tender_blocks`): notice, screening and the
    weighing of entry block by block; the caps on each firm's bids, the award and learning over the
    month's batch."""
    if len(rows) == 0:
        return
    p, f = m.p, m.firms
    sub = subset(b, rows)
    n = len(rows)
    m.beliefs.fit(len(f))
    strategy = STRATEGIES[p.bidding.strategy].price
    free = free_capacity(m)
    blocks = tender_blocks(n, int(f.active.sum()))
    found, seen = entry.Profitable(free * p.bidding.bid_slack), []  # profitable pairs; notified eligible per block
    below, worth = np.zeros(n, np.int64), np.zeros(n, np.int64)
    first_pair, grids = 0, {}
    for a, z in blocks:
        blk = sub if len(blocks) == 1 else subset(sub, np.arange(a, z))
        res.notified[rows[a:z]], ti, fi, dist = _block_pairs(m, blk, grids)
        res.eligible[rows[a:z]] = np.bincount(ti, minlength=z - a)
        below[a:z], worth[a:z] = _weigh_block(m, blk, ti, fi, dist, res.eligible[rows[a:z]], strategy, found,
                                              (a, first_pair))
        if len(blocks) > 1:  # keep only what the caps may still select, and the pairs as int32
            found.prune()
            ti, fi = (ti + a).astype(np.int32), fi.astype(np.int32)
        seen.append((ti, fi))
        first_pair += len(ti)
    e = _entries(m, sub, found, res.eligible[rows], strategy, free)
    del found
    room = m.ledger.headroom
    ti_b, fi_b, cost_b, res_b, gain_b, need_b = e.ti, e.fi, e.cost, e.reserve, e.gain, e.need
    entrants = np.bincount(ti_b, minlength=n)
    price = strategy(e.floor, e.markup, res_b, entrants[ti_b])
    tech = np.minimum(1.0, f.capability[fi_b] + p.bidding.tech_inflation * (1 - f.honesty[fi_b]))
    bids = Bids(tender=ti_b, firm=fi_b, price=price, tech=tech,
                reputation=m.reputation_seen(sub.buyer[ti_b], fi_b), rating=m.rating_seen(fi_b), n_tenders=n)
    n_bids = entrants
    res.bids[rows] = n_bids
    valid_t = n_bids >= legal_min
    win, _ = _award(m, bids, gain_b, free, legal_min, room, need_b)
    has = win >= 0
    w = win[has]
    np.add.at(f.col("load"), fi_b[w], 1)
    np.subtract.at(room, fi_b[w], need_b[w])
    res.winner[rows[has]] = fi_b[w]
    res.price[rows[has]] = price[w] / sub.term[has]
    res.cost[rows[has]] = cost_b[w] / sub.term[has]
    res.capability[rows[has]] = f.capability[fi_b[w]]
    res.honesty[rows[has]] = f.honesty[fi_b[w]]
    reason = np.where(has, AWARDED, np.where(res.notified[rows] == 0, NO_NOTICE, np.where(
        res.eligible[rows] == 0, NONE_ELIGIBLE, np.where(below == 0, RESERVE_BELOW_COST,
                                                         np.where(worth == 0, UNPROFITABLE, np.where(
                                                             (n_bids > 0) & (n_bids < legal_min), TOO_FEW_BIDS,
                                                             np.where(e.unfunded > 0, NO_FINANCE, NO_CAPACITY)))))))
    # no_finance: firms that wanted it could not finance it; no_capacity: no bid for want of capacity,
    # or every bidder withdrew (full or unable to finance its wins)
    res.reason[rows] = reason
    _learn(m, sub, seen, e, w, n_bids, valid_t)


def _learn(m: State, sub: Batch, seen: list, e: _Entry, w, n_bids, valid_t) -> None:
    """Firms update their markups (the bidders of ``e``) and inferred win probabilities (every
    notified eligible firm: ``seen``, the blocks' (tender, firm) pairs) for the kinds of tender
    they saw (model.procurement.beliefs)."""
    p = m.p
    ti_b, fi_b = e.ti, e.fi
    won_pair = np.zeros(len(fi_b), bool)
    won_pair[w] = True
    lost_pair = ~won_pair & valid_t[ti_b]
    if STRATEGIES[p.bidding.strategy].learns and len(fi_b):
        b = p.bidding
        m.beliefs.learn_markup(fi_b, sub.item[ti_b], won_pair, lost_pair, b.markup_step, b.markup_min, b.markup_max)
    if not p.procurement.awarded_visible or sum(len(ti) for ti, _ in seen) == 0:
        return

    def parts():
        start = 0
        for ti, fi in seen:
            enter = np.zeros(len(ti), bool)  # the pairs that bid: others excludes the firm itself
            lo, hi = np.searchsorted(e.pair, (start, start + len(ti)))  # bids are in pair order
            enter[e.pair[lo:hi] - start] = True
            start += len(ti)
            yield fi, sub.item[ti], n_bids[ti] - enter  # a notified firm sees how many others bid

    m.beliefs.observe_parts(parts(), p.bidding.belief_rate)
