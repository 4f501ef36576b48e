"""Docking the firm's stake (model/delivery/stake.py) with the winners held fixed.

K1 reputation in awards (Calzolari and Spagnolo 2009; Kreps and Wilson 1982): the same model
state — the same incumbents on the same contracts — weighed under a larger award weight on
reputation gives incumbents a larger stake, so they choose more effort.
K2 blacklist deterrence (Becker 1968): on the same incumbent contracts, a longer and wider
blacklist (fraud, city-wide, 3 years against fraud, the buyer only, 1 year) leaves fewer firms
for which overclaiming pays.

Both compare two parameter sets on one simulated state per seed (paired, common random numbers)
and pass when the 95% interval of the mean paired difference excludes 0 in the predicted
direction; either fails if the stake does not move effort or overclaiming as theory says.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.studies.common import SCENARIOS, Context, Record, above, below, fmt_ci, mean_ci

GROUP = "stake"
"""The group name of this module's checks (their `Record.group`)."""
TITLE = "Docking the firm's stake"
"""The heading of the group in docs/VALIDATION.md."""

REPUTATION = ("Calzolari, G. and Spagnolo, G. (2009). Relational contracts and competitive screening. CEPR "
              "Discussion Paper 7434; Kreps, D. M. and Wilson, R. (1982). Reputation and imperfect "
              "information. Journal of Economic Theory 27(2), 253–279.")
BECKER = ("Becker, G. S. (1968). Crime and punishment: an economic approach. Journal of Political Economy "
          "76(2), 169–217.")
SCORING = {"procurement.award_rule": "scoring", "scoring.price_weight": 0.4, "scoring.citizen_weight": 0.1}
LOW_REP = {**SCORING, "scoring.technical_weight": 0.45, "scoring.reputation_weight": 0.05}
HIGH_REP = {**SCORING, "scoring.technical_weight": 0.2, "scoring.reputation_weight": 0.3}
WEAK_LIST = {"blacklist.trigger": "fraud", "blacklist.scope": "buyer", "blacklist.duration": "1y"}
STRONG_LIST = {"blacklist.trigger": "fraud", "blacklist.scope": "city", "blacklist.duration": "3y"}


MONTHS = 18
"""The state is taken mid-way through the second year, when the year's contracts run and
reputations carry one year-end evaluation."""


def _state(ctx: Context, overrides: dict[str, Any], seed: int):
    """A model run for :data:`MONTHS` months in the context's region."""
    from model import ProcurementModel, load_scenario

    params = load_scenario(SCENARIOS / "baseline.toml").params({**ctx.region, **overrides})
    m = ProcurementModel(params, seed=seed)
    for _ in range(MONTHS):
        m.step()
    return m


def _incumbents(m) -> np.ndarray:
    c = m.contracts
    return np.flatnonzero(c.active & (c.firm >= 0))


def incumbent_efforts(m, overrides: dict[str, Any]) -> tuple[float, float]:
    """Mean (e_c, e_n) of the model's incumbent contracts if firms weighed them under
    ``m.p`` + ``overrides`` (inspections as anticipated in a month without announced visits)."""
    from model.delivery import effort, stake

    p, c = m.p.with_overrides(overrides), m.contracts
    rows = _incumbents(m)
    r_c, r_n = stake.contract_stakes(m, p, rows)
    zero = np.zeros(len(rows))
    e_c, e_n = effort.efforts(p, c.capability[rows], c.price[rows], c.cost[rows], c.honesty[rows],
                              c.visibility[rows], zero, c.officer[rows].astype(float), r_c, r_n)
    return float(e_c.mean()), float(e_n.mean())


def incumbent_cheating(m, overrides: dict[str, Any]) -> float:
    """Share of the model's incumbent contracts on which overclaiming would pay under
    ``m.p`` + ``overrides`` (Becker's rule with the listing loss of that policy)."""
    from model.delivery import fraud, stake

    p, c = m.p.with_overrides(overrides), m.contracts
    rows = _incumbents(m)
    firm = c.firm[rows]
    mine, total = stake.books(m, firm, c.buyer[rows])
    loss = stake.listing_loss(p, mine, total, m.firms.overhead[firm])
    term = (c.end[rows] - c.start[rows] + 1) / stake.MONTHS_PER_YEAR
    return float(fraud.cheats(p, c.honesty[rows], c.price[rows], term, loss).mean())


def reputation_weight_raises_effort(ctx: Context) -> Record:
    """K1: a larger award weight on reputation raises incumbents' effort (winners fixed)."""
    d_c, d_n = [], []
    for seed in ctx.seeds:
        m = _state(ctx, LOW_REP, seed)
        lo, hi = incumbent_efforts(m, LOW_REP), incumbent_efforts(m, HIGH_REP)
        d_c.append(hi[0] - lo[0])
        d_n.append(hi[1] - lo[1])
    ci_c, ci_n = mean_ci(d_c), mean_ci(d_n)
    return Record("K1", "Award weight on reputation → incumbents' effort (winners fixed)", GROUP, REPUTATION,
                  "S7, S14, S15", "contractible and non-contractible effort both rise when the reputation "
                  "weight goes 0.05 → 0.30 (technical 0.45 → 0.20): lower 95% bound of each paired "
                  "difference above 0",
                  f"Δ contractible effort {fmt_ci(ci_c)}; Δ non-contractible effort {fmt_ci(ci_n)}",
                  (above("Δ contractible effort, reputation weight 0.05 → 0.30", ci_c),
                   above("Δ non-contractible effort, reputation weight 0.05 → 0.30", ci_n)),
                  f"one state per seed {list(ctx.seeds)} after {MONTHS} months under the low weight; "
                  "efforts of the same incumbent contracts computed under both weights")


def blacklist_lowers_overclaiming(ctx: Context) -> Record:
    """K2: a longer and wider blacklist lowers overclaiming (winners fixed)."""
    diff = []
    for seed in ctx.seeds:
        m = _state(ctx, WEAK_LIST, seed)
        diff.append(incumbent_cheating(m, STRONG_LIST) - incumbent_cheating(m, WEAK_LIST))
    ci = mean_ci(diff)
    return Record("K2", "Longer, wider blacklist → less overclaiming (winners fixed)", GROUP, BECKER,
                  "S12, S13, R5", "the share of incumbent contracts on which overclaiming pays falls from "
                  "fraud/buyer/1y to fraud/city/3y: 95% CI of the paired difference below 0",
                  f"Δ share overclaiming {fmt_ci(ci)}",
                  (below("Δ share of contracts where overclaiming pays, fraud/buyer/1y → fraud/city/3y", ci),),
                  f"one state per seed {list(ctx.seeds)} after {MONTHS} months under fraud/buyer/1y; "
                  "Becker's rule on the same contracts under both policies")


CHECKS = [(reputation_weight_raises_effort, True), (blacklist_lowers_overclaiming, True)]
"""(check, in the fast subset)."""
