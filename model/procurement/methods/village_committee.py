"""The village committee or collective as supplier of its own village's services (基层群众性自治组织
as 承接主体, 政府购买服务管理办法, 财政部令第102号 art. 6): the town commissions it when nobody
responds (``procurement.fallback = "village_committee"``). Low capability
(``procurement.village_committee_capability``), no travel, paid the item's value; it claims no
order at planning, orders reach it only by the fallback. Bundled lots cannot go to one committee
and fail (outcome ``no_applicant``)."""

from __future__ import annotations

import numpy as np

from model.procurement.batch import AWARDED, NO_APPLICANT
from model.procurement.method import Method

#: The tender log's ``winner`` of a contract with a village committee.
VILLAGE_COMMITTEE = -3


class VillageCommittee(Method):
    """The town commissions the village committee."""

    name = "village_committee"
    label_zh = "村民委员会承接"
    priority = 9.0
    source = "财政部令第102号 art. 6 (village committees may supply purchased services)"
    status = "current law"
    roles = ("fallback",)

    def claims(self, m, o):
        return np.zeros(len(o.value), bool)

    def run(self, m, b, res, rows):
        own = m.orders.village[b.order[rows]] >= 0
        got = rows[own]
        res.winner[got] = VILLAGE_COMMITTEE
        res.price[got] = res.cost[got] = b.value[got]
        res.capability[got] = m.p.procurement.village_committee_capability
        res.honesty[got] = 1.0
        res.notified[rows] = res.eligible[rows] = res.bids[rows] = own
        res.reason[rows] = np.where(own, AWARDED, NO_APPLICANT)

    def takes_fallback(self, m, rows):
        """Only an order of one village: a committee supplies its own village."""
        return m.orders.village[rows] >= 0

    def after_failure(self, m, failures, bids):
        nxt = super().after_failure(m, failures, bids)
        nxt.give_up[:] = True
        return nxt
