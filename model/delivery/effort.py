"""Effort and quality (Hart, Shleifer and Vishny 1997; seed P7, R4).

Each month every contractor chooses two efforts in [min_effort, 1]: on the contractible part of
quality (what KPIs and inspections measure) and on the non-contractible part (felt only by
citizens). With a marginal benefit per unit of quality B (as a share of the payment), the
efforts are

    e_c = clip(min_effort + capability · B_c / φ, min_effort, 1)
    e_n = clip(min_effort + capability · B_n / (φ · cost/price), min_effort, 1)

    B_c = π · penalty + withhold · (w_insp + w_kpi) + R_c + intrinsic · h
    B_n = π_officer · officer_observes · penalty + withhold · w_cit · v + R_n + intrinsic · h

The contract enforces the contractible part through deductions and withheld pay, which scale
with the payment, so those terms do not depend on the margin; the non-contractible part is held
up only by the firm's stake in future awards and intrinsic motivation, and is the first thing cut
when the price leaves little over cost (the budget pressure cost/price, capped at
``pressure_max``) — Hart, Shleifer and Vishny's result.

π: the inspection probability the firm expects this month (announced months are known);
π_officer: 1 where a project officer watches; v: the item's visibility; h: honesty.
R_c, R_n: the reputation stakes — what one unit of quality is worth through the firm's future
awards (model/delivery/stake.py: discounted book reached × the award rule's weights on
reputation and citizens' rating × how the win chance responds to the score).
Quality: q_c = capability · e_c, q_n = capability · e_n (plus noise), and the true quality is
κ q_c + (1 − κ) q_n with κ the contractible share (raised by quantitative KPIs, reform R4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.param_tree import Params


def contractible_share(p: Params, base: np.ndarray) -> np.ndarray:
    """κ: the item's contractible share raised by quantitative KPIs (reform R4)."""
    return base + p.delivery.kpi_share * (1 - base)


def withhold_share(p: Params) -> float:
    """Share of each month's pay withheld until the year-end evaluation (0 with
    ``channels.withholding`` off)."""
    return p.evaluation.withhold_share if p.channels.withholding else 0.0


def efforts(p: Params, capability, price, cost, honesty, visibility, pi, pi_officer, r_c, r_n
            ) -> tuple[np.ndarray, np.ndarray]:
    """Chosen efforts (e_c, e_n) of many contracts at once.

    Args:
        p: parameters. capability, honesty, visibility: 0–1. price, cost: yuan/year.
        pi: anticipated inspection probability this month. pi_officer: 1 with a project officer.
        r_c, r_n: reputation stakes per unit quality (× yearly price; ``stake.reputation_stakes``).
    """
    d, ev = p.delivery, p.evaluation
    w = withhold_share(p)
    b_c = pi * d.inspection_penalty + w * (ev.inspection_weight + ev.kpi_weight) + r_c \
        + d.intrinsic * honesty
    b_n = (pi_officer * p.monitoring.officer_observes * d.inspection_penalty
           + w * ev.citizen_weight * visibility + r_n + d.intrinsic * honesty)
    with np.errstate(over="ignore"):  # a contract priced 0 (a subsidy above its cost): the cap
        pressure = np.clip(cost / np.maximum(price, np.finfo(float).tiny), 1 / d.pressure_max, d.pressure_max)
    e_c = np.clip(d.min_effort + capability * b_c / d.effort_cost, d.min_effort, 1)
    e_n = np.clip(d.min_effort + capability * b_n / (d.effort_cost * pressure), d.min_effort, 1)
    return e_c, e_n


def monthly_spend(p: Params, cost_month: np.ndarray, e_c: np.ndarray, e_n: np.ndarray,
                  kappa: np.ndarray) -> np.ndarray:
    """What delivering costs the firm this month (yuan).

    spend = cost_month · (1 − φ/2 + φ · (κ e_c² + (1 − κ) e_n²) / 2): at full effort exactly the
    cost the firm bid on; shading effort saves up to φ/2 of it (φ = effort_cost, capped at 2). With
    ``channels.effort_spending`` off, spending is the full cost whatever the effort.
    """
    if not p.channels.effort_spending:
        return cost_month * np.ones_like(e_c)
    phi = min(p.delivery.effort_cost, 2)
    return cost_month * (1 - phi / 2 + phi * (kappa * e_c ** 2 + (1 - kappa) * e_n ** 2) / 2)
