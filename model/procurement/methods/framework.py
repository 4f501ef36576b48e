"""Framework agreement (框架协议采购, 财政部令第110号, 2022): the lawful form of bundling many small
repetitive services. With ``procurement.lots`` a town bundles each village item across its
villages into one order, bought by a framework agreement. Simplified to one stage: the entrants
compete once and the best takes the bundle for the year; at least two suppliers (a closed
framework agreement admits two or more entrants, 财政部令第110号)."""

from __future__ import annotations

from model.procurement.compete import compete
from model.procurement.method import Method


class FrameworkAgreement(Method):
    """The town's bundled village orders (``procurement.lots``)."""

    name = "framework_agreement"
    government_procurement = True
    label_zh = "框架协议采购"
    priority = 1.0
    source = "财政部令第110号 (框架协议采购); reform scenario"
    status = "current law (a reform for the county)"
    legal_min = 2

    def claims(self, m, o):
        return o.bundled

    def run(self, m, b, res, rows):
        compete(m, b, res, rows, self.legal_min)
