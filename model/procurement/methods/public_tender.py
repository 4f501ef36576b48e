"""Public tender (公开招标): orders at or above the open-tender threshold.

Fewer than three valid bids void the tender (废标, Government Procurement Law art. 36); the buyer
may then, with the finance department's approval, switch to another method (财政部令第87号
art. 43): ``procurement.switch_method`` after ``procurement.switch_approval_months``.
"""

from __future__ import annotations

from model.catalogue import OPEN
from model.procurement.compete import compete
from model.procurement.method import ABOVE, Method, band, switch


class PublicTender(Method):
    """Public tender with the three-bidder rule."""

    name = "public_tender"
    government_procurement = True
    label_zh = "公开招标"
    priority = 3.0
    source = "Government Procurement Law art. 26, 36; 财政部令第87号 art. 43; 国办发〔2019〕55号"
    status = "current law"
    legal_min = 3

    def claims(self, m, o):
        return (o.cat_mode == OPEN) & (band(m, o.value) == ABOVE)

    def run(self, m, b, res, rows):
        compete(m, b, res, rows, m.p.procurement.legal_min_bidders)

    def after_failure(self, m, failures, bids):
        return switch(m, m.p.procurement.switch_method, len(failures))

