"""Exact rules of every procurement method on a tiny world (issue 19): which orders a method
buys (value band, catalogue mode, bundling), its minimum number of suppliers, and what follows
a failure (switch with approval, repost on a wider channel, single source, fallback)."""

from __future__ import annotations

import numpy as np
import pytest

from model import load_params
from model.catalogue import COMMISSION, OPEN, POSTS, TOWN, VILLAGE
from model.core import ProcurementModel
from model.procurement import market, orders
from model.procurement.batch import AWARDED, NO_APPLICANT, TOO_FEW_BIDS
from model.procurement.method import Orders
from model.procurement.methods.village_committee import VILLAGE_COMMITTEE

SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20}
LIMIT, THRESHOLD = 1_000_000.0, 2_000_000.0


def _model(**over) -> ProcurementModel:
    return ProcurementModel(load_params(None, {**SMALL, **over}), seed=3)


def _choose(m, cat_mode, value, bundled=False):
    n = len(value)
    o = Orders(np.full(n, cat_mode), np.asarray(value, float), np.full(n, VILLAGE), np.full(n, bundled))
    return [market.METHODS.names()[c] for c in market.choose_methods(m, o)]


def test_the_defaults_are_the_central_standards():
    p = load_params(None, SMALL).procurement
    assert (p.decentralised_limit_yuan, p.open_tender_threshold_yuan) == (LIMIT, THRESHOLD)


@pytest.mark.parametrize("over, cat_mode, expected", [
    ({}, OPEN, ["jiebang_posting", "competitive_consultation", "competitive_consultation", "public_tender"]),
    ({"procurement.small_method": "unit_self", "procurement.middle_method": "competitive_negotiation"}, OPEN,
     ["unit_self", "competitive_negotiation", "competitive_negotiation", "public_tender"]),
    ({}, COMMISSION, ["unit_self", "single_source", "single_source", "single_source"]),
    ({}, POSTS, ["post_outsourcing"] * 4),
])
def test_method_follows_the_value_band(over, cat_mode, expected):
    m = _model(**over)
    assert _choose(m, cat_mode, [LIMIT - 1, LIMIT, THRESHOLD - 1, THRESHOLD]) == expected


def test_a_threshold_below_the_limit_makes_public_tender_the_rule():
    m = _model(**{"procurement.open_tender_threshold_yuan": 5000.0})
    assert _choose(m, OPEN, [4999.0, 5000.0, 30_000.0]) == ["jiebang_posting", "public_tender", "public_tender"]


def test_bundled_village_orders_are_framework_agreements_and_nothing_goes_to_the_committee_first():
    m = _model()
    assert _choose(m, OPEN, [50_000.0, 3e6], bundled=True) == ["framework_agreement"] * 2
    codes = market.choose_methods(m, Orders(np.array([OPEN, COMMISSION, POSTS]), np.full(3, 1e4),
                                            np.full(3, VILLAGE), np.zeros(3, bool)))
    assert market.code("village_committee") not in codes


def test_minimum_number_of_suppliers():
    m = market.METHODS
    assert m["public_tender"].legal_min == 3  # Procurement Law art. 36
    assert m["competitive_consultation"].legal_min == 2  # 财库〔2015〕124号, purchased services
    assert m["competitive_negotiation"].legal_min == 3
    assert m["jiebang_posting"].legal_min == 1 and m["framework_agreement"].legal_min == 2
    assert m["unit_self"].legal_min == 0 and m["single_source"].legal_min == 0  # no statutory minimum


def test_each_tendering_method_passes_its_minimum_to_the_competition(monkeypatch):
    m = _model(**{"procurement.legal_min_bidders": 2})
    seen = {}
    for name, mod in (("public_tender", "public_tender"), ("competitive_consultation", "consultation"),
                      ("competitive_negotiation", "consultation"), ("jiebang_posting", "jiebang"),
                      ("framework_agreement", "framework")):
        monkeypatch.setattr(f"model.procurement.methods.{mod}.compete",
                            lambda m_, b, res, rows, legal_min, name=name: seen.__setitem__(name, legal_min))
        market.METHODS[name].run(m, None, None, np.arange(1))
    assert seen == {"public_tender": 2, "competitive_consultation": 2, "competitive_negotiation": 3,
                    "jiebang_posting": 1, "framework_agreement": 2}


def _batch(m, k, value, mode, level=TOWN):
    items = np.flatnonzero(m.cat.level == level)
    return market.Batch(order=np.arange(k), buyer=np.full(k, m.town_buyer[0]), item=np.full(k, items[0]),
                        level=np.full(k, level, np.int8), mode=np.full(k, market.code(mode), np.int8),
                        value=np.full(k, value), reserve=np.full(k, 1.3 * value), term=np.ones(k),
                        x=np.zeros(k), y=np.zeros(k), visits=np.ones(k), tour_km=np.zeros(k), spec=np.zeros(k),
                        widen=np.zeros(k, np.int64))


@pytest.mark.parametrize("mode, legal_min", [("public_tender", 3), ("competitive_consultation", 2),
                                             ("jiebang_posting", 1)])
def test_an_award_needs_the_methods_minimum_of_bids(mode, legal_min):
    """Village items of 25,000 yuan at 0–40 km from the centre draw 0–3 bids: exactly those with at
    least the method's minimum are awarded, the others with bids fail as too few (废标)."""
    m = _model()
    m.month = 1
    b = _batch(m, 60, 25_000.0, mode, level=VILLAGE)
    b.x[:] = np.linspace(0, 40, 60)
    res = market.run(m, b)
    assert len(set(res.bids.tolist())) >= 3, "the world must give a spread of bid counts"
    np.testing.assert_array_equal(res.reason == AWARDED, res.bids >= legal_min)
    short = (res.bids > 0) & (res.bids < legal_min)
    assert (res.reason[short] == TOO_FEW_BIDS).all()


def _next(m, name, failures, bids):
    return market.METHODS[name].after_failure(m, np.asarray(failures), np.asarray(bids))


def test_a_void_public_tender_switches_method_after_approval():
    m = _model(**{"procurement.switch_approval_months": 2})
    nxt = _next(m, "public_tender", [1, 1], [0, 2])
    assert list(nxt.method) == ["competitive_consultation"] * 2  # 财政部令第87号 art. 43
    assert list(nxt.delay) == [2, 2] and not nxt.give_up.any() and not nxt.widen.any()


def test_a_consultation_left_with_one_supplier_goes_to_single_source():
    m = _model(**{"procurement.max_failures": 2, "procurement.retender_delay_months": 3})
    nxt = _next(m, "competitive_consultation", [1, 1, 2], [1, 0, 0])
    assert list(nxt.method) == ["single_source", "competitive_consultation", "competitive_consultation"]
    assert list(nxt.give_up) == [False, False, True]
    assert list(nxt.delay) == [1, 3, 3]


def test_no_response_to_a_posting_is_reposted_on_a_wider_channel():
    m = _model(**{"procurement.max_failures": 3})
    nxt = _next(m, "jiebang_posting", [1, 2, 3], [0, 0, 0])
    assert list(nxt.method) == ["jiebang_posting"] * 3 and list(nxt.widen) == [1, 1, 1]
    assert list(nxt.give_up) == [False, False, True]


def test_the_unit_repeats_and_the_committee_gives_up_at_once():
    m = _model(**{"procurement.max_failures": 2})
    assert list(_next(m, "unit_self", [1, 2], [0, 0]).give_up) == [False, True]
    assert _next(m, "village_committee", [1], [0]).give_up.all()


def test_village_services_are_bought_by_the_town_government():
    m = _model()
    m.step()
    o = m.orders
    vil = np.flatnonzero(o.level == VILLAGE)
    assert len(vil) > 0 and (m.buyers.level[o.buyer[vil]] == TOWN).all()
    assert (m.town_buyer[o.town[vil]] == o.buyer[vil]).all()


@pytest.mark.parametrize("fallback", ["unit_self", "village_committee", "in_house"])
def test_after_giving_up_the_fallback_follows(fallback):
    m = _model(**{"procurement.fallback": fallback, "procurement.max_failures": 1})
    m.step()
    o = m.orders
    rows = np.flatnonzero((o.level == VILLAGE) & (o.mode == market.code("jiebang_posting")))[:5]
    assert len(rows) == 5
    m.month = 2
    orders._failed(m, rows, np.zeros(len(rows), np.int64))
    if fallback == "in_house":
        assert (o.status[rows] == orders.DROPPED).all()
    else:
        assert (o.mode[rows] == market.code(fallback)).all() and (o.status[rows] == orders.WAITING).all()
        assert (o.failures[rows] == 0).all() and (o.due[rows] == 2 + m.p.procurement.retender_delay_months).all()


def test_the_village_committee_takes_its_own_village_only():
    m = _model(**{"procurement.village_committee_capability": 0.3})
    m.step()
    o = m.orders
    rows = np.flatnonzero(o.level == VILLAGE)[:4]
    b = _batch(m, 4, 20_000.0, "village_committee", level=VILLAGE)
    b.order[:] = rows
    o.col("village")[rows[3]] = -1  # a bundled lot of several villages
    res = market.run(m, b)
    assert list(res.winner) == [VILLAGE_COMMITTEE] * 3 + [-1]
    assert list(res.reason) == [AWARDED] * 3 + [NO_APPLICANT]
    assert np.allclose(res.capability[:3], 0.3) and np.allclose(res.price[:3], 20_000.0)


def test_multi_year_contracts_are_not_procured_again_while_they_run():
    """财政部令第102号 art. 22: with three-year contracts the first runs to the fiscal year's end and
    two more years; its slots get no new order until it ends."""
    runs = {}
    for years in (1, 3):
        # no owner's outside option: in a region this small most grassroots firms earn less than it,
        # close after two years and their running contracts are procured again (7.13)
        m = ProcurementModel(load_params(None, {**SMALL, "procurement.contract_years": years,
                                                "firms.grassroots.outside_option_yuan_year": 0.0}), seed=5,
                             check_invariants=True).run(4)
        runs[years] = m
    c3, log3 = runs[3].contracts, runs[3].tender_log()
    planned = ~runs[3].orders.adhoc[c3.order]
    assert ((c3.end[planned] % 12) == 0).all()
    assert (c3.end[planned] - c3.start[planned] + 1 > 24).all()
    per_year = lambda log: log.groupby((log["month"] - 1) // 12).size()  # noqa: E731
    y1, y3 = per_year(runs[1].tender_log()), per_year(log3)
    assert y3[1] < 0.5 * y1[1] and y3[2] < 0.5 * y1[2]  # years 2-3: only what failed or ended early
    assert (log3["term_months"][log3["attempt"] == 1] > 24).any()
