"""Provenance for a results folder: `manifest.json`.

The manifest records what was run (experiment file and its sha256, each scenario file,
the resolved flat parameters per scenario, the design, the CLI overrides, the warm-up
(`burn_in_years`) every summary leaves out), with what
(git commit, package versions, the lock file's sha256, Python, machine and the numeric platform
that decides the last bits of floating-point results) and how far it got (start and end times,
counts planned/done/skipped, one entry per invocation when a sweep is resumed).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, UTC
from importlib import metadata
from pathlib import Path
from typing import Any

from experiments.engine.samplers import salib_problem
from experiments.engine.spec import Plan

LOCK_FILE = Path(__file__).resolve().parents[2] / "requirements.lock"
"""The exact versions the README's install uses (``scripts/lock.sh`` refreshes it)."""

PACKAGES = ("jiebang", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib", "dask",
            "distributed", "pydantic")


def now() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_of(path: Path | None) -> str | None:
    """Hex sha256 of a file, or None when there is no file."""
    if path is None or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit(where: Path) -> str | None:
    """`git rev-parse HEAD` in `where`, or None when git or a repository is missing."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


SHAPES_RESULTS = ("model", "experiments", "pyproject.toml")
"""Paths of the repository whose uncommitted changes make ``git_commit`` an incomplete record."""


def git_modified(where: Path) -> list[str] | None:
    """Tracked files under ``SHAPES_RESULTS`` with uncommitted changes (empty when the results
    come from ``git_commit`` exactly), or None when git or a repository is missing."""
    try:  # ":/" anchors each path at the repository's top; porcelain paths are relative to it
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                              *(f":/{p}" for p in SHAPES_RESULTS)],
                             cwd=where, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return sorted(line[3:] for line in out.stdout.splitlines() if line.strip())


def numeric_platform() -> dict[str, Any]:
    """What decides the last bits of the model's floating-point results on this machine.

    numpy picks SIMD kernels for float64 ``exp``, ``log`` and ``power`` at run time from the CPU
    (its dispatch targets, e.g. ``X86_V3`` = AVX2/FMA3, ``X86_V4`` = AVX-512), and the AVX-512
    kernels round differently in the last bit from the others; OpenBLAS, behind ``@``, picks its
    kernels from the CPU too (docs/RELIABILITY.md §6). The C library's ``libm`` and the versions
    of numpy and scipy matter as well. Two machines with the same ``numeric_platform()`` give
    bit-identical runs; otherwise runs are statistically indistinguishable but not identical.

    Returns:
        ``machine``, ``libc``, ``numpy``, ``scipy``, ``simd`` (numpy's enabled dispatch targets),
        ``blas`` (the BLAS library and the kernel architecture it chose) and ``key``, one string
        of them all (used to key pinned hashes).
    """
    import numpy as np
    import scipy
    from numpy._core import _multiarray_umath as umath
    from threadpoolctl import threadpool_info

    simd = [t for t in umath.__cpu_dispatch__ if umath.__cpu_features__.get(t)]
    libc = "".join(platform.libc_ver()) or "unknown-libc"
    blas = sorted(f"{i.get('internal_api')}-{i.get('architecture')}" for i in threadpool_info()
                  if i.get("user_api") == "blas" and "numpy" in str(i.get("filepath")))
    info: dict[str, Any] = {"machine": platform.machine(), "libc": libc, "numpy": np.__version__,
                            "scipy": scipy.__version__, "simd": simd, "blas": blas}
    info["key"] = (f"{info['machine']} {libc} numpy{np.__version__} scipy{scipy.__version__} "
                   f"{'+'.join(['baseline', *simd])} {'+'.join(blas) or 'no-blas'}")
    return info


def versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape results."""
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def build(plan: Plan, run_options: dict[str, Any], previous: dict[str, Any] | None) -> dict:
    """The manifest of a sweep that is starting.

    Args:
        plan: The plan.
        run_options: How it is run (executor, workers, chunk size, tenders, argv, out).
        previous: The manifest already in the folder (a resumed sweep), or None.

    Returns:
        A JSON-serialisable dict (status "running").
    """
    exp = plan.experiment
    design = exp.design
    factors: dict[str, Any] | None = None
    if design is not None:
        factors = {"design": design.method, "names": design.names,
                   "samples": design.samples, "points": len(plan.design_rows)
                   // max(1, len(exp.scenarios) * plan.replications)}
        if design.method == "grid":
            factors["values"] = {f.name: list(f.values or ()) for f in design.factors}
        else:
            factors["problem"] = salib_problem(design)
            factors["integer"] = [f.name for f in design.factors if f.integer]
        if design.method == "morris":
            factors["levels"] = design.levels
        if design.method == "sobol":
            factors["second_order"] = design.second_order
    history = list((previous or {}).get("sessions", []))
    years = {r.scenario: r.years for r in plan.runs}
    return {
        "engine": "jiebang experiments",
        "status": "running",
        "experiment": {
            "name": exp.name, "kind": exp.kind, "description": exp.description,
            "file": str(exp.path.resolve()), "sha256": sha256_of(exp.path),
            "seed": plan.seed, "replications": plan.replications, "years": plan.years,
            "burn_in_years": sorted({b for b in (f.get("burn_in_years") for f in plan.scenario_params.values())
                                     if b is not None}) or None,
            "outcomes": list(exp.outcomes) if exp.outcomes else None,
            "baseline": exp.baseline, "reform_start_year": plan.reform_start_year, "spec": json.loads(json.dumps(exp.raw, default=str)),
        },
        "scenarios": [{"name": s.name, "description": s.description,
                       "file": str(s.path) if s.path else None, "sha256": sha256_of(s.path),
                       "overrides": s.overrides, "years": years.get(s.name),
                       "burn_in_years": (plan.scenario_params.get(s.name) or {}).get("burn_in_years")}
                      for s in exp.scenarios],
        "overrides": {"experiment": exp.overrides, "set": plan.sets},
        "factors": factors,
        "parameters": plan.scenario_params,
        "run": run_options,
        "git_commit": git_commit(Path(__file__).resolve().parent),
        "git_modified": git_modified(Path(__file__).resolve().parent),
        "packages": versions(),
        "lock_sha256": sha256_of(LOCK_FILE),
        "numeric_platform": numeric_platform(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "started": (previous or {}).get("started") or now(),
        "finished": None,
        "sessions": history,
        "counts": {"planned": len(plan.runs), "design_rows": len(plan.design_rows)},
    }


def finish(manifest: dict[str, Any], status: str, started: str, counts: dict[str, int],
           made: dict[str, Any] | None = None) -> dict:
    """Mark a manifest finished: status, end time, counts, and this session's entry (with
    `made`: the identity of the code that ran and the run ids it produced)."""
    manifest = dict(manifest)
    manifest["status"] = status
    manifest["finished"] = now()
    manifest["counts"] = {**manifest["counts"], **counts}
    manifest["sessions"] = manifest["sessions"] + [
        {"started": started, "finished": manifest["finished"], "status": status,
         "executor": manifest["run"].get("executor"), "workers": manifest["run"].get("workers"),
         **counts, **(made or {})}]
    return manifest


def read(out: Path) -> dict[str, Any] | None:
    """The manifest in `out`, or None if absent, unreadable or not a JSON object."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
