"""Reforms switched on in a running county (docs/ODD.md §5): a finding must survive the county's
initial conditions, so a reform starts after a warm-up, not from a cold start.

A run with ``baseline=q, reform_start_year=k`` builds its world from ``q``, runs ``q`` for years
1..k−1 and switches to the reform's parameters ``p`` at the start of year k. Everything the
county has become carries over: firms (their cash, capability, reputation, listings), contracts,
orders, beliefs, memories, buyers' awareness, citizens' satisfaction, expectations and trust, the
random streams. What a switch rebuilds is every object the model derived from its parameters
when it was built (:func:`switch_params`).

A switch is refused when the two trees differ in a parameter that only shapes the world at
month 0 (:data:`WORLD_PATHS`): such a change could not take effect in a running county, so the
run would silently not be the one asked for. Parameters that build_world reads and the months
read again (firm types' attributes for entrants, ``evaluation.prior_reputation``,
``commission.favour_below``, ``commission.known_radius_km``, ``bidding.prior_rivals``,
``bidding.markup_init``) take effect from the switch: for entrants, new pairs and new decisions;
what was drawn at month 0 stays as the baseline drew it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from model.delivery.blacklist import Blacklist
from model.delivery.effort import contractible_share
from model.param_tree import Params
from model.units import MONTHS_PER_YEAR

if TYPE_CHECKING:
    from model.state import State

#: Dotted paths (regular expressions over the flat tree) that only the world's construction at
#: month 0 reads, plus the run's horizon: they must be equal in the baseline and the reform.
WORLD_PATHS = (
    r"region\..+",                                  # places, households, departments, bands
    r"firms\.[a-z_]+\.count",                       # the firms at month 0
    r"buyers\.staff_(city|town|village)",           # buyers' staff
    r"buyers\.awareness_(mean|sd)",                 # buyers' awareness at month 0
    r"commission\.integrity_(mean|strength)",       # buyers' integrity
    r"citizens\.taste_sd",                          # households' tastes per slot
    r"citizens\.(expectation|satisfaction|trust)_init",  # households at month 0
    r"years", r"burn_in_years",                     # the run's horizon and its summary window
)
_WORLD = re.compile("|".join(f"(?:{w})" for w in WORLD_PATHS))


def world_differences(a: Params, b: Params) -> list[str]:
    """Dotted paths of the world-defining parameters (:data:`WORLD_PATHS`) that differ."""
    return flat_world_differences(a.flat(), b.flat())


def flat_world_differences(fa: dict, fb: dict) -> list[str]:
    """:func:`world_differences` of two flat trees (``Params.flat()``; what experiments plan with)."""
    return sorted(k for k in fa.keys() | fb.keys() if _WORLD.fullmatch(k) and fa.get(k) != fb.get(k))


def check_switch(baseline: Params, params: Params) -> None:
    """Raise ValueError naming the world-defining paths in which the two trees differ."""
    fb, fp = baseline.flat(), params.flat()
    diff = flat_world_differences(fb, fp)
    if diff:
        raise ValueError("a reform switched on in a running county must keep the world the baseline built: "
                         f"{', '.join(diff)} differ (baseline → reform: "
                         + "; ".join(f"{k} {fb.get(k)!r} → {fp.get(k)!r}" for k in diff) + ")")


def switch_month(reform_start_year: int | None, years: int) -> int | None:
    """Months completed under the baseline before the switch, or None for no switch (``None`` or 1).

    Raises ValueError unless ``reform_start_year`` is None or an integer from 1 to ``years``.
    """
    k = reform_start_year
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= years:
        raise ValueError(f"reform_start_year must be an integer from 1 to years = {years} (the year whose "
                         f"first month runs the reform's parameters), got {k!r}")
    return None if k == 1 else MONTHS_PER_YEAR * (k - 1)


def switch_params(m: State, params: Params) -> None:
    """Run ``m`` on ``params`` from its next month; state carries over (module docstring).

    Rebuilds what ``ProcurementModel.__init__`` derived from its parameters: the contractible
    shares (``kappa``), the award weights, the blacklist policy (its buyer-scope listings kept),
    the beliefs' priors for new firm rows, the default private reputation of an unseen pair and
    the citizens' parameters. Phases and costs read ``m.p`` every month.
    """
    check_switch(m.p, params)
    m.p = params
    m.kappa = contractible_share(params, m.cat.contractibility)
    s = params.scoring
    m.weights = {"price": s.price_weight, "technical": s.technical_weight,
                 "reputation": s.reputation_weight, "citizen": s.citizen_weight}
    bl = params.blacklist
    listings = m.blacklist.by_buyer
    m.blacklist = Blacklist(bl.trigger, bl.scope, bl.duration, enabled=params.channels.blacklist)
    m.blacklist.by_buyer = listings
    bd = params.bidding
    m.beliefs.prior_win, m.beliefs.markup_init = 1.0 / (1.0 + bd.prior_rivals), bd.markup_init
    m.beliefs.learning = params.channels.entry_learning
    m.private_rep.default = float(params.evaluation.prior_reputation)
    m.citizens.set_params(params.citizens)
