"""Is a results folder complete, and is a file derived from it current?

Commands that read a results folder (`report`, `brief`, `ocds`, `indicators`) call
`require_complete` first: a folder whose sweep was interrupted (12 of 40 runs) is refused in one
line rather than reported as if whole. Derived files (the OCDS export) are stamped with
`runs_stamp`, the count and a hash of the run ids they cover, so a reader can tell a stale or
partial export from a current one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from experiments.engine.spec_checks import SpecError


def _manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecError(f"{path}: unreadable ({type(exc).__name__}); rerun the sweep") from None
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a JSON object, got {type(data).__name__}; the folder's "
                        "provenance is damaged, rerun the sweep with --fresh")
    return data


def run_ids(folder: Path) -> list[str]:
    """The run ids in `folder/runs.parquet` (sorted), [] without it."""
    path = folder / "runs.parquet"
    if not path.is_file():
        return []
    try:
        return sorted(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one line
        raise SpecError(f"{path}: unreadable ({type(exc).__name__}); rerun the sweep") from None


def runs_stamp(folder: Path) -> dict[str, Any]:
    """``{"runs": n, "run_ids_sha256": h}`` of the runs a folder holds now."""
    ids = run_ids(folder)
    return {"runs": len(ids),
            "run_ids_sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]}


def require_complete(folder: Path, command: str) -> None:
    """Refuse (SpecError, one line) a folder whose sweep has not finished every planned run.

    A folder without a manifest, or whose manifest records no sweep status (made by hand), is not judged.
    """
    manifest = _manifest(folder)
    if manifest is None or "status" not in manifest:
        return
    counts = manifest.get("counts") if isinstance(manifest.get("counts"), dict) else {}
    planned, status = counts.get("planned"), manifest.get("status")
    done = len(run_ids(folder))
    if status == "complete" and (not isinstance(planned, int) or done >= planned):
        return
    of = f"{done} of {planned}" if isinstance(planned, int) else str(done)
    raise SpecError(f"{folder}: holds {of} planned runs (sweep {status or 'unknown'}); `{command}` "
                    "needs a complete folder: rerun the same `run` command to finish it")


def tender_coverage(folder: Path) -> tuple[int, int] | None:
    """(runs with tender logs, runs) as the manifest records them, or None when it does not."""
    manifest = _manifest(folder) or {}
    counts = manifest.get("counts") if isinstance(manifest.get("counts"), dict) else {}
    logged = counts.get("tender_logs")
    return (logged, len(run_ids(folder))) if isinstance(logged, int) else None
