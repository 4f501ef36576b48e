"""What every validation check shares: the record it returns, the run cache, small statistics.

A check is a function ``check(ctx: Context) -> Record``. The :class:`Context` fixes the region,
years and seeds of the mode (``fast`` for the test suite, full for ``python -m experiments
validate``) and memoises model runs, so checks that need the same runs (the baseline, above all)
share them. The cache lives in the context object: there is no module-level state.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats as sps

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "experiments" / "scenarios"
SMALL_REGION = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20}
MECHANISMS = "shared/seed/MECHANISMS.md"


@dataclass(frozen=True)
class Record:
    """The result of one check.

    Attributes:
        id: short identifier (``T1``, ``S3``, ``E2``, ``R1``…).
        title: one line.
        group: "theory", "stylised", "empirical" or "robustness".
        source: full citation of what the check follows.
        mechanism: the MECHANISMS.md row(s) it concerns ("" where none).
        expected: the expected result and the pass criterion, in words.
        obtained: the value obtained with its 95% confidence interval.
        passed: whether the criterion holds.
        note: how it was computed, details per configuration, explanation of a failure.
    """

    id: str
    title: str
    group: str
    source: str
    mechanism: str
    expected: str
    obtained: str
    passed: bool
    note: str = ""


@dataclass
class Context:
    """Region, horizon and seeds of one validation pass, and its cache of model runs.

    Attributes:
        fast: the quick subset's settings (small region, few years, few seeds).
        region: dotted overrides that set the region of the model runs.
        years: simulated years of each run.
        seeds: one run per seed (common random numbers across scenarios).
        small_seeds: seeds of the small-region screens (robustness).
        small_years: years of the small-region screens.
    """

    fast: bool
    region: dict[str, Any]
    years: int
    seeds: tuple[int, ...]
    small_seeds: tuple[int, ...]
    small_years: int
    _cache: dict[str, list[dict[str, float]]] = field(default_factory=dict, repr=False)

    @classmethod
    def make(cls, fast: bool) -> "Context":
        """The settings of the fast subset (``fast=True``) or of the full validation."""
        if fast:
            return cls(True, {}, 3, (1, 2, 3), (1, 2, 3), 3)
        return cls(False, {}, 10, (1, 2, 3, 4, 5), (1, 2, 3, 4), 5)

    def describe(self) -> str:
        """One line naming the settings."""
        region = ", ".join(f"{k} = {v}" for k, v in self.region.items()) or "the default region"
        return (f"{'fast subset' if self.fast else 'full validation'}: {region}; {self.years} years; "
                f"seeds {list(self.seeds)}")

    def summaries(self, scenario: str = "baseline", overrides: dict[str, Any] | None = None, *,
                  small: bool = False) -> list[dict[str, float]]:
        """Summary outcomes of ``scenario`` (+ ``overrides``), one dict per seed, memoised.

        Args:
            scenario: the name of a file in experiments/scenarios/ (without ``.toml``).
            overrides: extra dotted-path overrides on top of the scenario.
            small: run on the small region with ``small_seeds`` and ``small_years``.
        """
        from model import load_scenario, simulate

        region = SMALL_REGION if small else self.region
        seeds = self.small_seeds if small else self.seeds
        years = self.small_years if small else self.years
        extra = {**region, **(overrides or {})}
        key = json.dumps([scenario, sorted(extra.items()), list(seeds), years], default=str)
        if key not in self._cache:
            params = load_scenario(SCENARIOS / f"{scenario}.toml").params(extra)
            self._cache[key] = [simulate(params, seed=s, years=years).summary for s in seeds]
        return self._cache[key]

    @property
    def runs_done(self) -> int:
        """Model runs simulated so far (cache entries × seeds)."""
        return sum(len(v) for v in self._cache.values())


def values(runs: list[dict[str, float]], name: str) -> np.ndarray:
    """One outcome across the runs (one value per seed)."""
    return np.array([r[name] for r in runs], dtype=float)


def mean_ci(x: np.ndarray | list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of the mean over replications.

    Args:
        x: one value per replication (NaNs are dropped).
        level: confidence level (0–1).

    Returns:
        (mean, low, high); the interval is (mean, mean) for a single value, NaNs for none.
    """
    a = np.asarray(x, dtype=float)
    a = a[np.isfinite(a)]
    if len(a) == 0:
        return math.nan, math.nan, math.nan
    m = float(a.mean())
    if len(a) == 1:
        return m, m, m
    half = float(sps.t.ppf(0.5 + level / 2, len(a) - 1) * a.std(ddof=1) / math.sqrt(len(a)))
    return m, m - half, m + half


def fmt_ci(est: tuple[float, float, float], digits: int = 3, unit: str = "") -> str:
    """``0.123 (95% CI 0.100 to 0.150)`` with an optional unit after the value."""
    m, lo, hi = est
    u = f" {unit}" if unit else ""
    if not math.isfinite(m):
        return "undefined (no data)"
    return f"{m:.{digits}g}{u} (95% CI {lo:.{digits}g} to {hi:.{digits}g})"


def paired(base: list[dict[str, float]], alt: list[dict[str, float]], name: str) -> np.ndarray:
    """Per-seed differences alt − base of one outcome (common random numbers)."""
    return values(alt, name) - values(base, name)
