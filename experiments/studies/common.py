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
MECHANISMS = "docs/ODD.md §7.15"
"""Where the article's mechanism rows (S1–S15, P1–P8, R1–R6) are mapped to the model."""


@dataclass(frozen=True)
class Criterion:
    """One test that can fail, judged on a 95% confidence interval.

    Attributes:
        name: what is estimated, e.g. "Δ quality_delivered (scoring_30 − lowest price)".
        mean: the estimate (mean over replications).
        low: lower end of its 95% confidence interval.
        high: upper end of its 95% confidence interval.
        kind: "above" (met when ``low > lower``: a predicted rise, the value 0 excluded), "below"
            (met when ``high < upper``: a predicted fall), or "inside" (met when
            ``lower <= low`` and ``high <= upper``: an equivalence margin where no change is
            predicted, or a published range where a magnitude is compared).
        lower: the bound of "above" and the low end of "inside".
        upper: the bound of "below" and the high end of "inside".
    """

    name: str
    mean: float
    low: float
    high: float
    kind: str
    lower: float = -math.inf
    upper: float = math.inf

    def __post_init__(self) -> None:
        if self.kind not in CRITERION_KINDS:
            raise ValueError(f"criterion kind {self.kind!r}; allowed: {', '.join(CRITERION_KINDS)}")

    @property
    def met(self) -> bool:
        """Whether the interval satisfies the test (an undefined interval never does)."""
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            return False
        return criterion_met(self.kind, self.low, self.high, self.lower, self.upper)

    def test(self) -> str:
        """The test in the notation the report uses and :func:`render.audit` parses."""
        if self.kind == "above":
            return f"low > {self.lower:.6g}"
        if self.kind == "below":
            return f"high < {self.upper:.6g}"
        return f"inside [{self.lower:.6g}, {self.upper:.6g}]"


CRITERION_KINDS = ("above", "below", "inside")


def criterion_met(kind: str, low: float, high: float, lower: float, upper: float) -> bool:
    """The test of a criterion on an interval [low, high] (shared by Criterion and the report audit)."""
    if kind == "above":
        return low > lower
    if kind == "below":
        return high < upper
    return lower <= low and high <= upper


def above(name: str, est: tuple[float, float, float], bound: float = 0.0) -> Criterion:
    """A predicted rise: the lower 95% bound of ``est`` (mean, low, high) must exceed ``bound``."""
    return Criterion(name, *est, "above", lower=bound)


def below(name: str, est: tuple[float, float, float], bound: float = 0.0) -> Criterion:
    """A predicted fall: the upper 95% bound of ``est`` must be below ``bound``."""
    return Criterion(name, *est, "below", upper=bound)


def inside(name: str, est: tuple[float, float, float], lower: float, upper: float) -> Criterion:
    """A magnitude in a published range, or no change within an equivalence margin (±m)."""
    return Criterion(name, *est, "inside", lower=lower, upper=upper)


IDENTITY_GROUP = "identities"
"""Checks that hold by construction (an identity of a formula, or guaranteed by an input): shown so a
reader sees them, never counted as validation passes."""


@dataclass(frozen=True)
class Record:
    """The result of one check.

    Attributes:
        id: short identifier (``T1``, ``S3``, ``E2``, ``R1``, ``I1``…).
        title: one line.
        group: "theory", "stylised", "empirical", "robustness" or "identities" (not counted).
        source: full citation of what the check follows.
        mechanism: the MECHANISMS.md row(s) it concerns ("" where none).
        expected: the expected result and the pass criterion, in words.
        obtained: the value obtained with its 95% confidence interval, in words.
        criteria: the tests, each on a confidence interval; the check passes when there is at
            least one and every one is met.
        note: how it was computed, details per configuration, explanation of a failure.
    """

    id: str
    title: str
    group: str
    source: str
    mechanism: str
    expected: str
    obtained: str
    criteria: tuple[Criterion, ...] = ()
    note: str = ""

    @property
    def passed(self) -> bool:
        """Every criterion met (a check without criteria, e.g. one that raised, fails)."""
        return bool(self.criteria) and all(c.met for c in self.criteria)

    @property
    def counted(self) -> bool:
        """Whether the check counts as validation (identities and input checks do not)."""
        return self.group != IDENTITY_GROUP


@dataclass
class Context:
    """Region, horizon and seeds of one validation pass, and its cache of model runs.

    Attributes:
        fast: the quick subset's settings (few years and seeds; a small region and few points for the screen).
        region: dotted overrides that set the region of the model runs.
        years: simulated years of each run.
        seeds: one run per seed (common random numbers across scenarios).
        screen_region: dotted overrides that set the region of the robustness screen.
        screen_years: years of each run of the robustness screen.
        screen_seeds: paired replications at each point of the screen.
        screen_points: points of the screen's Latin hypercube.
    """

    fast: bool
    region: dict[str, Any]
    years: int
    seeds: tuple[int, ...]
    screen_region: dict[str, Any]
    screen_years: int
    screen_seeds: tuple[int, ...]
    screen_points: int
    _cache: dict[str, list[dict[str, float]]] = field(default_factory=dict, repr=False)

    @classmethod
    def make(cls, fast: bool) -> "Context":
        """The settings of the fast subset (``fast=True``) or of the full validation."""
        if fast:
            short = {"burn_in_years": 1}  # 2–3-year runs: the warm-up left out is the first year
            return cls(True, short, 3, (1, 2, 3), {**SMALL_REGION, **short}, 2, (1, 2), 4)
        # the screen's runs: the 5-year warm-up, the reforms from year 6, four summarised years
        return cls(False, {}, 10, (1, 2, 3, 4, 5), {}, 9, (1, 2, 3), 30)

    def describe(self) -> str:
        """One line naming the settings."""
        return (f"{'fast subset' if self.fast else 'full validation'}: {_region(self.region)}; {self.years} "
                f"years; seeds {list(self.seeds)}")

    def describe_screen(self) -> str:
        """One line naming the robustness screen's settings."""
        return (f"{_region(self.screen_region)}; {self.screen_years} years; {self.screen_points} Latin-hypercube "
                f"points × seeds {list(self.screen_seeds)} (paired)")

    def summaries(self, scenario: str = "baseline", overrides: dict[str, Any] | None = None, *,
                  screen: bool = False) -> list[dict[str, float]]:
        """Summary outcomes of ``scenario`` (+ ``overrides``), one dict per seed, memoised.

        Args:
            scenario: the name of a file in experiments/scenarios/ (without ``.toml``).
            overrides: extra dotted-path overrides on top of the scenario.
            screen: run with the robustness screen's region, seeds and years; a reform then runs the
                baseline through the warm-up and its own parameters after it (``reform_start_year``).
        """
        from model import load_scenario, simulate

        region = self.screen_region if screen else self.region
        seeds = self.screen_seeds if screen else self.seeds
        years = self.screen_years if screen else self.years
        extra = {**region, **(overrides or {})}
        key = json.dumps([scenario, sorted(extra.items()), list(seeds), years], default=str)
        if key not in self._cache:
            params = load_scenario(SCENARIOS / f"{scenario}.toml").params(extra)
            switch = {}
            if screen and scenario != "baseline":  # the screen's reforms start in a running county
                switch = {"baseline": load_scenario(SCENARIOS / "baseline.toml").params(extra),
                          "reform_start_year": params.burn_in_years + 1}
            self._cache[key] = [simulate(params, seed=s, years=years, **switch).summary for s in seeds]
        return self._cache[key]

    @property
    def runs_done(self) -> int:
        """Model runs simulated so far (cache entries × seeds)."""
        return sum(len(v) for v in self._cache.values())


def _region(region: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in region.items()) or "the default region"


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
