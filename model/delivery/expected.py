"""What a firm expects a contract to cost and pay under the regime it would be delivered in.

Entry, bids and the acceptance of commissions price the contract the firm would get: the effort
that the same effort rule (model/delivery/effort.py ``efforts``) will choose under the contract's
monitoring and the firm's stake, what that effort costs, the deductions inspections would take,
the withheld pay the year-end score would not release, and the cost of financing the payment lag
and the withheld pay. With ``a`` the share of announced inspection months (π = 1 there) and π_B
the inspection probability of the other months (random inspections, a project officer):

    spend share   s = a · σ(e_A) + (1 − a) · σ(e_B)                σ: ``effort.monthly_spend`` / cost
    deductions    d = penalty · (a · short_A + (1 − a) · π_B · short_B)     short = max(0, standard − measured)
    withheld lost l = withhold · (1 − E[score])                     E[score]: the evaluation rule on expected qualities
    financing     r = interest · (lag/12 · s · cost/price + withhold · term/2)

and the firm receives the share ρ = 1 − d − l − r of the price while spending s · cost. Its
break-even price is (s · cost + mobilisation) / ρ: a regime that demands more effort shows up
first in bids and reserves, and whether it deters entry emerges from expected profit.
Complaint-triggered inspections are not anticipated at bidding (they depend on citizens' future
complaints).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.delivery import effort, terms_kernel
from model.delivery.evaluation import EVALUATIONS, Weighted, scores
from model.delivery.monitoring import REGIMES
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.param_tree import Params

#: Floor of the received share ρ: a numerical guard (a contract paying nothing is never priced).
MIN_RECEIVED = 1e-3


def inspection_months(p: Params, officer: np.ndarray) -> tuple[float, np.ndarray]:
    """(share of announced inspection months, anticipated inspection probability of the other
    months) under the regimes in force; ``officer``: contracts that would have a project officer."""
    announced, rand = _announced_and_random(p)
    with_officer = officer & any(REGIMES[r].officer for r in p.monitoring.regimes)
    return announced, 1 - (1 - rand) * (1 - with_officer.astype(float))


def _announced_and_random(p: Params) -> tuple[float, float]:
    """(share of announced inspection months, random inspection probability) under the regimes in force."""
    mp = p.monitoring
    announced = min(1.0, mp.announced_per_year / MONTHS_PER_YEAR) if "announced" in mp.regimes else 0.0
    return announced, mp.random_prob if "random" in mp.regimes else 0.0


def terms(p: Params, capability: np.ndarray, honesty: np.ndarray, visibility: np.ndarray, kappa: np.ndarray,
          cost: np.ndarray, price: np.ndarray, term: np.ndarray, r_c: np.ndarray, r_n: np.ndarray,
          officer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(spend share s, received share ρ) of many prospective contracts (module docstring).

    Compiled under the ``weighted`` evaluation rule (model/delivery/terms_kernel.py: the same
    operations in the same order, bit-identical); any other rule runs :func:`terms_numpy`.

    Args:
        p: parameters. capability, honesty, visibility, kappa: 0–1. cost: the full-effort cost
            (yuan/year). price: the price the firm expects (yuan/year). term: years.
        r_c, r_n: the firm's reputation stakes (``stake.reputation_stakes``). officer: bool.
    """
    if type(EVALUATIONS[p.evaluation.rule]) is not Weighted:
        return terms_numpy(p, capability, honesty, visibility, kappa, cost, price, term, r_c, r_n, officer)
    d, ev, fin, mp = p.delivery, p.evaluation, p.finance, p.monitoring
    a, rand = _announced_and_random(p)
    w = effort.withhold_share(p)
    phi = min(d.effort_cost, 2)
    scalars = terms_kernel.Scalars(
        d.inspection_penalty, w * (ev.inspection_weight + ev.kpi_weight), mp.officer_observes, w * ev.citizen_weight,
        d.intrinsic, d.min_effort, d.effort_cost, 1 / d.pressure_max, d.pressure_max, d.standard, 1 - phi / 2, phi,
        a, rand, ev.inspection_weight, ev.kpi_weight, ev.citizen_weight, w, fin.interest_rate,
        fin.payment_lag_months / MONTHS_PER_YEAR, float(np.finfo(float).tiny), MIN_RECEIVED,
        p.channels.effort_spending, p.channels.inspection_deductions, any(REGIMES[r].officer for r in mp.regimes))
    arrays = (capability, honesty, visibility, kappa, cost, price, term, r_c, r_n)
    return terms_kernel.terms(*(np.ascontiguousarray(x, float) for x in arrays), np.ascontiguousarray(officer, bool),
                              scalars)


def terms_numpy(p: Params, capability: np.ndarray, honesty: np.ndarray, visibility: np.ndarray, kappa: np.ndarray,
                cost: np.ndarray, price: np.ndarray, term: np.ndarray, r_c: np.ndarray, r_n: np.ndarray,
                officer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`terms` in numpy, under any evaluation rule (the compiled kernel's reference)."""
    d, fin = p.delivery, p.finance
    a, pi_b = inspection_months(p, officer)
    pi_off = (officer & (pi_b >= 1)).astype(float)
    q_meas, spend, short, qc_sum, q_sum = [], [], [], [], []
    for pi in (np.ones(len(cost)), pi_b):
        e_c, e_n = effort.efforts(p, capability, price, cost, honesty, visibility, pi, pi_off, r_c, r_n)
        qc, qn = capability * e_c, capability * e_n
        meas = qc + p.monitoring.officer_observes * pi_off * (1 - kappa) * (qn - qc)
        q_meas.append(meas)
        short.append(np.maximum(0.0, d.standard - meas))
        spend.append(effort.monthly_spend(p, np.ones(len(cost)), e_c, e_n, kappa))
        qc_sum.append(qc)
        q_sum.append(kappa * qc + (1 - kappa) * qn)

    def mix(pair):
        return a * pair[0] + (1 - a) * pair[1]

    s = mix(spend)
    ded = d.inspection_penalty * (a * short[0] + (1 - a) * pi_b * short[1])
    if not p.channels.inspection_deductions:
        ded = np.zeros(len(cost))
    inspected = (a + (1 - a) * pi_b) > 0
    insp_q = np.where(inspected, (a * q_meas[0] + (1 - a) * pi_b * q_meas[1]) /
                      np.maximum(a + (1 - a) * pi_b, 1e-12), mix(qc_sum))
    score = scores(p, insp_q, inspected.astype(float), mix(qc_sum), mix(q_sum))
    w = effort.withhold_share(p)
    lost = w * (1 - score)
    ratio = cost / np.maximum(price, np.finfo(float).tiny)
    # the withheld pay is outstanding for half the term on average
    financing = fin.interest_rate * (fin.payment_lag_months / MONTHS_PER_YEAR * s * ratio + w * term / 2)
    return s, np.maximum(1 - ded - lost - financing, MIN_RECEIVED)
