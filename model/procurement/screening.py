"""Qualification screening (资质审查; seed S9): the article's five checks with a strictness lever.

Checks, switched on as strictness ``s`` rises (all five at s = 1; parameters of ``screening``):

1. independent legal liability (s > 0);
2. equipment and technical capability: capability ≥ capability_floor · s · specialisation;
3. professional qualification for specialised items (specialisation > ``specialised_above``,
   0.5; s ≥ ``qualification_from``, 0.6);
4. sound accounting (s ≥ ``accounting_from``, 0.4);
5. no major violation (a blacklisting) within ``violation_years`` (s > 0).

The five are the supplier conditions of the Government Procurement Law art. 22 (current law);
the order in which the strictness lever switches them on is the model's.

Items worth less than ``relax_below_yuan`` skip checks 1, 3 and 4 (the relaxed-screening reform).
"""

from __future__ import annotations

import numpy as np

from model.param_tree import Params
from model.units import MONTHS_PER_YEAR


def eligible(p: Params, month: int, value: np.ndarray, spec: np.ndarray, ti: np.ndarray, fi: np.ndarray,
             firms) -> np.ndarray:
    """Mask of (tender, firm) pairs that pass screening.

    The checks are taken apart once per tender (which checks apply: :func:`_tender_checks`) and
    once per firm (which it passes: :func:`_firm_passes`), so each pair costs a few gathers —
    at the province's ~10⁸ heard pairs a month the per-pair work is what counts.

    Args:
        month: the current month (1-based). value, spec: per tender (yuan/year, 0–1).
        ti, fi: candidate pairs. firms: the firm table.
    """
    rule = parts(p, month, value, spec, firms)
    if rule is None:
        return np.ones(len(ti), bool)
    kind, passes, need = rule
    at = kind[ti] * passes.shape[1]  # the pair's row of passes, flattened
    at += fi
    ok = passes.ravel()[at]
    ok &= firms.capability[fi] >= need[ti]
    return ok


def parts(p: Params, month: int, value: np.ndarray, spec: np.ndarray, firms
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The rule of :func:`eligible` taken apart: ``(kind, passes, need)`` — per tender which checks
    apply (RELAXED, FORMAL or SPECIALISED), per kind and firm whether the firm passes them
    (``[kind, firm]``), and per tender check 2's capability floor — so a pair ``(t, f)`` is
    eligible when ``passes[kind[t], f]`` and ``capability[f] ≥ need[t]``. None when screening is
    off (strictness 0: every pair is eligible)."""
    s = p.screening.strictness
    if s <= 0:
        return None
    need = p.screening.capability_floor * s * spec  # check 2's floor, per tender
    return _tender_checks(p, value, spec), _firm_passes(p, month, firms), need


#: Which of the formal checks (1, 4, 3) a tender is subject to: none (a small item under relaxed
#: screening), those of every formal item, or those of a formal specialised item.
RELAXED, FORMAL, SPECIALISED = range(3)


def _tender_checks(p: Params, value: np.ndarray, spec: np.ndarray) -> np.ndarray:
    """Per tender: RELAXED, FORMAL or SPECIALISED (qualification checked)."""
    sp = p.screening
    formal = value >= sp.relax_below_yuan
    return np.where(formal, np.where(spec > sp.specialised_above, SPECIALISED, FORMAL), RELAXED)


def _firm_passes(p: Params, month: int, firms) -> np.ndarray:
    """``[checks, firm]``: whether the firm passes the checks other than capability (2) on a tender
    of each kind (RELAXED, FORMAL, SPECIALISED), at strictness ``s > 0``."""
    sp = p.screening
    clean = ~(month - firms.listed_at < MONTHS_PER_YEAR * sp.violation_years)  # check 5
    formal = clean & firms.legal  # check 1
    if sp.strictness >= sp.accounting_from:
        formal = formal & firms.accounting  # check 4
    specialised = formal & firms.qualified if sp.strictness >= sp.qualification_from else formal  # check 3
    return np.stack([clean, formal, specialised])
