"""Curated results: the kilobyte tables a notebook reads, with their hashes and provenance.

A full-size results folder (``results/<experiment>/``: ``runs.parquet``, ``timeseries.parquet``,
``tenders.parquet``, megabytes) is reduced to the few small tables its notebook shows, written
as CSV into ``results/curated/<experiment>/`` (which git tracks) with an index,
``tables.json``: each file's SHA-256 and where it came from (experiment file hash, size, git
commit, lock file hash, numeric platform). ``read_curated`` refuses a table whose hash does not
match the index. ``python scripts/curate_notebooks.py`` writes these folders and executes the
notebooks against them; each executed notebook records the hashes of the files it read in its
metadata (``metadata.jiebang.curated``), and ``stale_files`` compares that record with the
files on disk, so a regenerated table without re-executed notebooks is detected.

Plain tables only: nothing here imports Mesa or ``model``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

INDEX = "tables.json"
FLOAT_FORMAT = "%.10g"  # 10 significant digits: far below any interval width, a third of repr's size
PROVENANCE_KEYS = ("git_commit", "git_modified", "lock_sha256")
BANDS = (0, 10, 20, 30, 40, float("inf"))  # distance bands of the tender table, km


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def provenance(src: str | Path) -> dict[str, Any]:
    """Where a results folder came from, from its ``manifest.json``.

    Args:
        src: A results folder written by the engine.

    Returns:
        Experiment name, file hash, seed, replications, years, run count, git commit and
        modified files, lock file hash and the numeric platform key.
    """
    m = json.loads((Path(src) / "manifest.json").read_text(encoding="utf-8"))
    exp = m.get("experiment", {})
    out = {k: exp.get(k) for k in ("name", "sha256", "seed", "replications", "years")}
    out["runs"] = m.get("counts", {}).get("planned")
    out.update({k: m.get(k) for k in PROVENANCE_KEYS})
    out["numeric_platform"] = m.get("numeric_platform", {}).get("key")
    return out


def write_curated(dest: str | Path, tables: Mapping[str, pd.DataFrame | str],
                  source: Mapping[str, Any]) -> dict[str, str]:
    """Write tables (CSV) and texts (Markdown) into ``dest`` and the index ``tables.json``.

    Files of ``dest`` not in ``tables`` are left alone (the reform package's report and brief
    share its folder), and are not in the index.

    Args:
        dest: The curated folder.
        tables: File name -> DataFrame (written as CSV, or Parquet for a ``.parquet`` name) or
            text (written as is, UTF-8).
        source: Provenance to record (see `provenance`).

    Returns:
        File name -> SHA-256 of what was written.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name, table in tables.items():
        path = dest / name
        if isinstance(table, str):
            path.write_text(table, encoding="utf-8")
        elif name.endswith(".parquet"):  # parameter draws, read back by `run --parameter-draws`
            table.to_parquet(path, index=False)
        else:
            table.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        hashes[name] = sha256(path)
    index = {"files": hashes, "source": dict(source)}
    (dest / INDEX).write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return hashes


def read_curated(folder: str | Path) -> dict[str, pd.DataFrame | str]:
    """Read the tables of a curated folder, checking each against its recorded hash.

    Args:
        folder: A folder written by `write_curated`.

    Returns:
        File name -> DataFrame (``.csv``, ``.parquet``) or text (other files), plus ``"source"``: the
        provenance dict.

    Raises:
        FileNotFoundError: No index in ``folder``.
        ValueError: A file differs from the hash in the index.
    """
    folder = Path(folder)
    index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    out: dict[str, Any] = {"source": index["source"]}
    for name, digest in index["files"].items():
        path = folder / name
        if sha256(path) != digest:
            raise ValueError(f"{path}: changed since {folder / INDEX} was written; "
                             "rerun python scripts/curate_notebooks.py")
        out[name] = (pd.read_csv(path) if name.endswith(".csv") else pd.read_parquet(path)
                     if name.endswith(".parquet") else path.read_text(encoding="utf-8"))
    return out


def curated_hashes(folders: Sequence[str | Path], root: str | Path) -> dict[str, str]:
    """Path relative to ``root`` -> SHA-256, for every file indexed in ``folders``.

    Args:
        folders: Curated folders.
        root: The repository root the paths are relative to.
    """
    out = {}
    for folder in map(Path, folders):
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        for name, digest in index["files"].items():
            out[(folder / name).relative_to(root).as_posix()] = digest
        out[(folder / INDEX).relative_to(root).as_posix()] = sha256(folder / INDEX)
    return out


def stale_files(recorded: Mapping[str, str], root: str | Path) -> list[str]:
    """The recorded curated files whose bytes on disk no longer match (or are missing).

    Args:
        recorded: Path relative to ``root`` -> SHA-256, as an executed notebook's
            ``metadata.jiebang.curated`` holds it.
        root: The repository root.

    Returns:
        One line per stale file, empty when the notebook's outputs are current.
    """
    root = Path(root)
    problems = []
    for rel, digest in sorted(recorded.items()):
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif sha256(path) != digest:
            problems.append(f"{rel}: changed since the notebook was executed")
    return problems


def runs_table(src: str | Path, outcomes: Sequence[str]) -> pd.DataFrame:
    """The runs table of a results folder, reduced to identifiers and the given outcomes.

    Args:
        src: A complete results folder.
        outcomes: Outcome columns to keep (the experiment's declared outcomes).
    """
    runs = pd.read_parquet(Path(src) / "runs.parquet")
    ids = [c for c in ("run_id", "scenario", "replicate", "seed") if c in runs.columns]
    return runs[ids + [o for o in outcomes if o in runs.columns]].sort_values("run_id")


def attempt_bands(src: str | Path, bins: Sequence[float] = BANDS) -> pd.DataFrame:
    """Procurement attempts of a results folder's tender log counted per run, level and distance band.

    Every method counts, as in the model's ``no_bid_rate`` (share of procurement attempts with no
    bid or response, 无人揭榜).

    Args:
        src: A complete results folder run with ``--tenders``.
        bins: Distance-band edges, km (left-closed).

    Returns:
        run_id, level, distance_band (label "[a, b)" km), attempts (count), no_bid (count of
        attempts with no bid or response).
    """
    t = pd.read_parquet(Path(src) / "tenders.parquet", columns=["run_id", "level", "bids", "distance_km"])
    band = pd.cut(t["distance_km"], list(bins), right=False)
    return (t.assign(level=t["level"].astype(str), distance_band=band.astype(str),
                     no_bid=(t["bids"] == 0).astype(int))
            .groupby(["run_id", "level", "distance_band"], sort=True)["no_bid"]
            .agg(attempts="count", no_bid="sum").reset_index())
