"""List the named scenarios and experiments with their descriptions."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

HELP = "list scenarios (experiments/scenarios/*.toml) and experiments (experiments/*.toml)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `--dir`."""
    parser.add_argument("--dir", type=Path, default=None, metavar="DIR",
                        help="folder holding the experiment files and scenarios/ "
                             "(default: the experiments package)")


def describe(path: Path, table: str) -> tuple[str, str]:
    """(name, first line of description) of a TOML file's `[table]`, never raising."""
    try:
        with open(path, "rb") as fh:
            head = tomllib.load(fh).get(table, {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return path.stem, f"(unreadable: {exc})"
    if not isinstance(head, dict):
        return path.stem, f"(no [{table}] table)"
    text = str(head.get("description", "")).strip().splitlines()
    return str(head.get("name", path.stem)), text[0] if text else ""


def main(args: argparse.Namespace) -> int:
    """Print one section per kind of file. Returns 0."""
    root = args.dir or Path(__file__).resolve().parent.parent
    for title, folder, table in (("Scenarios", root / "scenarios", "scenario"),
                                 ("Experiments", root, "experiment")):
        files = sorted(folder.glob("*.toml"))
        print(f"{title} ({folder}):")
        if not files:
            print("  (none)")
        for path in files:
            name, text = describe(path, table)
            if len(text) > 72:
                text = text[:71] + "…"
            print(f"  {name:<24} {text}")
            print(f"  {'':<24} {path}")
    return 0
