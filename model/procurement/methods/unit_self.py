"""The unit's own purchase (单位自行采购) below the decentralised-purchase limit, and single-source
procurement (单一来源采购) above it.

Below ``procurement.decentralised_limit_yuan`` a purchase is not a government-procurement
procedure (国办发〔2019〕55号; Government Procurement Law art. 2): the unit invites the firms it
knows, compares what comes and awards; no statutory minimum of suppliers
(model.procurement.direct.commissions). Single source is that procedure with one supplier,
justified and publicly noticed (Government Procurement Law art. 31, 39); the model's catalogue
commission items above the limit and consultations left with one supplier use it.
"""

from __future__ import annotations

from model.catalogue import COMMISSION, OPEN
from model.procurement import direct
from model.procurement.method import BELOW, Method, band


class UnitSelf(Method):
    """The unit invites the firms it knows (within ``commission.known_radius_km``) and awards."""

    name = "unit_self"
    label_zh = "单位自行采购"
    priority = 2.0
    source = "国办发〔2019〕55号 (below the decentralised-purchase limit); seed S8"
    status = "current law"
    roles = ("small", "fallback")

    def claims(self, m, o):
        below = band(m, o.value) == BELOW
        return below & ((o.cat_mode == COMMISSION) | ((o.cat_mode == OPEN) & (m.p.procurement.small_method == self.name)))

    def run(self, m, b, res, rows):
        direct.commissions(m, b, res, rows)


class SingleSource(Method):
    """Single source: commission items above the limit, and after a consultation with one supplier."""

    name = "single_source"
    government_procurement = True
    label_zh = "单一来源采购"
    priority = 2.0
    source = "Government Procurement Law art. 31, 39; 财政部令第74号 art. 27"
    status = "current law"

    def claims(self, m, o):
        return (o.cat_mode == COMMISSION) & (band(m, o.value) != BELOW)

    def run(self, m, b, res, rows):
        direct.commissions(m, b, res, rows)
