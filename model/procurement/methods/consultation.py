"""Competitive consultation (竞争性磋商, 财库〔2014〕214号) and competitive negotiation (竞争性谈判,
Government Procurement Law art. 30, 38; 财政部令第74号): the non-tender methods from the
decentralised-purchase limit up to the open-tender threshold.

Consultation needs three suppliers, but for government-purchased services it may proceed with two
(财库〔2015〕124号); negotiation needs three. With one supplier left the buyer may switch to single
source with approval (财政部令第74号 art. 27); with none it repeats, then gives up.
"""

from __future__ import annotations



from model.catalogue import OPEN
from model.procurement.compete import compete
from model.procurement.method import MIDDLE, Method, band, repeat, switch


class _NonTender(Method):
    """Consultation or negotiation: competition with a minimum of ``legal_min`` suppliers."""

    priority = 2.0
    status = "current law"
    roles = ("middle", "switch")

    def claims(self, m, o):
        return (o.cat_mode == OPEN) & (band(m, o.value) == MIDDLE) & (m.p.procurement.middle_method == self.name)

    def run(self, m, b, res, rows):
        compete(m, b, res, rows, self.legal_min)

    def after_failure(self, m, failures, bids):
        nxt = repeat(m, self.name, failures)
        one = bids == 1
        to_single = switch(m, "single_source", int(one.sum()))
        nxt.method[one], nxt.delay[one], nxt.give_up[one] = to_single.method, to_single.delay, False
        return nxt


class CompetitiveConsultation(_NonTender):
    """竞争性磋商: two suppliers suffice for purchased services."""

    name = "competitive_consultation"
    government_procurement = True
    label_zh = "竞争性磋商"
    source = "财库〔2014〕214号; 财库〔2015〕124号 (two suppliers for purchased services)"
    legal_min = 2


class CompetitiveNegotiation(_NonTender):
    """竞争性谈判: three suppliers."""

    name = "competitive_negotiation"
    government_procurement = True
    label_zh = "竞争性谈判"
    source = "Government Procurement Law art. 30, 38; 财政部令第74号"
    legal_min = 3
