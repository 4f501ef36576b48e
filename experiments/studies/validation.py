"""Validation: docking against theory, the article's stylised facts, empirical plausibility and
robustness of the headline conclusions (issue 8). ``python -m experiments validate`` runs every
check and writes docs/VALIDATION.md; the test suite runs the fast subset.

Each check is a function ``check(ctx) -> Record`` in one of the group modules (theory,
stylised, empirical, robustness), listed in the module's ``CHECKS`` with whether it belongs to
the fast subset.
"""

from __future__ import annotations

from collections.abc import Callable

from experiments.studies import empirical, robustness, stake, stylised, theory
from experiments.studies.common import Context, Record

GROUPS = {mod.GROUP: mod for mod in (theory, stake, stylised, empirical, robustness)}
"""Group name -> module exposing GROUP, TITLE and CHECKS = [(check, in_fast_subset), ...]."""


def checks(fast: bool) -> list[Callable[[Context], Record]]:
    """The checks of the fast subset (``fast=True``) or all of them, in report order."""
    return [fn for mod in GROUPS.values() for fn, in_fast in mod.CHECKS if in_fast or not fast]


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
    for fn in checks(fast):
        try:
            rec = fn(ctx)
        except Exception as exc:  # a broken check is a failed check, reported, never hidden
            group = next((g for g, mod in GROUPS.items() if mod.__name__ == fn.__module__), fn.__module__)
            rec = Record(fn.__name__, fn.__doc__.splitlines()[0] if fn.__doc__ else fn.__name__, group, "", "",
                         "the check runs", "error", False, f"error: {type(exc).__name__}: {exc}")
        out.append(rec)
        if progress:
            progress(rec)
    return out


__all__ = ["Context", "Record", "GROUPS", "checks", "run_checks"]
