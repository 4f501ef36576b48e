"""Executors (serial, local processes, Dask) and the sweep loop.

Work travels as chunks of `(RunSpec, flat params)` pairs (a run switched from the baseline
at `reform_start_year` carries the baseline's flat params in its RunSpec). A worker rebuilds
the params object once per distinct parameter set in its chunk, calls `simulate` for each run and
returns Arrow tables (`ChunkResult`), so the parent only writes them. Results are
consumed as they complete and handed straight to the store: nothing accumulates in
memory, and the number of chunks in flight is bounded.

Every executor gives identical results: a run depends only on its parameters and seed,
and the store sorts by run id (and month) when it consolidates.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from experiments.engine import allocator
from experiments.engine.backend import REAL, Backend
from experiments.engine.choices import EXECUTOR_NAMES
from experiments.engine.spec import Plan, RunSpec

META_COLUMNS = ("run_id", "experiment", "scenario", "replicate", "seed", "reform_start_year")

Task = tuple[RunSpec, dict[str, Any]]


class ExecutorError(RuntimeError):
    """An executor could not start (e.g. a Dask scheduler that does not answer)."""


@dataclass(frozen=True)
class ChunkResult:
    """The results of one chunk of runs, as Arrow tables.

    Attributes:
        run_ids: Run ids in the chunk.
        runs: One row per run: META_COLUMNS (`reform_start_year` only in a plan that has
            one), factor columns, outcome columns (float64).
        timeseries: run_id, month, outcome columns (float64).
        tenders: run_id and tender-log columns, or None.
    """

    run_ids: list[str]
    runs: pa.Table
    timeseries: pa.Table
    tenders: pa.Table | None


def run_chunk(tasks: list[Task], backend: Backend = REAL, tenders: bool = False) -> ChunkResult:
    """Simulate a chunk of runs (the worker function).

    Args:
        tasks: (RunSpec, flat params) pairs; pairs that share a parameter dict object
            build the params object once.
        backend: Model backend; the default calls the real `model.simulate`.
        tenders: Also collect the tender logs.

    Returns:
        The chunk's `ChunkResult`.
    """
    allocator.tune()  # once per process: glibc's thresholds for large temporary arrays
    built: dict[int, Any] = {}

    def build(flat: dict[str, Any]) -> Any:
        if id(flat) not in built:
            built[id(flat)] = backend.build(flat)
        return built[id(flat)]

    rows, frames, tender_parts = [], [], []
    for spec, flat in tasks:
        switch = {} if spec.baseline_params is None else {
            "baseline": build(spec.baseline_params), "reform_start_year": spec.reform_start_year}
        res = backend.simulate(build(flat), seed=spec.seed, years=spec.years, tenders=tenders,
                               **switch)
        row = {"run_id": spec.run_id, "experiment": spec.experiment,
               "scenario": spec.scenario, "replicate": spec.replicate, "seed": spec.seed}
        if spec.reform_start_year is not None:
            row["reform_start_year"] = spec.reform_start_year
        row.update(spec.factors)
        row.update({k: _float(x) for k, x in res.summary.items()})
        rows.append(row)
        frames.append(res.timeseries)
        if tenders and getattr(res, "tenders", None) is not None:
            log = res.tenders.copy()
            log.insert(0, "run_id", spec.run_id)
            tender_parts.append(pa.Table.from_pandas(log, preserve_index=False))
    run_ids = [s.run_id for s, _ in tasks]
    return ChunkResult(
        run_ids=run_ids,
        runs=pa.Table.from_pylist(rows),
        timeseries=timeseries_table(run_ids, frames),
        tenders=(pa.concat_tables(tender_parts, promote_options="permissive")
                 if tender_parts else None),
    )


def _float(x: Any) -> float:
    return float("nan") if x is None else float(x)


def timeseries_table(run_ids: list[str], frames: list[Any]) -> pa.Table:
    """One Arrow table (run_id, month int64, outcomes float64) from per-run frames.

    Args:
        run_ids: Run id of each frame.
        frames: Time-series DataFrames with a "month" column, one per run.
    """
    columns = list(frames[0].columns)
    if any(list(f.columns) != columns for f in frames[1:]):
        tables = [timeseries_table([i], [f]) for i, f in zip(run_ids, frames, strict=True)]
        return pa.concat_tables(tables, promote_options="permissive")
    lengths = [len(f) for f in frames]
    # one float64 block for all runs; transposed so each column is contiguous
    values = np.ascontiguousarray(
        np.concatenate([f.to_numpy(dtype=np.float64) for f in frames]).T)
    month = columns.index("month")
    cols: dict[str, Any] = {
        "run_id": pa.array(np.repeat(np.array(run_ids, dtype=object), lengths), pa.string()),
        "month": pa.array(values[month].astype(np.int64)),
    }
    for j, name in enumerate(columns):
        if j != month:
            cols[name] = pa.array(values[j])
    return pa.table(cols)


def auto_chunk_size(n_runs: int, workers: int, executor: str) -> int:
    """Runs per task: 1 when serial, else about n / (8 * workers), between 1 and 16."""
    if executor == "serial" or n_runs <= 0:
        return 1
    return max(1, min(16, math.ceil(n_runs / (8 * workers))))


def chunks(plan: Plan, pending: Iterable[RunSpec], size: int) -> Iterator[list[Task]]:
    """Group pending runs into lists of `size` (RunSpec, flat params) pairs."""
    batch: list[Task] = []
    for spec in pending:
        batch.append((spec, plan.params[spec.run_id]))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class SerialExecutor:
    """Runs chunks one after another in this process."""

    name = "serial"

    def __init__(self, workers: int = 1) -> None:
        self.workers = 1

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield `fn(item)` for each item, in order."""
        for item in items:
            yield fn(item)


PARENT_POLL_SECONDS = 0.5
"""How often a worker checks that the sweep that started it is alive (a worker whose sweep died exits: no orphans)."""


def _alive(pid: int) -> bool:
    """Whether process ``pid`` lives (experiments.engine.lock's test)."""
    from experiments.engine.lock import _alive as alive

    return alive(pid)


def watch_parent(sweep_pid: int, poll: float = PARENT_POLL_SECONDS) -> None:
    """Worker initializer: exit as soon as the sweep's process dies.

    A thread polls whether the sweep's process is alive and whether this worker's own parent
    changed (the forkserver exits with the sweep, and the worker is re-parented); either way the
    worker exits at once, so a `kill -9` of the sweep leaves no workers running.
    """
    import threading

    parent = os.getppid()

    def loop() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent or not _alive(sweep_pid):
                os._exit(1)

    threading.Thread(target=loop, daemon=True, name="jiebang-parent-watch").start()


class ProcessExecutor:
    """A local process pool ("forkserver" where available, else "spawn"); each worker exits when
    the sweep's process dies (`watch_parent`)."""

    name = "processes"

    def __init__(self, workers: int | None = None, context: str | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        methods = multiprocessing.get_all_start_methods()
        self.context = context or ("forkserver" if "forkserver" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        ctx = multiprocessing.get_context(self.context)
        if self.context == "forkserver":
            # workers fork from a server that has already imported these (fast start)
            ctx.set_forkserver_preload(["experiments.engine.runner", "model"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                         initializer=watch_parent, initargs=(os.getpid(),))
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def workers_memory(self) -> list[tuple[float, int]]:
        """(memory limit in MB, 0 for none; threads) of every worker of the entered cluster."""
        info = self._client.scheduler_info()["workers"]
        return [(float(w.get("memory_limit") or 0) / 1e6, int(w.get("nthreads") or 1)) for w in info.values()]

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield results as they complete, keeping at most 2 x workers tasks in flight."""
        assert self._pool is not None, "use the executor as a context manager"
        source, pending = iter(items), set()
        for item in source:
            pending.add(self._pool.submit(fn, item))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield fut.result()
                nxt = next(source, None)
                if nxt is not None:
                    pending.add(self._pool.submit(fn, nxt))


def local_worker_config() -> dict[str, Any]:
    """Dask settings for the local cluster's workers, tuned for many short numpy-heavy runs.

    - No ``MALLOC_TRIM_THRESHOLD_`` in the workers' environment: Distributed sets it to 64 KiB, which
      also switches off glibc's dynamic mmap threshold, so every temporary array above 128 KiB is
      mmap-ed and unmapped again (page faults, system time). The model allocates many such arrays
      per month; the process pool's workers run with glibc's defaults.
    - No statistical profiler in the workers (it samples the running task's stack every 10 ms and
      takes the GIL to do it); the profile is only useful on a dashboard, which the sweep does not
      open.

    The key is removed by replacing the whole mapping after ``distributed`` is imported
    (dask/distributed#8143). A cluster started elsewhere (``--scheduler``) keeps its own settings;
    docs/PERFORMANCE.md shows how to start its workers the same way.
    """
    import dask

    env = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
           if k != "MALLOC_TRIM_THRESHOLD_"}
    return {"distributed.nanny.pre-spawn-environ": env, "distributed.worker.profile.enabled": False}


class DaskExecutor:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster of processes."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 timeout: float = 10.0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self.timeout = timeout
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        import logging

        import dask
        from distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self._client = Client(self.scheduler, timeout=self.timeout)
                self.workers = max(1, len(self._client.scheduler_info()["workers"]))
            else:
                with dask.config.set(local_worker_config()):
                    self._cluster = LocalCluster(
                        n_workers=self.workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR)
                self._client = Client(self._cluster, timeout=self.timeout)
        except (ValueError, KeyError, TypeError) as exc:  # distributed's parse errors
            self.__exit__()
            raise ExecutorError(f"--scheduler {self.scheduler!r}: not a Dask scheduler address "
                                f"({type(exc).__name__}: {exc}); expected e.g. "
                                "tcp://host:8786") from None
        except (OSError, TimeoutError) as exc:
            self.__exit__()
            where = self.scheduler or "a local cluster"
            raise ExecutorError(f"cannot reach the Dask scheduler at {where} within "
                                f"{self.timeout:g} s ({type(exc).__name__}: {exc})") from None
        return self

    def __exit__(self, *exc: Any) -> None:
        for obj in (self._client, self._cluster):
            if obj is not None:
                obj.close()
        self._client = self._cluster = None

    def workers_memory(self) -> list[tuple[float, int]]:
        """(memory limit in MB, 0 for none; threads) of every worker of the entered cluster."""
        info = self._client.scheduler_info()["workers"]
        return [(float(w.get("memory_limit") or 0) / 1e6, int(w.get("nthreads") or 1)) for w in info.values()]

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield results as they complete, keeping at most 2 x workers tasks in flight."""
        from distributed import as_completed

        source = iter(items)
        first = [self._client.submit(fn, x, pure=False)
                 for x in itertools.islice(source, 2 * self.workers)]
        done = as_completed(first)
        for fut in done:
            result = fut.result()
            fut.release()
            yield result
            nxt = next(source, None)
            if nxt is not None:
                done.add(self._client.submit(fn, nxt, pure=False))


def dask_workers_memory(scheduler: str, timeout: float = 10.0) -> list[tuple[float, int]]:
    """(memory limit in MB, 0 for none; threads) of every worker of the Dask cluster at ``scheduler``
    (ExecutorError when it cannot be reached)."""
    with DaskExecutor(scheduler=scheduler, timeout=timeout) as ex:
        return ex.workers_memory()


def pick_executor(requested: str | None, hint: str | None, runs: int) -> str:
    """Resolve "auto": processes with 4+ runs on 2+ cores, else serial."""
    name = requested or hint or "auto"
    if name != "auto":
        return name
    return "processes" if runs >= 4 and (os.cpu_count() or 1) > 1 else "serial"


def make_executor(name: str, workers: int | None = None, scheduler: str | None = None,
                  timeout: float = 10.0) -> SerialExecutor | ProcessExecutor | DaskExecutor:
    """Create an executor by name ("serial", "processes" or "dask")."""
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(workers, scheduler, timeout)
    raise ValueError(f"unknown executor {name!r}; allowed: {', '.join(EXECUTOR_NAMES)}")


def execute(plan: Plan, store: Any, executor: Any, *, backend: Backend = REAL,
            tenders: bool = False, chunk_size: int | None = None,
            on_progress: Callable[[int], None] | None = None) -> int:
    """Run every run of `plan` not yet in `store`; hand each result to `store.add`.

    Args:
        plan: The plan.
        store: An opened `experiments.engine.store.Store` (anything with `done` and `add`).
        executor: An executor, already entered (`with executor:`).
        backend: Model backend.
        tenders: Also collect tender logs.
        chunk_size: Runs per task (default: `auto_chunk_size`).
        on_progress: Called with the number of runs finished after each chunk.

    Returns:
        Number of runs completed in this call.
    """
    pending = [r for r in plan.runs if r.run_id not in store.done]
    size = chunk_size or auto_chunk_size(len(pending), executor.workers, executor.name)
    fn = partial(run_chunk, backend=backend, tenders=tenders)
    finished = 0
    for result in executor.imap(fn, chunks(plan, pending, size)):
        store.add(result)
        finished += len(result.run_ids)
        if on_progress is not None:
            on_progress(len(result.run_ids))
    return finished
