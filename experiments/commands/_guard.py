"""`run`'s resource guard: workers capped at the cores, a plan's cost estimated, and a plan whose
memory exceeds what the machine has refused before anything is written."""

from __future__ import annotations

import sys
from typing import Any

from experiments.engine import cost
from experiments.engine.spec_checks import SpecError


def local_workers(executor: str, workers: int | None, scheduler: str | None) -> int | None:
    """The worker count to use: at most the cores for a local pool (with a note on stderr)."""
    if executor == "serial" or (executor == "dask" and scheduler):
        return workers
    n = cost.cores()
    if workers is not None and workers > n:
        print(f"note: --workers {workers}: capped at this machine's {n} cores", file=sys.stderr)
        return n
    return workers


def _secs(x: float) -> str:
    return f"{x:,.0f} s" if x >= 100 else f"{x:.2g} s"


def describe_cost(plan: Any, executor: str, workers: int | None) -> tuple[list[str], float | None]:
    """Lines describing the plan's estimated cost, and the peak memory (MB) it needs at once."""
    est = cost.plan_cost(plan)
    parallel = 1 if executor == "serial" else (workers or cost.cores())
    k = len(plan.experiment.scenarios)
    lines = [f"plan: {len(plan.runs)} runs ({k} scenario{'s' * (k != 1)}), "
             f"{executor} executor, {parallel} at a time"]
    if est is None:
        return lines + ["estimate: none (the model's parameters have no region.* sizes)"], None
    total, peak, n = est
    avail = cost.available_mb()
    lines += [f"estimate per run: CPU {_secs(total / n)}, peak memory {peak / 1000:.3g} GB "
              "(fit to docs/PERFORMANCE.md's benchmarks, ±30%; experiments/engine/cost.py)",
              f"estimate in all: CPU {_secs(total)} (~{_secs(total / parallel)} wall with {parallel} "
              f"at a time), peak memory {parallel} x {peak / 1000:.3g} GB = "
              f"{parallel * peak / 1000:.3g} GB"
              + (f" of {avail / 1000:.3g} GB available" if avail is not None else "")]
    return lines, parallel * peak


def check_memory(need_mb: float | None, executor: str, scheduler: str | None) -> None:
    """Refuse a local plan whose estimated peak memory exceeds the memory available."""
    avail = cost.available_mb()
    if need_mb is None or avail is None or (executor == "dask" and scheduler):
        return
    if need_mb > avail:
        raise SpecError(f"the plan needs about {need_mb / 1000:.3g} GB of memory at once (estimated, "
                        f"see run --dry-run) and this machine has {avail / 1000:.3g} GB available; "
                        "use fewer --workers or a smaller region")
