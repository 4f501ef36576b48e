"""Run every validation check and write the validation report (docs/VALIDATION.md).

Checks: docking against theory (first-price auction, entry with participation costs,
Hart–Shleifer–Vishny quality shading, scoring auctions), the 2019 Penglai report's stylised
facts, empirical plausibility against published magnitudes, and the robustness of the reform
package's main effects over a Latin-hypercube screen of the parameters that drive them (with a
table for every reform). Identities and input checks are listed apart. `--fast` runs the quick
subset the test suite runs. The robustness screen's table is also saved as CSV with a manifest
(command, design, commit) under `--robustness-out` (default results/curated/robustness/ for the full
validation; not saved by `--fast` unless asked), where the reform report reads it
(`python -m experiments report DIR --robustness results/curated/robustness`). The report is written atomically; the exit status is 0 whether checks pass or fail (the report says which).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from experiments.engine.store import OutputError
from experiments.studies.common import ROOT

HELP = "run the validation checks and write docs/VALIDATION.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `--fast` and `--out`."""
    parser.add_argument("--fast", action="store_true", help="only the quick subset, with short runs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "VALIDATION.md", metavar="FILE",
                        help="the report to write (default: docs/VALIDATION.md)")
    parser.add_argument("--robustness-out", type=Path, default=None, metavar="DIR",
                        help="folder for the robustness screen's table (screen.csv, manifest.json; default: "
                             "results/curated/robustness for the full validation, none with --fast)")


def _check_out(out: Path) -> None:
    if out.exists() and out.is_dir():
        raise OutputError(f"--out {out}: is a folder; give a file name such as docs/VALIDATION.md")
    if not out.parent.is_dir():
        raise OutputError(f"--out {out}: folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK):
        raise OutputError(f"--out {out}: folder {out.parent} is not writable")


def _write(text: str, out: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--robustness-out {folder}: is a file; give a folder such as results/curated/robustness")
    if not folder.parent.is_dir() or not os.access(folder.parent, os.W_OK):
        raise OutputError(f"--robustness-out {folder}: folder {folder.parent} does not exist or is not writable")


def _shown(path: Path | str) -> str:
    """A path as the manifest shows it: relative to the repository when inside it (no local folders)."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def save_robustness(ctx, folder: Path, argv: list[str]) -> Path:
    """Save the robustness screen's table (``screen.csv``) and how it was made (``manifest.json``:
    command, design, git commit, time) in ``folder``, each file written atomically.

    Args:
        ctx: the validation context whose screen has run (or will run now).
        folder: the output folder (created).
        argv: the command line that produced it.

    Returns:
        The path of ``screen.csv``.
    """
    import json

    import pandas as pd

    from experiments.engine.manifest import git_commit, now
    from experiments.studies import robustness

    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / "screen.csv"
    _write(pd.DataFrame(robustness.table(ctx)).to_csv(index=False), csv)
    meta = {"command": "python -m experiments " + " ".join(argv), "created": now(),
            "git_commit": git_commit(ROOT), "screen": robustness.design(ctx), "table": csv.name}
    _write(json.dumps(meta, indent=1, ensure_ascii=False, default=str) + "\n", folder / "manifest.json")
    return csv


def main(args: argparse.Namespace) -> int:
    """Run the checks, print one line per check, write the report."""
    from experiments.studies import costs, places
    from experiments.studies.validation import Context, robustness, run_checks
    from experiments.studies.render import markdown, with_decomposition

    out = Path(args.out)
    _check_out(out)
    folder = args.robustness_out or (None if args.fast else ROOT / "results" / "curated" / "robustness")
    if folder is not None:
        _check_folder(Path(folder))
    ctx = Context.make(args.fast)
    start = time.perf_counter()

    def show(rec) -> None:
        word = ("PASS" if rec.passed else "FAIL") if rec.counted else ("HOLDS" if rec.passed else "BROKEN")
        print(f"{rec.id:4} {word}  {rec.title}: {rec.obtained}", flush=True)

    records = run_checks(args.fast, ctx, progress=show)
    table = [*robustness.section(ctx), "", *places.section(ctx), "", *costs.section(ctx)]
    seconds = time.perf_counter() - start
    text = with_decomposition(markdown(records, ctx, seconds, table), ROOT / "docs" / "NOBID.md")
    text = with_decomposition(text, ROOT / "docs" / "METHOD_MIX.md")
    text = with_decomposition(text, ROOT / "docs" / "MARKET_CHECKS.md")
    text = with_decomposition(text, ROOT / "docs" / "EXPLAIN.md")
    _write(with_decomposition(text, ROOT / "docs" / "CALIBRATION.md"), out)
    if folder is not None:
        argv = ["validate", *(["--fast"] if args.fast else []), "--out", _shown(out), "--robustness-out", _shown(folder)]
        print(f"robustness table: {save_robustness(ctx, Path(folder), argv)}", file=sys.stderr)
    counted = [r for r in records if r.counted]
    print(f"{sum(r.passed for r in counted)}/{len(counted)} checks pass; report written to {out}", file=sys.stderr)
    return 0
