"""The robustness screen: do the reforms' effects keep their sign over the plausible parameter space?

A Latin hypercube (``experiments.engine.samplers``, the project's own designs) over the parameters that
drive the headline results — notice ranges and publicity reach, the grassroots firms per town and
their capacity, bid slack, the legal minimum of bidders, private cost spread, prior rivals, bid and
travel costs, minimum effort and the speed of trust — on the screen's region (the default region in
the full validation). At every point each reform of experiments/reform_package.toml runs against the
baseline on the same seeds (common random numbers); the paired effect on each headline outcome has a
Student-t 95% interval over the seeds. The analysis functions take plain arrays.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from experiments.engine.samplers import Design, Factor, sample
from experiments.studies.common import ROOT, Context, mean_ci, paired

FACTORS = (
    Factor("bidding.bid_slack", low=1.5, high=5.0),
    Factor("firms.grassroots.count", low=5, high=20, integer=True),
    Factor("firms.grassroots.capacity", low=8, high=40, integer=True),
    Factor("procurement.channels.notice_board.range_km", low=4.0, high=16.0),
    Factor("procurement.channels.city_website.range_km", low=20.0, high=80.0),
    Factor("buyers.publicity_reach", low=0.2, high=0.8),
    Factor("procurement.legal_min_bidders", low=1, high=3, integer=True),
    Factor("bidding.private_cost_sd", low=0.05, high=0.3),
    Factor("bidding.prior_rivals", low=0.5, high=5.0),
    Factor("procurement.bid_cost_yuan", low=250.0, high=1000.0),
    Factor("procurement.travel_cost_yuan_km", low=0.4, high=1.6),
    Factor("delivery.min_effort", low=0.25, high=0.9),
    Factor("citizens.trust_rate", low=0.025, high=0.1),
)
"""The screened parameters and their plausible ranges (about half to twice the default, whole numbers
for counts; the legal minimum of bidders from 1, a counterfactual, to 3, Procurement Law art. 36)."""
PLACEBO = "citizens.trust_rate"
"""A screened parameter with no path to any outcome but trust (trust feeds back into nothing in the
model): its rank correlation with the other effects measures the noise floor of the ranking."""
OUTCOMES = ("quality_delivered", "no_bid_rate_village", "fraud_loss", "trust", "cost_per_quality")
SEED = 20190404
"""Seed of the Latin hypercube (the reform experiment's seed)."""
REVERSED_MAX = 0.2
"""Upper bound on the share of the space where an effect is reversed with its interval clear of zero."""
KEPT_MIN = 0.5
"""Lower bound on the share of the space where an effect keeps its sign with its interval clear of zero."""


def reforms(ctx: Context) -> tuple[str, ...]:
    """The reform scenarios screened: every non-baseline scenario of experiments/reform_package.toml
    (the package alone in the fast subset)."""
    if ctx.fast:
        return ("reform_package",)
    doc = tomllib.loads((ROOT / "experiments" / "reform_package.toml").read_text(encoding="utf-8"))
    names = [p.rsplit("/", 1)[-1].removesuffix(".toml") for p in doc["experiment"]["scenarios"]]
    return tuple(n for n in names if n != doc["experiment"]["baseline"])


def points(ctx: Context) -> list[dict]:
    """The Latin-hypercube points of the screen, in design order."""
    return sample(Design("lhs", FACTORS, samples=ctx.screen_points), SEED)


@dataclass(frozen=True)
class Effect:
    """The paired effect of one reform on one outcome across the screen.

    Attributes:
        reform: the reform scenario. outcome: the outcome name.
        at_defaults: (mean, low, high) at the default parameters.
        by_point: one (mean, low, high) per point of the screen, in design order.
    """

    reform: str
    outcome: str
    at_defaults: tuple[float, float, float]
    by_point: tuple[tuple[float, float, float], ...]


def effect(ctx: Context, reform: str, outcome: str) -> Effect:
    """Run (or take from the context's cache) the screen of one reform and one outcome."""
    def one(overrides: dict) -> tuple[float, float, float]:
        base = ctx.summaries("baseline", overrides, screen=True)
        return mean_ci(paired(base, ctx.summaries(reform, overrides, screen=True), outcome))

    return Effect(reform, outcome, one({}), tuple(one(pt) for pt in points(ctx)))


def classify(intervals: np.ndarray, sign: int) -> tuple[np.ndarray, np.ndarray]:
    """Points where the effect keeps ``sign`` with its interval clear of zero, and where it is reversed
    with its interval clear of zero.

    Args:
        intervals: (points × 3) array of (mean, low, high).
        sign: +1 or −1, the sign at the defaults (0 keeps nothing and reverses nothing).
    """
    low, high = intervals[:, 1], intervals[:, 2]
    pos, neg = low > 0, high < 0
    if sign > 0:
        return pos, neg
    if sign < 0:
        return neg, pos
    return np.zeros(len(low), bool), np.zeros(len(low), bool)


def share_ci(flags: np.ndarray) -> tuple[float, float, float]:
    """Share of True with its exact (Clopper–Pearson) 95% interval; NaNs for no points."""
    n, k = len(flags), int(np.sum(flags))
    if n == 0:
        return math.nan, math.nan, math.nan
    ci = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return k / n, float(ci.low), float(ci.high)


def drivers(x: np.ndarray, y: np.ndarray, names: list[str]) -> tuple[str, list[tuple[str, float, float]]]:
    """The parameters that decide an effect, strongest first: (method, [(parameter, coefficient, p)]).

    The partial rank correlation coefficient (PRCC: the correlation of the ranks of one input and of
    the effect after removing the linear effect of the other inputs' ranks; Marino et al. 2008,
    J. Theor. Biol. 254, 178–196), which a Latin hypercube's chance correlations between inputs do not
    fool; with too few points for it (fewer than inputs + 3) the plain Spearman rank correlation.

    Args:
        x: (points × parameters) inputs. y: the effect's mean at each point. names: parameter names.
    """
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    n, k = x.shape
    dof = n - 2 - (k - 1)
    if n < 3 or np.ptp(y) == 0:
        return "Spearman ρ", [(name, math.nan, math.nan) for name in names]
    rx, ry = np.column_stack([sps.rankdata(c) for c in x.T]), sps.rankdata(y)
    out = []
    for j, name in enumerate(names):
        if np.ptp(x[:, j]) == 0:
            out.append((name, math.nan, math.nan))
        elif dof < 2:
            res = sps.spearmanr(x[:, j], y)
            out.append((name, float(res.statistic), float(res.pvalue)))
        else:
            others = np.column_stack([np.ones(n), np.delete(rx, j, axis=1)])
            ex = rx[:, j] - others @ np.linalg.lstsq(others, rx[:, j], rcond=None)[0]
            ey = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
            r = float(np.corrcoef(ex, ey)[0, 1])
            t = r * math.sqrt(dof / max(1 - r * r, 1e-300))
            out.append((name, r, float(2 * sps.t.sf(abs(t), dof))))
    ranked = sorted(out, key=lambda r: -abs(r[1]) if math.isfinite(r[1]) else 0.0)
    return ("PRCC" if dof >= 2 else "Spearman ρ"), ranked


def split(x: np.ndarray, flags: np.ndarray, mid: float) -> tuple[float, float]:
    """Share of flagged points with the parameter below ``mid`` and at or above it (NaN when none)."""
    lo, hi = flags[x < mid], flags[x >= mid]
    return (float(lo.mean()) if len(lo) else math.nan, float(hi.mean()) if len(hi) else math.nan)


def sign_of(est: tuple[float, float, float]) -> int:
    """The sign of a point estimate (0 for zero or undefined)."""
    return int(np.sign(est[0])) if math.isfinite(est[0]) else 0


@dataclass(frozen=True)
class Summary:
    """What the screen says about one effect (see :func:`summarise`)."""

    effect: Effect
    sign: int
    method: str
    same_point: float
    kept: tuple[float, float, float]
    reversed: tuple[float, float, float]
    drivers: list[tuple[str, float, float]]
    top_split: tuple[float, float]
    top_mid: float


def summarise(eff: Effect, pts: list[dict]) -> Summary:
    """Shares of the space with the sign of the point estimate kept, with the sign kept / reversed with
    the interval clear of zero, and the parameters
    that decide it (partial rank correlation of the effect with each input; for the strongest, the
    share kept below and above the middle of its range)."""
    iv = np.array(eff.by_point, dtype=float).reshape(-1, 3)
    s = sign_of(eff.at_defaults)
    kept, rev = classify(iv, s)
    names = [f.name for f in FACTORS]
    x = np.array([[pt[n] for n in names] for pt in pts], dtype=float).reshape(-1, len(names))
    method, ranked = drivers(x, iv[:, 0], names)
    top = next(f for f in FACTORS if f.name == ranked[0][0])
    mid = (float(top.low) + float(top.high)) / 2
    same = float(np.mean(np.sign(iv[:, 0]) == s)) if len(iv) and s else math.nan
    return Summary(eff, s, method, same, share_ci(kept), share_ci(rev), ranked, split(x[:, names.index(top.name)], kept, mid), mid)
