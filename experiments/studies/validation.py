"""Validation: docking against theory, the article's stylised facts, empirical plausibility and
robustness of the headline conclusions. ``python -m experiments validate`` runs every
check and writes docs/VALIDATION.md; the test suite runs the fast subset.

Each check is a function ``check(ctx) -> Record`` in one of the group modules (theory,
stylised, empirical, robustness), listed in the module's ``CHECKS`` with whether it belongs to
the fast subset. Checks that hold by construction (an identity of a formula, or a fact guaranteed by
an input) are listed in ``IDENTITIES`` and reported apart, never counted as validation.
"""

from __future__ import annotations

from collections.abc import Callable

from experiments.studies import empirical, robustness, stake, stylised, theory
from experiments.studies.common import IDENTITY_GROUP, Context, Record

GROUPS = {"theory": theory.CHECKS, stake.GROUP: stake.CHECKS, "stylised": stylised.CHECKS, "empirical": empirical.CHECKS,
          "robustness": robustness.CHECKS,
          IDENTITY_GROUP: [(theory.effort_identity, True), *stylised.IDENTITY_CHECKS]}
"""Group name -> [(check, in_fast_subset), ...], in report order."""


def _listed(fast: bool) -> list[tuple[str, Callable[[Context], Record]]]:
    return [(g, fn) for g, listed in GROUPS.items() for fn, in_fast in listed if in_fast or not fast]


def checks(fast: bool) -> list[Callable[[Context], Record]]:
    """The checks of the fast subset (``fast=True``) or all of them, in report order."""
    return [fn for _, fn in _listed(fast)]


def run_checks(fast: bool, ctx: Context | None = None,
               progress: Callable[[Record], None] | None = None) -> list[Record]:
    """Run the checks; a check that raises is recorded as failed with the error as its note.

    Args:
        fast: only the fast subset, with the fast settings.
        ctx: the context (default ``Context.make(fast)``); its cache is shared by all checks.
        progress: called with each record as it is obtained.
    """
    ctx = ctx or Context.make(fast)
    out = []
    for group, fn in _listed(fast):
        try:
            rec = fn(ctx)
        except Exception as exc:  # a broken check is a failed check, reported, never hidden
            rec = Record(fn.__name__, fn.__doc__.splitlines()[0] if fn.__doc__ else fn.__name__, group, "", "",
                         "the check runs", "error", (), f"error: {type(exc).__name__}: {exc}")
        out.append(rec)
        if progress:
            progress(rec)
    return out


__all__ = ["Context", "Record", "GROUPS", "checks", "run_checks"]
