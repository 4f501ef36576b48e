"""Invariants of a run, checked at the end of every month when the model is built with
``check_invariants=True`` (docs/RELIABILITY.md).

Each check raises :class:`InvariantError` naming the invariant, the month and the offending rows:

- ``money``: this month, what buyers paid (``spend``) equals what contractors and post holders
  received plus mobilisation subsidies; firms' cash moves exactly by their receipts, delivery
  spending, mobilisation costs, recovered fraud, fines and overheads; over the run recovered fraud
  never exceeds overclaims and fines are ``fine_multiple`` × recovered.
- ``blacklist``: no firm wins a tender or commission while it is listed for that buyer (the
  listing as it stood when the month's procurements ran).
- ``capacity``: ``firms.load`` is the number of active contracts of each firm and never exceeds
  its capacity.
- ``unit_interval``: every quality, share, reputation and citizen state lies in [0, 1].
- ``counts``: open tenders, bids and no-bid tenders in this month's tender log equal the month's
  counters and outcomes.

The checker keeps a snapshot of the previous month on ``model.invariant_snapshot`` (made by
:func:`open_snapshot`); it never changes model state or draws random numbers, so a run with checks
on is bit-identical to one without.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from model.catalogue import LEVEL_NAMES
from model.delivery.blacklist import SCOPES, TRIGGERS
from model.metrics import OUTCOMES
from model.world import VILLAGE

if TYPE_CHECKING:
    from model.state import State

#: Relative and absolute tolerance for money sums (yuan): float round-off only.
RTOL, ATOL = 1e-9, 1e-6


class InvariantError(AssertionError):
    """An invariant of the model failed; the message names it, the month and the rows."""

    def __init__(self, invariant: str, month: int, detail: str) -> None:
        self.invariant, self.month = invariant, month
        super().__init__(f"invariant {invariant!r} failed in month {month}: {detail}")


@dataclass
class Snapshot:
    """The end-of-month snapshot the next month's checks compare against."""

    cash: np.ndarray
    profit: np.ndarray
    revenue: np.ndarray
    active: np.ndarray
    listed_until: np.ndarray
    listed_at: np.ndarray
    blacklist: object
    terminated: np.ndarray
    overhead: np.ndarray  # the monthly overhead each firm pays in the next month (growth changes it after paying)
    recovered: float = 0.0
    fines: float = 0.0
    overclaimed: float = 0.0


def open_snapshot(m: State) -> Snapshot:
    """Snapshot of the model as built (month 0)."""
    f, c = m.firms, m.contracts
    return Snapshot(cash=_worth(f).copy(), profit=f.profit_year.copy(), revenue=f.revenue_year.copy(),
                  active=f.active.copy(), listed_until=f.listed_until.copy(), listed_at=f.listed_at.copy(),
                  blacklist=copy.deepcopy(m.blacklist), terminated=c.terminated.copy(),
                  overhead=f.overhead.copy())


def _worth(f) -> np.ndarray:
    """Cash + pay due of every firm (yuan): what pay earned and spending move together."""
    return f.cash + f.due_1 + f.due_2 + f.due_3


def _fail(name: str, m, detail: str) -> None:
    raise InvariantError(name, m.month, detail)


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= ATOL + RTOL * max(abs(scale), abs(a), abs(b))


def _month_log(m: State) -> dict[str, np.ndarray] | None:
    """This month's rows of the tender log (None when nothing was procured this month)."""
    if m.tender_chunks and len(m.tender_chunks[-1]["month"]) and int(m.tender_chunks[-1]["month"][0]) == m.month:
        return m.tender_chunks[-1]
    return None


def check(m: State) -> None:
    """Check every invariant for the month just completed, then move the ledger on.

    Args:
        m: a ``ProcurementModel`` built with ``check_invariants=True``, after ``collect()``.

    Raises:
        InvariantError: naming the first invariant that fails.
    """
    led = m.invariant_snapshot
    log = _month_log(m)
    check_counts(m, log)
    check_capacity(m)
    check_unit_interval(m)
    check_blacklist(m, log, led)
    check_money(m, log, led)
    m.invariant_snapshot = _advance(m, led)


def _advance(m: State, led: Snapshot) -> Snapshot:
    nxt = open_snapshot(m)
    nxt.recovered = led.recovered + m.ledger.fraud_recovered
    nxt.fines = led.fines + m.ledger.fines
    nxt.overclaimed = led.overclaimed + m.ledger.fraud_paid
    return nxt


# ---------------------------------------------------------------------- counts
def check_counts(m: State, log: dict[str, np.ndarray] | None) -> None:
    """Procurement attempts, bids and no-bid attempts: tender log = month counters = month outcomes."""
    raw = m.raws[-1]
    if log is None:
        lvl, bids = np.zeros(0, np.int64), np.zeros(0)
    else:
        lvl, bids = log["level_code"].astype(np.int64), log["bids"]
    n_log = np.bincount(lvl, minlength=3)
    for key, by_level in (("tenders", n_log), ("bids", np.bincount(lvl, weights=bids, minlength=3)),
                          ("no_bid", np.bincount(lvl, weights=(bids == 0), minlength=3))):
        got = np.array([raw.get(f"{key}_{s}", 0.0) for s in LEVEL_NAMES])
        if not np.array_equal(got, by_level.astype(float)) or raw.get(key, 0.0) != float(by_level.sum()):
            _fail("counts", m, f"{key} by level (city, town, village): tender log {by_level.tolist()}, "
                  f"counters {got.tolist()} (total {raw.get(key, 0.0)})")
    if m.month_values.get("tenders", 0.0) != float(n_log.sum()):
        _fail("counts", m, f"outcome tenders={m.month_values.get('tenders')} but the log has {n_log.sum()}")
    if log is not None:
        won = log["winner"] != -1
        if np.any(np.isfinite(log["price"]) != won):
            rows = np.flatnonzero(np.isfinite(log["price"]) != won)
            _fail("counts", m, f"tender log rows {rows[:10].tolist()}: a price without a winner or vice versa")


# ---------------------------------------------------------------------- capacity
def check_capacity(m: State) -> None:
    """firms.load = active contracts per firm ≤ capacity (while ``channels.capacity`` is on); no
    negative load."""
    f, c = m.firms, m.contracts
    live = c.active & (c.firm >= 0)
    count = np.bincount(c.firm[live], minlength=len(f))
    bad = np.flatnonzero(count != f.load)
    if len(bad):
        _fail("capacity", m, f"firm rows {bad[:10].tolist()}: load {f.load[bad[:10]].tolist()} but active "
              f"contracts {count[bad[:10]].tolist()}")
    over = np.flatnonzero(((f.load > f.capacity) & m.p.channels.capacity) | (f.load < 0))  # off: no limit
    if len(over):
        _fail("capacity", m, f"firm rows {over[:10].tolist()}: load {f.load[over[:10]].tolist()} > capacity "
              f"{f.capacity[over[:10]].tolist()}")
    dead = np.flatnonzero(~f.active & (f.load != 0))
    if len(dead):
        _fail("capacity", m, f"exited firm rows {dead[:10].tolist()} still hold contracts")


# ---------------------------------------------------------------------- [0, 1]
def _shares(m: State) -> dict[str, np.ndarray]:
    c, f, cit = m.contracts, m.firms, m.citizens
    score = c.score[np.isfinite(c.score)]
    arrays = {"contracts.q": c.q, "contracts.qc": c.qc, "contracts.qn": c.qn, "contracts.score": score,
              "contracts.capability": c.capability, "slot_quality": m.slot_quality(),
              "slot_inhouse_q": m.slot_inhouse_q, "citizens.satisfaction": cit.satisfaction,
              "citizens.trust": cit.trust, "citizens.expect": cit.expect,
              "citizens.complaint_rate": cit.complaint_rate, "firms.capability": f.capability,
              "firms.honesty": f.honesty, "firms.reputation": f.reputation, "firms.rating": f.rating,
              "buyers.awareness": m.buyers.awareness, "private_reputation": m.private_rep.values}
    if cit.prev_index is not None:
        arrays["citizens.quality_index"] = cit.prev_index
    values = {n: v for n, v in m.month_values.items()
              if OUTCOMES[n].unit in ("0–1", "share") and not n.startswith("gaming_gap")
              and OUTCOMES[n].over_time != "gap"}  # differences (gaps) lie in [−1, 1]
    arrays["outcomes"] = np.array([v for v in values.values()], float)
    arrays["_outcome_names"] = np.array(list(values), object)
    gaps = [v for n, v in m.month_values.items() if n.startswith("gaming_gap")]
    arrays["gaming_gap+1 /2"] = (np.array(gaps, float) + 1) / 2  # a difference of shares: [-1, 1]
    return arrays


def check_unit_interval(m: State) -> None:
    """Every quality, share, reputation and citizen state lies in [0, 1] (NaN only for
    outcomes whose denominator is zero this month)."""
    arrays = _shares(m)
    names = arrays.pop("_outcome_names")
    for name, arr in arrays.items():
        arr = np.asarray(arr, float)
        nan_ok = name in ("outcomes", "gaming_gap+1 /2")
        outside = ~np.isnan(arr) & ((arr < 0) | (arr > 1))
        bad = np.flatnonzero(outside if nan_ok else outside | np.isnan(arr))
        if len(bad):
            label = [str(names[i]) for i in bad[:10]] if name == "outcomes" else bad[:10].tolist()
            _fail("unit_interval", m, f"{name} rows {label}: values {arr[bad[:10]].tolist()} outside [0, 1]")


# ---------------------------------------------------------------------- blacklist
def check_blacklist(m: State, log: dict[str, np.ndarray] | None, led: Snapshot) -> None:
    """No firm won this month while listed for the buyer, as listings stood at award time
    (procurement runs before audits and evaluations list anyone, so last month's listings)."""
    if log is None:
        return
    won = log["winner"] >= 0
    if not won.any():
        return
    firm, buyer = log["winner"][won], log["buyer"][won]
    n_old = len(led.listed_until)
    old = firm < n_old  # firms that entered since cannot have been listed
    snap = SimpleNamespace(listed_until=led.listed_until, listed_at=led.listed_at)
    listed = np.zeros(len(firm), bool)
    listed[old] = led.blacklist.listed(buyer[old], firm[old], snap, m.month)
    if listed.any():
        rows = np.flatnonzero(won)[listed]
        _fail("blacklist", m, f"tender log rows {rows[:10].tolist()} of this month: listed firms "
              f"{firm[listed][:10].tolist()} won for buyers {buyer[listed][:10].tolist()}")


# ---------------------------------------------------------------------- money
def _released(m: State) -> tuple[float, float]:
    """Withheld pay released at this month's evaluations: (to firms, to post holders), yuan."""
    c = m.contracts
    ev = (c.end == m.month) & np.isfinite(c.score) & ~c.terminated & ~c.active
    release = c.withheld * np.where(ev, c.score, 0.0)
    is_firm = c.firm >= 0
    return float(release[is_firm].sum()), float(release[~is_firm].sum())


def check_money(m: State, log: dict[str, np.ndarray] | None, led: Snapshot) -> None:
    """Buyers' payments = receipts + subsidies; firms' cash conserved; fraud and fines accounted."""
    led_m, p, f = m.ledger, m.p, m.firms
    pr = p.procurement
    wins = np.zeros(len(f))
    sub = np.zeros(len(f))
    if log is not None:
        won = log["winner"] >= 0
        np.add.at(wins, log["winner"][won], 1.0)
        village = won & (log["level_code"] == VILLAGE)
        np.add.at(sub, log["winner"][village], pr.mobilisation_subsidy_yuan)
    subsidies = float(sub.sum())
    spend, to_firms, to_posts = led_m.spend, led_m.paid_to_firms, led_m.paid_to_posts
    if not _close(spend, to_firms + to_posts + subsidies, spend):
        _fail("money", m, f"buyers paid {spend:.2f} yuan but firms received {to_firms:.2f}, post holders "
              f"{to_posts:.2f} and subsidies were {subsidies:.2f}")
    rel_firms, rel_posts = _released(m)
    n_old = len(led.cash)
    d_rev = float((f.revenue_year[:n_old] - led.revenue).sum())
    if not _close(d_rev + rel_firms, to_firms, to_firms):
        _fail("money", m, f"firms' revenue rose by {d_rev:.2f} yuan plus {rel_firms:.2f} released, but "
              f"{to_firms:.2f} was paid to firms")
    if to_posts < rel_posts - ATOL:
        _fail("money", m, f"{rel_posts:.2f} yuan released to post holders but only {to_posts:.2f} paid to them")
    _check_cash(m, led, wins, sub, rel_firms)
    recovered = led.recovered + led_m.fraud_recovered
    fines = led.fines + led_m.fines
    overclaimed = led.overclaimed + led_m.fraud_paid
    in_table = float(m.contracts.fraud_paid.sum())
    if not _close(overclaimed, in_table, overclaimed):
        _fail("money", m, f"overclaims over the run {overclaimed:.2f} yuan but contracts record {in_table:.2f}")
    if recovered > overclaimed + ATOL or not _close(fines, p.fraud.fine_multiple * recovered, fines):
        _fail("money", m, f"over the run {recovered:.2f} yuan recovered of {overclaimed:.2f} overclaimed, fines "
              f"{fines:.2f} (expected {p.fraud.fine_multiple} × recovered)")


def _check_cash(m: State, led: Snapshot, wins: np.ndarray, sub: np.ndarray, rel_firms: float) -> None:
    """Σ Δ(cash + pay due) of the firms that existed last month = their Δprofit (pay earned −
    delivery spending) + released pay − mobilisation net of subsidies − recovered fraud − fines −
    overheads − interest − owners' year-end draw − the year of overhead a public listing for fraud
    costs."""
    f, led_m, p = m.firms, m.ledger, m.p
    n_old = len(led.cash)
    d_cash = float((_worth(f)[:n_old] - led.cash).sum())
    d_profit = float((f.profit_year[:n_old] - led.profit).sum())
    mob = float((wins[:n_old] * p.procurement.mobilisation_cost_yuan - sub[:n_old]).sum())
    overheads = float(led.overhead[led.active].sum())
    expected = d_profit + rel_firms - mob - led_m.fraud_recovered - led_m.fines - overheads - led_m.interest \
        - led_m.payouts
    scale = max(abs(d_profit), overheads, 1.0)
    if _close(d_cash, expected, scale):
        return
    publication = 0.0
    if SCOPES[p.blacklist.scope].published and "fraud" in TRIGGERS[p.blacklist.trigger].events:
        c = m.contracts
        new_term = c.terminated.copy()
        new_term[: len(led.terminated)] &= ~led.terminated
        found = np.unique(c.firm[new_term & c.cheats & (c.firm >= 0)])
        found = found[(found < n_old) & (f.listed_at[found] == m.month)]
        publication = 12.0 * float(f.overhead[found].sum())
    if not _close(d_cash, expected - publication, scale):
        _fail("money", m, f"firms' cash changed by {d_cash:.2f} yuan; receipts, costs, fraud repaid, fines "
              f"and overheads explain {expected - publication:.2f}")
