"""Run every validation check and write the validation report (docs/VALIDATION.md).

Checks: docking against theory (first-price auction, entry with participation costs,
Hart–Shleifer–Vishny quality shading, scoring auctions), the 2019 Penglai report's stylised
facts, empirical plausibility against published magnitudes, and the robustness of the reform
package's main effects over a Latin-hypercube screen of the parameters that drive them (with a
table for every reform). Identities and input checks are listed apart. `--fast` runs the quick
subset the test suite runs. The report is written atomically; the exit status is 0 whether checks pass or fail (the report says which).
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


def main(args: argparse.Namespace) -> int:
    """Run the checks, print one line per check, write the report."""
    from experiments.studies import places
    from experiments.studies.validation import Context, robustness, run_checks
    from experiments.studies.render import markdown, with_decomposition

    out = Path(args.out)
    _check_out(out)
    ctx = Context.make(args.fast)
    start = time.perf_counter()

    def show(rec) -> None:
        word = ("PASS" if rec.passed else "FAIL") if rec.counted else ("HOLDS" if rec.passed else "BROKEN")
        print(f"{rec.id:4} {word}  {rec.title}: {rec.obtained}", flush=True)

    records = run_checks(args.fast, ctx, progress=show)
    table = [*robustness.section(ctx), "", *places.section(ctx)]
    seconds = time.perf_counter() - start
    _write(with_decomposition(markdown(records, ctx, seconds, table), ROOT / "docs" / "NOBID.md"), out)
    counted = [r for r in records if r.counted]
    print(f"{sum(r.passed for r in counted)}/{len(counted)} checks pass; report written to {out}", file=sys.stderr)
    return 0
