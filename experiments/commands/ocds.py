"""Write the tender logs of a results folder as OCDS 1.1 release packages.

One contracting process per order of a run, its attempts (tender, re-tender, fallback) as
releases, dated by the simulated calendar (month 1 = January 2019, +08:00); amounts are
totals over the contract term in CNY. What OCDS lacks (place level, distance, reach of the
notice, failure reason...) is in the extension `experiments/ocds/extension/`. Writes
DIR/ocds/<scenario>.json, or .jsonl (one release package per line) for large runs.
--validate checks every package offline with libcoveocds (the `ocds` extra).

Examples:
    python -m experiments run experiments/scenarios/baseline.toml --reps 2 --years 6 --tenders \
        --set region.n_towns=3 --set region.villages_per_town=10 --out results/baseline_small
    python -m experiments ocds results/baseline_small --validate
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "export the tender logs of a results folder as OCDS 1.1 release packages"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `ocds`."""
    parser.add_argument("folder", type=Path, metavar="DIR", help="a results folder written with --tenders")
    parser.add_argument("--format", choices=("auto", "json", "jsonl"), default="auto",
                        help="one JSON package, or JSON Lines of packages (default: auto, JSON Lines "
                             "above 20,000 releases)")
    parser.add_argument("--extension-url", metavar="URL",
                        help="where readers find the extension (default: the shipped folder, file://)")
    parser.add_argument("--validate", action="store_true",
                        help="validate the written packages offline with libcoveocds")


def export(folder: Path, fmt: str = "auto", extension: str | None = None, check: bool = False) -> int:
    """Export (and optionally validate) a results folder; print one line per file.

    Returns:
        0, or 1 when a package has validation errors.
    """
    from experiments.ocds.export import ExportError, export_folder
    from experiments.engine.spec_checks import SpecError

    from experiments.engine.folder import require_complete

    require_complete(folder, "ocds")
    try:
        written = export_folder(folder, fmt=fmt, extension=extension)
    except ExportError as exc:
        raise SpecError(str(exc)) from None
    status = 0
    for scenario, (path, n) in written.items():
        line = f"{scenario}: {n} releases -> {path}"
        if check:
            errors, unread = validation_errors(path)
            line += f" ({errors} validation errors)"
            if unread:
                line += f"; extension not read, its fields unchecked: {', '.join(unread)}"
            status = max(status, int(errors > 0 or bool(unread)))
        print(line)
    return status


def validation_errors(path: Path) -> tuple[int, list[str]]:
    """Validation errors in an exported file (every package of a JSON Lines file), and the
    extensions libcoveocds could not read (their fields then go unchecked)."""
    from experiments.ocds.validate import validate_package

    text = path.read_text(encoding="utf-8")
    packages = [json.loads(x) for x in text.splitlines() if x.strip()] if path.suffix == ".jsonl" else [json.loads(text)]
    errors, unread = 0, set()
    for pkg in packages:
        result = validate_package(pkg)
        errors += len(result["validation_errors"])
        unread |= {f"{url} ({why})" for url, why in result["extensions"]["invalid_extension"].items()}
    return errors, sorted(unread)


def main(args: argparse.Namespace) -> int:
    """Export the folder's tender logs."""
    return export(args.folder, args.format, args.extension_url, args.validate)
