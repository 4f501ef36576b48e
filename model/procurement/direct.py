"""Procurement without a tender: directed commission and post outsourcing (seed S6, S8, R2).

Directed commission (seed S8): the buyer asks the firms it knows (based within
``known_radius_km``); a firm accepts when the negotiated price covers what it expects the
contract to cost under its regime (model/procurement/pricing.py) and it can finance it
(model/entities/finance.py); a buyer of low
integrity picks its connected firm if it accepts (favouritism), otherwise the best-reputed
capable firm. A published citizens' rating or supplier ranking shrinks the room for favouritism
(R6; ``entities.buyer.favour_room``).

Post outsourcing (seed S6, R2): applicants ~ Poisson(applicants_mean · wage_ratio²); the best
applicant's skill is the max of their skills; no applicant fails the recruitment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from model.entities import buyer as buyer_mod
from model.procurement import batch, capacity_kernels, direct_kernels, kernels, notices, pricing
from model.procurement.batch import (AWARDED, NO_APPLICANT, NO_CAPACITY, NO_NOTICE, NONE_ELIGIBLE, UNPROFITABLE,
                                     Batch, Result, cap_by_capacity, delivery_cost, free_capacity, group_counts,
                                     join_parts, mobilisation, screen, subset, tender_blocks)

if TYPE_CHECKING:
    from model.state import State


def choose_within_capacity(order: np.ndarray, ti: np.ndarray, fi: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Each procurement takes its most preferred candidate (``order``: pairs sorted by procurement,
    best first); a firm chosen more often than its free capacity keeps its earliest procurements
    and drops out of the others, which turn to their next candidate.

    Deferred acceptance, compiled (:func:`model.procurement.capacity_kernels.deferred_acceptance`): the
    outcome is the procurement-optimal stable matching, the same as rounds in which every
    procurement turned away proposes again to its next candidate.

    Returns:
        Positions (into the pair arrays) of the chosen pairs, by procurement.
    """
    if len(order) == 0:
        return np.zeros(0, np.int64)
    return capacity_kernels.deferred_acceptance(np.asarray(order, np.int64), np.asarray(ti, np.int64),
                                                np.asarray(fi, np.int64), np.asarray(free, np.int64))


def _known_firms(m: State, sub: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(commission, firm, km) pairs: the active firms based within ``commission.known_radius_km``
    of the buyer, plus the buyer's connected firm wherever it is, each pair once
    (:func:`_known_places`' pairs, commission by commission)."""
    return kernels.expand_places(*_known_places(m, sub))


def _known_places(m: State, sub: Batch) -> tuple[np.ndarray, ...]:
    """The pairs of :func:`_known_firms` by place: ``(inv, start, per, lf, ld, extra, extra_f,
    extra_d)`` — each commission's place, each place's firms ``lf[start:start + per]`` and their
    distances ``ld`` (km), and the extra (commission, connected firm, km) pairs.

    The firms within reach are found once per buyer place (a buyer's commissions share it), the
    same pairs as a search per commission. A connected firm is added only where the search did
    not already find it (the same squared-distance test)."""
    f = m.firms
    r = m.p.commission.known_radius_km
    px, py, inv = _places(sub.x, sub.y)
    # a place's firms in the search grid's order, unsorted: a commission's outcome does not depend on
    # the order of its known firms (counts, elementwise weighing, and _Held's own order of asking)
    lt, lf, ld = notices.candidates(px, py, np.full(len(px), r), f.x, f.y, f.active, ordered=False)
    per = np.bincount(lt, minlength=len(px))
    start = np.cumsum(per) - per
    conn = m.buyers.connected[sub.buyer]
    c = np.maximum(conn, 0)
    dx, dy = f.x[c] - sub.x, f.y[c] - sub.y
    found = dx * dx + dy * dy <= r * r  # the candidate search's own test: already among the pairs
    extra = np.flatnonzero((conn >= 0) & f.active[c] & ~found)
    extra_d = np.hypot(f.x[conn[extra]] - sub.x[extra], f.y[conn[extra]] - sub.y[extra])
    return inv, start, per, lf, ld, extra, conn[extra].astype(np.int64), extra_d


def _places(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct places ``(px, py)`` (km) of the points ``(x, y)`` and each point's place: what
    ``np.unique`` of the coordinate rows gives, by one lexsort (the pairs found per place do not
    depend on how the places are numbered)."""
    o = np.lexsort((y, x))
    xs, ys = x[o], y[o]
    new = np.ones(len(o), bool)
    new[1:] = (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    inv = np.empty(len(o), np.int64)
    inv[o] = np.cumsum(new) - 1
    return xs[new], ys[new], inv


def _offers(m: State, blk: Batch, res: Result, rows: np.ndarray, free: np.ndarray, room_f: np.ndarray
            ) -> tuple[np.ndarray, list[np.ndarray]]:
    """A block of commissions ``rows``: the firms each buyer knows, who would accept (notified and
    eligible counts into ``res``); returns per commission a count of profitable pairs that is 0
    exactly when none is (a full firm's pairs are weighed only for commissions where no other pair
    is profitable: elsewhere they cannot change the reason) and, of the acceptable pairs, what the
    choice needs: ``(ti, fi, dist, favoured, merit)``. The eligible pairs
    are weighed :data:`~model.procurement.batch.CHUNK_PAIRS` at a time (elementwise: the same
    values in one chunk or many), so a province block's contract terms are never held for all its
    pairs."""
    f = m.firms
    n = len(blk)
    ti, fi, dist = _eligible(m, blk, res, rows)
    can = _can_take(free, fi)  # a full firm cannot accept: its pairs only count in ``worth``
    worth, parts = np.zeros(n, np.int64), []
    for s in range(0, max(len(ti), 1), batch.CHUNK_PAIRS):
        c = np.flatnonzero(can[s:s + batch.CHUNK_PAIRS]) + s
        t, firm, d = ti[c], fi[c], dist[c]
        _, _, favoured, _, need, profitable = _weigh(m, blk, t, firm, d)
        worth += group_counts(t, profitable, n)
        k = np.flatnonzero(profitable & (free[firm] >= 1) & (need <= room_f[firm]))  # acceptable
        merit = f.capability[firm[k]] + m.reputation_seen(blk.buyer[t[k]], firm[k])
        parts.append([t[k], firm[k], d[k], favoured[k], merit])
    # full firms' pairs are weighed only where ``worth`` is still 0: they decide the reason
    # (unprofitable or no capacity), and elsewhere it is already known to be positive
    rest = np.flatnonzero(~can & (worth[ti] == 0))
    for s in range(0, len(rest), batch.CHUNK_PAIRS):
        c = rest[s:s + batch.CHUNK_PAIRS]
        worth += group_counts(ti[c], _weigh(m, blk, ti[c], fi[c], dist[c])[-1], n)
    return worth, join_parts(parts)


def _eligible(m: State, blk: Batch, res: Result, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ti, fi, dist)`` of the block's known pairs that are told (the firm attends to the value)
    and eligible, in :func:`_known_firms`' order; the told and eligible pairs per commission into
    ``res``. One compiled pass over the places' firms (:func:`direct_kernels.known_eligible`, with
    the notice sampler's screening rule, :func:`model.procurement.batch.screen_rule`); under a
    per-buyer blacklist, whose test needs each pair's buyer, the pairs are listed and screened in
    numpy."""
    rule = batch.screen_rule(m, blk)
    if rule is not None:
        res.notified[rows], res.eligible[rows], ti, fi, dist = direct_kernels.known_eligible(
            *_known_places(m, blk), blk.value, m.firms.min_value, *rule[1:])
        return ti, fi, dist
    ti, fi, dist = _known_firms(m, blk)
    attentive = blk.value[ti] >= m.firms.min_value[fi]
    res.notified[rows] = np.bincount(ti[attentive], minlength=len(blk))
    ok = attentive & screen(m, blk, ti, fi)
    res.eligible[rows] = group_counts(ti, ok, len(blk))
    return ti[ok], fi[ok], dist[ok]


def _can_take(free: np.ndarray, fi: np.ndarray) -> np.ndarray:
    """Pairs whose firm has room for another contract (free capacity ≥ 1): weighed first."""
    return free[fi] >= 1


def _weigh(m: State, blk: Batch, ti, fi, dist) -> tuple[np.ndarray, ...]:
    """Eligible (commission, firm) pairs weighed: ``(cost, price, favoured, gain, need, profitable)``
    of the contract each would get — elementwise, so a pair weighs the same in any batch that
    holds its commission."""
    p = m.p
    conn = m.buyers.connected[blk.buyer]
    cost = delivery_cost(m, blk, ti, fi, dist) * blk.term[ti]
    price = p.commission.price_near_reserve * blk.reserve[ti] * blk.term[ti]
    favoured = fi == conn[ti]
    room = buyer_mod.favour_room(m, fi[favoured])  # R6: published ratings and rankings shrink the room
    favoured[favoured] = m.buyers.integrity[blk.buyer[ti[favoured]]] < p.commission.favour_below * room
    price = np.where(favoured, blk.reserve[ti] * blk.term[ti], price)
    view = pricing.terms(m, blk, ti, fi, cost, price, mobilisation(m, blk, ti))  # the contract it would get
    gain = view.margin(price, cost)
    need = pricing.need(m, blk, ti, cost, price, view.mob)
    return cost, price, favoured, gain, need, gain > 0


#: Acceptable commission pairs held before those no firm can take are dropped (see :class:`_Held`).
PRUNE_ROWS = 1 << 20


class _Held:
    """A month's acceptable (commission, firm) pairs, block by block, in the order the commissions
    ask their firms, without the pairs a firm is certain to turn away.

    Every commission asks its acceptable firms in order of preference — favoured first, then merit,
    then firm row — and a firm keeps the earliest commissions that ask it, up to its free capacity
    ``cap``. A block's pairs are put in that order when they are added (commissions ascending, each
    one's firms in preference order: the month's order, since blocks come in ascending commission
    order), so merit need not be kept. Once ``cap[f]`` commissions have firm ``f`` as their first
    choice, ``f`` holds ``cap[f]`` commissions no later than the ``cap[f]``-th of them (``last[f]``)
    from the first proposals on, and holds only earlier ones thereafter, so it turns away every
    later commission whenever it asks: such pairs are dropped (the outcome of deferred acceptance
    does not depend on the order of proposals, so the matching of what is kept is the matching of
    all the pairs — tests/test_perf_identity.py). ``last[f]``, once set, never changes."""

    def __init__(self, cap: np.ndarray) -> None:
        self.cap = np.floor(cap)                            # per firm: whole free capacity (inf: no cap)
        self.first = np.zeros(len(cap), np.int64)           # per firm: commissions asking it first
        self.last = np.full(len(cap), np.iinfo(np.int64).max)
        self.parts: list[list[np.ndarray]] = []
        self.rows = self.after_prune = 0

    def add(self, ti: np.ndarray, fi: np.ndarray, dist: np.ndarray, favoured: np.ndarray,
            merit: np.ndarray) -> None:
        """A block's acceptable pairs (``ti`` ascending), kept as ``(ti, fi, dist, favoured)`` in
        the order the commissions ask."""
        o = np.lexsort((fi, -merit, ~favoured, ti))
        cols = [ti[o], fi[o], dist[o], favoured[o]]
        ti, fi = cols[0], cols[1]
        if len(ti):
            head = np.r_[True, ti[1:] != ti[:-1]]           # each commission's first choice
            t1, f1 = ti[head], fi[head]                     # ascending commission
            g = np.argsort(f1, kind="stable")
            f_s = f1[g]
            starts = np.r_[0, np.flatnonzero(f_s[1:] != f_s[:-1]) + 1]
            rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)])) + self.first[f_s] + 1
            full = rank == self.cap[f_s]                    # the cap-th first proposal of the firm
            self.last[f_s[full]] = t1[g][full]
            np.add.at(self.first, f_s, 1)
        self.parts.append(self._pruned(cols))
        self.rows += len(self.parts[-1][0])
        if self.rows > max(PRUNE_ROWS, 2 * self.after_prune):
            self.parts = [self._pruned(part) for part in self.parts]
            self.rows = self.after_prune = sum(len(part[0]) for part in self.parts)

    def _pruned(self, cols: list[np.ndarray]) -> list[np.ndarray]:
        keep = cols[0] <= self.last[cols[1]]
        return cols if keep.all() else [c[keep] for c in cols]

    def columns(self) -> list[np.ndarray]:
        """The kept pairs' columns ``(ti, fi, dist, favoured)``, in asking order (each part's column
        released as it is joined)."""
        parts = [self._pruned(part) for part in self.parts]
        self.parts = []
        return join_parts(parts)


def commissions(m: State, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Directed commissions: the buyer asks the firms it knows. The commissions are weighed in blocks
    (:func:`~model.procurement.batch.tender_blocks`; elementwise, no draws: the same pairs and
    values in one block or many), keeping only what the choice needs of the pairs a firm may take
    (:class:`_Held`); the choice within the firms' capacity is over the month's batch, and the
    chosen pairs are weighed again (the same values) for their terms."""
    if len(rows) == 0:
        return
    f = m.firms
    sub = subset(b, rows)
    n = len(rows)
    free = free_capacity(m)
    room_f = m.ledger.headroom
    blocks = tender_blocks(n, int(f.active.sum()))
    worth, held = np.zeros(n, np.int64), _Held(free)
    for a, z in blocks:
        blk = sub if len(blocks) == 1 else subset(sub, np.arange(a, z))
        worth[a:z], cols = _offers(m, blk, res, rows[a:z], free, room_f)
        res.bids[rows[a:z]] = np.bincount(cols[0], minlength=z - a)
        cols[0] = cols[0] + a  # the block's commissions numbered in the month's batch
        held.add(*cols)
    ti, fi, dist, favoured = held.columns()  # in the order the commissions ask
    del held
    w = choose_within_capacity(np.arange(len(ti)), ti, fi, np.minimum(free, len(ti)).astype(np.int64))
    ti, fi, favoured = ti[w], fi[w], favoured[w]
    cost, price, _, gain, need, _ = _weigh(m, sub, ti, fi, dist[w])  # the chosen pairs' terms, again
    w = cap_by_capacity(fi, gain, room_f, need)  # a firm accepts what it can finance
    np.subtract.at(room_f, fi[w], need[w])
    np.add.at(f.col("load"), fi[w], 1)
    t_w = ti[w]
    res.winner[rows[t_w]] = fi[w]
    res.price[rows[t_w]] = price[w] / sub.term[t_w]
    res.cost[rows[t_w]] = cost[w] / sub.term[t_w]
    res.capability[rows[t_w]] = f.capability[fi[w]]
    res.honesty[rows[t_w]] = f.honesty[fi[w]]
    res.favoured[rows[t_w]] = favoured[w]
    got = np.zeros(n, bool)
    got[t_w] = True
    res.reason[rows] = np.where(got, AWARDED, np.where(res.notified[rows] == 0, NO_NOTICE, np.where(
        res.eligible[rows] == 0, NONE_ELIGIBLE, np.where(worth == 0, UNPROFITABLE, NO_CAPACITY))))


def posts(m: State, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Recruit individuals for posts at a wage (seed S6; reform R2 for technical posts)."""
    if len(rows) == 0:
        return
    p, rng = m.p.posts, m.streams["posts"]
    hard = m.cat.hard_to_staff[b.item[rows]]
    applicants = rng.poisson(p.applicants_mean * p.wage_ratio ** 2, len(rows))
    u = rng.random(len(rows))
    mean = p.skill_mean - p.technical_skill_penalty * hard
    best = mean + p.skill_sd * ndtri(np.power(u, 1.0 / np.maximum(applicants, 1)))
    filled = applicants > 0
    res.notified[rows] = applicants
    res.eligible[rows] = applicants
    res.bids[rows] = applicants
    res.winner[rows[filled]] = -2
    res.price[rows[filled]] = b.value[rows[filled]] * p.wage_ratio
    res.cost[rows[filled]] = b.value[rows[filled]] * p.wage_ratio
    res.capability[rows[filled]] = np.clip(best[filled], p.skill_min, 1.0)
    res.honesty[rows[filled]] = 1.0
    res.reason[rows] = np.where(filled, AWARDED, NO_APPLICANT)
