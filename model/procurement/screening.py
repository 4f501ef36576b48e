"""Qualification screening (资质审查; seed S9): the article's five checks with a strictness lever.

Checks, switched on as strictness ``s`` rises (all five at s = 1):

1. independent legal liability (s > 0);
2. equipment and technical capability: capability ≥ capability_floor · s · specialisation;
3. professional qualification for specialised items (specialisation > 0.5, s ≥ 0.6);
4. sound accounting (s ≥ 0.4);
5. no major violation (a blacklisting) within ``violation_years`` (s > 0).

Items worth less than ``relax_below_yuan`` skip checks 1, 3 and 4 (the relaxed-screening reform).
"""

from __future__ import annotations

import numpy as np

from model.param_tree import Params


def eligible(p: Params, month: int, value: np.ndarray, spec: np.ndarray, ti: np.ndarray, fi: np.ndarray,
             firms) -> np.ndarray:
    """Mask of (tender, firm) pairs that pass screening.

    Args:
        month: the current month (1-based). value, spec: per tender (yuan/year, 0–1).
        ti, fi: candidate pairs. firms: the firm table.
    """
    s = p.screening.strictness
    formal = value[ti] >= p.screening.relax_below_yuan
    ok = np.ones(len(ti), bool)
    if s > 0:
        ok &= ~formal | firms.legal[fi]
        ok &= firms.capability[fi] >= p.screening.capability_floor * s * spec[ti]
        recent = month - firms.listed_at[fi] < 12 * p.screening.violation_years
        ok &= ~recent
    if s >= 0.4:
        ok &= ~formal | firms.accounting[fi]
    if s >= 0.6:
        ok &= ~formal | (spec[ti] <= 0.5) | firms.qualified[fi]
    return ok
