"""Open Contracting red-flag indicators of OCDS data, per scenario.

PATH is a results folder (its OCDS export in DIR/ocds/: .json, .jsonl or .jsonl.gz, written first if the folder has tender
logs but no export yet) or one OCDS file (a release or record package, JSON or JSON Lines,
gzipped or not: detected from the content), so the same indicators come out of simulated and
real data. Releases are merged per contracting process (ocid) before counting; bad values
(negative or absurd amounts and tenderer counts) and duplicate releases are dropped, amounts in
a second currency are converted where the data give exchange rates or else left out, and what
was dropped is summarised on stderr. Computes R018 (single bid received, as
OCDS Cardinal), the no-bid share and the others listed in experiments/ocds/indicators.py, each
with a 95% interval; writes DIR/ocds/indicators.csv for a results folder, and the table to
FILE with --out FILE (CSV or Parquet by its suffix). Needs the `ocds` extra.

Examples:
    python -m experiments run experiments/scenarios/baseline.toml --reps 2 --years 6 --tenders \
        --set region.n_towns=3 --set region.villages_per_town=10 --out results/baseline_small
    python -m experiments indicators results/baseline_small
    python -m experiments indicators county_releases.jsonl --out county_indicators.parquet
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Open Contracting red-flag indicators (single bid, no bid...) of OCDS data, per scenario"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `indicators`."""
    parser.add_argument("path", type=Path, metavar="PATH", help="a results folder or an OCDS file")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="also write the table to FILE: .csv or .parquet (written whole or not at all)")
    add_method_map(parser)


def add_method_map(parser: argparse.ArgumentParser) -> None:
    """The `--method-map FILE` option (shared with `targets`)."""
    parser.add_argument("--method-map", type=Path, metavar="FILE",
                        help="a TOML or JSON table mapping a publisher's procurementMethodDetails or "
                             "procurementMethod strings to the model's methods, e.g. "
                             "\"Licitación Pública\" = \"open_tender\"; the model's methods are the keys of METHODS in "
                             "experiments/ocds/codes.py")


def print_notes(tallies) -> None:
    """What reading the data dropped, left out or derived, in one block on stderr per file."""
    for name, tally in tallies.items():
        lines = tally.lines(name)
        if len(lines) > 1:
            print("\n".join(lines), file=sys.stderr)


OUT_SUFFIXES = (".csv", ".parquet")
"""The formats of `--out`, by file suffix."""


def check_out(out: Path | None) -> None:
    """Refuse a bad `--out` before any work: an unknown suffix or a missing folder (one line)."""
    from experiments.engine.spec_checks import SpecError

    if out is None:
        return
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise SpecError(f"--out {out}: unknown format {out.suffix or '(no suffix)'!r}; "
                        f"use one of {', '.join(OUT_SUFFIXES)}")
    if not out.parent.is_dir():
        raise SpecError(f"--out {out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise SpecError(f"--out {out}: is a folder, expected a file name")


def write_out(table, out: Path) -> None:
    """Write `table` to `out` (CSV or Parquet by suffix) under a temporary name, then rename it."""
    import pyarrow as pa

    from experiments.engine.store import atomic_write_table, atomic_write_text

    if out.suffix.lower() == ".parquet":
        atomic_write_table(pa.Table.from_pandas(table, preserve_index=False), out)
    else:
        atomic_write_text(table.to_csv(index=False), out)


def ocds_files(path: Path) -> dict[str, Path]:
    """Name -> OCDS file: a results folder's export (written if missing) or the file itself."""
    from experiments.engine.spec_checks import SpecError

    if path.is_file():
        return {path.stem: path}
    if not path.is_dir():
        raise SpecError(f"{path}: no such file or folder (expected a results folder or an OCDS file)")
    from experiments.engine.folder import require_complete
    from experiments.ocds.export import export_files, export_problem

    require_complete(path, "indicators")
    problem = export_problem(path) if (path / "ocds").is_dir() else "missing"
    if problem is not None:
        from experiments.commands.ocds import export

        if problem != "missing":
            print(f"note: the OCDS export in {path / 'ocds'} was {problem}; exporting again",
                  file=sys.stderr)
        export(path)
    return export_files(path / "ocds")


def main(args: argparse.Namespace) -> int:
    """Compute, print and (for a results folder) write the indicators."""
    from experiments.ocds.indicators import folder_indicators
    from experiments.ocds.read import OCDSReadError
    from experiments.engine.spec_checks import SpecError

    from experiments.ocds.clean import load_method_map

    check_out(args.out)
    try:
        method_map = load_method_map(args.method_map) if args.method_map else None
        files = ocds_files(args.path)
        table, tallies = folder_indicators(files, method_map)
    except OCDSReadError as exc:
        raise SpecError(str(exc)) from None
    print_notes(tallies)
    with_ci = table.assign(mean=table["mean"].map("{:.4f}".format),
                           interval=[f"[{lo:.4f}, {hi:.4f}]" for lo, hi in zip(table["low"], table["high"])])
    print(with_ci[["scenario", "code", "indicator", "units", "runs", "mean", "interval"]].to_string(index=False))
    if args.path.is_dir():
        out = args.path / "ocds/indicators.csv"
        tmp = out.with_name(".indicators.csv.tmp")
        table.to_csv(tmp, index=False)
        tmp.replace(out)
        print(f"written: {out}")
    if args.out is not None:
        write_out(table, args.out)
        print(f"written: {args.out}")
    return 0
