"""Docking against theory: each check reduces the model to a textbook case and compares.

T1 first-price procurement auction (Vickrey 1961): the ``equilibrium`` strategy and the
``lowest_price`` rule give the closed-form expected winning price for n = 2…8.
T2 entry with participation costs (Samuelson 1985; Levin and Smith 1994): the model's entry
decision, on identical town tenders and identical firms.
T3 non-contractible quality (Hart, Shleifer and Vishny 1997): price pressure in scoring.
T4 scoring auctions (Che 1993; Asker and Cantillon 2008): scoring vs lowest price.
"""

from __future__ import annotations

import numpy as np

from experiments.studies.common import (IDENTITY_GROUP, Context, Record, above, below, fmt_ci,
                                           inside, mean_ci, paired, values)

VICKREY = ("Vickrey, W. (1961). Counterspeculation, auctions, and competitive sealed tenders. Journal of "
           "Finance 16(1), 8–37; Krishna, V. (2010). Auction Theory, 2nd ed., Academic Press, ch. 2.")
ENTRY = ("Samuelson, W. F. (1985). Competitive bidding with entry costs. Economics Letters 17(1–2), 53–57; "
         "Levin, D. and Smith, J. L. (1994). Equilibrium in auctions with entry. American Economic Review "
         "84(3), 585–599.")
HSV = ("Hart, O., Shleifer, A. and Vishny, R. W. (1997). The proper scope of government: theory and an "
       "application to prisons. Quarterly Journal of Economics 112(4), 1127–1161.")
SCORING = ("Che, Y.-K. (1993). Design competition through multidimensional auctions. RAND Journal of "
           "Economics 24(4), 668–680; Asker, J. and Cantillon, E. (2008). Properties of scoring auctions. "
           "RAND Journal of Economics 39(1), 69–85.")


def first_price(ctx: Context, strategy: str = "equilibrium") -> Record:
    """T1: mean winning price of the model's bidding + award code vs the closed form, n = 2…8.

    Costs are iid uniform on [60, 100] yuan (the reserve is the top of the support); each n uses
    its own fixed-seed draw of many auctions, bid with ``strategy`` and awarded by
    ``award.lowest_price`` on the whole batch at once.

    Args:
        ctx: the validation context (sets the number of auctions).
        strategy: the bidding strategy to dock (``equilibrium``; any other fails by design).
    """
    from model.procurement.award import Bids, lowest_price
    from model.procurement.bidding import STRATEGIES, closed_form_winning_price

    c_low, c_high = 60.0, 100.0
    margin = 0.01 * (c_high - c_low)
    n_auctions = 4000 if ctx.fast else 20000
    rows, crit, worst = [], [], 0.0
    for n in range(2, 9):
        rng = np.random.default_rng(1000 + n)
        cost = rng.uniform(c_low, c_high, (n_auctions, n)).ravel()
        tender = np.repeat(np.arange(n_auctions), n)
        price = STRATEGIES[strategy].price(cost, np.zeros_like(cost), np.full_like(cost, c_high), np.full(len(cost), n))
        b = Bids(tender, np.tile(np.arange(n), n_auctions), price, np.zeros_like(cost), np.zeros_like(cost),
                 np.zeros_like(cost), n_auctions)
        won = price[lowest_price(b, {})]
        closed = closed_form_winning_price(n, c_low, c_high)
        est = mean_ci(won - closed)
        worst = max(worst, abs(est[0]) / (c_high - c_low))
        crit.append(inside(f"n={n}: mean winning price − closed form (yuan)", est, -margin, margin))
        rows.append(f"n={n}: {est[0] + closed:.3f} vs {closed:.3f}")
    return Record(
        "T1", "First-price procurement auction: mean winning price = closed form (n = 2…8)", "theory", VICKREY,
        "S7", "E[winning price] = c_low + 2 (c_high − c_low)/(n + 1) for every n = 2…8; equivalence: for each n "
        f"the 95% CI of (simulated mean − closed form) lies inside ±{margin:g} yuan (1% of the cost range)",
        f"largest error {worst:.2%} of the cost range over n = 2…8", tuple(crit),
        f"strategy `{strategy}`, {n_auctions} auctions per n, costs U[{c_low:g}, {c_high:g}] yuan. " + "; ".join(rows))


def _entry_overrides(n_firms: int, bid_cost: float) -> dict:
    """Overrides that reduce the market to the textbook entry game: identical local firms at the
    centre, every firm notified, no screening, costs only from preparing a bid and the firms' private
    costs of the contract, a fixed markup."""
    return {
        "region.n_towns": 1, "region.villages_per_town": 1, "region.households_per_village": 1,
        "firms.strong.count": 0, "firms.grassroots.count": 0, "firms.local.count": n_firms,
        "firms.local.cost_factor_mean": 1.0, "firms.local.cost_factor_sd": 0.05, "firms.local.capability_sd": 0.0,
        "firms.local.capacity": 1000, "firms.local.min_contract_yuan": 0.0, "firms.local.base_spread_km": 0.0,
        "firms.local.qualified_share": 1.0, "screening.strictness": 0.0,
        "procurement.channel_town": "provincial_platform", "procurement.channels.provincial_platform.reach": 1.0,
        "procurement.channels.provincial_platform.range_km": 10000.0, "procurement.bid_cost_yuan": bid_cost,
        "procurement.bid_cost_share": 0.0, "procurement.mobilisation_cost_yuan": 0.0,
        "procurement.travel_cost_yuan_km": 0.0, "procurement.legal_min_bidders": 1,
        "bidding.strategy": "learning", "bidding.markup_init": 0.2, "bidding.markup_step": 0.0,
        "bidding.min_profit_share": 0.0, "blacklist.trigger": "none",
    }


def entrants(n_firms: int, bid_cost: float, seed: int, rounds: int = 60, per_round: int = 20,
             value: float = 100000.0) -> float:
    """Mean entrants per tender over the second half of ``rounds`` rounds of identical town tenders.

    Args:
        n_firms: potential bidders. bid_cost: cost of preparing a bid (yuan).
        seed: model seed. rounds: tender rounds (firms learn expected rivals between rounds).
        per_round: tenders per round. value: annual value of each tender (yuan/year); reserve 1.3×.
    """
    from model import load_params
    from model.core import ProcurementModel
    from model.procurement import market

    m = ProcurementModel(load_params(overrides=_entry_overrides(n_firms, bid_cost)), seed=seed)
    m.month = 1
    k = per_round
    town_items = np.flatnonzero(m.cat.level == 1)
    batch = market.Batch(order=np.arange(k), buyer=np.full(k, m.town_buyer[0]), item=np.full(k, town_items[0]),
                         level=np.ones(k, np.int8), mode=np.full(k, market.code("public_tender"), np.int8), value=np.full(k, value),
                         reserve=np.full(k, 1.3 * value), term=np.ones(k), x=np.zeros(k), y=np.zeros(k),
                         visits=np.ones(k), tour_km=np.zeros(k), spec=np.zeros(k),
                         widen=np.zeros(k, np.int64))
    seen = []
    for r in range(rounds):
        m.firms.col("load")[:] = 0
        res = market.run(m, batch)
        if r >= rounds // 2:
            seen.append(res.bids.mean())
    return float(np.mean(seen))


def entry(ctx: Context) -> Record:
    """T2: entrants fall as bid-preparation cost rises; more potential bidders add < 1 entrant each."""
    seeds = ctx.seeds
    costs = (2000.0, 4000.0, 8000.0)
    firms = (3, 6, 9, 12)
    per_cost = [np.array([entrants(12, c, s) for s in seeds]) for c in costs]
    per_n = [np.array([entrants(n, 4000.0, s) for s in seeds]) for n in firms]
    by_cost, by_n = [mean_ci(x) for x in per_cost], [mean_ci(x) for x in per_n]
    crit = [below(f"Δ entrants, bid cost {a:,.0f} → {b:,.0f} yuan", mean_ci(xb - xa))
            for a, b, xa, xb in zip(costs, costs[1:], per_cost, per_cost[1:])]
    crit += [below(f"entrants per extra potential bidder, N = {na} → {nb}", mean_ci((xb - xa) / (nb - na)), 1.0)
             for na, nb, xa, xb in zip(firms, firms[1:], per_n, per_n[1:])]
    slope = (by_n[-1][0] - by_n[0][0]) / (firms[-1] - firms[0])
    margin = 0.2 * 100000.0
    note = ("Identical town tenders (100,000 yuan/year, reserve 1.3×), local firms at the tender's place with "
            "cost ≈ value (sd 5%) times each firm's private cost shock for the contract (log-sd "
            "bidding.private_cost_sd), known before it decides to enter as in Samuelson (1985), a fixed 20% "
            "markup, every firm notified, no screening, no travel or mobilisation cost, legal minimum 1; 60 "
            "rounds in which firms learn their win probability, mean of the last 30; paired over seeds "
            f"{list(seeds)}. Without the private "
            "shock (log-sd 0) nearly identical firms enter all together or not at all, and entry cycles "
            "instead of falling smoothly with the bid cost: private costs are what make entry smooth. The model's "
            "zero-expected-profit entry level is margin/bid cost = "
            + ", ".join(f"{margin / c:.1f}" for c in costs) + " for the bid costs "
            + ", ".join(f"{c:,.0f}" for c in costs) + " yuan. Entrants with 12 potential bidders: "
            + "; ".join(f"{c:,.0f} yuan → {fmt_ci(e)}" for c, e in zip(costs, by_cost))
            + ". At 4,000 yuan: " + "; ".join(f"N={n} → {fmt_ci(e)}" for n, e in zip(firms, by_n)) + ".")
    return Record(
        "T2", "Entry with participation costs", "theory", ENTRY, "P3",
        "entrants per tender fall as procurement.bid_cost_yuan rises (2,000 → 4,000 → 8,000 yuan: each paired "
        "difference's upper 95% bound < 0) and each extra potential bidder adds fewer than one entrant (3 → 6 → "
        "9 → 12 potential bidders: the upper 95% bound of entrants added per extra bidder < 1 at every step)",
        f"entrants {by_cost[0][0]:.2f} → {by_cost[1][0]:.2f} → {by_cost[2][0]:.2f} as bid cost rises; "
        f"{slope:.2f} entrants per extra potential bidder (3 → 12)", tuple(crit), note)


def _contract_population(seed: int = 1):
    """The active contracts of a default-region baseline run in month 6 (real firms, items, prices)."""
    from model import ProcurementModel, load_params

    m = ProcurementModel(load_params(), seed=seed)
    for _ in range(6):
        m.step()
    c = m.contracts
    rows = np.flatnonzero(c.active & (c.firm >= 0))
    return m.p, c.capability[rows], c.cost[rows], c.honesty[rows], c.visibility[rows]


def effort_identity(ctx: Context) -> Record:
    """I1 (formerly T3(a)): with the contracts held fixed, the margin moves non-contractible effort only.

    An identity of the effort formula (model/delivery/effort.py: contractible effort does not depend on
    the price), shown as such and not counted as validation.
    """
    from model.delivery import effort

    p, cap, cost, honesty, vis = _contract_population()
    margins = (0.30, 0.15, 0.0)
    zeros = np.zeros(len(cap))
    level = {}
    for mg in margins:
        price = cost / (1 - mg)
        # HSV's one-shot contract: no reputation stake (r_c = r_n = 0; the stake is docked in studies/stake.py)
        e_c, e_n = effort.efforts(p, cap, price, cost, honesty, vis, zeros, zeros, zeros, zeros)
        level[mg] = (cap * e_n, cap * e_c)
    d_n = level[margins[-1]][0] - level[margins[0]][0]
    d_c = level[margins[-1]][1] - level[margins[0]][1]
    crit = (below("Δ non-contractible quality, margin 30% → 0 (mean over contracts)", mean_ci(d_n)),
            inside("Δ contractible quality, margin 30% → 0 (mean over contracts)", mean_ci(d_c), -1e-12, 1e-12))
    fixed = "; ".join(f"margin {mg:.2f}: non-contractible {level[mg][0].mean():.4f}, contractible "
                      f"{level[mg][1].mean():.4f}" for mg in margins)
    return Record(
        "I1", "Effort formula: the margin moves non-contractible effort only (formerly T3(a))", IDENTITY_GROUP,
        HSV, "P7, R4",
        "holding the month-6 baseline contracts fixed and cutting the margin from 30% to 0 (no inspection "
        "expected): non-contractible quality falls (upper 95% bound over contracts < 0) and contractible "
        "quality is unchanged (interval inside ±1e-12)",
        f"Δ non-contractible {d_n.mean():+.4f}, Δ contractible {d_c.mean():+.2e} over {len(cap)} contracts",
        crit, f"An identity of model/delivery/effort.py: contractible effort does not depend on the price. {fixed}.")


def noncontractible(ctx: Context) -> Record:
    """T3 (HSV 1997): in full runs, a heavier price weight lowers the non-contractible share of quality."""
    weights = (0.1, 0.9)
    runs = {w: ctx.summaries("baseline", {"procurement.award_rule": "scoring", "scoring.price_weight": w,
                                          "scoring.technical_weight": round(0.9 - w, 10),
                                          "scoring.reputation_weight": 0.1, "scoring.citizen_weight": 0.0})
            for w in weights}
    share = {w: values(runs[w], "noncontractible_quality") / (values(runs[w], "noncontractible_quality")
                                                               + values(runs[w], "contractible_quality"))
             for w in weights}
    d_share = mean_ci(share[weights[1]] - share[weights[0]])
    return Record(
        "T3", "Non-contractible quality falls under price pressure (HSV)", "theory", HSV, "P7, R4",
        "in full runs, the non-contractible share q_n/(q_n+q_c) falls from price weight 0.1 to 0.9 (paired "
        "difference: upper 95% bound < 0)",
        f"Δ share {fmt_ci(d_share)}", (below("Δ non-contractible share, price weight 0.1 → 0.9", d_share),),
        f"{ctx.describe()}. The fixed-contract version (formerly T3(a)) is an identity of the effort formula "
        "and is now I1. In full runs contractible quality also falls with the price weight, because a "
        "price-heavy rule selects less capable winners (a selection effect, not effort).")


def scoring_vs_price(ctx: Context) -> Record:
    """T4 (Che 1993): at equal reserves, scoring with a quality weight buys higher quality at a higher price."""
    base = ctx.summaries("baseline", {"procurement.award_rule": "lowest_price"})
    alt = ctx.summaries("scoring_30")
    d = {k: mean_ci(paired(base, alt, k)) for k in ("winner_capability", "quality_delivered", "price_to_reserve")}
    return Record(
        "T4", "Scoring auction buys quality at a higher price than lowest price", "theory", SCORING, "S7, S14",
        "scenario scoring_30 minus lowest price, same reserves (common random numbers): winner_capability, "
        "quality_delivered and price_to_reserve all higher (each paired difference's lower 95% bound > 0)",
        "; ".join(f"Δ {k} {fmt_ci(v)}" for k, v in d.items()),
        tuple(above(f"Δ {k} (scoring_30 − lowest price)", v) for k, v in d.items()),
        f"{ctx.describe()}. Reserves are drawn from the same stream in both runs, so they are equal "
        "tender by tender until the histories diverge.")


CHECKS = [(first_price, True), (entry, True), (noncontractible, True), (scoring_vs_price, True)]
"""(check, in the fast subset)."""
