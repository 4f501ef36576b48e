"""The firm's stake in its future business (model/delivery/stake.py, issue 20): hand-computed
values on tiny worlds, and how the stake moves effort and overclaiming."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model import load_params
from model.delivery import effort, fraud, stake


def arr(*x):
    return np.array(x, dtype=float)


# r = 0.1, H = 2: A(2) = 1/1.1 + 1/1.21 = 1.7355372; A(1) = 0.9090909
R10 = load_params(overrides={"delivery.discount_rate": 0.1, "delivery.reputation_horizon_years": 2.0})
# r = 0, H = 5: A(T) = min(T, 5)
FLAT = load_params(overrides={"delivery.discount_rate": 0.0, "delivery.reputation_horizon_years": 5.0,
                              "fraud.fine_multiple": 1.0})  # the hand computations take the fine at 1×


def test_annuity_exact():
    assert stake.annuity(R10, 2.0) == pytest.approx(1.7355372, abs=1e-7)
    assert stake.annuity(R10, 1.0) == pytest.approx(0.9090909, abs=1e-7)
    assert stake.annuity(R10, 3.0) == pytest.approx(1.7355372, abs=1e-7)   # capped at the horizon
    assert stake.annuity(R10, -1.0) == pytest.approx(1.7355372, abs=1e-7)  # permanent = the horizon
    assert stake.annuity(FLAT, np.array([0.25, 3.0, 8.0, -1.0])) == pytest.approx([0.25, 3.0, 5.0, 5.0])


def tiny_market():
    """Two firms, three buyers. Firm 0 holds contracts with buyers 0 and 1 (margins 20 and 40
    yuan/year); firm 1 one contract with buyer 2 (margin 10); an ended contract and a post
    (firm −2) count for nothing."""
    contracts = SimpleNamespace(active=np.array([True, True, True, False, True]),
                                firm=np.array([0, 0, 1, 1, -2]), buyer=np.array([0, 1, 2, 0, 0]),
                                item=np.array([0, 1, 0, 1, 0]), price=arr(100, 140, 60, 500, 90),
                                cost=arr(80, 100, 50, 100, 90))
    return SimpleNamespace(contracts=contracts, firms=np.zeros(2), buyers=np.zeros(3),
                           ledger=SimpleNamespace(books=None))  # no books frozen: gathered afresh


def test_books_exact():
    # firm 0: buyer 0: 20; buyer 1: 40; total 60. firm 1: buyer 2: 10; buyer 0: 0; total 10
    m = tiny_market()
    mine, total = stake.books(m, np.array([0, 0, 1, 1, -2]), np.array([0, 1, 2, 0, 0]))
    assert mine == pytest.approx([20, 40, 10, 0, 0])
    assert total == pytest.approx([60, 60, 10, 10, 0])
    # the books frozen for a month's procurements are read, not gathered again
    m.ledger.books = stake.Books.of(m)
    m.contracts.active[:] = False
    assert stake.books(m, np.array([0, 1]), np.array([1, 2]))[0] == pytest.approx([40, 10])
    m.ledger.books = None
    assert stake.books(m, np.array([0, 1]), np.array([1, 2]))[0] == pytest.approx([0, 0])


SCORING = {"procurement.award_rule": "scoring", "scoring.price_weight": 0.3, "scoring.technical_weight": 0.3,
           "scoring.reputation_weight": 0.3, "scoring.citizen_weight": 0.1,
           "evaluation.inspection_weight": 0.5, "evaluation.kpi_weight": 0.4, "evaluation.citizen_weight": 0.1,
           "evaluation.reputation_rate": 0.5, "delivery.award_sensitivity": 10.0,
           "delivery.discount_rate": 0.0, "delivery.reputation_horizon_years": 2.0}


def test_reputation_stakes_exact():
    # β (1 − w) λ = 10·0.5·0.5 = 2.5; A(2) = 2; reach/price = 50/100 → value 1.0
    # R_c = 1.0·2.5·0.3·(0.5 + 0.4) = 0.675; R_n = 1.0·2.5·(0.3·0.1 + 0.1)·0.5 = 0.1625
    p = load_params(overrides=SCORING)
    r_c, r_n = stake.reputation_stakes(p, arr(0.5), arr(50), arr(100), arr(0.5))
    assert r_c == pytest.approx([0.675])
    assert r_n == pytest.approx([0.1625])
    # lowest price: ρ = 0.1 (directed commissions), ρ_cit = 0 → R_c = 2.5·0.1·0.9 = 0.225, R_n = 2.5·0.01·0.5
    lp = p.with_overrides({"procurement.award_rule": "lowest_price"})
    r_c, r_n = stake.reputation_stakes(lp, arr(0.5), arr(50), arr(100), arr(0.5))
    assert r_c == pytest.approx([0.225])
    assert r_n == pytest.approx([0.0125])
    # a firm sure to win (w = 1), or with no book, has nothing to gain from its score
    r_c, r_n = stake.reputation_stakes(p, arr(1.0, 0.5), arr(50, 0), arr(100, 100), arr(0.5, 0.5))
    assert r_c == pytest.approx([0, 0]) and r_n == pytest.approx([0, 0])


def test_stake_raises_effort_exactly():
    # the stake above on the pinned effort parameters of test_delivery (φ 0.5, min 0.3, intrinsic 0.15, penalty 0.5)
    p = load_params(overrides={**SCORING, "delivery.effort_cost": 0.5, "delivery.min_effort": 0.3,
                               "delivery.intrinsic": 0.15, "delivery.inspection_penalty": 0.5,
                               "evaluation.withhold_share": 0.1})
    r_c, r_n = stake.reputation_stakes(p, arr(0.5), arr(50), arr(100), arr(0.5))
    e_c, e_n = effort.efforts(p, arr(0.3), arr(100), arr(80), arr(0.4), arr(0.5), arr(0), arr(0), r_c, r_n)
    # B_c = 0.09 + 0.675 + 0.06 = 0.825 → e_c = 0.3 + 0.3·0.825/0.5 = 0.795
    # B_n = 0.005 + 0.1625 + 0.06 = 0.2275 → e_n = 0.3 + 0.3·0.2275/0.4 = 0.470625
    assert e_c == pytest.approx([0.795])
    assert e_n == pytest.approx([0.470625])


def test_larger_award_weight_on_reputation_raises_effort():
    low = load_params(overrides={**SCORING, "scoring.reputation_weight": 0.1, "scoring.technical_weight": 0.5})
    high = load_params(overrides=SCORING)
    args = (arr(0.3, 0.5, 0.8), arr(40, 40, 40), arr(100, 100, 100), arr(0.5, 0.5, 0.5))
    lo, hi = stake.reputation_stakes(low, *args), stake.reputation_stakes(high, *args)
    assert (hi[0] > lo[0]).all() and (hi[1] > lo[1]).all()


def test_public_scores_reach_the_whole_book():
    assert not stake.public_scores(load_params())
    assert stake.public_scores(load_params(overrides={"evaluation.ranking": True}))
    assert stake.public_scores(load_params(overrides={"fraud.disclosure": True}))


# ---------------------------------------------------------------------------------- blacklists
BOOKS = (arr(10.0), arr(30.0), arr(5.0))   # with the listing buyer, in all (yuan/year); overhead (yuan/month)


@pytest.mark.parametrize("over, loss", [
    ({"blacklist.scope": "city", "blacklist.duration": "3y"}, 3 * 30),
    ({"blacklist.scope": "city", "blacklist.duration": "1y"}, 1 * 30),
    ({"blacklist.scope": "buyer", "blacklist.duration": "3y"}, 3 * 10),
    ({"blacklist.scope": "city", "blacklist.duration": "permanent"}, 5 * 30),
    ({"blacklist.scope": "public", "blacklist.duration": "3y"}, 3 * 30 + 12 * 5),
    ({"blacklist.trigger": "failing"}, 0),
    ({"blacklist.trigger": "none"}, 0),
    ({"blacklist.duration": "none"}, 0),
])
def test_listing_loss_exact(over, loss):
    p = FLAT.with_overrides(over)
    assert stake.listing_loss(p, *BOOKS) == pytest.approx([loss])


def test_one_buyer_firm_loses_the_same_from_buyer_and_city_lists():
    city = FLAT.with_overrides({"blacklist.scope": "city"})
    buyer = FLAT.with_overrides({"blacklist.scope": "buyer"})
    one = (arr(30.0), arr(30.0), arr(5.0))
    assert stake.listing_loss(city, *one) == pytest.approx(stake.listing_loss(buyer, *one))
    assert stake.listing_loss(city, *BOOKS) > stake.listing_loss(buyer, *BOOKS)


def test_listing_deters_overclaiming_exactly():
    # D = 0.105, gain 20; city 3y on a book of 30/year at r = 0: B = 90 → cheat iff 20(1 − 2h) > 13.65 ⇔ h < 0.15875
    # buyer 3y (B = 30): cheat iff 20(1 − 2h) > 7.35 ⇔ h < 0.31625
    h = np.array([0.15, 0.16, 0.31, 0.32])
    price, term = np.full(4, 100.0), np.ones(4)
    for scope, want in (("city", [True, False, False, False]), ("buyer", [True, True, True, False])):
        p = FLAT.with_overrides({"blacklist.scope": scope})
        loss = stake.listing_loss(p, np.full(4, 10.0), np.full(4, 30.0), np.zeros(4))
        assert fraud.cheats(p, h, price, term, loss).tolist() == want


@pytest.mark.parametrize("weaker, stronger", [
    ({"blacklist.trigger": "none"}, {"blacklist.trigger": "fraud"}),
    ({"blacklist.duration": "1y"}, {"blacklist.duration": "3y"}),
    ({"blacklist.duration": "3y"}, {"blacklist.duration": "permanent"}),
    ({"blacklist.scope": "buyer"}, {"blacklist.scope": "city"}),
    ({"blacklist.scope": "city"}, {"blacklist.scope": "public"}),
])
def test_longer_wider_blacklist_deters_more(weaker, stronger):
    rng = np.random.default_rng(7)
    n = 5000
    h = rng.uniform(0, 1, n)
    price = rng.uniform(5e4, 5e5, n)
    term = rng.uniform(0.25, 1, n)
    total = price * rng.uniform(0.05, 1.0, n)
    mine = total * rng.uniform(0.1, 0.9, n)   # strictly less than the whole book
    overhead = rng.uniform(1e3, 1e4, n)
    out = []
    for over in (weaker, stronger):
        p = load_params(overrides=over)
        out.append(fraud.cheats(p, h, price, term, stake.listing_loss(p, mine, total, overhead)))
    weak, strong = out
    assert strong.sum() < weak.sum()
    assert not (strong & ~weak).any()


def test_entrant_odds_exact():
    # β = 10, ρ = 0.3, ρ_cit = 0.1, r₀ = 0.6: incumbents at reputation 0.8, rating 0.5 →
    # exp(10 · (0.3 · (−0.2) + 0.1 · 0.1)) = exp(−0.5) = 0.6065307
    p = load_params(overrides={**SCORING, "evaluation.prior_reputation": 0.6})
    assert stake.entrant_odds(p, 0.8, 0.5) == pytest.approx(0.6065307, abs=1e-7)
    assert stake.entrant_odds(p, 0.6, 0.6) == pytest.approx(1.0)
    # lowest price weighs reputation 0.1, the rating 0: exp(10 · 0.1 · (−0.2)) = exp(−0.2)
    lp = p.with_overrides({"procurement.award_rule": "lowest_price"})
    assert stake.entrant_odds(lp, 0.8, 0.5) == pytest.approx(0.8187308, abs=1e-7)


# ------------------------------------------------------------------ R6: room for favouritism
def test_favour_room_exact():
    from model.entities.buyer import favour_room

    firms = SimpleNamespace(rating=arr(0.2, 0.4, 0.6, 0.8, 0.0), reputation=arr(0.9, 0.3, 0.5, 0.7, 0.0),
                            active=np.array([True, True, True, True, False]))
    rows = np.array([1, 0])

    def room(**over):
        return favour_room(SimpleNamespace(p=load_params(overrides=over), firms=firms), rows)

    assert room() == pytest.approx([1.0, 1.0])  # nothing published: the whole room
    # platform (rating published, exposure 0.5): firm 1 rated 0.4 → percentile 2/4 → 1 − 0.5·0.5 = 0.75;
    # firm 0 rated 0.2 → 1/4 → 1 − 0.5·0.75 = 0.625
    assert room(**{"fraud.disclosure": True}) == pytest.approx([0.75, 0.625])
    # ranking (reputation): firm 1 at 0.3 → 1/4 → 0.625; firm 0 at 0.9, the top → 1.0
    assert room(**{"evaluation.ranking": True}) == pytest.approx([0.625, 1.0])
    # both: 1 − 0.25 − 0.375 = 0.375 and 1 − 0.375 − 0 = 0.625
    assert room(**{"evaluation.ranking": True, "fraud.disclosure": True}) == pytest.approx([0.375, 0.625])
    assert room(**{"evaluation.ranking": True, "commission.ranking_exposure": 0.0}) == pytest.approx([1.0, 1.0])
