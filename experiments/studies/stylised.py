"""The article's stylised facts, each in the baseline scenario, each with its MECHANISMS.md row.

The source is the 2019 Penglai report (shared/seed/penglai_gps_2019.txt), section 3. Every check
uses the baseline runs of the context (shared through its cache) and judges on the mean over
seeds with a Student-t 95% confidence interval.
"""

from __future__ import annotations

from experiments.studies.common import MECHANISMS, SCENARIOS, Context, Record, fmt_ci, mean_ci, values
from model.catalogue import LEVEL_NAMES as LEVELS

GROUP = "stylised"
"""The group name of this module's checks (their `Record.group`)."""
TITLE = "The article's stylised facts"
"""The heading of the group in docs/VALIDATION.md."""

PENGLAI = ("蓬莱市委编办 (Penglai City Staffing Office) (2019). 蓬莱市政府购买服务工作的实践与思考 [Practice and "
           "reflections on government purchase of services in Penglai], section 3; shared/seed/penglai_gps_2019.txt.")


def _row(code: str) -> str:
    return f"{code} ({MECHANISMS})"


def grassroots_no_bid(ctx: Context) -> Record:
    """S1 (P3): village no-bid and unfilled rates well above the city's.

    Since issue 19 village purchases fall below the decentralised-purchase limit, where no
    statutory minimum of suppliers applies (no 废标), so the article's "nobody takes it up" is
    measured by the orders left without a provider (``unfilled_rate``), not by void tenders."""
    runs = ctx.summaries("baseline")
    d_nb = mean_ci(values(runs, "no_bid_rate_village") - values(runs, "no_bid_rate_city"))
    d_f = mean_ci(values(runs, "unfilled_rate_village") - values(runs, "unfilled_rate_city"))
    ok = d_nb[1] > 0.2 and d_f[1] > 0.2
    lv = {k: mean_ci(values(runs, k)) for k in ("no_bid_rate_village", "no_bid_rate_city",
                                                   "unfilled_rate_village", "unfilled_rate_city",
                                                   "first_attempt_no_bid_rate_village")}
    return Record(
        "S1", "Grassroots tenders draw no bid (无人揭榜)", GROUP, PENGLAI, _row("P3"),
        "village minus city no-bid rate and village minus city unfilled rate both above 0.20 "
        "(lower 95% confidence bound)",
        f"Δ no-bid {fmt_ci(d_nb)}; Δ unfilled {fmt_ci(d_f)}", bool(ok),
        f"{ctx.describe()}. " + "; ".join(f"{k} {fmt_ci(v)}" for k, v in lv.items()) + ".")


def weak_winners(ctx: Context) -> Record:
    """S2 (P4): winners at the grassroots are weaker and deliver lower quality than in the city."""
    runs = ctx.summaries("baseline")
    d_cap = mean_ci(values(runs, "winner_capability_city") - values(runs, "winner_capability_village"))
    d_q = mean_ci(values(runs, "quality_delivered_city") - values(runs, "quality_delivered_village"))
    ok = d_cap[1] > 0 and d_q[1] > 0
    return Record(
        "S2", "Weak winners at the grassroots (小弱差)", GROUP, PENGLAI, _row("P4"),
        "city minus village winner_capability and city minus village quality_delivered both positive "
        "(lower 95% bound > 0)",
        f"Δ winner capability {fmt_ci(d_cap)}; Δ quality delivered {fmt_ci(d_q)}", bool(ok),
        f"{ctx.describe()}. Village winner capability "
        f"{fmt_ci(mean_ci(values(runs, 'winner_capability_village')))}, city "
        f"{fmt_ci(mean_ci(values(runs, 'winner_capability_city')))}.")


def campaign_performance(ctx: Context) -> Record:
    """S3 (P7): performance for announced inspections only — a positive gaming gap."""
    runs = ctx.summaries("baseline")
    gap = mean_ci(values(runs, "gaming_gap"))
    return Record(
        "S3", "Campaign-style performance for announced inspections (突击迎检)", GROUP, PENGLAI, _row("P7"),
        "gaming_gap (quality measured at inspections minus the contract's true mean quality) positive: "
        "lower 95% bound > 0",
        fmt_ci(gap), bool(gap[1] > 0),
        f"{ctx.describe()}. The baseline monitors by announced and complaint-triggered inspections.")


def thin_markets(ctx: Context) -> Record:
    """S4 (P6): thin supplier markets — few bids, concentrated contract value, few firms per town."""
    from model import load_scenario

    runs = ctx.summaries("baseline")
    p = load_scenario(SCENARIOS / "baseline.toml").params(ctx.region)
    bids = mean_ci(values(runs, "bids_per_tender"))
    hhi = mean_ci(values(runs, "hhi"))
    per_town = mean_ci(values(runs, "active_contractors") / p.region.n_towns)
    legal = p.procurement.legal_min_bidders
    ok = bids[2] < legal and hhi[1] > 0.10
    return Record(
        "S4", "Thin supplier markets (市场竞争机制没有建立)", GROUP,
        PENGLAI + " HHI threshold: European Commission (2004). Guidelines on the assessment of horizontal "
        "mergers, OJ C 31, para. 19 (HHI below 1,000 = unconcentrated).", _row("P6"),
        f"mean valid bids per open tender below the legal minimum ({legal}; upper 95% bound) and HHI of "
        "contract value above 0.10 (lower 95% bound)",
        f"bids per tender {fmt_ci(bids)}; HHI {fmt_ci(hhi)}; active firms per town {fmt_ci(per_town)}",
        bool(ok), f"{ctx.describe()}.")


def incomplete_adoption(ctx: Context) -> Record:
    """S5 (P1): buyers buy only part of the catalogue."""
    runs = ctx.summaries("baseline")
    ad = mean_ci(values(runs, "adoption"))
    lv = {k: mean_ci(values(runs, f"adoption_{k}")) for k in LEVELS}
    return Record(
        "S5", "Incomplete adoption by buyers (认识不到位)", GROUP, PENGLAI, _row("P1"),
        "adoption (share of catalogue item-locations bought) below 0.9: upper 95% bound < 0.9",
        fmt_ci(ad), bool(ad[2] < 0.9),
        f"{ctx.describe()}. By level: " + "; ".join(f"{k} {fmt_ci(v)}" for k, v in lv.items()) + ".")


def satisfaction_lags(ctx: Context) -> Record:
    """S6 (P8): citizens do not feel the spending — satisfaction below the quality bought, trust falls."""
    from model import load_scenario

    runs = ctx.summaries("baseline")
    p = load_scenario(SCENARIOS / "baseline.toml").params(ctx.region)
    gap = mean_ci(values(runs, "quality_delivered") - values(runs, "satisfaction"))
    d_trust = mean_ci(values(runs, "trust_final") - p.citizens.trust_init)
    spend = mean_ci(values(runs, "spend") / 1e6)
    ok = gap[1] > 0 and d_trust[2] < 0
    return Record(
        "S6", "Citizens' satisfaction lags spending (老百姓不买账)", GROUP, PENGLAI, _row("P8"),
        "with money spent every year, households' satisfaction stays below the quality the contracts deliver "
        "(quality_delivered − satisfaction, lower 95% bound > 0) and trust ends below its initial level "
        "(trust_final − citizens.trust_init, upper 95% bound < 0)",
        f"quality − satisfaction {fmt_ci(gap)}; Δ trust {fmt_ci(d_trust)}", bool(ok),
        f"{ctx.describe()}. Spend {fmt_ci(spend, unit='million yuan/year')}.")


CHECKS = [(grassroots_no_bid, True), (weak_winners, False), (campaign_performance, True), (thin_markets, False),
          (incomplete_adoption, True), (satisfaction_lags, True)]
"""(check, in the fast subset). S2 and S4 are long-run facts (exits thin the market over years) and
need the full 10-year runs; the fast subset's 3 years are still a transient for them."""
