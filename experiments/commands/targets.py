"""Calibration targets from a real OCDS release or record package (JSON or JSON Lines).

Releases are merged per contracting process (ocid) and counted per tender notice (the format,
gzip or JSON Lines, is detected from the content; bad values and duplicate releases are dropped
and counted on stderr; see `indicators --help`). Computes bids per tender, the no-bid and single-bid shares and the winning price over the
tender value from the competitive tender notices, overall and per place level (city, town,
village: from the Jiebang extension's tender.placeLevel, the buyer party's details.level, or
--levels), each with its standard error, and writes a targets file that
`python -m experiments calibrate` reads, plus the same moments by buyer level and value band
in <out>_by_band.csv (bands in the data's currency). Needs the `ocds` extra.

Examples:
    python -m experiments targets county_releases.jsonl --out releases_targets.toml
    python -m experiments targets county.json --levels buyer_levels.csv --bands 50000,500000
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from experiments.commands.indicators import add_method_map, print_notes

HELP = "calibration targets (bids per tender, no-bid share...) from real OCDS data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `targets`."""
    parser.add_argument("file", type=Path, metavar="FILE", help="an OCDS release or record package (.json, .jsonl)")
    parser.add_argument("--out", type=Path, metavar="TARGETS.toml",
                        help="targets file to write (default: FILE's name with _targets.toml)")
    parser.add_argument("--levels", type=Path, metavar="CSV",
                        help="buyer ids and their level: a CSV with columns buyer_id,level (city|town|village)")
    parser.add_argument("--bands", default="100000,1000000", metavar="V1,V2,...",
                        help="value band edges of tender.value, in the data's currency (default: 100000,1000000)")
    parser.add_argument("--force", action="store_true", help="replace an existing targets file")
    add_method_map(parser)


def _levels(path: Path | None) -> dict[str, str]:
    import pandas as pd

    from experiments.engine.spec_checks import SpecError

    if path is None:
        return {}
    try:
        table = pd.read_csv(path, dtype=str)
    except (OSError, ValueError) as exc:
        raise SpecError(f"--levels {path}: cannot read it as CSV ({exc})") from None
    if not {"buyer_id", "level"} <= set(table.columns):
        raise SpecError(f"--levels {path}: expected columns buyer_id,level; got {','.join(table.columns)}")
    bad = sorted(set(table["level"]) - {"city", "town", "village"})
    if bad:
        raise SpecError(f"--levels {path}: level {bad[0]!r}; allowed: city, town, village")
    return dict(zip(table["buyer_id"], table["level"]))


def _bands(text: str) -> list[float]:
    from experiments.engine.spec_checks import SpecError

    try:
        edges = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        edges = []
    if not edges or any(not 0 < e < math.inf for e in edges) or edges != sorted(set(edges)):
        raise SpecError(f"--bands {text!r}: expected increasing positive finite numbers, e.g. 100000,1000000")
    return edges


def main(args: argparse.Namespace) -> int:
    """Compute and write the targets; print them."""
    from experiments.ocds.clean import load_method_map
    from experiments.ocds.processes import load
    from experiments.ocds.read import OCDSReadError
    from experiments.ocds.targets import by_band, notices, targets, targets_toml
    from experiments.engine.spec_checks import SpecError

    out = args.out or args.file.with_name(f"{args.file.stem}_targets.toml")
    if out.exists() and not args.force:
        raise SpecError(f"--out {out}: exists; pass --force to replace it, or another --out")
    levels, edges = _levels(args.levels), _bands(args.bands)
    try:
        procs, tally = load(args.file, load_method_map(args.method_map) if args.method_map else None)
    except OCDSReadError as exc:
        raise SpecError(str(exc)) from None
    if not procs:
        raise SpecError(tally.nothing_usable(args.file))
    table = notices(procs, levels)
    found = targets(table)
    if not found:
        raise SpecError(f"{args.file}: fewer than 2 competitive tender notices with numberOfTenderers "
                        "(procurementMethod open or selective); no targets")
    print_notes({args.file.name: tally})
    text = targets_toml(found, args.file, out)
    bands = by_band(table, edges, tally.currency)
    band_file = out.with_name(f"{out.stem}_by_band.csv")
    for path, write in ((band_file, lambda p: bands.to_csv(p, index=False)), (out, lambda p: p.write_text(text))):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        write(tmp)
        tmp.replace(path)
    print(f"{len(table)} competitive tender notices; {len(found)} targets -> {out} (by band: {band_file})")
    print(text.split("[targets]\n", 1)[1], end="")
    return 0
