"""The delivery phases of a month, over all active contracts at once.

``deliver`` (effort, quality, monitoring, payment), ``audit`` (fraud detection and sanctions),
``evaluate`` (year-end scores, withheld pay, reputation, failing-score listings). Equations are in
the mechanism modules: effort.py, monitoring.py, fraud.py, evaluation.py, blacklist.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import effort, evaluation, fraud, monitoring, stake, termination
from model.delivery.blacklist import SCOPES
from model.entities import buyer as buyer_mod
from model.entities import finance
from model.ledger import per_level
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.state import State


def deliver(m: State) -> None:
    """Phase "deliver": firms choose effort; quality is delivered; inspections measure it; payments flow."""
    c, p = m.contracts, m.p
    rows = np.flatnonzero(c.active)
    m.ledger.active_rows = rows
    if len(rows) == 0:
        return
    month_of = m.month - c.start[rows] + 1
    pi, inspected, officer = monitoring.monitor(m, rows, month_of)
    pi_officer = officer.astype(float)
    cap, price, cost = c.capability[rows], c.price[rows], c.cost[rows]
    r_c, r_n = stake.contract_stakes(m, p, rows)
    e_c, e_n = effort.efforts(p, cap, price, cost, c.honesty[rows], c.visibility[rows], pi, pi_officer, r_c, r_n)
    is_firm = c.firm[rows] >= 0
    m.ledger.effort_c_sum += float(e_c[is_firm].sum())
    m.ledger.effort_n_sum += float(e_n[is_firm].sum())
    m.ledger.effort_months += float(is_firm.sum())
    rng = m.streams["delivery"]
    noise = p.delivery.quality_noise
    qc = np.clip(cap * e_c + noise * rng.standard_normal(len(rows)), 0, 1)
    qn = np.clip(cap * e_n + noise * rng.standard_normal(len(rows)), 0, 1)
    kappa = c.kappa[rows]
    q = kappa * qc + (1 - kappa) * qn
    c.col("q")[rows], c.col("qc")[rows], c.col("qn")[rows] = q, qc, qn
    c.col("months")[rows] += 1
    c.col("sum_q")[rows] += q
    c.col("sum_qc")[rows] += qc
    c.col("sum_qn")[rows] += qn
    deduction = _inspect(m, rows, inspected, officer, qc, qn, kappa)
    _pay(m, rows, e_c, e_n, kappa, deduction)


def _inspect(m: State, rows, inspected, officer, qc, qn, kappa) -> np.ndarray:
    """Inspections measure quality; returns each contract's deduction this month (yuan)."""
    c, p = m.contracts, m.p
    mp = p.monitoring
    meas = qc + mp.officer_observes * officer * (1 - kappa) * (qn - qc)
    meas = np.clip(meas + mp.measurement_noise * m.streams["monitoring"].standard_normal(len(rows)), 0, 1)  # all rows
    hit = np.flatnonzero(inspected)
    r = rows[hit]
    c.col("sum_meas")[r] += meas[hit]
    c.col("n_insp")[r] += 1
    # 突击迎检: what the inspector sees against what the contract delivers on average this year
    typical = c.sum_q[r] / c.months[r]
    gap = meas[hit] - typical
    lvl = c.level[r]
    m.ledger.gaming_gap_sum += per_level(lvl, gap)
    m.ledger.inspections += per_level(lvl, np.ones(len(r)))
    m.ledger.measured_sum += per_level(lvl, meas[hit])
    m.ledger.admin_cost += mp.inspection_cost_yuan * float((inspected & ~officer).sum())
    m.ledger.admin_cost += mp.officer_cost_yuan_month * float(officer.sum())
    deduction = np.zeros(len(rows))
    short = np.maximum(0.0, p.delivery.standard - meas[hit])
    deduction[hit] = p.delivery.inspection_penalty * (c.price[r] / MONTHS_PER_YEAR) * short
    return deduction if p.channels.inspection_deductions else np.zeros(len(rows))


def _pay(m: State, rows, e_c, e_n, kappa, deduction) -> None:
    c, f, p = m.contracts, m.firms, m.p
    pay_month = c.price[rows] / MONTHS_PER_YEAR
    withheld = effort.withhold_share(p) * pay_month
    overclaim = np.where(c.cheats[rows], p.fraud.overclaim_share * pay_month, 0.0)
    paid = np.maximum(pay_month - withheld - deduction, 0.0) + overclaim
    c.col("withheld")[rows] += withheld
    c.col("fraud_paid")[rows] += overclaim
    cost_month = c.cost[rows] / MONTHS_PER_YEAR
    spent = effort.monthly_spend(p, cost_month, e_c, e_n, kappa)
    firm = c.firm[rows]
    is_firm = firm >= 0
    np.subtract.at(f.col("cash"), firm[is_firm], spent[is_firm])  # the firm pays its staff now ...
    finance.book_pay(m, firm[is_firm], paid[is_firm])  # ... and is paid after the payment lag
    np.add.at(f.col("revenue_year"), firm[is_firm], paid[is_firm])
    np.add.at(f.col("profit_year"), firm[is_firm], (paid - spent)[is_firm])
    m.ledger.spend += float(paid.sum())
    m.ledger.paid_to_firms += float(paid[is_firm].sum())
    m.ledger.paid_to_posts += float(paid[~is_firm].sum())
    m.ledger.fraud_attempts += float((overclaim > 0).sum())
    m.ledger.fraud_paid += float(overclaim.sum())


def audit(m: State) -> None:
    """Phase "audit": audits and media uncover overclaims; repayment, fine, termination, listing."""
    c, f, p = m.contracts, m.firms, m.p
    rows = m.ledger.active_rows
    if len(rows) == 0:
        return
    cheating = rows[c.cheats[rows]]
    if len(cheating) == 0:
        return
    hazard = fraud.detection(p) / MONTHS_PER_YEAR
    found = cheating[m.streams["audit"].random(len(cheating)) < hazard]
    if len(found) == 0:
        return
    repaid = c.fraud_paid[found]
    fine = p.fraud.fine_multiple * repaid
    np.subtract.at(f.col("cash"), c.firm[found], repaid + fine)
    m.ledger.fraud_detected += len(found)
    m.ledger.fraud_recovered += float(repaid.sum())
    m.ledger.fines += float(fine.sum())
    m.ledger.terminations += len(found)
    listed = m.blacklist.list_firms("fraud", c.buyer[found], c.firm[found], f, m.month)
    m.ledger.newly_listed += len(listed)
    scope = SCOPES[p.blacklist.scope]
    published = p.fraud.disclosure or scope.published
    if published:  # a city-level scandal is seen in every town
        town = c.town[found]
        np.add.at(m.ledger.scandals_town, town[town >= 0], 1.0)
        m.ledger.scandals_town += float((town < 0).sum())
        m.ledger.scandals += len(found)
    if scope.published and len(listed):
        np.subtract.at(f.col("cash"), listed, MONTHS_PER_YEAR * f.overhead[listed])
    buyer_mod.learn(m, c.buyer[found], np.zeros(len(found), bool))
    termination.terminate(m, found)


def evaluate(m: State) -> None:
    """Phase "evaluate": contracts ending this month are evaluated; pay released; reputation updated."""
    c, f, p = m.contracts, m.firms, m.p
    rows = np.flatnonzero(c.active & (c.end == m.month))
    if len(rows) == 0:
        return
    n = np.maximum(c.months[rows], 1)
    mean_q, mean_qc = c.sum_q[rows] / n, c.sum_qc[rows] / n
    mean_meas = np.where(c.n_insp[rows] > 0, c.sum_meas[rows] / np.maximum(c.n_insp[rows], 1), 0.0)
    prior = m.expectation_of_contracts(rows)
    rating = m.citizens.rating(mean_q, c.visibility[rows], prior)
    if not p.channels.citizens_feedback:  # channel off: the rating says nothing about delivery
        rating = np.full(len(rows), p.evaluation.prior_reputation)
    sc = evaluation.scores(p, mean_meas, c.n_insp[rows], mean_qc, rating)
    c.col("score")[rows] = sc
    release = c.withheld[rows] * sc
    firm = c.firm[rows]
    is_firm = firm >= 0
    np.add.at(f.col("cash"), firm[is_firm], release[is_firm])
    m.ledger.spend += float(release.sum())
    m.ledger.paid_to_firms += float(release[is_firm].sum())
    m.ledger.paid_to_posts += float(release[~is_firm].sum())
    fr, br, sr, rr = firm[is_firm], c.buyer[rows][is_firm], sc[is_firm], rating[is_firm]
    m.private_rep.set(br, fr, evaluation.updated_reputation(p, m.private_rep.get(br, fr), sr))
    ended = np.bincount(fr, minlength=len(f))
    seen = ended > 0
    for arr, val in (("reputation", sr), ("rating", rr)):  # one update with the mean of the year's scores
        mean = np.bincount(fr, weights=val, minlength=len(f))[seen] / ended[seen]
        col = f.col(arr)
        col[seen] = evaluation.updated_reputation(p, col[seen], mean)
    failing = sr < p.evaluation.fail_score
    fails = f.col("failing")
    fails[fr[~failing]] = 0
    np.add.at(fails, fr[failing], 1)
    trig = failing & (fails[fr] >= p.blacklist.failing_scores)
    listed = m.blacklist.list_firms("failing", br[trig], fr[trig], f, m.month)
    m.ledger.newly_listed += len(listed)
    buyer_mod.learn(m, c.buyer[rows], sc >= p.evaluation.fail_score)
    m.ledger.evaluated += per_level(c.level[rows], np.ones(len(rows)))
    m.ledger.score_sum += per_level(c.level[rows], sc)
    c.col("active")[rows] = False
    free = firm[is_firm]
    np.subtract.at(f.col("load"), free, 1)
