"""Regenerate the notebooks' curated results and execute the notebooks with their outputs.

    python scripts/curate_notebooks.py                     # everything: 19.5 min measured from scratch on 2 shared cores
    python scripts/curate_notebooks.py --only no_bidder    # one result set and its notebooks
    python scripts/curate_notebooks.py --execute-only      # re-execute against the committed tables

Steps: (1) ``bash scripts/curate_reform_package.sh`` (a fresh reform-package run, its report and
brief; skipped by --no-reform-report, --only without reform_package, or --execute-only);
(2) for every result set in ``experiments.curate.CURATIONS``: run it at its documented size into
``results/<name>/`` (resumable: finished runs are kept) and write its kilobyte tables and their
hashes into ``results/curated/<name>/``; (3) execute every notebook in ``notebooks/`` as
committed (``FULL = False``: it reads the curated tables), store it with its outputs and record
in ``metadata.jiebang.curated`` the SHA-256 of each curated file it read.
``tests/test_notebooks.py`` fails when a recorded hash no longer matches the file on disk.
Run from anywhere; prints the time of each step.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from experiments import curate
from experiments.analysis.curated import curated_hashes

NOTEBOOK_DIR = curate.ROOT / "notebooks"


def execute(path: Path) -> None:
    """Execute one notebook in place (kernel python3, working directory notebooks/).

    Args:
        path: The notebook; rewritten with its outputs and the hashes of what it read.
    """
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    folders = [curate.folder(n) for n in curate.NOTEBOOKS[path.stem]]
    nb.metadata["jiebang"] = {"curated": curated_hashes(folders, curate.ROOT),
                              "regenerate": "python scripts/curate_notebooks.py"}
    nbformat.write(nb, path)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; a bad name exits with one `error:` line and status 2."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME",
                    help=f"one result set (repeatable): {', '.join(curate.CURATIONS)}")
    ap.add_argument("--execute-only", action="store_true",
                    help="no runs: execute the notebooks against the committed curated tables")
    ap.add_argument("--no-reform-report", action="store_true",
                    help="do not run scripts/curate_reform_package.sh first")
    ap.add_argument("--workers", type=int, metavar="K", help="worker processes (default: CPU count)")
    args = ap.parse_args(argv)
    bad = [n for n in args.only or [] if n not in curate.CURATIONS]
    if bad:
        ap.exit(2, f"error: --only: unknown result set {bad[0]!r}; allowed: "
                   f"{', '.join(curate.CURATIONS)}\n")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the steps; returns the exit status."""
    args = parse(argv)
    names = args.only or list(curate.CURATIONS)
    start = time.perf_counter()
    if not args.execute_only:
        if "reform_package" in names and not args.no_reform_report:
            t = time.perf_counter()
            bin_dir = str(Path(sys.executable).parent)  # its `python` is this one, venv activated or not
            env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
            subprocess.run(["bash", str(curate.ROOT / "scripts" / "curate_reform_package.sh")],
                           check=True, env=env)
            print(f"reform package report and brief: {time.perf_counter() - t:.0f} s", flush=True)
        for name in names:
            t = time.perf_counter()
            hashes = curate.curate(name, workers=args.workers)
            print(f"{name}: {len(hashes)} curated files in {time.perf_counter() - t:.0f} s", flush=True)
    stems = [s for s, uses in curate.NOTEBOOKS.items() if set(uses) & set(names)]
    for stem in stems:
        t = time.perf_counter()
        execute(NOTEBOOK_DIR / f"{stem}.ipynb")
        print(f"notebooks/{stem}.ipynb executed in {time.perf_counter() - t:.0f} s", flush=True)
    print(f"total: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
