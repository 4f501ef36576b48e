"""One month's procurements, all at once: open tenders, directed commissions, post recruitment.

Open tender (seed S7, P3): candidates → notice → screening → entry → bids → award rule →
legal minimum. A notified, eligible, unlisted firm with free capacity enters when

    E[profit] = 1/(1 + rivals) · (price − cost − mobilisation) − bid_cost > min_profit

where ``rivals`` = min(1/w − 1, eligible − 1): w is the win probability the firm infers from the
competition it has seen at that kind of tender (catalogue item; model.procurement.beliefs), but
never more rivals than the other eligible firms that saw this notice — a tender few firms hear of
is a better bet. Among its profitable tenders a firm bids for the most profitable while its
expected wins (Σ 1/(1 + rivals)) stay below ``bidding.bid_slack`` × its free capacity. The cost of
delivery grows with distance: cost = (value · cost_factor + visits · 12 · 2 · d · travel_cost ·
travel_factor) · exp(private_cost_sd · z) · term, with z the firm's private cost shock for the
contract. Small, far village contracts therefore attract few or no bids for economic reasons.

Directed commission (seed S8): the buyer asks the firms it knows (based within
``known_radius_km``); a firm accepts when the negotiated price covers its cost; a buyer of low
integrity picks its connected firm if it accepts (favouritism), otherwise the best-reputed
capable firm.

Post outsourcing (seed S6, R2): applicants ~ Poisson(applicants_mean · wage_ratio²); the best
applicant's skill is the max of their skills; no applicant fails the recruitment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from model.catalogue import COMMISSION, OPEN, POSTS, VILLAGE
from model.procurement import notices, screening
from model.procurement.award import AWARD_RULES, Bids
from model.procurement.bidding import STRATEGIES
from model.rng import keyed_normal

MODE_NAMES = ("open_tender", "direct_commission", "post_outsourcing")
#: Outcome of a procurement (the tender log's ``outcome``), by code.
REASONS = ("awarded", "no_notice", "none_eligible", "reserve_below_cost", "unprofitable", "too_few_bids",
           "no_applicant", "no_capacity")
(AWARDED, NO_NOTICE, NONE_ELIGIBLE, RESERVE_BELOW_COST, UNPROFITABLE, TOO_FEW_BIDS, NO_APPLICANT,
 NO_CAPACITY) = range(len(REASONS))


@dataclass
class Batch:
    """The procurements due this month (arrays of equal length)."""

    order: np.ndarray
    buyer: np.ndarray
    item: np.ndarray
    level: np.ndarray
    mode: np.ndarray
    value: np.ndarray       # yuan per year
    reserve: np.ndarray     # yuan per year
    term: np.ndarray        # contract length in years (≤ 1)
    x: np.ndarray
    y: np.ndarray
    visits: np.ndarray      # site visits per month
    tour_km: np.ndarray     # extra km per visit for lots covering many villages
    spec: np.ndarray

    def __len__(self) -> int:
        return len(self.order)


@dataclass
class Result:
    """Per procurement of the batch."""

    winner: np.ndarray      # firm row, −1 none, −2 an individual recruited to a post
    price: np.ndarray       # yuan per year
    cost: np.ndarray        # winner's delivery cost, yuan per year
    capability: np.ndarray  # winner's capability (skill for posts)
    honesty: np.ndarray
    notified: np.ndarray
    eligible: np.ndarray
    bids: np.ndarray
    reason: np.ndarray      # index into REASONS
    favoured: np.ndarray    # bool: commission given to a connected firm


def _cost(m, b: Batch, ti: np.ndarray, fi: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Annual delivery cost of firm ``fi`` for procurement ``ti`` (yuan/year): its usual cost of the
    service plus travel, times its private cost shock for this contract (log-normal, sd
    ``bidding.private_cost_sd``; keyed by order, firm and month, so the same pair draws the same
    shock whichever policy brought it into view)."""
    f, pr = m.firms, m.p.procurement
    travel = b.visits[ti] * 12 * 2 * (dist + b.tour_km[ti]) * pr.travel_cost_yuan_km * f.travel[fi]
    cost = b.value[ti] * f.cost_factor[fi] + travel
    sd = m.p.bidding.private_cost_sd
    if sd > 0:
        cost = cost * np.exp(sd * keyed_normal(m.seed, "bidding", b.order[ti], fi, m.month))
    return cost


def _mobilisation(m, b: Batch, ti: np.ndarray) -> np.ndarray:
    pr = m.p.procurement
    subsidy = np.where(b.level[ti] == VILLAGE, pr.mobilisation_subsidy_yuan, 0.0)
    return pr.mobilisation_cost_yuan - subsidy


def _tender_radius(m, b: Batch):
    """Search radius per firm kind for open tenders: within reach of the notice, within the
    kind's break-even distance (travel alone would cost the reserve), and only for tenders the
    kind pays attention to (value ≥ its minimum contract value); −1 = not searched."""
    reach_km = notices.reach_radius(m.p, notices.channel_of_level(m.p, b.level))

    def radius(kind: int, rows: np.ndarray) -> np.ndarray:
        f = m.firms
        per_km = np.maximum(b.visits * 12 * 2 * m.p.procurement.travel_cost_yuan_km * f.travel[rows].min(), 1e-9)
        r = np.minimum(np.minimum(b.reserve / per_km, reach_km), 1e7)
        return np.where(b.value >= f.min_value[rows].min(), r, -1.0)

    return radius


def _screen(m, b: Batch, ti: np.ndarray, fi: np.ndarray) -> np.ndarray:
    ok = screening.eligible(m.p, m.month, b.value, b.spec, ti, fi, m.firms)
    ok &= ~m.blacklist.listed(b.buyer[ti], fi, m.firms, m.month)
    return ok


def _group_counts(ti: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(ti[mask], minlength=n)


def _cap_by_capacity(fi: np.ndarray, gain: np.ndarray, free: np.ndarray,
                     weight: np.ndarray | None = None) -> np.ndarray:
    """Keep, for every firm, its most profitable entries while the summed ``weight`` of the entries
    before each one (1 each by default; the win probability when bidding) is below its ``free``
    capacity — so expected wins may exceed capacity by less than one entry's weight."""
    if len(fi) == 0:
        return np.zeros(0, bool)
    w = np.ones(len(fi)) if weight is None else weight
    order = np.lexsort((-gain, fi))
    f_sorted, w_sorted = fi[order], w[order]
    csum = np.cumsum(w_sorted)
    start = np.r_[0, np.flatnonzero(f_sorted[1:] != f_sorted[:-1]) + 1]
    before = np.repeat(csum[start] - w_sorted[start], np.diff(np.r_[start, len(fi)]))
    keep = np.zeros(len(fi), bool)
    keep[order] = (csum - before - w_sorted) < free[f_sorted] - 1e-9
    return keep


def _choose_within_capacity(order: np.ndarray, ti: np.ndarray, fi: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Each procurement takes its most preferred candidate (``order``: pairs sorted by procurement,
    best first); a firm chosen more often than its free capacity keeps its earliest procurements
    and drops out of the others, which turn to their next candidate.

    Rounds of deferred acceptance: only the procurements turned away in a round propose again (to
    their next candidate); the pairs a firm kept are weighed again with the new proposals. The
    rounds are the same as re-proposing every procurement to its first candidate not yet turned
    away, at a cost per round of the pairs proposed and held rather than of all pairs.

    Returns:
        Positions (into the pair arrays) of the chosen pairs, by procurement.
    """
    if len(order) == 0:
        return np.zeros(0, np.int64)
    t_sorted = ti[order]
    start = np.r_[0, np.flatnonzero(t_sorted[1:] != t_sorted[:-1]) + 1]
    end = np.r_[start[1:], len(order)]
    ptr = start.copy()              # each procurement's current candidate (index into order)
    held = np.zeros(0, np.int64)    # procurement blocks whose current proposal a firm holds
    new = np.arange(len(start))     # procurement blocks proposing this round
    for _ in range(len(order) + 1):
        blocks = np.r_[held, new]
        w = order[ptr[blocks]]
        keep = _cap_by_capacity(fi[w], -ti[w].astype(float), free)
        if keep.all():
            return w[np.argsort(ti[w], kind="stable")]
        held = blocks[keep]
        out = blocks[~keep]
        ptr[out] += 1
        new = out[ptr[out] < end[out]]
    raise RuntimeError("capacity-constrained choice did not settle")


def _award(m, bids: Bids, gain: np.ndarray, free: np.ndarray, legal_min: int) -> tuple[np.ndarray, np.ndarray]:
    """Award every tender; a firm that would win more than its free capacity keeps its most
    profitable wins and withdraws from the rest, which are awarded again among the other bids.

    Returns:
        (winning bid position per tender or −1, valid bids per tender).
    """
    live = np.ones(len(bids.firm), bool)
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
        keep = _cap_by_capacity(bids.firm[w], gain[w], free)
        if keep.all():
            out = np.full(bids.n_tenders, -1, np.int64)
            out[np.flatnonzero(ok)] = w
            return out, n_bids
        live[w[~keep]] = False
        redo[:] = False
        redo[bids.tender[w[~keep]]] = True
    raise RuntimeError("capacity-constrained award did not settle")


def open_tenders(m, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Run the open tenders ``rows`` of the batch and fill ``res``."""
    if len(rows) == 0:
        return
    p, f = m.p, m.firms
    sub = _subset(b, rows)
    n = len(rows)
    ti, fi, dist = notices.heard_by_kind(sub.x, sub.y, sub.level, sub.value, _tender_radius(m, sub), f, p,
                                         m.streams["notices"])
    ok = _screen(m, sub, ti, fi)
    res.notified[rows] = np.bincount(ti, minlength=n)
    res.eligible[rows] = _group_counts(ti, ok, n)
    ti, fi, dist = ti[ok], fi[ok], dist[ok]
    cost = _cost(m, sub, ti, fi, dist) * sub.term[ti]
    reserve = sub.reserve[ti] * sub.term[ti]
    below = cost < reserve
    m.beliefs.fit(len(f))
    item = sub.item[ti]
    rivals = np.minimum(m.beliefs.rivals(fi, item), np.maximum(res.eligible[rows][ti] - 1, 0))
    markup = m.beliefs.markup[fi, item]
    strategy = STRATEGIES[p.bidding.strategy].price
    price_guess = strategy(cost, markup, reserve, 1 + rivals)
    margin = price_guess - cost - _mobilisation(m, sub, ti)
    bid_cost = p.procurement.bid_cost_yuan + p.procurement.bid_cost_share * reserve
    gain = margin / (1 + rivals) - bid_cost
    enter = below & (margin > 0) & (gain > p.bidding.min_profit_share * reserve)
    worth = _group_counts(ti, enter, n)  # profitable entrants before capacity limits
    free = np.maximum(f.capacity - f.load, 0)
    slack = free * p.bidding.bid_slack
    enter[enter] = _cap_by_capacity(fi[enter], gain[enter], slack, 1 / (1 + rivals[enter]))
    ti_b, fi_b, cost_b, res_b = ti[enter], fi[enter], cost[enter], reserve[enter]
    gain_b = gain[enter]
    entrants = np.bincount(ti_b, minlength=n)
    price = strategy(cost_b, markup[enter], res_b, entrants[ti_b])
    tech = np.minimum(1.0, f.capability[fi_b] + p.bidding.tech_inflation * (1 - f.honesty[fi_b]))
    bids = Bids(tender=ti_b, firm=fi_b, price=price, tech=tech,
                reputation=m.reputation_seen(sub.buyer[ti_b], fi_b), rating=f.rating[fi_b], n_tenders=n)
    n_bids = entrants
    res.bids[rows] = n_bids
    valid_t = n_bids >= p.procurement.legal_min_bidders
    win, _ = _award(m, bids, gain_b, free, p.procurement.legal_min_bidders)
    has = win >= 0
    w = win[has]
    np.add.at(f.col("load"), fi_b[w], 1)
    res.winner[rows[has]] = fi_b[w]
    res.price[rows[has]] = price[w] / sub.term[has]
    res.cost[rows[has]] = cost_b[w] / sub.term[has]
    res.capability[rows[has]] = f.capability[fi_b[w]]
    res.honesty[rows[has]] = f.honesty[fi_b[w]]
    reason = np.where(has, AWARDED, np.where(res.notified[rows] == 0, NO_NOTICE, np.where(
        res.eligible[rows] == 0, NONE_ELIGIBLE, np.where(_group_counts(ti, below, n) == 0, RESERVE_BELOW_COST,
                                                         np.where(worth == 0, UNPROFITABLE, np.where(
                                                             n_bids == 0, NO_CAPACITY, TOO_FEW_BIDS))))))
    res.reason[rows] = reason
    _learn(m, sub, ti, fi, ti_b, fi_b, w, has, n_bids, valid_t)


def _learn(m, sub: Batch, ti, fi, ti_b, fi_b, w, has, n_bids, valid_t) -> None:
    """Firms update their markups (bidders) and inferred win probabilities (every notified eligible
    firm) for the kinds of tender they saw (model.procurement.beliefs)."""
    p, f = m.p, m.firms
    won_pair = np.zeros(len(fi_b), bool)
    won_pair[w] = True
    lost_pair = ~won_pair & valid_t[ti_b]
    if STRATEGIES[p.bidding.strategy].learns and len(fi_b):
        b = p.bidding
        m.beliefs.learn_markup(fi_b, sub.item[ti_b], won_pair, lost_pair, b.markup_step, b.markup_min, b.markup_max)
    if not p.procurement.awarded_visible or len(ti) == 0:
        return
    bid_here = np.zeros(len(ti), bool)  # did the observing firm bid itself?
    key_b = ti_b * (len(f) + 1) + fi_b
    key = ti * (len(f) + 1) + fi
    bid_here[np.isin(key, key_b)] = True
    others = n_bids[ti] - bid_here  # a notified firm sees how many others bid
    m.beliefs.observe(fi, sub.item[ti], others, p.bidding.belief_rate)


def _known_firms(m, sub: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(commission, firm, km) pairs: the active firms based within ``commission.known_radius_km``
    of the buyer, plus the buyer's connected firm wherever it is, each pair once.

    The firms within reach are found once per buyer place (a buyer's commissions share it) and
    repeated for each of its commissions — the same pairs as a search per commission. A connected
    firm is added only where the search did not already find it (the same squared-distance test)."""
    f = m.firms
    r = m.p.commission.known_radius_km
    place, inv = np.unique(np.column_stack([sub.x, sub.y]), axis=0, return_inverse=True)
    inv = inv.ravel()
    lt, lf, ld = notices.candidates(place[:, 0], place[:, 1], np.full(len(place), r), f.x, f.y, f.active)
    per = np.bincount(lt, minlength=len(place))
    start = np.cumsum(per) - per
    k = per[inv]
    ti = np.repeat(np.arange(len(sub), dtype=np.int64), k)
    pos = np.repeat(start[inv] - (np.cumsum(k) - k), k) + np.arange(len(ti))
    fi, dist = lf[pos], ld[pos]
    conn = m.buyers.connected[sub.buyer]
    c = np.maximum(conn, 0)
    dx, dy = f.x[c] - sub.x, f.y[c] - sub.y
    found = dx * dx + dy * dy <= r * r  # the candidate search's own test: already among the pairs
    extra = np.flatnonzero((conn >= 0) & f.active[c] & ~found)
    return (np.r_[ti, extra], np.r_[fi, conn[extra]],
            np.r_[dist, np.hypot(f.x[conn[extra]] - sub.x[extra], f.y[conn[extra]] - sub.y[extra])])


def commissions(m, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Directed commissions: the buyer asks the firms it knows."""
    if len(rows) == 0:
        return
    p, f = m.p, m.firms
    sub = _subset(b, rows)
    n = len(rows)
    ti, fi, dist = _known_firms(m, sub)
    conn = m.buyers.connected[sub.buyer]
    attentive = sub.value[ti] >= f.min_value[fi]
    res.notified[rows] = np.bincount(ti[attentive], minlength=n)
    ok = attentive & _screen(m, sub, ti, fi)
    res.eligible[rows] = _group_counts(ti, ok, n)
    ti, fi, dist = ti[ok], fi[ok], dist[ok]
    cost = _cost(m, sub, ti, fi, dist) * sub.term[ti]
    price = p.commission.price_near_reserve * sub.reserve[ti] * sub.term[ti]
    favoured = (fi == conn[ti]) & (m.buyers.integrity[sub.buyer[ti]] < p.commission.favour_below)
    price = np.where(favoured, sub.reserve[ti] * sub.term[ti], price)
    profitable = price - cost - _mobilisation(m, sub, ti) > 0
    worth = _group_counts(ti, profitable, n)
    accept = profitable & (f.load[fi] < f.capacity[fi])
    ti, fi, cost, price, favoured = ti[accept], fi[accept], cost[accept], price[accept], favoured[accept]
    res.bids[rows] = np.bincount(ti, minlength=n)
    merit = f.capability[fi] + m.reputation_seen(sub.buyer[ti], fi)
    order = np.lexsort((fi, -merit, ~favoured, ti))
    w = _choose_within_capacity(order, ti, fi, np.maximum(f.capacity - f.load, 0))
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


def posts(m, b: Batch, res: Result, rows: np.ndarray) -> None:
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
    res.capability[rows[filled]] = np.clip(best[filled], 0.05, 1.0)
    res.honesty[rows[filled]] = 1.0
    res.reason[rows] = np.where(filled, AWARDED, NO_APPLICANT)


def _subset(b: Batch, rows: np.ndarray) -> Batch:
    return Batch(**{k: getattr(b, k)[rows] for k in b.__dataclass_fields__})


def run(m, b: Batch) -> Result:
    """Run every procurement of the batch by its mode."""
    n = len(b)
    res = Result(winner=np.full(n, -1, np.int64), price=np.zeros(n), cost=np.zeros(n), capability=np.zeros(n),
                 honesty=np.ones(n), notified=np.zeros(n, np.int64), eligible=np.zeros(n, np.int64),
                 bids=np.zeros(n, np.int64), reason=np.zeros(n, np.int64), favoured=np.zeros(n, bool))
    open_tenders(m, b, res, np.flatnonzero(b.mode == OPEN))
    commissions(m, b, res, np.flatnonzero(b.mode == COMMISSION))
    posts(m, b, res, np.flatnonzero(b.mode == POSTS))
    return res
