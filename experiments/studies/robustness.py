"""Robustness of the headline conclusions: the reform package's main effects keep their sign
across a one-at-a-time screen of the uncertain behavioural parameters.

Each parameter is set to half and to twice its current default (clipped to its allowed range),
on the small region; the effect of reform_package against the baseline is computed on the same
seeds (common random numbers). The reference sign is the one at the defaults.
"""

from __future__ import annotations

import numpy as np

from experiments.studies.common import Context, Record, fmt_ci, mean_ci, paired

GROUP = "robustness"
"""The group name of this module's checks (their `Record.group`)."""
TITLE = "Robustness of the headline conclusions"
"""The heading of the group in docs/VALIDATION.md."""

MORRIS = ("Saltelli, A. et al. (2008). Global Sensitivity Analysis: The Primer, Wiley, ch. 3 (one-at-a-time "
          "screening); Grimm, V. et al. (2020). The ODD protocol for describing agent-based and other "
          "simulation models: a second update. JASSS 23(2), 7.")
UNCERTAIN = ("bidding.belief_rate", "delivery.effort_cost", "delivery.intrinsic", "citizens.trust_rate",
             "procurement.travel_cost_yuan_km", "delivery.min_effort")
FACTORS = (0.5, 2.0)
EFFECTS = ("quality_delivered", "no_bid_rate_village", "fraud_loss", "trust")


def _bounds(path: str) -> tuple[float, float]:
    """The allowed range of a parameter leaf (from the tree's ge/le)."""
    from model.param_tree import Params

    model, parts = Params, path.split(".")
    for part in parts[:-1]:
        model = model.model_fields[part].annotation
    lo, hi = -np.inf, np.inf
    for m in model.model_fields[parts[-1]].metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def variants() -> list[tuple[str, float]]:
    """(parameter, value) of every variant of the screen."""
    from model.params import DEFAULTS

    out = []
    for path in UNCERTAIN:
        lo, hi = _bounds(path)
        for f in FACTORS:
            out.append((path, float(np.clip(DEFAULTS[path] * f, lo, hi))))
    return out


def _sign(x: float, scale: float) -> int:
    """Sign with a dead zone of 1e-9 × scale (an effect of exactly zero keeps sign 0)."""
    return 0 if abs(x) <= 1e-9 * max(scale, 1.0) else int(np.sign(x))


def _effects(ctx: Context, overrides: dict) -> dict[str, np.ndarray]:
    base = ctx.summaries("baseline", overrides, small=True)
    alt = ctx.summaries("reform_package", overrides, small=True)
    return {k: paired(base, alt, k) for k in EFFECTS}


def _check(ctx: Context, outcome: str, idx: int) -> Record:
    ref = _effects(ctx, {})[outcome]
    ref_ci = mean_ci(ref)
    scale = float(np.nanmax(np.abs(ref))) if np.isfinite(ref).any() else 1.0
    s0 = _sign(ref_ci[0], scale)
    rows, kept = [], 0
    for path, value in variants():
        e = mean_ci(_effects(ctx, {path: value})[outcome])
        same = _sign(e[0], scale) == s0
        kept += same
        rows.append(f"{path} = {value:g}: {fmt_ci(e)}{'' if same else ' — SIGN CHANGED'}")
    n = len(variants())
    direction = {1: "positive", -1: "negative", 0: "zero"}[s0]
    return Record(
        f"R{idx}", f"Reform package effect on {outcome} keeps its sign", GROUP, MORRIS, "R1–R6",
        f"the paired effect of reform_package vs baseline on {outcome} has the same sign as at the defaults "
        f"in every variant: {', '.join(UNCERTAIN)} each at ×{FACTORS[0]:g} and ×{FACTORS[1]:g} of the default",
        f"at the defaults {fmt_ci(ref_ci)} ({direction}); sign kept in {kept}/{n} variants", kept == n,
        f"Small region {ctx.small_years} years, seeds {list(ctx.small_seeds)}. " + "; ".join(rows) + ".")


def _make(outcome: str, idx: int):
    def check(ctx: Context) -> Record:
        return _check(ctx, outcome, idx)

    check.__name__ = f"sign_{outcome}"
    check.__doc__ = f"R{idx}: the sign of the reform package's effect on {outcome} across the screen."
    return check


CHECKS = [(_make(o, i + 1), False) for i, o in enumerate(EFFECTS)]
"""(check, in the fast subset)."""
