"""Robustness of the headline conclusions: does the reform package's effect on each headline outcome
keep its sign, with its interval clear of zero, over the plausible parameter space?

The screen itself (design, runs, analysis) is in :mod:`experiments.studies.screen`; this module
turns it into one check per headline outcome (R1–R5) and into the report's table for every reform.
"""

from __future__ import annotations

import math

from experiments.studies import screen
from experiments.studies.common import Context, Record, above, below, fmt_ci

SCREEN_SOURCE = ("McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three methods for "
                 "selecting values of input variables in the analysis of output from a computer code. "
                 "Technometrics 21(2), 239–245 (Latin hypercube); Saltelli, A. et al. (2008). Global "
                 "Sensitivity Analysis: The Primer, Wiley; Grimm, V. et al. (2020). The ODD protocol: a "
                 "second update. JASSS 23(2), 7.")
PACKAGE = "reform_package"


def _direction(sign: int) -> str:
    return {1: "positive", -1: "negative"}.get(sign, "zero")


def _share(e: tuple[float, float, float]) -> str:
    return f"{e[0]:.0%} ({e[1]:.0%}–{e[2]:.0%})"


def _drivers_text(s: screen.Summary, k: int = 3) -> str:
    top = "; ".join(f"{n} {s.method} = {r:+.2f} (p = {p:.2g})" for n, r, p in s.drivers[:k] if math.isfinite(r))
    lo, hi = s.top_split
    return (f"{top or 'none'}; sign kept (clear of zero) in {lo:.0%} of points with {s.drivers[0][0]} < "
            f"{s.top_mid:g} and {hi:.0%} at or above" if math.isfinite(lo) and math.isfinite(hi) else top or "none")


def _check(ctx: Context, outcome: str, idx: int) -> Record:
    pts = screen.points(ctx)
    s = screen.summarise(screen.effect(ctx, PACKAGE, outcome), pts)
    at = s.effect.at_defaults
    crit = ((above if s.sign >= 0 else below)(f"effect on {outcome} at the defaults", at),
            above("share of the space with the sign kept, interval clear of zero", s.kept, screen.KEPT_MIN),
            below("share of the space with the sign reversed, interval clear of zero", s.reversed,
                  screen.REVERSED_MAX))
    names = ", ".join(f"{f.name} {f.low:g}–{f.high:g}" for f in screen.FACTORS)
    return Record(
        f"R{idx}", f"Reform package effect on {outcome} keeps its sign over the parameter space", "robustness",
        SCREEN_SOURCE, "R1–R6",
        f"the paired effect of reform_package vs baseline on {outcome} is clear of zero at the defaults (95% "
        f"CI), and over a Latin hypercube of {len(pts)} points ({names}) it keeps that sign with its interval "
        f"clear of zero over most of the space (exact 95% CI of the share: lower bound > {screen.KEPT_MIN:g}) "
        f"and is reversed with its interval clear of zero almost nowhere (upper bound < {screen.REVERSED_MAX:g})",
        f"at the defaults {fmt_ci(at)} ({_direction(s.sign)}); sign kept clear of zero at "
        f"{s.kept[0]:.0%} of points, reversed clear of zero at {s.reversed[0]:.0%}", crit,
        f"{ctx.describe_screen()}. Parameters that decide it (partial rank correlation of the effect with "
        f"the input over the points, the others held fixed): {_drivers_text(s)}.")


def _make(outcome: str, idx: int):
    def check(ctx: Context) -> Record:
        return _check(ctx, outcome, idx)

    check.__name__ = f"sign_{outcome}"
    check.__doc__ = f"R{idx}: the reform package's effect on {outcome} over the robustness screen."
    return check


CHECKS = [(_make(o, i + 1), False) for i, o in enumerate(screen.OUTCOMES)]
"""(check, in the fast subset)."""


def summaries(ctx: Context) -> list[tuple[str, str, screen.Summary]]:
    """(reform, outcome, what the screen says) for every reform × headline outcome, in table order."""
    pts = screen.points(ctx)
    return [(reform, outcome, screen.summarise(screen.effect(ctx, reform, outcome), pts))
            for reform in screen.reforms(ctx) for outcome in screen.OUTCOMES]


def table(ctx: Context) -> list[dict]:
    """The robustness table as plain rows (the CSV that ``validate`` saves; the reform report reads it):
    reform, outcome, the effect at the defaults with its 95% CI, the shares (same sign; kept and
    reversed clear of zero, each with its exact 95% CI), the ranking method and the deciding parameters."""
    out = []
    for reform, outcome, s in summaries(ctx):
        e = s.effect.at_defaults
        out.append({"reform": reform, "outcome": outcome, "effect": e[0], "effect_low": e[1], "effect_high": e[2],
                    "same_sign": s.same_point, "kept": s.kept[0], "kept_low": s.kept[1], "kept_high": s.kept[2],
                    "reversed": s.reversed[0], "reversed_low": s.reversed[1], "reversed_high": s.reversed[2],
                    "method": s.method, "decided_by": _drivers_text(s, 2)})
    return out


def design(ctx: Context) -> dict:
    """The screen's design, for the manifest saved beside the table."""
    return {"design": "lhs", "seed": screen.SEED, "points": ctx.screen_points, "seeds": list(ctx.screen_seeds),
            "years": ctx.screen_years, "region": ctx.screen_region or "default",
            "factors": {f.name: [f.low, f.high] for f in screen.FACTORS}, "reforms": list(screen.reforms(ctx)),
            "outcomes": list(screen.OUTCOMES), "describe": ctx.describe_screen()}


def section(ctx: Context) -> list[str]:
    """The report's robustness table: every reform × headline outcome (Markdown lines)."""
    pts = screen.points(ctx)
    rows, placebo, method = [], [], "PRCC"
    for reform, outcome, s in summaries(ctx):
        same = "–" if math.isnan(s.same_point) else f"{s.same_point:.0%}"  # no sign at the defaults: none to keep
        rows.append(f"| {reform} | {outcome} | {fmt_ci(s.effect.at_defaults)} | {same} | "
                    f"{_share(s.kept)} | {_share(s.reversed)} | {_drivers_text(s, 2)} |")
        method = s.method
        if outcome != "trust":
            placebo += [abs(r) for n, r, _ in s.drivers if n == screen.PLACEBO and math.isfinite(r)]
    floor = (f"Negative control: `{screen.PLACEBO}` has no path to any outcome but trust (trust feeds back "
             f"into nothing in the model); its partial rank correlation with the effects on the other outcomes "
             f"reaches |{method}| = {max(placebo):.2f} (median {sorted(placebo)[len(placebo) // 2]:.2f}, over "
             f"{len(placebo)} reform × outcome pairs): coefficients of that size are the noise of "
             f"{len(pts)} points with {len(screen.FACTORS)} parameters, not evidence that a parameter "
             "decides an effect." if placebo else "")
    return [
        "## Robustness screen: every reform", "",
        f"Design: Latin hypercube (scipy.stats.qmc via experiments/samplers.py, seed {screen.SEED}) on "
        f"{ctx.describe_screen()}; produced by `python -m experiments validate`. Ranges: "
        + ", ".join(f"`{f.name}` {f.low:g}–{f.high:g}" for f in screen.FACTORS)
        + ". Per reform and outcome: the paired effect at the defaults; the share of points where the point "
        "estimate has the same sign (same sign); the share where the effect keeps that sign with its 95% "
        "interval clear of zero (kept) and where it has the opposite sign clear of zero (reversed), each with "
        "its exact 95% interval (points in neither are inconclusive at this number of seeds); the parameters "
        "whose partial rank correlation (PRCC, Marino et al. 2008; the other inputs' ranks partialled out, "
        "so the Latin hypercube's chance correlations between inputs do not mislead) with the effect is "
        "strongest, and for the first of them the share kept below and above the middle of its range.", "",
        *([floor, ""] if floor else []),
        "| reform | outcome | effect at defaults | same sign | kept | reversed | decided by |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
