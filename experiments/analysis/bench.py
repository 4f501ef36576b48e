"""Model benchmark: wall time, time per phase of the month, cost per household-month and per
tender, peak memory, and two floors measured in the same process.

The phases are timed without changing the model: :func:`phase_timers` replaces the model's own
copy of the phase table (``model.phases``, from ``model.month.PHASES``) by the same phases with
a clock around each, for the duration of one run, then restores it. No module attribute is
touched; the work done — and so every result — is the model's own; only the clock calls are added.

Floors, measured over the same number of households as the model run:

- ``numpy``: one vectorised smoothing update per household (``s += r * (x - s)``), the cheapest
  possible per-household state update;
- ``mesa``: a minimal Mesa 3.5 model whose agents do the same update in ``step``, driven by
  ``model.agents.do("step")`` (capped at ``mesa_cap`` agents; the cost per agent-step is flat).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

#: Region overrides of the province scale: Shandong's order of magnitude (~1,800 towns,
#: ~70,000 villages, ~155,000 km² → a disk of radius ~220 km). Households per village stay at
#: the default, so the province holds ~8.4 million households.
PROVINCE = {"region.n_towns": 1800, "region.villages_per_town": 39, "region.radius_km": 220.0}

def scale_overrides(scale: str) -> dict[str, Any]:
    """Region overrides of a named scale or a village count.

    Args:
        scale: ``county`` (the defaults: 12 towns × 50 villages), ``province`` (see
            :data:`PROVINCE`) or a number of villages N: towns of 50 villages on a disk whose
            radius grows as √N so that density stays that of the county (30 km for 600).

    Raises:
        ValueError: an unknown name or a count below 1.
    """
    if scale == "county":
        return {}
    if scale == "province":
        return dict(PROVINCE)
    try:
        n = int(scale)
    except ValueError:
        raise ValueError(f"--scale {scale!r}: expected county, province or a number of villages") from None
    if n < 1:
        raise ValueError(f"--scale {scale!r}: the number of villages must be at least 1")
    towns = max(1, round(n / 50))
    per_town = max(1, round(n / towns))
    return {"region.n_towns": towns, "region.villages_per_town": per_town,
            "region.radius_km": round(30.0 * math.sqrt(towns * per_town / 600), 3)}


def _wrap(fn: Callable, name: str, acc: dict[str, float]) -> Callable:
    def timed(*args, **kwargs):
        t0, c0, r0 = time.perf_counter(), time.process_time(), peak_rss_mb()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t0
            acc[CPU + name] += time.process_time() - c0
            acc[RSS + name] += peak_rss_mb() - r0
    timed.__wrapped__ = fn
    return timed


#: Key prefix of a phase's CPU seconds in the accumulator of :func:`phase_timers`.
CPU = "cpu:"
#: Key prefix of how much a phase raised the process's peak RSS (MB, summed over its calls).
RSS = "rss:"


def phase_names() -> tuple[str, ...]:
    """Names of the month's phases, in order (``model.month.PHASES``)."""
    from model.month import PHASES

    return tuple(ph.name for ph in PHASES)


@contextlib.contextmanager
def phase_timers(model) -> Iterator[dict[str, float]]:
    """Time the phases of ``model`` (wall seconds per phase, summed over the steps run inside; CPU
    seconds under ``CPU + name``; MB by which the phase raised the process's peak RSS under
    ``RSS + name``)."""
    acc: dict[str, float] = defaultdict(float)
    saved = list(model.phases)
    try:
        model.phases = [dataclasses.replace(ph, run=_wrap(ph.run, ph.name, acc)) for ph in saved]
        yield acc
    finally:
        model.phases = saved


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def numpy_floor(n: int, months: int = 24, seed: int = 0) -> float:
    """Seconds per household-month of a vectorised smoothing update over ``n`` households."""
    rng = np.random.default_rng(seed)
    s, x = np.full(n, 0.5), rng.random(n)
    tmp = np.empty(n)
    t0 = time.perf_counter()
    for _ in range(months):
        np.subtract(x, s, out=tmp)
        tmp *= 0.1
        s += tmp
    return (time.perf_counter() - t0) / (n * months)


def mesa_floor(n: int, steps: int = 3) -> float:
    """Seconds per agent-step of a minimal Mesa 3.5 agent loop over ``n`` agents."""
    import mesa

    class Household(mesa.Agent):
        def __init__(self, model, x: float) -> None:
            super().__init__(model)
            self.s, self.x = 0.5, x

        def step(self) -> None:
            self.s += 0.1 * (self.x - self.s)

    class Loop(mesa.Model):
        def __init__(self) -> None:
            super().__init__(rng=0)
            for x in np.random.default_rng(0).random(n):
                Household(self, float(x))

        def step(self) -> None:
            self.agents.do("step")

    m = Loop()
    t0 = time.perf_counter()
    for _ in range(steps):
        m.step()
    return (time.perf_counter() - t0) / (n * steps)


def warm_up() -> float:
    """Run a one-village model for one month, so that one-time per-process costs (loading the
    compiled numba kernels from their cache, about 0.3 s of CPU; first calls) are not charged to the
    benchmarked run, as imports are not. Returns its CPU seconds (reported as ``warmup_cpu_s``)."""
    from model import load_params
    from model.core import ProcurementModel

    c0 = time.process_time()
    ProcurementModel(load_params(None, {"region.n_towns": 1, "region.villages_per_town": 1}), seed=0).step()
    return time.process_time() - c0


def bench_one(scale: str, years: int, seed: int = 1, extra: dict[str, Any] | None = None,
              mesa_cap: int = 100_000) -> dict[str, Any]:
    """Benchmark one run of the model at ``scale`` for ``years``.

    Args:
        scale: see :func:`scale_overrides`.
        years: simulated years.
        seed: the run's seed.
        extra: further parameter overrides (dotted paths), e.g. households per village.
        mesa_cap: most agents in the Mesa floor.

    Returns:
        A JSON-ready dict: region size, build and run seconds, seconds per year, per phase,
        µs per household-month and per tender, peak memory (MB) and the floors and ratios.
    """
    from experiments.engine import allocator
    from model import load_params
    from model.core import ProcurementModel
    from model.procurement import kernels

    allocator.tune()  # as every sweep's runs have it (experiments/engine/allocator.py)
    k0 = time.process_time()
    kernels.warm()  # once per process: numba loads the compiled kernels (reported as kernel_load_s)
    kernel_s = time.process_time() - k0
    # the benchmark times every month and summarises them all: no warm-up is left out
    overrides = {"burn_in_years": 0, **scale_overrides(scale), **(extra or {})}
    params = load_params(None, overrides)
    warmup_cpu_s = warm_up()
    load_before = load_average()
    c0, t0, s0, r0 = time.process_time(), time.perf_counter(), os.times().system, peak_rss_mb()
    m = ProcurementModel(params, seed=seed)
    build_s = time.perf_counter() - t0
    build_rss = peak_rss_mb() - r0
    with phase_timers(m) as acc:
        t1 = time.perf_counter()
        m.run(years)
        run_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    m.summary()
    m.timeseries()
    results_s = time.perf_counter() - t2
    cpu_s = time.process_time() - c0
    system_s = os.times().system - s0
    months = 12 * years
    households = len(m.world.household_village)
    procurements = int(sum(len(t["month"]) for t in m.tender_chunks))
    open_tenders = int(sum(r.get("tenders", 0.0) for r in m.raws))
    phases = {k: acc.get(k, 0.0) for k in phase_names()}
    phases["other"] = max(run_s - sum(phases.values()), 0.0)
    phases_cpu = {k: acc.get(CPU + k, 0.0) for k in phase_names()}
    phases_rss = {"build": build_rss, **{k: acc.get(RSS + k, 0.0) for k in phase_names()}}
    total = build_s + run_s + results_s
    hh_month_us = 1e6 * total / (households * months)
    np_us = 1e6 * numpy_floor(households)
    mesa_us = 1e6 * mesa_floor(min(households, mesa_cap))
    return {
        "scale": scale, "years": years, "seed": seed, "overrides": overrides,
        "towns": m.world.geo.n_towns, "villages": m.world.geo.n_villages, "households": households,
        "buyers": len(m.buyers), "firms": len(m.firms), "slots": len(m.slots), "mesa_agents": len(m.agents),
        "procurements": procurements, "open_tenders": open_tenders,
        "build_s": build_s, "run_s": run_s, "results_s": results_s, "total_s": total, "cpu_s": cpu_s,
        "cpu_s_per_year": cpu_s / years, "system_s": system_s, "phases_rss_mb": phases_rss,
        "warmup_cpu_s": warmup_cpu_s, "kernel_load_s": kernel_s, "phases_cpu_s": phases_cpu,
        "load_average": [load_before, load_average()],
        "s_per_year": total / years, "phases_s": phases,
        "us_per_household_month": hh_month_us,
        "us_per_procurement": 1e6 * total / max(procurements, 1),
        "us_per_open_tender": 1e6 * total / max(open_tenders, 1),
        "citizens_us_per_household_month": 1e6 * phases["citizens"] / (households * months),
        "numpy_floor_us": np_us, "mesa_floor_us": mesa_us,
        "ratio_to_numpy": hh_month_us / np_us, "ratio_to_mesa": hh_month_us / mesa_us,
        "peak_rss_mb": peak_rss_mb(),
    }


def load_average() -> float:
    """The machine's 1-minute load average (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def loglog_slope(sizes: list[float], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(sizes) (1 = linear); NaN with < 2 sizes."""
    x, y = np.log(np.asarray(sizes, float)), np.log(np.maximum(np.asarray(seconds, float), 1e-12))
    if len(x) < 2 or np.ptp(x) == 0:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])


def slopes(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Log-log slopes over villages of the total time and of every phase."""
    sizes = [r["villages"] for r in rows]
    out = {"total": loglog_slope(sizes, [r["total_s"] for r in rows]),
           "cpu": loglog_slope(sizes, [r["cpu_s"] for r in rows])}
    for k in rows[0]["phases_s"] if rows else ():
        out[k] = loglog_slope(sizes, [r["phases_s"][k] for r in rows])
    return out


def format_row(r: dict[str, Any]) -> str:
    """A few human-readable lines about one benchmark row."""
    ph = r["phases_s"]
    run = max(r["run_s"], 1e-12)
    parts = ", ".join(f"{k} {v:.3f}s ({100 * v / run:.0f}%)" for k, v in
                      sorted(ph.items(), key=lambda kv: -kv[1]) if v > 0)
    pc = r["phases_cpu_s"]
    cpu_all = max(sum(pc.values()), 1e-12)
    cpu_parts = ", ".join(f"{k} {v:.3f}s ({100 * v / cpu_all:.0f}%)" for k, v in
                          sorted(pc.items(), key=lambda kv: -kv[1]) if v > 0)
    rss_parts = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(r["phases_rss_mb"].items(), key=lambda kv: -kv[1])
                          if v >= 0.5) or "nothing measurable"
    return (f"scale {r['scale']}: {r['towns']} towns, {r['villages']} villages, {r['households']} households, "
            f"{r['firms']} firms, {r['mesa_agents']} Mesa agents, {r['years']} years\n"
            f"  wall {r['total_s']:.3f}s (build {r['build_s']:.3f}s, run {r['run_s']:.3f}s, results "
            f"{r['results_s']:.3f}s) = {r['s_per_year']:.3f}s per simulated year; CPU {r['cpu_s']:.3f}s "
            f"({r['cpu_s_per_year']:.3f}s per year; + {r.get('kernel_load_s', 0.0):.3f}s once per process to load the "
            f"compiled kernels); load average {r['load_average'][0]:.1f} → "
            f"{r['load_average'][1]:.1f}; peak RSS {r['peak_rss_mb']:.0f} MB\n"
            f"  phases (wall): {parts}\n"
            f"  phases (CPU): {cpu_parts}; one-time warm-up before the run {r['warmup_cpu_s']:.3f}s CPU; "
            f"system (kernel) time {r['system_s']:.3f}s ({100 * r['system_s'] / max(r['cpu_s'], 1e-12):.0f}% of CPU)\n"
            f"  peak RSS raised by: {rss_parts}\n"
            f"  {r['us_per_household_month']:.4f} µs per household-month (citizens phase "
            f"{r['citizens_us_per_household_month']:.4f}); {r['us_per_procurement']:.1f} µs per procurement "
            f"({r['procurements']}), {r['us_per_open_tender']:.1f} µs per open tender ({r['open_tenders']})\n"
            f"  floors: numpy {r['numpy_floor_us']:.4f} µs, Mesa loop {r['mesa_floor_us']:.3f} µs per "
            f"household-step → model/numpy {r['ratio_to_numpy']:.1f}×, model/Mesa {r['ratio_to_mesa']:.2f}×")
