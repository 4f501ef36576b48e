"""`run`'s resource guard: workers capped at the cores, a plan's cost estimated, and a plan whose
memory exceeds what the machine — or, with ``--scheduler``, the Dask cluster's largest worker — has
refused before anything is written."""

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


def describe_cost(plan: Any, executor: str, workers: int | None) -> tuple[list[str], float | None, float | None]:
    """Lines describing the plan's estimated cost, the peak memory (MB) it needs at once, and one
    run's peak memory (MB); the two None without an estimate."""
    est = cost.plan_cost(plan)
    parallel = 1 if executor == "serial" else (workers or cost.cores())
    k = len(plan.experiment.scenarios)
    lines = [f"plan: {len(plan.runs)} runs ({k} scenario{'s' * (k != 1)}), "
             f"{executor} executor, {parallel} at a time"]
    if est is None:
        return lines + ["estimate: none (the model's parameters have no region.* sizes)"], None, None
    total, peak, n = est
    avail = cost.available_mb()
    lines += [f"estimate per run: CPU {_secs(total / n)}, peak memory {peak / 1000:.3g} GB "
              "(fit to docs/PERFORMANCE.md's benchmarks, ±30%; experiments/engine/cost.py)",
              f"estimate in all: CPU {_secs(total)} (~{_secs(total / parallel)} wall with {parallel} "
              f"at a time), peak memory {parallel} x {peak / 1000:.3g} GB = "
              f"{parallel * peak / 1000:.3g} GB"
              + (f" of {avail / 1000:.3g} GB available" if avail is not None else "")]
    if executor == "dask":
        lines.append(f"Dask: each worker needs about {peak / 1000:.3g} GB for every run it holds at once "
                     "(one per thread)")
    return lines, parallel * peak, peak


def check_memory(need_mb: float | None, executor: str, scheduler: str | None) -> None:
    """Refuse a local plan whose estimated peak memory exceeds the memory available."""
    avail = cost.available_mb()
    if need_mb is None or avail is None or (executor == "dask" and scheduler):
        return
    if need_mb > avail:
        raise SpecError(f"the plan needs about {need_mb / 1000:.3g} GB of memory at once (estimated, "
                        f"see run --dry-run) and this machine has {avail / 1000:.3g} GB available; "
                        "use fewer --workers or a smaller region")


def check_dask_memory(run_mb: float | None, scheduler: str, timeout: float) -> None:
    """Refuse a plan one of whose runs exceeds the memory limit of every worker of the Dask cluster
    at ``scheduler`` (a worker without a limit holds any run); note on stderr when a worker's
    threads together may exceed it."""
    from experiments.engine.runner import dask_workers_memory

    workers = dask_workers_memory(scheduler, timeout)
    if not workers:
        raise SpecError(f"--scheduler {scheduler}: the Dask cluster has no workers")
    if run_mb is None:
        return
    limits = [mb for mb, _ in workers]
    if all(mb > 0 for mb in limits) and run_mb > max(limits):
        raise SpecError(f"each run needs about {run_mb / 1000:.3g} GB of memory at its peak (estimated, see run "
                        f"--dry-run) and the largest worker of the Dask cluster at {scheduler} may use "
                        f"{max(limits) / 1000:.3g} GB; start workers with more (dask worker --memory-limit) "
                        "or use a smaller region")
    tight = sum(1 for mb, threads in workers if 0 < mb < run_mb * threads)
    if tight:
        print(f"note: {tight} of {len(workers)} Dask workers may run more runs at once than their memory "
              f"limit holds ({run_mb / 1000:.3g} GB each); give them one thread (--nthreads 1) or more memory",
              file=sys.stderr)
