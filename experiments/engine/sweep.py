"""Run a plan into an output folder: executor + store + manifest, resumable.

    from experiments.engine.backend import REAL
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.sweep import run_sweep

    plan = make_plan(load_experiment("experiments/procurement_rules.toml", REAL), REAL)
    result = run_sweep(plan, "results/procurement_rules", executor="processes", workers=2)

In a script, call it under `if __name__ == "__main__":` — worker processes start with
"forkserver"/"spawn", which re-import the main module (notebooks need nothing).

Order of work: check the output folder (nothing written), start the executor (a Dask
scheduler that does not answer fails here, still before anything is written), open the
store (resume: finished run ids are skipped), write the plan and the manifest, run, and
finally — also after an interruption or a failure — flush, consolidate and finish the
manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from experiments.engine import manifest as mf
from experiments.engine.backend import REAL, Backend
from experiments.engine.identity import identity
from experiments.engine.runner import execute, make_executor
from experiments.engine.spec import Plan
from experiments.engine.store import Store, atomic_write_json, check_output


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did.

    Attributes:
        out: The output folder.
        planned: Unique runs in the plan.
        skipped: Runs already done before this call (resume).
        completed: Runs completed by this call.
        done: Runs now in the folder.
        status: "complete", "incomplete", "interrupted" or "failed".
        moved_to: Where --fresh moved earlier results, or None.
    """

    out: Path
    planned: int
    skipped: int
    completed: int
    done: int
    status: str
    moved_to: Path | None


def run_sweep(plan: Plan, out: str | Path, *, executor: str = "serial",
              workers: int | None = None, scheduler: str | None = None,
              timeout: float = 10.0, fresh: bool = False, tenders: bool = False,
              chunk_size: int | None = None, backend: Backend = REAL,
              on_start: Callable[[int, int], None] | None = None,
              on_progress: Callable[[int], None] | None = None,
              argv: list[str] | None = None) -> SweepResult:
    """Run every unfinished run of `plan` and store the results in `out`.

    Args:
        plan: The plan (`experiments.engine.spec.make_plan`).
        out: Output folder.
        executor: "serial", "processes" or "dask".
        workers: Worker processes (default: CPU count).
        scheduler: Dask scheduler address (default: a LocalCluster).
        timeout: Seconds to wait for a Dask scheduler.
        fresh: Move an existing folder aside first.
        tenders: Also store tender logs.
        chunk_size: Runs per task (default automatic).
        backend: Model backend (default: the real model).
        on_start: Called with (planned, already done) before running.
        on_progress: Called with the number of runs finished after each chunk.
        argv: The command line, recorded in the manifest.

    Returns:
        The `SweepResult`.

    Raises:
        experiments.engine.store.OutputError: unusable output folder (nothing written).
        experiments.engine.runner.ExecutorError: the executor could not start (nothing written).
    """
    out = Path(out)
    check_output(out)
    made_by = identity(backend)
    store = Store(out, fresh=fresh, identity=made_by, tenders=tenders)
    planned = {r.run_id for r in plan.runs}
    ex = make_executor(executor, workers, scheduler, timeout)
    with ex:
        skipped = len(store.open(planned))
        previous = None if fresh else mf.read(out)
        options = {"out": str(out.resolve()), "executor": ex.name, "workers": ex.workers,
                   "scheduler": scheduler, "chunk_size": chunk_size, "tenders": tenders,
                   "argv": argv}
        started = mf.now()
        manifest = {**mf.build(plan, options, previous), "identity": made_by}
        store.write_design(plan.design_rows)
        atomic_write_json(manifest, out / "manifest.json")
        if on_start is not None:
            on_start(len(planned), skipped)
        status = "failed"
        try:
            execute(plan, store, ex, backend=backend, tenders=tenders,
                                chunk_size=chunk_size, on_progress=on_progress)
            status = "complete"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            try:
                done = store.consolidate()
            except OSError:  # e.g. the disk is full: record the failure, then report it
                status, done = "failed", len(store.done)  # runs whose parts landed
                _finish(out, manifest, status, started, store, planned, skipped, done, tenders,
                        made_by, quiet=True)
                raise
            if status == "complete" and done < len(planned):
                status = "incomplete"
            completed = done - skipped
            _finish(out, manifest, status, started, store, planned, skipped, done, tenders, made_by)
    return SweepResult(out, len(planned), skipped, completed, done, status, store.moved_to)


def _finish(out: Path, manifest: dict, status: str, started: str, store: Store, planned: set[str],
            skipped: int, done: int, tenders: bool, made_by: dict, quiet: bool = False) -> None:
    """Write the manifest's final state and release the folder (`quiet`: a failure to write is
    ignored, another error is already on its way)."""
    counts = {"done": done, "skipped": skipped, "completed": done - skipped,
              "remaining": len(planned) - done, "tender_logs": done if tenders else 0}
    made = {"identity": made_by, "run_ids": sorted(store.added)}
    try:
        atomic_write_json(mf.finish(manifest, status, started, counts, made), out / "manifest.json")
    except OSError:
        if not quiet:
            raise
    finally:
        store.release()


def describe(result: SweepResult) -> str:
    """One line about a finished sweep."""
    text = (f"{result.status}: {result.done}/{result.planned} runs in {result.out}"
            f" ({result.completed} run now, {result.skipped} already done)")
    if result.moved_to is not None:
        text += f"; earlier results moved to {result.moved_to}"
    return text

