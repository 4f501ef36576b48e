"""What a plan will cost before it runs: CPU time and peak memory per run.

A run's cost is estimated from its region alone — villages (``region.n_towns`` ×
``region.villages_per_town``), their density (villages per km² of the disk of radius
``region.radius_km``) and the years — from the benchmarks of docs/PERFORMANCE.md, not a model of the code:

- one year at the county's density, 100 / 600 (the default county) / 1,000 / 10,000 / 70,000
  villages: 0.038 / 0.104 / 0.145 / 1.99 / 24.5 s CPU, peak RSS 323 / 351 / 371 / 642 / 1,833 MB
  (`BENCH`; `bench --scale 100 --scale 1000 --scale 10000 --scale 70000 --years 1`, the mean of
  three series, and `bench --years 1`, the mean of eight runs; 2026-12-08 02:29-02:52, commit
  `8463626`);
- the province, 70,200 villages at 2.18× the county's density, one year: 45.0 s CPU and 2,367 MB
  (`PROVINCE`; `bench --scale province --years 1`, the mean of two runs, the same half hour);
- later years cost a fraction of the first (which builds the region): 0.73 for the county
  (decade 0.791 s CPU against 0.104 s for its first year, the means of eleven and eight runs), 0.54
  for the province (264.4 s for ten years, the mean of two runs, 45.0 s for one) (`LATER_YEARS`);
- peak memory grows with the years, because a run keeps its history (orders, contracts, the
  tender log): the province's peak above the smallest run's rose by 5.4% of its first year's a year
  (2,367 MB in one year, 3,367 MB in ten) (`LATER_MEMORY`, measured on the province only).

CPU and memory of the first year are interpolated in log-log between the `BENCH` sizes (below
them, the smallest's; above, the last segment's slope); the province row sets how both grow with density (a power of the
density ratio); the later-year fraction is interpolated in log villages. Households per village are not in the estimate (the benchmarks kept the default 120).
Expect ±30%: the benchmarks' machine loads varied that much.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

BENCH = ((100, 0.0384, 322.7), (600, 0.104, 350.9), (1_000, 0.145, 370.7), (10_000, 1.99, 641.7),
         (70_000, 24.5, 1_833.0))
"""(villages, CPU s per simulated year, peak RSS MB) at the county's density (PERFORMANCE.md)."""
PROVINCE = (70_200, 1800 * 39 / (math.pi * 220.0 ** 2), 45.0, 2_367.1)
"""(villages, villages per km², CPU s for one year, peak RSS MB) of `bench --scale province`."""
COUNTY_DENSITY = 600 / (math.pi * 30.0 ** 2)
"""Villages per km² of the default region (12 × 50 villages on a disk of radius 30 km)."""

LATER_YEARS = ((600, 0.73), (70_200, 0.54))
"""(villages, CPU of each year after the first / CPU of the first year)."""
LATER_MEMORY = ((3_367.4 - 322.7) / (2_367.1 - 322.7) - 1) / 9
"""Growth of the peak memory above the smallest run's, per year after the first, as a share of the
first year's (the province: 2,367 MB in one year, 3,367 MB in ten; the smallest run 322.7 MB)."""
_LOG_V = np.log([b[0] for b in BENCH])


def _loglog(villages: float, values: list[float]) -> float:
    """Interpolate in log-log between `BENCH` sizes; below the smallest, its value (the cost of
    starting a run); above the largest, the last segment's slope."""
    x, y = max(math.log(villages), _LOG_V[0]), np.log(values)
    i = 0 if x < _LOG_V[1] else (len(_LOG_V) - 2 if x > _LOG_V[-2] else
                                 int(np.searchsorted(_LOG_V, x)) - 1)
    slope = (y[i + 1] - y[i]) / (_LOG_V[i + 1] - _LOG_V[i])
    return float(math.exp(y[i] + slope * (x - _LOG_V[i])))


def _cpu1(villages: float) -> float:
    return _loglog(villages, [b[1] for b in BENCH])


def _mem(villages: float) -> float:
    return _loglog(villages, [b[2] for b in BENCH])


_RATIO = PROVINCE[1] / COUNTY_DENSITY
CPU_DENSITY_EXP = math.log(PROVINCE[2] / _cpu1(PROVINCE[0])) / math.log(_RATIO)
MEM_DENSITY_EXP = math.log((PROVINCE[3] - BENCH[0][2]) / (_mem(PROVINCE[0]) - BENCH[0][2])) / math.log(_RATIO)


@dataclass(frozen=True)
class RunCost:
    """Estimated cost of one run: CPU seconds and peak memory (MB)."""

    cpu_s: float
    peak_mb: float


def run_cost(flat: dict[str, Any], years: int) -> RunCost | None:
    """Estimate one run from its flat parameters, or None without ``region.*`` sizes."""
    try:
        villages = int(flat["region.n_towns"]) * int(flat["region.villages_per_town"])
        radius = float(flat.get("region.radius_km", 30.0))
    except (KeyError, TypeError, ValueError):
        return None
    ratio = max(villages / (math.pi * radius ** 2) / COUNTY_DENSITY, 1e-6)
    (v0, f0), (v1, f1) = LATER_YEARS
    later = float(np.clip(f0 + (f1 - f0) * math.log(villages / v0) / math.log(v1 / v0), min(f0, f1), max(f0, f1)))
    cpu = _cpu1(villages) * ratio ** CPU_DENSITY_EXP * (1 + later * (years - 1))
    peak = BENCH[0][2] + (_mem(villages) - BENCH[0][2]) * ratio ** MEM_DENSITY_EXP * (1 + LATER_MEMORY * (years - 1))
    return RunCost(cpu, peak)


def plan_cost(plan: Any) -> tuple[float, float, int] | None:
    """(total CPU s, largest peak MB of a run, runs) of a plan, or None when not estimable."""
    total, peak, cache = 0.0, 0.0, {}
    for spec in plan.runs:
        flat = plan.params[spec.run_id]
        key = (id(flat), spec.years)
        if key not in cache:
            cache[key] = run_cost(flat, spec.years)
        cost = cache[key]
        if cost is None:
            return None
        total += cost.cpu_s
        peak = max(peak, cost.peak_mb)
    return total, peak, len(plan.runs)


def available_mb() -> float | None:
    """Memory available to new processes (MemAvailable of /proc/meminfo, else psutil), MB (10^6 bytes,
    as the benchmarks' figures)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    try:
        import psutil

        return psutil.virtual_memory().available / 1e6
    except ImportError:
        return None


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
