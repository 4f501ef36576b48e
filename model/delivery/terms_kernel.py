"""Compiled expected terms (numba): :func:`model.delivery.expected.terms` under the ``weighted``
evaluation rule, one pass per prospective contract instead of ~50 numpy operations over all of
them (entry weighs ~10⁸ pairs a year at the province), and the reputation stakes that go into
them (:func:`stakes`: ``stake.books``, ``stake.win_belief`` and ``stake.reputation_stakes``).

Each value is computed by the same floating-point operations in the same order as the numpy code
(numba compiles without fast-math: no reassociation, no fused multiply-add; ``x ** 2`` is
``x * x`` in both), and numpy's ``maximum`` and ``clip`` are reproduced with their NaN rule, so
the results are bit-identical; the numpy code stays the reference (``expected.terms_numpy``,
tests/test_kernels.py). The scalars (:class:`Scalars`) are computed by the caller from the
parameters, as the numpy code computes them.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np


class Scalars(NamedTuple):
    """The parameters' scalars :func:`terms` reads, computed by the caller as the numpy code
    computes them (w: the withheld share, 0 with ``channels.withholding`` off; φ = min(effort_cost, 2))."""

    penalty: float        # delivery.inspection_penalty
    withheld_c: float     # w · (inspection_weight + kpi_weight)
    observes: float       # monitoring.officer_observes
    withheld_n: float     # w · citizen_weight
    intrinsic: float
    min_effort: float
    effort_cost: float
    pressure_min: float   # 1 / pressure_max
    pressure_max: float
    standard: float
    keep: float           # 1 − φ/2
    phi: float
    announced: float      # share of announced inspection months
    random: float         # random inspection probability
    w_insp: float
    w_kpi: float
    w_cit: float
    withhold: float       # w
    interest: float
    lag: float            # payment lag in years
    tiny: float           # the smallest normal float (a price floor)
    min_received: float
    spending: bool        # channels.effort_spending
    deductions: bool      # channels.inspection_deductions
    any_officer: bool     # a regime in force has a project officer


#: The scalars of :func:`stakes`, in order.
STAKE_SCALARS = ("annuity", "award_sensitivity", "reputation_rate", "rho", "w_c", "w_n", "tiny")

#: The switches among :class:`Scalars`.
FLAGS = ("spending", "deductions", "any_officer")


@numba.njit(cache=True, inline="always")
def _max(a, b):
    """numpy's ``maximum`` of two floats (NaN in ``a`` propagates)."""
    return a if (a >= b or a != a) else b


@numba.njit(cache=True, inline="always")
def _clip(x, lo, hi):
    """numpy's ``clip`` of a float: min(max(x, lo), hi), NaN propagating."""
    t = x if (x != x or x > lo) else lo
    return t if (t != t or t < hi) else hi


@numba.njit(cache=True, inline="always")
def _efforts(pi, p_off, cap, h, v, rc, rn, pressure, s):
    """(e_c, e_n) of ``effort.efforts`` for one contract; ``s``: the scalars of :func:`terms`."""
    b_c = pi * s.penalty + s.withheld_c + rc + s.intrinsic * h
    b_n = p_off * s.observes * s.penalty + s.withheld_n * v + rn + s.intrinsic * h
    e_c = _clip(s.min_effort + cap * b_c / s.effort_cost, s.min_effort, 1.0)
    e_n = _clip(s.min_effort + cap * b_n / (s.effort_cost * pressure), s.min_effort, 1.0)
    return e_c, e_n


@numba.njit(cache=True, inline="always")
def _month(pi, p_off, pressure, cap, h, v, kap, rc, rn, s):
    """One kind of month (π = ``pi``) of ``expected.terms``: (measured quality, shortfall, spend
    share, contractible quality, true quality)."""
    e_c, e_n = _efforts(pi, p_off, cap, h, v, rc, rn, pressure, s)
    qc, qn = cap * e_c, cap * e_n
    meas = qc + s.observes * p_off * (1 - kap) * (qn - qc)
    spend = 1.0 * (s.keep + s.phi * (kap * (e_c * e_c) + (1 - kap) * (e_n * e_n)) / 2) if s.spending else 1.0
    return meas, _max(0.0, s.standard - meas), spend, qc, kap * qc + (1 - kap) * qn


@numba.njit(cache=True)
def terms(capability, honesty, visibility, kappa, cost, price, term, r_c, r_n, officer, s):
    """(spend share, received share) of many prospective contracts (``expected.terms``).

    Args:
        capability … officer: per contract, as ``expected.terms`` takes them. s: :class:`Scalars`.
    """
    n = len(cost)
    spend_out, rho_out = np.empty(n), np.empty(n)
    a = s.announced
    for i in range(n):
        cap, kap = capability[i], kappa[i]
        wo = 1.0 if (officer[i] and s.any_officer) else 0.0
        pb = 1.0 - (1.0 - s.random) * (1.0 - wo)
        p_off = 1.0 if (officer[i] and pb >= 1) else 0.0
        pressure = _clip(cost[i] / _max(price[i], s.tiny), s.pressure_min, s.pressure_max)
        h, v, rc, rn = honesty[i], visibility[i], r_c[i], r_n[i]
        meas0, short0, spend0, qc0, qs0 = _month(1.0, p_off, pressure, cap, h, v, kap, rc, rn, s)
        meas1, short1, spend1, qc1, qs1 = _month(pb, p_off, pressure, cap, h, v, kap, rc, rn, s)
        sh = a * spend0 + (1 - a) * spend1
        ded = s.penalty * (a * short0 + (1 - a) * pb * short1) if s.deductions else 0.0
        insp = a + (1 - a) * pb
        mix_qc = a * qc0 + (1 - a) * qc1
        # the weighted rule: the inspected quality, or the KPI (contractible quality) when never inspected
        seen = (a * meas0 + (1 - a) * pb * meas1) / _max(insp, 1e-12) if insp > 0 else mix_qc
        score = _clip(s.w_insp * seen + s.w_kpi * mix_qc + s.w_cit * (a * qs0 + (1 - a) * qs1), 0.0, 1.0)
        lost = s.withhold * (1 - score)
        financing = s.interest * (s.lag * sh * (cost[i] / _max(price[i], s.tiny)) + s.withhold * term[i] / 2)
        spend_out[i] = sh
        rho_out[i] = _max(1 - ded - lost - financing, s.min_received)
    return spend_out, rho_out


@numba.njit(cache=True)
def stakes(fi, buyer, item, price, visibility, books, public, win, prior_win, k):
    """(R_c, R_n) of prospective contracts of firms ``fi`` with ``buyer`` at ``item``, yearly
    ``price``: the book the score reaches (``Books.lookup``: the firm's book with the buyer, or
    its whole book when ``public``), the firm's win belief (``stake.win_belief``) and
    ``stake.reputation_stakes`` — the numpy code's operations in its order. The pair's key is
    looked up among its firm's own keys (a binary search of the few buyers it holds contracts
    with, not of the month's books): the same key, so the same book.

    Args:
        books: ``(keys, per_pair, total, n_buyers, firm_start)`` of ``stake.Books``.
        k: ``(annuity A(H), award_sensitivity β, reputation_rate λ, ρ, w_insp + w_kpi,
            ρ · w_cit + ρ_cit, tiny)``.
    """
    keys, per_pair, total, n_buyers, firm_start = books
    annuity, beta, lam, rho, w_c, w_n, tiny = k
    n = len(fi)
    r_c, r_n = np.empty(n), np.empty(n)
    for i in range(n):
        f = fi[i]
        ok = f >= 0
        fk = max(f, 0)
        reach = 0.0
        if len(keys) > 0 and ok and fk + 1 < len(firm_start):  # a firm without books reaches none
            if public:
                reach = total[fk]
            else:
                lo, hi = firm_start[fk], firm_start[fk + 1]
                key = fk * n_buyers + buyer[i]
                pos = lo + np.searchsorted(keys[lo:hi], key)
                if pos < hi and keys[pos] == key:
                    reach = per_pair[pos]
        if ok and f < win.shape[0]:
            w = win[f, item[i]]
        else:
            w = prior_win if ok else 0.0
        slope = beta * (1 - w) * lam
        value = annuity * reach / _max(price[i], tiny)
        r_c[i] = value * slope * rho * w_c
        r_n[i] = value * slope * w_n * visibility[i]
    return r_c, r_n


def warm() -> None:
    """Load :func:`terms`'s compiled code (``model.procurement.kernels.warm``)."""
    one = np.ones(1)
    s = Scalars(**{f: (True if f in FLAGS else 1.0) for f in Scalars._fields})
    terms(one, one, one, one, one, one, one, one, one, np.ones(1, np.bool_), s)
    i1 = np.zeros(1, np.int64)
    stakes(i1, i1, i1, one, one, (i1, one, one, 1, np.zeros(2, np.int64)), True, np.ones((1, 1)), 1.0,
           (1.0,) * len(STAKE_SCALARS))
