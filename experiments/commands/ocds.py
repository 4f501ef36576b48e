"""Write the tender logs of a results folder as OCDS 1.1 release packages.

One contracting process per order of a run, its attempts (tender, re-tender, fallback) as
releases, dated by the simulated calendar (month 1 = January 2019, +08:00); amounts are
totals over the contract term in CNY. What OCDS lacks (place level, distance, reach of the
notice, failure reason...) is in the extension `experiments/ocds/extension/`. Writes
DIR/ocds/<scenario>.json, or .jsonl.gz (gzipped JSON Lines, one release package per line) when
the releases pass --compress-above MB of JSON. --validate checks every package offline with
libcoveocds (the `ocds` extra), reading the extension from the shipped folder.

Examples:
    python -m experiments run experiments/scenarios/baseline.toml --reps 2 --years 6 --tenders \
        --set region.n_towns=3 --set region.villages_per_town=10 --out results/baseline_small
    python -m experiments ocds results/baseline_small --validate
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from pathlib import Path

from experiments.ocds.codes import COMPRESS_ABOVE_MB

HELP = "export the tender logs of a results folder as OCDS 1.1 release packages"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `ocds`."""
    parser.add_argument("folder", type=Path, metavar="DIR", help="a results folder written with --tenders")
    parser.add_argument("--format", choices=("auto", "json", "jsonl", "jsonl.gz"), default="auto",
                        help="one JSON package, or JSON Lines of packages (plain or gzipped); default: "
                             "auto, .json up to --compress-above MB, .jsonl.gz above")
    parser.add_argument("--compress-above", type=float, default=COMPRESS_ABOVE_MB, metavar="MB",
                        help="with --format auto, write .jsonl.gz when a scenario's releases take more "
                             f"than MB megabytes of JSON (default: {COMPRESS_ABOVE_MB:g}; 0: always)")
    parser.add_argument("--extension-url", metavar="URL",
                        help="where readers find the extension's extension.json, an http(s) URL "
                             "(default: a placeholder answered offline from the shipped folder; see "
                             "experiments/ocds/extension/README.md)")
    parser.add_argument("--validate", action="store_true",
                        help="validate the written packages offline with libcoveocds")


def export(folder: Path, fmt: str = "auto", extension: str | None = None, check: bool = False,
           compress_above: float = COMPRESS_ABOVE_MB) -> int:
    """Export (and optionally validate) a results folder; print one line per file.

    Returns:
        0, or 1 when a package has validation errors.
    """
    from experiments.ocds.export import ExportError, export_folder
    from experiments.engine.spec_checks import SpecError

    from experiments.engine.folder import require_complete

    if not (math.isfinite(compress_above) and compress_above >= 0):
        raise SpecError(f"--compress-above: expected a size in MB >= 0 (0: always compress), got {compress_above}")
    if extension is not None and not extension.startswith(("http://", "https://")):
        raise SpecError(f"--extension-url {extension}: expected an http(s) URL of the extension's "
                        "extension.json (libcoveocds reads no other)")
    require_complete(folder, "ocds")
    try:
        written = export_folder(folder, fmt=fmt, extension=extension, compress_above_mb=compress_above)
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

    data = path.read_bytes()
    text = (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8")
    lines = path.name.endswith((".jsonl", ".jsonl.gz"))
    packages = [json.loads(x) for x in text.splitlines() if x.strip()] if lines else [json.loads(text)]
    errors, unread = 0, set()
    for pkg in packages:
        result = validate_package(pkg)
        errors += len(result["validation_errors"])
        unread |= {f"{url} ({why})" for url, why in result["extensions"]["invalid_extension"].items()}
    return errors, sorted(unread)


def main(args: argparse.Namespace) -> int:
    """Export the folder's tender logs."""
    return export(args.folder, args.format, args.extension_url, args.validate, args.compress_above)
