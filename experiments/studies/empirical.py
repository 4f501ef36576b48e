"""Empirical plausibility: published magnitudes (ranges, not point targets) and where the model lands.

No parameter is tuned to any of these checks; a check that fails is reported as failed with
an explanation. Each compares a scenario with the baseline on the same seeds (common random
numbers) and reports the paired effect with a Student-t 95% confidence interval.
"""

from __future__ import annotations

import numpy as np

from experiments.studies.common import Context, Record, above, fmt_ci, inside, mean_ci, values

OLKEN = ("Olken, B. A. (2007). Monitoring corruption: evidence from a field experiment in Indonesia. Journal "
         "of Political Economy 115(2), 200–249.")
COVIELLO = ("Coviello, D. and Mariniello, M. (2014). Publicity requirements in public procurement: evidence "
            "from a regression discontinuity design. Journal of Public Economics 109, 76–100 (working-paper "
            "version: EUI ECO 2008/04, 'Does publicity affect competition?').")
SINGLE = ("European Commission, Single Market Scoreboard, Public procurement: indicator [1] 'single bidder' "
          "(share of procedures awarded with one bid; EU/EEA countries mostly 10–45% over 2017–2022); "
          "Fazekas, M. and Kocsis, G. (2020). Uncovering high-level corruption: cross-national objective "
          "corruption risk indicators using public procurement data. British Journal of Political Science "
          "50(1), 155–164.")
DUFLO = ("Duflo, E., Greenstone, M., Pande, R. and Ryan, N. (2013). Truth-telling by third-party auditors and "
         "the response of polluting firms: experimental evidence from India. Quarterly Journal of Economics "
         "128(4), 1499–1545.")


def audits(ctx: Context) -> Record:
    """E1: raising the audit probability to 1 and the share of funds lost (Olken 2007)."""
    base = ctx.summaries("baseline")
    alt = ctx.summaries("baseline", {"fraud.audit_prob": 1.0})
    share_b = values(base, "fraud_loss") / values(base, "spend")
    share_a = values(alt, "fraud_loss") / values(alt, "spend")
    pp = mean_ci(100 * (share_b - share_a))
    rel = mean_ci(np.where(share_b > 0, (share_b - share_a) / np.where(share_b > 0, share_b, 1), np.nan))
    crit = (inside("relative fall of the share lost, audit probability → 1", rel, 0.10, 0.60),)
    ok = crit[0].met
    return Record(
        "E1", "Audit intensity and missing funds", "empirical", OLKEN, "S12, S13",
        "Olken: raising the audit probability from 4% to 100% cut missing expenditures in Indonesian village "
        "road projects by about 8 percentage points, from roughly 28% to 19% — a relative fall of about "
        "30%. Pass: the model's relative fall in the share of spending lost to overclaims "
        "(fraud_loss/spend), baseline audit probability → 1, has its 95% CI inside 10–60%",
        f"relative fall {fmt_ci(rel)}; absolute fall {fmt_ci(pp, unit='percentage points')}", crit,
        f"{ctx.describe()}. Baseline share lost {fmt_ci(mean_ci(100 * share_b), unit='%')}, with audits "
        f"every year {fmt_ci(mean_ci(100 * share_a), unit='%')}. "
        + ("" if ok else "FAILED: in the model a certain audit detects overclaims with probability "
           "fraud.audit_detect and the expected fine makes overclaiming unprofitable, so losses all but "
           "vanish; Olken found graft shifting to forms audits do not catch (inflated labour, nepotism), "
           "which the model does not represent. The model's level of losses is also far below 28%."))


def publicity(ctx: Context) -> Record:
    """E2: wider tender publicity raises bidders and lowers prices (Coviello and Mariniello 2014)."""
    base = ctx.summaries("baseline")
    alt = ctx.summaries("wide_notice")
    bids = mean_ci(values(alt, "bids_per_tender_town") / values(base, "bids_per_tender_town") - 1)
    price = mean_ci(values(alt, "price_to_reserve_town") / values(base, "price_to_reserve_town") - 1)
    all_price = mean_ci(values(alt, "price_to_reserve") / values(base, "price_to_reserve") - 1)
    crit = (inside("relative change of bids per town tender", bids, 0.2, 1.5),
            inside("relative change of price/reserve, town tenders", price, -0.15, -0.01))
    ok = all(c.met for c in crit)
    return Record(
        "E2", "Wider tender publicity: more bidders, lower prices", "empirical", COVIELLO, "P2, R1",
        "Italian tenders above the publicity threshold draw more bidders (about +50% from local to regional "
        "publicity) and cost less (about 5% lower price). Pass: scenario wide_notice vs baseline, town-level "
        "tenders: the 95% CIs of the relative changes inside +20% to +150% (bids per tender) and −15% to −1% "
        "(price/reserve)",
        f"bids per town tender {fmt_ci(bids)} (relative); price/reserve {fmt_ci(price)} (relative)", crit,
        f"{ctx.describe()}. Town level because village tenders draw almost no bid in the baseline, so the "
        f"mix of awarded tenders shifts; over all open tenders the price/reserve change is {fmt_ci(all_price)}."
        + ("" if ok else " FAILED: see the values; prices in the model respond to the number of bids only "
           "through learned markups (bidding.strategy = learning)."))


def single_bidder(ctx: Context) -> Record:
    """E3: the share of contested tenders that get exactly one bid, against published ranges."""
    runs = ctx.summaries("baseline")
    nb, sb = values(runs, "no_bid_rate"), values(runs, "single_bid_rate")
    share = mean_ci(sb / (1 - nb))
    return Record(
        "E3", "Single-bidder share in the published range", "empirical", SINGLE, "P3, P6",
        "among tenders that receive at least one bid, the share with exactly one bid is 10–45% in European "
        "public procurement. Pass: the model's single_bid_rate / (1 − no_bid_rate) in the baseline has its 95% "
        "CI inside 10–45%",
        fmt_ci(share), (inside("single-bid share of tenders with a bid", share, 0.10, 0.45),),
        f"{ctx.describe()}. Unconditional single-bid rate {fmt_ci(mean_ci(sb))}, no-bid rate "
        f"{fmt_ci(mean_ci(nb))}. Unlike the EU, a single bid voids a tender here (legal minimum 3), so the "
        "share is counted before voiding.")


def surprise_inspections(ctx: Context) -> Record:
    """E4: unannounced inspections reveal more shortfalls than scheduled ones."""
    base = ctx.summaries("baseline")
    alt = ctx.summaries("random_inspections")
    gap = mean_ci(1 - values(alt, "gaming_gap") / values(base, "gaming_gap"))
    dq = mean_ci(values(alt, "quality_delivered") - values(base, "quality_delivered"))
    crit = (inside("relative fall of the gaming gap, random_inspections vs baseline", gap, 0.25, 1.0),
            above("Δ quality_delivered, random_inspections − baseline", dq))
    ok = all(c.met for c in crit)
    return Record(
        "E4", "Surprise vs scheduled inspections", "empirical", DUFLO, "S11, P7",
        "when the inspected cannot shape what the inspector sees, reported compliance falls sharply and "
        "true performance improves (Duflo et al.: under the status quo audit reports bunched just below the "
        "standard; the reform markedly cut false reports of compliance and plants cut emissions). Pass: "
        "scenario random_inspections vs baseline: the gaming gap (measured − true quality) shrinks by 25–100% "
        "(95% CI inside that range) and quality_delivered rises (lower 95% bound > 0)",
        f"relative fall of the gaming gap {fmt_ci(gap)}; Δ quality_delivered {fmt_ci(dq)}", crit,
        f"{ctx.describe()}. Gaming gap baseline {fmt_ci(mean_ci(values(base, 'gaming_gap')))}, random "
        f"{fmt_ci(mean_ci(values(alt, 'gaming_gap')))}."
        + ("" if ok else " FAILED: gaming_gap compares inspected (contractible) quality with the contract's "
           "true quality, which includes the non-contractible part, so a structural gap remains under any "
           "inspection regime; the outcome mixes timing-gaming with the contractible/non-contractible wedge."))


CHECKS = [(audits, False), (publicity, False), (single_bidder, False), (surprise_inspections, False)]
"""(check, in the fast subset)."""
