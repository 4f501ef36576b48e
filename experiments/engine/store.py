"""The results store: Parquet files written as runs finish, crash-safe and resumable.

Layout of an output folder::

    DIR/
      manifest.json        provenance: files and hashes, parameters, versions, machine, counts
      design.parquet       run_id, scenario, point, replicate, seed, factor columns (the plan)
      runs.parquet         one row per run: run_id, experiment, scenario, replicate, seed,
                           factor columns, outcome columns        (sorted by run_id)
      timeseries.parquet   run_id, month, outcome columns         (sorted by run_id, month)
      tenders.parquet      run_id and the tender log (only with --tenders)
      parts/               <first run_id>.{tenders,ts,runs}.parquet per flushed batch; each
                           runs part stamped with the identity that made it (`STAMP`)
      ocds/                the OCDS export and its stamp export.json (`ocds DIR`, --ocds)
      .lock                the writer's host, pid, start and lease (experiments/engine/lock.py)

Every file is written under a temporary name and moved into place with `os.replace`, so
a killed sweep never leaves a half-written file. A batch's `.runs.parquet` part is
written last and marks the batch as done; the consolidated files are rebuilt from the
parts at the end of a sweep and on resume, so they are always a function of the parts.
Nothing is ever written outside DIR, except that `--fresh` renames an existing DIR to
`DIR.old-<timestamp>` (results are moved aside, never deleted). A folder holds runs of one
identity only (code, lock file, numeric platform: experiments/engine/identity.py) and either all
or none of its runs carry tender logs; a resume that would break either is refused.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from experiments.engine.lock import FolderLock, LockHeld
from experiments.engine.runner import ChunkResult

KINDS = ("tenders", "ts", "runs")
STAMP = b"jiebang.stamp"
"""Schema-metadata key of a runs part: {"identity": what made its runs, "tenders": logs kept}."""
_PART = re.compile(r"^([0-9a-f]{16})\.(tenders|ts|runs)\.parquet$")


class OutputError(OSError):
    """The output folder cannot be used (a file, not writable, foreign results...)."""


def check_output(out: Path) -> None:
    """Check that `out` can hold results, without writing anything.

    Raises:
        OutputError: if `out` is a file, or it (or its nearest existing parent) is not
        a writable folder.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, expected a folder")
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"--out {out}: {probe} is a file, expected a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: {probe} is not writable")


def atomic_write_table(table: pa.Table, path: Path) -> None:
    """Write a Parquet file under a temporary name, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # a failed write (a full disk) leaves nothing behind


def atomic_write_text(text: str, path: Path) -> None:
    """Write UTF-8 text under a temporary name, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_json(obj: Any, path: Path) -> None:
    """Write JSON under a temporary name, then rename it into place."""
    atomic_write_text(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n", path)


class Store:
    """A results folder being written by one sweep.

    Args:
        out: The output folder.
        fresh: Move an existing folder aside to `DIR.old-<timestamp>` first.
        identity: What computes the runs (`experiments.engine.identity.identity`): stamped on
            every part; runs of another identity already in the folder are refused. None: unchecked.
        tenders: Whether the runs carry tender logs; a folder whose runs differ is refused
            (the logs would cover only some runs). None: unchecked.
        flush_runs: Flush a part after this many buffered runs.
        flush_seconds: ... or when the oldest buffered run is this old (s).
    """

    def __init__(self, out: str | Path, *, fresh: bool = False, flush_runs: int = 64,
                 flush_seconds: float = 2.0, identity: dict[str, Any] | None = None,
                 tenders: bool | None = None) -> None:
        self.out = Path(out)
        self.identity = identity
        self.tenders = tenders
        self._stamps: list[tuple[int, dict[str, Any] | None, bool]] = []
        self.parts = self.out / "parts"
        self.fresh = fresh
        self.flush_runs = flush_runs
        self.flush_seconds = flush_seconds
        self.done: set[str] = set()
        self.added: list[str] = []
        self.moved_to: Path | None = None
        self._lock = FolderLock(self.out)
        self._buffer: list[ChunkResult] = []
        self._buffered = 0
        self._since = 0.0

    def open(self, planned: set[str]) -> set[str]:
        """Prepare the folder and return the run ids already done (resume).

        Args:
            planned: Every run id of the plan.

        Raises:
            OutputError: if the folder is unusable, or holds results that are not part
            of this plan (use --fresh or another --out).
        """
        check_output(self.out)
        used = self.out.is_dir() and any(not p.name.startswith(".lock")
                                         for p in self.out.iterdir())
        if used and not self.fresh and not self.parts.is_dir():
            raise OutputError(f"--out {self.out}: folder is not empty and holds no sweep "
                              "of ours; use --fresh to move it aside, or another --out")
        if self.out.is_dir():
            self._take_lock()  # nobody else writes here (also before --fresh moves it)
        try:
            done = self._prepare(planned, used)
        except BaseException:
            self._lock.release()
            raise
        self.done = done
        return set(done)

    def _prepare(self, planned: set[str], used: bool) -> set[str]:
        if self.fresh and used:
            self._refuse_moving_cwd()
            self._lock.release()
            self.moved_to = self._move_aside()
            self._lock = FolderLock(self.out)
        done = self._scan_done() if self.parts.is_dir() else set()
        foreign = done - planned
        if foreign:
            raise OutputError(f"--out {self.out}: holds {len(foreign)} runs that are not "
                              "part of this experiment (other parameters, seeds or years); "
                              "use --fresh to move them aside, or another --out")
        self._check_stamps(len(done))
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--out {self.out}: cannot create folder: {exc}") from None
        self._take_lock()
        self._clean_parts()
        return done

    def _take_lock(self) -> None:
        """Take `DIR/.lock` (`experiments.engine.lock`): refused while another live sweep,
        on any host, holds it."""
        try:
            self._lock.acquire()
        except LockHeld as exc:
            raise OutputError(f"--out {exc}") from None
        except OSError as exc:
            raise OutputError(f"--out {self.out}: cannot write its lock: {exc}") from None

    def release(self) -> None:
        """Remove the lock taken by `open`."""
        self._lock.release()

    def _refuse_moving_cwd(self) -> None:
        cwd, here = Path.cwd().resolve(), self.out.resolve()
        if cwd == here or here in cwd.parents:
            self._lock.release()
            raise OutputError(f"--fresh: cannot move {self.out} aside while it holds the current "
                              "folder (the new results would land in the moved copy); run from "
                              "outside it")

    def _move_aside(self) -> Path:
        src = self.out.resolve()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = src.with_name(f"{src.name}.old-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = src.with_name(f"{src.name}.old-{stamp}-{n}")
        try:
            os.rename(src, target)
        except OSError as exc:
            raise OutputError(f"--fresh: cannot move {self.out} aside: {exc}") from None
        return target

    def _part_files(self, kind: str) -> list[Path]:
        return sorted(p for p in self.parts.iterdir()
                      if (m := _PART.match(p.name)) and m.group(2) == kind)

    def _scan_done(self) -> set[str]:
        done: set[str] = set()
        self._stamps = []
        for path in self._part_files("runs"):
            try:
                table = pq.read_table(path, columns=["run_id"])
            except (OSError, pa.ArrowException) as exc:
                raise OutputError(f"--out {self.out}: part {path.name} is unreadable "
                                  f"({type(exc).__name__}); delete it to recompute its runs, "
                                  "or use --fresh") from None
            done.update(table.column(0).to_pylist())
            try:
                stamp = json.loads((table.schema.metadata or {}).get(STAMP, b"null"))
            except ValueError:
                stamp = None  # a damaged stamp: made by nothing known, so refused on resume
            stamp = stamp if isinstance(stamp, dict) else None
            has_logs = (stamp or {}).get("tenders")
            if has_logs is None:  # parts written before stamps: a tenders part beside it
                has_logs = path.with_name(path.name.replace(".runs.", ".tenders.")).is_file()
            self._stamps.append((table.num_rows, (stamp or {}).get("identity"), bool(has_logs)))
        return done

    def _check_stamps(self, n_done: int) -> None:
        """Refuse a folder whose runs were made by another identity, or with(out) tender logs
        when this sweep stores them differently: a resume would mix them."""
        from experiments.engine.identity import differences

        stamps = self._stamps
        if self.identity is not None:
            other = [(n, ident) for n, ident, _ in stamps
                     if (ident or {}).get("key") != self.identity["key"]]
            if other:
                raise OutputError(
                    f"--out {self.out}: {sum(n for n, _ in other)} of its {n_done} runs were "
                    f"made by something else ({differences(other[0][1], self.identity)}); a "
                    "resume would mix them with new runs; use --fresh to move them aside "
                    "and rerun all, or another --out")
        if self.tenders is not None:
            differ = sum(n for n, _, logs in stamps if logs != self.tenders)
            if differ and self.tenders:
                raise OutputError(
                    f"--tenders: {differ} of the {n_done} runs in {self.out} were stored without "
                    "tender logs, so the logs would cover only the new runs; use --fresh to "
                    "rerun all with --tenders, or another --out")
            if differ:
                raise OutputError(
                    f"--out {self.out}: its {differ} runs were stored with tender logs; add "
                    "--tenders (or --ocds) so the new runs have them too, or use --fresh")

    def _clean_parts(self) -> None:
        """Remove our temporary files and parts of batches whose runs part never landed."""
        committed = {p.name.split(".")[0] for p in self._part_files("runs")}
        for path in self.parts.iterdir():
            m = _PART.match(path.name)
            if path.name.endswith(".tmp") or (m and m.group(1) not in committed):
                path.unlink()
        for path in self.out.glob(".*.tmp"):  # a consolidation that was killed
            path.unlink()

    def write_design(self, rows: list[dict[str, Any]]) -> None:
        """Write design.parquet: every (scenario, point, replicate) of the plan."""
        atomic_write_table(pa.Table.from_pylist(rows), self.out / "design.parquet")

    def add(self, result: ChunkResult) -> None:
        """Buffer a finished chunk; flush a part when the buffer is big or old enough."""
        if not self._buffer:
            self._since = time.monotonic()
        self._buffer.append(result)
        self._buffered += len(result.run_ids)
        if (self._buffered >= self.flush_runs
                or time.monotonic() - self._since >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Write buffered runs as one batch of part files (tenders, ts, then runs)."""
        if not self._buffer:
            return
        if self._lock.lost:
            raise OutputError(f"--out {self.out}: another sweep took over this folder's lock "
                              "(ours was not renewed in time); stopped writing")
        ids = [i for r in self._buffer for i in r.run_ids]
        key = min(ids)
        tables = {
            "tenders": [r.tenders for r in self._buffer if r.tenders is not None],
            "ts": [r.timeseries for r in self._buffer],
            "runs": [r.runs for r in self._buffer],
        }
        for kind in KINDS:
            if tables[kind]:
                table = pa.concat_tables(tables[kind], promote_options="permissive")
                if kind == "runs":
                    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                           STAMP: self._stamp(tables)})
                atomic_write_table(table, self.parts / f"{key}.{kind}.parquet")
        self.done.update(ids)
        self.added.extend(ids)
        self._buffer, self._buffered = [], 0

    def _stamp(self, tables: dict[str, list[pa.Table]]) -> bytes:
        logs = self.tenders if self.tenders is not None else bool(tables["tenders"])
        return json.dumps({"identity": self.identity, "tenders": logs}).encode()

    def consolidate(self) -> int:
        """Rebuild runs/timeseries/tenders.parquet from the parts; return the run count."""
        self.flush()
        runs_parts = self._part_files("runs")
        if not runs_parts:
            return 0
        committed = {p.name.split(".")[0] for p in runs_parts}
        runs = _first_part_wins(runs_parts).sort_by("run_id")
        atomic_write_table(runs, self.out / "runs.parquet")
        for kind, name, keys in (("ts", "timeseries.parquet", ["run_id", "month"]),
                                 ("tenders", "tenders.parquet", ["run_id"])):
            files = [p for p in self._part_files(kind) if p.name.split(".")[0] in committed]
            if files:
                table = _first_part_wins(files)
                atomic_write_table(table.sort_by([(k, "ascending") for k in keys]),
                                   self.out / name)
        return runs.num_rows


def _first_part_wins(files: list[Path]) -> pa.Table:
    """Concatenate parts (in name order), keeping each run id from the first part only.

    Parts never share run ids in normal use; this is a safety net, and it picks the same
    part for a run in runs, timeseries and tenders, so the tables stay consistent.
    """
    seen: pa.Array = pa.array([], pa.string())
    tables = []
    for path in files:
        table = pq.read_table(path)
        ids = table.column("run_id")
        if len(seen):
            table = table.filter(pc.invert(pc.is_in(ids, value_set=seen)))
        seen = pa.concat_arrays([seen, pc.unique(ids).cast(pa.string())])
        tables.append(table)
    return pa.concat_tables(tables, promote_options="permissive")
