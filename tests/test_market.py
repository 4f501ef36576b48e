"""Fast unit tests of the procurement market (issue 3): award rules on hand-built tenders, the legal
minimum, capacity, the equilibrium strategy against auction theory, notices, screening, reserves, lots.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.core import ProcurementModel
from model.param_tree import Params
from model.procurement import award, bidding, notices, orders, screening
from model.procurement.award import Bids
from model.procurement.batch import cap_by_capacity as _cap_by_capacity
from model.procurement.compete import _award

W_DEFAULT = {"price": 0.3, "technical": 0.5, "reputation": 0.2, "citizen": 0.0}


def make_bids(tender, price, tech=None, firm=None, reputation=None, rating=None, n_tenders=None) -> Bids:
    """Hand-built bids; firms default to rows 0..k-1, scores to 0.5."""
    tender = np.asarray(tender, np.int64)
    k = len(tender)
    half = np.full(k, 0.5)
    return Bids(tender=tender,
                firm=np.arange(k, dtype=np.int64) if firm is None else np.asarray(firm, np.int64),
                price=np.asarray(price, float),
                tech=half if tech is None else np.asarray(tech, float),
                reputation=half if reputation is None else np.asarray(reputation, float),
                rating=half if rating is None else np.asarray(rating, float),
                n_tenders=int(tender.max()) + 1 if n_tenders is None else n_tenders)


def fake_model(rule: str = "lowest_price", weights: dict | None = None, **overrides):
    p = Params().with_overrides({"procurement.award_rule": rule, **overrides})
    return SimpleNamespace(p=p, weights=W_DEFAULT if weights is None else weights)


# ---------------------------------------------------------------- lowest price


class TestLowestPrice:
    def test_lowest_price_wins(self):
        b = make_bids([0, 0, 0], [120.0, 100.0, 110.0])
        assert award.lowest_price(b, W_DEFAULT).tolist() == [1]

    def test_tie_broken_by_higher_technical_score(self):
        b = make_bids([0, 0, 0], [100.0, 100.0, 105.0], tech=[0.4, 0.9, 1.0])
        assert award.lowest_price(b, W_DEFAULT).tolist() == [1]

    def test_tie_on_price_and_tech_broken_by_lower_firm_row(self):
        b = make_bids([0, 0, 0], [100.0, 100.0, 100.0], tech=[0.7, 0.7, 0.7], firm=[9, 4, 6])
        assert award.lowest_price(b, W_DEFAULT).tolist() == [1]  # firm row 4

    def test_tenders_without_bids_get_minus_one(self):
        b = make_bids([1, 1, 3], [50.0, 40.0, 70.0], n_tenders=5)
        assert award.lowest_price(b, W_DEFAULT).tolist() == [-1, 1, -1, 2, -1]

    def test_no_bids_at_all(self):
        b = make_bids(np.zeros(0, np.int64), np.zeros(0), n_tenders=3)
        assert award.lowest_price(b, W_DEFAULT).tolist() == [-1, -1, -1]

    def test_several_tenders_at_once(self):
        b = make_bids([0, 0, 1, 1, 1, 2, 2],
                      [300.0, 200.0, 90.0, 80.0, 80.0, 10.0, 11.0],
                      tech=[0.5, 0.5, 0.5, 0.3, 0.6, 0.9, 0.1],
                      firm=[0, 1, 2, 3, 4, 5, 6])
        assert award.lowest_price(b, W_DEFAULT).tolist() == [1, 4, 5]

    def test_winner_positions_index_the_bid_arrays(self):
        b = make_bids([0, 0, 1, 1], [10.0, 9.0, 8.0, 7.0], firm=[5, 6, 7, 8])
        win = award.lowest_price(b, W_DEFAULT)
        assert b.firm[win].tolist() == [6, 8]
        assert b.price[win].tolist() == [9.0, 7.0]


# ---------------------------------------------------------------- scoring


class TestScoring:
    def test_price_score_formula_exact(self):
        w = {"price": 0.3, "technical": 0.5, "reputation": 0.15, "citizen": 0.05}
        price = np.array([100.0, 125.0, 200.0, 50.0, 80.0])
        tech = np.array([0.6, 0.8, 1.0, 0.2, 0.9])
        rep = np.array([0.5, 0.7, 0.4, 0.9, 0.1])
        rating = np.array([0.3, 0.6, 0.9, 0.0, 1.0])
        b = make_bids([0, 0, 0, 1, 1], price, tech=tech, reputation=rep, rating=rating)
        lowest = np.array([100.0, 100.0, 100.0, 50.0, 50.0])
        expected = (lowest / price * 0.3 * 100 + tech * 0.5 * 100 + rep * 0.15 * 100 + rating * 0.05 * 100)
        np.testing.assert_allclose(award.score(b, w), expected, rtol=0, atol=1e-9)
        # the cheapest bid of each tender gets the full price score
        assert award.score(make_bids([0], [100.0], tech=[0], reputation=[0], rating=[0]),
                           w)[0] == pytest.approx(30.0)

    def test_hand_computed_scores(self):
        w = {"price": 0.3, "technical": 0.5, "reputation": 0.2, "citizen": 0.0}
        b = make_bids([0, 0], [100.0, 120.0], tech=[0.6, 0.9], reputation=[0.6, 0.6], rating=[0.0, 0.0])
        # A: 30 + 30 + 12 = 72; B: 100/120·30 = 25 + 45 + 12 = 82
        np.testing.assert_allclose(award.score(b, w), [72.0, 82.0], atol=1e-9)
        assert award.scoring(b, w).tolist() == [1]

    def test_pricier_better_bid_wins_scoring_loses_lowest_price(self):
        b = make_bids([0, 0, 0], [100.0, 120.0, 130.0], tech=[0.5, 0.95, 0.6])
        assert award.lowest_price(b, W_DEFAULT).tolist() == [0]
        assert award.scoring(b, W_DEFAULT).tolist() == [1]
        assert b.price[award.scoring(b, W_DEFAULT)][0] == 120.0

    def test_weights_change_the_winner(self):
        b = make_bids([0, 0], [100.0, 150.0], tech=[0.5, 0.9], reputation=[0.6, 0.6])
        price_heavy = {"price": 0.8, "technical": 0.1, "reputation": 0.1, "citizen": 0.0}
        tech_heavy = {"price": 0.1, "technical": 0.8, "reputation": 0.1, "citizen": 0.0}
        # price-heavy: A 80+5+6=91, B 53.33+9+6=68.33; tech-heavy: A 10+40+6=56, B 6.67+72+6=84.67
        np.testing.assert_allclose(award.score(b, price_heavy), [91.0, 80 * 100 / 150 + 15.0], atol=1e-9)
        np.testing.assert_allclose(award.score(b, tech_heavy), [56.0, 10 * 100 / 150 + 78.0], atol=1e-9)
        assert award.scoring(b, price_heavy).tolist() == [0]
        assert award.scoring(b, tech_heavy).tolist() == [1]

    def test_citizen_weight_changes_the_winner(self):
        b = make_bids([0, 0], [100.0, 100.0], tech=[0.8, 0.6], reputation=[0.5, 0.5], rating=[0.2, 0.9])
        no_cit = {"price": 0.3, "technical": 0.5, "reputation": 0.2, "citizen": 0.0}
        cit = {"price": 0.3, "technical": 0.2, "reputation": 0.2, "citizen": 0.3}
        assert award.scoring(b, no_cit).tolist() == [0]
        assert award.scoring(b, cit).tolist() == [1]

    def test_score_tie_broken_by_lower_price_then_firm(self):
        w = {"price": 0.5, "technical": 0.5, "reputation": 0.0, "citizen": 0.0}
        # A: 50 + 25 = 75; B: 50·100/125 = 40 + 35 = 75 → tie, A is cheaper
        b = make_bids([0, 0], [125.0, 100.0], tech=[0.7, 0.5])
        np.testing.assert_allclose(award.score(b, w), [75.0, 75.0], atol=1e-9)
        assert award.scoring(b, w).tolist() == [1]
        b2 = make_bids([0, 0], [100.0, 100.0], tech=[0.5, 0.5], firm=[8, 3])
        assert award.scoring(b2, w).tolist() == [1]

    def test_scoring_many_tenders_and_empty_ones(self):
        b = make_bids([0, 0, 2, 2], [100.0, 120.0, 50.0, 45.0], tech=[0.5, 0.95, 0.8, 0.1], n_tenders=4)
        assert award.scoring(b, W_DEFAULT).tolist() == [1, -1, 2, -1]

    def test_min_price_is_per_tender(self):
        # a very cheap bid at tender 1 must not lower the price scores of tender 0
        b = make_bids([0, 0, 1], [100.0, 200.0, 1.0], tech=[0, 0, 0], reputation=[0, 0, 0], rating=[0, 0, 0])
        w = {"price": 1.0, "technical": 0.0, "reputation": 0.0, "citizen": 0.0}
        np.testing.assert_allclose(award.score(b, w), [100.0, 50.0, 100.0])

    def test_rules_registered(self):
        assert set(award.AWARD_RULES) >= {"lowest_price", "scoring"}


# ---------------------------------------------------------------- legal minimum


class TestLegalMinimum:
    @pytest.mark.parametrize("rule", ["lowest_price", "scoring"])
    def test_fewer_than_minimum_is_void_exactly_minimum_awarded(self, rule):
        m = fake_model(rule)
        legal = m.p.procurement.legal_min_bidders
        assert legal == 3
        # tender 0: 2 bids (void); tender 1: exactly 3 (awarded); tender 2: 4 (awarded); tender 3: none
        b = make_bids([0, 0, 1, 1, 1, 2, 2, 2, 2],
                      [10.0, 9.0, 30.0, 20.0, 25.0, 8.0, 7.0, 9.0, 6.0], n_tenders=4)
        gain = np.ones(len(b.firm))
        free = np.full(len(b.firm), 5)
        win, n_bids = _award(m, b, gain, free, legal)
        assert n_bids.tolist() == [2, 3, 4, 0]
        assert win.tolist() == [-1, 3, 8, -1]

    def test_legal_minimum_one(self):
        m = fake_model()
        b = make_bids([0, 2], [10.0, 9.0], n_tenders=3)
        win, _ = _award(m, b, np.ones(2), np.full(2, 5), 1)
        assert win.tolist() == [0, -1, 1]

    def test_legal_minimum_read_from_params(self):
        m = fake_model(**{"procurement.legal_min_bidders": 2})
        b = make_bids([0, 0], [10.0, 9.0])
        win, _ = _award(m, b, np.ones(2), np.full(2, 5), m.p.procurement.legal_min_bidders)
        assert win.tolist() == [1]


# ---------------------------------------------------------------- capacity


class TestCapacity:
    def test_keeps_most_profitable_within_free_capacity(self):
        fi = np.array([0, 0, 0, 1, 1, 2])
        gain = np.array([5.0, 10.0, 1.0, 3.0, 4.0, 7.0])
        free = np.array([2, 1, 0])
        keep = _cap_by_capacity(fi, gain, free)
        assert keep.tolist() == [True, True, False, False, True, False]

    def test_unsorted_input_and_plenty_of_capacity(self):
        fi = np.array([3, 1, 3, 1])
        gain = np.array([1.0, 2.0, 3.0, 4.0])
        assert _cap_by_capacity(fi, gain, np.array([0, 9, 0, 9])).all()
        assert _cap_by_capacity(fi, gain, np.array([0, 1, 0, 1])).tolist() == [False, False, True, True]

    def test_weighted_by_win_probability(self):
        # weight 1/3 each: three entries fill one unit of capacity, the fourth is dropped
        fi = np.zeros(4, np.int64)
        gain = np.array([4.0, 3.0, 2.0, 1.0])
        keep = _cap_by_capacity(fi, gain, np.array([1]), np.full(4, 0.25))
        assert keep.tolist() == [True, True, True, True]
        keep = _cap_by_capacity(fi, gain, np.array([1]), np.full(4, 0.5))
        assert keep.tolist() == [True, True, False, False]

    def test_empty(self):
        assert _cap_by_capacity(np.zeros(0, np.int64), np.zeros(0), np.array([1])).shape == (0,)

    def test_award_re_awards_when_winner_over_capacity(self):
        m = fake_model(**{"procurement.legal_min_bidders": 2})
        # firm 0 is cheapest at both tenders but has room for one; it keeps tender 1 (larger gain),
        # tender 0 goes to the runner-up, firm 1
        b = make_bids([0, 0, 0, 1, 1, 1], [10.0, 12.0, 13.0, 20.0, 25.0, 26.0], firm=[0, 1, 2, 0, 1, 2])
        gain = np.array([1.0, 1.0, 1.0, 5.0, 1.0, 1.0])
        free = np.array([1, 5, 5])
        win, _ = _award(m, b, gain, free, 2)
        assert b.firm[win].tolist() == [1, 0]
        assert b.price[win].tolist() == [12.0, 20.0]

    def test_award_cascades_over_several_rounds(self):
        m = fake_model(**{"procurement.legal_min_bidders": 1})
        # firms 0 and 1 each have room for one contract; three tenders
        b = make_bids([0, 0, 0, 1, 1, 1, 2, 2, 2], [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
                      firm=[0, 1, 2, 0, 1, 2, 0, 1, 2])
        gain = np.array([3.0, 3.0, 1.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0])
        win, _ = _award(m, b, gain, np.array([1, 1, 5]), 1)
        assert b.firm[win].tolist() == [0, 1, 2]

    def test_capacity_withdrawal_does_not_void_tender_with_enough_valid_bids(self):
        """Three valid bids meet the legal minimum of 3; the winner withdrawing for lack of
        capacity should pass the award to the runner-up, not void the tender (the bids were
        valid when evaluated). Currently fails: _award recounts bids after the withdrawal."""
        m = fake_model()
        b = make_bids([0, 0, 0, 1, 1, 1], [10.0, 12.0, 13.0, 20.0, 25.0, 26.0], firm=[0, 1, 2, 0, 1, 2])
        gain = np.array([1.0, 1.0, 1.0, 5.0, 1.0, 1.0])
        win, _ = _award(m, b, gain, np.array([1, 5, 5]), 3)
        assert win[1] == 3
        assert win[0] == 1, "tender 0 had 3 valid bids but was voided after firm 0 withdrew"


# ---------------------------------------------------------------- equilibrium strategy


@pytest.mark.parametrize("n", range(2, 9))
def test_equilibrium_mean_winning_price_matches_closed_form(n):
    lo, hi, n_auctions = 50_000.0, 100_000.0, 20_000
    rng = np.random.default_rng(1000 + n)
    cost = rng.uniform(lo, hi, size=(n_auctions, n)).ravel()
    tender = np.repeat(np.arange(n_auctions), n)
    price = bidding.equilibrium_price(cost, np.zeros_like(cost), np.full_like(cost, hi), np.full(cost.shape, n))
    b = Bids(tender=tender, firm=np.tile(np.arange(n), n_auctions), price=price, tech=np.full_like(cost, 0.5),
             reputation=np.full_like(cost, 0.5), rating=np.full_like(cost, 0.5), n_tenders=n_auctions)
    win = award.lowest_price(b, W_DEFAULT)
    assert (win >= 0).all()
    won = price[win]
    # the equilibrium is monotone: the lowest-cost firm wins
    np.testing.assert_array_equal(cost[win], cost.reshape(n_auctions, n).min(axis=1))
    expected = bidding.closed_form_winning_price(n, lo, hi)
    assert expected == pytest.approx(lo + 2 * (hi - lo) / (n + 1))
    half_width = 2.5758 * won.std(ddof=1) / np.sqrt(n_auctions)
    assert abs(won.mean() - expected) < half_width, (n, won.mean(), expected, half_width)


def test_equilibrium_bid_formula():
    cost = np.array([60.0, 80.0, 100.0])
    got = bidding.equilibrium_price(cost, np.zeros(3), np.full(3, 100.0), np.array([2, 4, 3]))
    np.testing.assert_allclose(got, [80.0, 85.0, 100.0])


def test_strategies_registered():
    assert set(bidding.STRATEGIES) >= {"learning", "equilibrium"}


# ---------------------------------------------------------------- notices


class TestNotices:
    def test_reach_falls_with_distance(self):
        p = Params()
        d = np.array([0.0, 5.0, 20.0, 60.0, 200.0])
        for c in range(len(notices.CHANNELS)):
            r = notices.reach(p, np.full(len(d), c), d)
            assert np.all(np.diff(r) < 0), (notices.CHANNELS[c], r)

    def test_channel_order_at_30_km(self):
        p = Params()
        ch = np.array([notices.CHANNELS.index(c) for c in ("notice_board", "city_website", "provincial_platform")])
        r = notices.reach(p, ch, np.full(3, 30.0))
        assert r[0] < r[1] < r[2]
        np.testing.assert_allclose(r, [0.8 * np.exp(-30 / 8), 0.55 * np.exp(-30 / 40), 0.8 * np.exp(-30 / 400)])

    def test_publicity_raises_reach(self):
        p0 = Params()
        p1 = Params().with_overrides({"buyers.publicity": 1.0})
        ch = np.array([0, 1, 2])
        d = np.full(3, 30.0)
        r0, r1 = notices.reach(p0, ch, d), notices.reach(p1, ch, d)
        assert np.all(r1 > r0)
        np.testing.assert_allclose(r1, np.minimum(1.0, r0 * (1 + p1.buyers.publicity_reach)))

    def test_reach_capped_at_one(self):
        p = Params().with_overrides({"buyers.publicity": 1.0, "procurement.channels.provincial_platform.reach": 1.0})
        assert notices.reach(p, np.array([2]), np.array([0.0]))[0] == 1.0

    def test_firm_ignores_contracts_below_min_value(self):
        p = Params().with_overrides({"buyers.publicity": 1.0, "procurement.channels.notice_board.reach": 1.0})
        level = np.array([2, 2])                       # village tenders on the notice board
        value = np.array([10_000.0, 500_000.0])
        ti = np.array([0, 1, 0, 1])
        dist = np.zeros(4)                             # reach = 1 at distance 0
        min_value = np.array([150_000.0, 150_000.0, 0.0, 0.0])
        heard = notices.notified(p, level, value, ti, dist, min_value, np.random.default_rng(0))
        assert heard.tolist() == [False, True, True, True]

    def test_notified_frequency_matches_reach(self):
        p = Params()
        n = 40_000
        level = np.zeros(n, np.int64)              # city tenders → provincial platform
        ti = np.arange(n)
        dist = np.full(n, 30.0)
        heard = notices.notified(p, level, np.full(n, 1e6), ti, dist, np.zeros(n), np.random.default_rng(5))
        expect = notices.reach(p, np.array([2]), np.array([30.0]))[0]
        assert heard.mean() == pytest.approx(expect, abs=4 * np.sqrt(expect * (1 - expect) / n))

    def test_channel_of_level_follows_params(self):
        p = Params().with_overrides({"procurement.channel_village": "provincial_platform"})
        got = notices.channel_of_level(p, np.array([0, 1, 2]))
        assert [notices.CHANNELS[c] for c in got] == ["provincial_platform", "city_website", "provincial_platform"]

    def test_candidates_within_radius(self):
        fx, fy = np.array([0.0, 5.0, 50.0, 1.0]), np.array([0.0, 0.0, 0.0, 0.0])
        alive = np.array([True, True, True, False])
        ti, fi, dist = notices.candidates(np.array([0.0, 50.0]), np.array([0.0, 0.0]), np.array([10.0, 1.0]),
                                          fx, fy, alive)
        assert list(zip(ti.tolist(), fi.tolist())) == [(0, 0), (0, 1), (1, 2)]
        np.testing.assert_allclose(dist, [0.0, 5.0, 0.0])


# ---------------------------------------------------------------- screening


def firm_table(**cols):
    n = len(next(iter(cols.values())))
    base = dict(legal=np.ones(n, bool), accounting=np.ones(n, bool), qualified=np.ones(n, bool),
                capability=np.full(n, 0.9), listed_at=np.full(n, -1_000_000))
    for k, v in cols.items():
        base[k] = np.asarray(v, bool if k in ("legal", "accounting", "qualified") else None)
    return SimpleNamespace(**base)


class TestScreening:
    MONTH = 100

    def _eligible(self, p, firms, value, spec):
        n = len(firms.legal)
        ti = np.zeros(n, np.int64)
        return screening.eligible(p, self.MONTH, np.array([value]), np.array([spec]), ti, np.arange(n), firms)

    def firms(self):
        # 0 complete; 1 no legal form; 2 no accounts; 3 unqualified; 4 listed a year ago;
        # 5 listed four years ago; 6 low capability
        return firm_table(legal=[1, 0, 1, 1, 1, 1, 1], accounting=[1, 1, 0, 1, 1, 1, 1],
                          qualified=[1, 1, 1, 0, 1, 1, 1], capability=[0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2],
                          listed_at=[-1_000_000, -1_000_000, -1_000_000, -1_000_000, self.MONTH - 12,
                                     self.MONTH - 48, -1_000_000])

    def test_strict_specialised_item(self):
        ok = self._eligible(Params(), self.firms(), 100_000.0, 0.8)
        assert ok.tolist() == [True, False, False, False, False, True, False]

    def test_strict_plain_item_needs_no_qualification(self):
        ok = self._eligible(Params(), self.firms(), 100_000.0, 0.3)
        # capability floor 0.45·0.3 = 0.135 < 0.2: the weak firm passes on a plain item
        assert ok.tolist() == [True, False, False, True, False, True, True]

    def test_relaxed_screening_for_small_items(self):
        p = Params().with_overrides({"screening.relax_below_yuan": 50_000.0})
        small = self._eligible(p, self.firms(), 30_000.0, 0.8)
        # formal checks (legal form, accounts, qualification) skipped; capability and listing still apply
        assert small.tolist() == [True, True, True, True, False, True, False]
        large = self._eligible(p, self.firms(), 60_000.0, 0.8)
        assert large.tolist() == [True, False, False, False, False, True, False]

    def test_strictness_zero_admits_all(self):
        p = Params().with_overrides({"screening.strictness": 0.0})
        assert self._eligible(p, self.firms(), 100_000.0, 1.0).all()

    def test_intermediate_strictness(self):
        p = Params().with_overrides({"screening.strictness": 0.5})
        ok = self._eligible(p, self.firms(), 100_000.0, 0.8)
        # s = 0.5: legal form, accounts, listing, capability ≥ 0.45·0.5·0.8 = 0.18; no qualification check
        assert ok.tolist() == [True, False, False, True, False, True, True]


# ---------------------------------------------------------------- reserves


def test_reserve_error_spread_grows_with_specialisation():
    p = Params()
    m = SimpleNamespace(p=p, streams={"reserve": np.random.default_rng(3)})
    n = 20_000
    value = np.full(n, 100_000.0)
    sds = []
    for spec in (0.0, 0.2, 0.5, 0.9):
        r = orders._reserve(m, value, np.full(n, spec))
        log_err = np.log(r / value) - np.log(1 + p.procurement.reserve_margin)
        sds.append(log_err.std())
        assert sds[-1] == pytest.approx(p.procurement.reserve_error_sd * spec, abs=0.01)
    assert sds[0] < 1e-12
    assert np.all(np.diff(sds) > 0)


# ---------------------------------------------------------------- lots


@pytest.fixture(scope="module")
def lot_logs():
    out = {}
    for lots in (False, True):
        p = Params().with_overrides({"procurement.lots": lots, "years": 1, "burn_in_years": 0})
        out[lots] = ProcurementModel(p, seed=7).run(1).tender_log()
    return out


def _village_open(df):
    return df[(df["level"] == "village") & df["mode"].isin(["jiebang_posting", "framework_agreement"])
              & (df["attempt"] == 1)]


def test_lots_bundle_village_tenders(lot_logs):
    single, lots = _village_open(lot_logs[False]), _village_open(lot_logs[True])
    assert len(single) > 0
    assert len(lots) < 0.3 * len(single), (len(single), len(lots))
    assert (single["lot_villages"] == 1).all()
    # a lot covers every village of its town that buys the item, so a one-village lot is a town where
    # only one village bought it: such lots hold few of the villages
    n_v = lots["lot_villages"]
    assert n_v[n_v > 1].sum() / n_v.sum() > 0.95, n_v.value_counts().sort_index().to_dict()
    assert n_v.mean() > 3


def test_lots_do_not_touch_city_tenders(lot_logs):
    a = lot_logs[False]
    b = lot_logs[True]
    ca = a[(a["level"] == "city") & (a["month"] <= 2)]
    cb = b[(b["level"] == "city") & (b["month"] <= 2)]
    assert (cb["lot_villages"] <= 1).all()
    assert len(ca) == len(cb)
