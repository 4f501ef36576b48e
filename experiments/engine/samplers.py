"""Experimental designs over factors: full grid, Latin hypercube, Sobol/Saltelli, Morris.

Each design turns a list of `Factor`s into a list of points (dicts of dotted parameter
path -> value), in a deterministic order that depends only on the factors, the sample
size and the experiment seed. LHS uses `scipy.stats.qmc.LatinHypercube`; Sobol (Saltelli
cross-sampling) and Morris trajectories use SALib so that `SALib.analyze.sobol` and
`SALib.analyze.morris` can analyse the results in design order (see `salib_problem`).

Continuous designs are drawn in the unit hypercube and then scaled; an integer factor
on `[lo, hi]` maps u in [0, 1] to `lo + floor(u * (hi - lo + 1))`, clipped to `hi`, so
every integer in the range is equally likely.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

DESIGNS = ("grid", "lhs", "sobol", "morris")
"""Design names accepted in `[factors] design = ...`."""


@dataclass(frozen=True)
class Factor:
    """One factor of an experiment.

    Attributes:
        name: Dotted parameter path, e.g. "procurement.price_weight".
        values: Levels for a grid design (numbers, strings or booleans), else None.
        low: Lower bound of a continuous range (inclusive), else None.
        high: Upper bound of a continuous range (inclusive), else None.
        integer: Whether range values are whole numbers.
    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Design:
    """A sampling design over factors.

    Attributes:
        method: One of `DESIGNS`.
        factors: The factors, in file order.
        samples: Base sample size N (lhs: points; sobol: N of Saltelli; morris:
            trajectories). None for grid.
        levels: Morris grid levels (even, >= 2).
        second_order: Sobol: also sample for second-order indices.
    """

    method: str
    factors: tuple[Factor, ...]
    samples: int | None = None
    levels: int = 4
    second_order: bool = True

    @property
    def names(self) -> list[str]:
        """Factor names in design order."""
        return [f.name for f in self.factors]


def expected_points(design: Design) -> int:
    """Number of points the design yields.

    Args:
        design: The design.

    Returns:
        grid: product of level counts; lhs: N; sobol: N*(2D+2) (N*(D+2) without
        second order); morris: N*(D+1).
    """
    d = len(design.factors)
    if design.method == "grid":
        return int(np.prod([len(f.values or ()) for f in design.factors]))
    n = int(design.samples or 0)
    if design.method == "lhs":
        return n
    if design.method == "sobol":
        return n * (2 * d + 2) if design.second_order else n * (d + 2)
    return n * (d + 1)


def salib_problem(design: Design) -> dict[str, Any]:
    """The SALib problem dict of a continuous design (names and real bounds).

    Args:
        design: An lhs, sobol or morris design.

    Returns:
        {"num_vars": D, "names": [...], "bounds": [[lo, hi], ...]}.
    """
    return {
        "num_vars": len(design.factors),
        "names": design.names,
        "bounds": [[f.low, f.high] for f in design.factors],
    }


def sample(design: Design, seed: int) -> list[dict[str, Any]]:
    """Draw the points of a design.

    Args:
        design: The design.
        seed: Experiment seed; scrambles LHS/Sobol and picks Morris trajectories.

    Returns:
        One dict (factor name -> value) per point, in design order.
    """
    if design.method == "grid":
        levels = [f.values or () for f in design.factors]
        combos = itertools.product(*levels)
        return [dict(zip(design.names, combo, strict=True)) for combo in combos]
    unit = _unit_sample(design, seed)
    return [
        {f.name: _scale(f, u) for f, u in zip(design.factors, row, strict=True)} for row in unit
    ]


def _unit_sample(design: Design, seed: int) -> np.ndarray:
    d = len(design.factors)
    n = int(design.samples or 0)
    if design.method == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    unit_problem = {"num_vars": d, "names": design.names, "bounds": [[0.0, 1.0]] * d}
    if design.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            unit_problem, n, calc_second_order=design.second_order, scramble=True, seed=seed
        )
    if design.method == "morris":
        from SALib.sample import morris

        return morris.sample(unit_problem, n, num_levels=design.levels, seed=seed)
    raise ValueError(f"unknown design {design.method!r}; allowed: {', '.join(DESIGNS)}")


def _scale(factor: Factor, u: float) -> Any:
    lo, hi = float(factor.low), float(factor.high)  # type: ignore[arg-type]
    if factor.integer:
        return int(min(hi, lo + np.floor(u * (hi - lo + 1.0))))
    return float(lo + u * (hi - lo))
