"""The month's full public cost: what the public purse pays for the services.

``public_cost`` = payments (``spend``: contracts, posts, subsidies) + administration and monitoring
staff (``admin_cost``) + in-house provision (``inhouse_cost``) + the reforms' own running costs
(``reform_cost``, parameters in model/param_costs.py) − overclaims repaid and fines (money that
returns to the purse). Each reform's cost is charged in every month it is switched on.

In-house provision costs what its staff cost (:func:`inhouse_parts`): a buyer whose staff carry
an in-house load of L typical items per staff member (model.entities.buyer.work_units) pays
``staff × pay × min(1, L)`` a year — the staff time it takes, up to all of its staff; above that
the same staff do more at lower quality (活多人少) — plus the non-staff cost
``inhouse_material_share × value × q / inhouse_quality`` of each in-house slot (materials scale
with what is delivered). Slots of failed orders that fall back in-house are counted the same way.
"""

from __future__ import annotations

import numpy as np

from model.entities.buyer import work_units
from model.units import MONTHS_PER_YEAR
from model.world import staff_provided


def reform_parts(p, active_contracts: int, evaluated: float) -> dict[str, float]:
    """The reforms' running costs this month (yuan), by reform.

    Args:
        p: the parameter tree (model.param_tree.Params).
        active_contracts: contracts delivering this month.
        evaluated: contracts evaluated this month (year-end evaluations).
    """
    c, n_villages = p.costs, p.region.n_towns * p.region.villages_per_town
    rated = p.evaluation.citizen_weight > 0 or p.scoring.citizen_weight > 0
    return {
        "publicity": c.publicity_yuan_year * p.buyers.publicity / MONTHS_PER_YEAR,
        "kpi": c.kpi_yuan_contract_year * p.delivery.kpi_share * active_contracts / MONTHS_PER_YEAR,
        "disclosure": c.disclosure_yuan_year * float(p.fraud.disclosure) / MONTHS_PER_YEAR,
        "rating": c.rating_yuan_household * p.citizens.raters * evaluated * float(rated),
        "menu": c.menu_yuan_village_year * n_villages * float(p.citizens.menu) / MONTHS_PER_YEAR,
        "incubation": c.incubation_yuan_firm * p.market.incubation * p.region.n_towns / MONTHS_PER_YEAR,
    }


def close_costs(m) -> None:
    """Fill the ledger's cost fields of the month (called by records.close_month).

    Args:
        m: the model (its ledger's ``spend``, ``admin_cost``, ``inhouse_cost``, ``fraud_recovered``
            and ``fines`` are final for the month).
    """
    led = m.ledger
    led.reform_cost = float(sum(reform_parts(m.p, len(led.active_rows), float(np.sum(led.evaluated))).values()))
    led.public_cost = (led.spend + led.admin_cost + led.inhouse_cost + led.reform_cost
                       - led.fraud_recovered - led.fines)


def inhouse_parts(m) -> tuple[np.ndarray, float]:
    """In-house provision this year's rate (yuan/year): (staff cost of every buyer, non-staff cost).

    Args:
        m: the model (slot states and in-house qualities of the month).
    """
    s, b, bp = m.slots, m.buyers, m.p.buyers
    staff = staff_provided(m.slot_state)
    load = np.bincount(s.buyer[staff], weights=work_units(m)[staff], minlength=len(b)) / b.staff
    pay = np.array([bp.staff_pay_city_yuan, bp.staff_pay_town_yuan, bp.staff_pay_village_yuan])[b.level]
    payroll = pay * b.staff * np.minimum(1.0, load)
    q_rel = m.slot_inhouse_q[staff] / max(bp.inhouse_quality, 1e-12)
    material = bp.inhouse_material_share * float((m.slot_index.value[staff] * q_rel).sum())
    return payroll, material
