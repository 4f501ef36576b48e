"""Print the parameter reference: every parameter with default, allowed values, unit, meaning, source.

Examples:
    python -m experiments params                     # a table on stdout
    python -m experiments params --markdown          # the Markdown of docs/parameters.md
    python -m experiments params --write docs/parameters.md
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

HELP = "print the parameter reference (generated from the parameter tree)"

COLUMNS = ("path", "default", "allowed", "unit", "meaning", "source")
"""Columns of the table, in order (keys of `model.params.reference_rows()`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `--markdown` and `--write FILE`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--markdown", action="store_true",
                       help="print the Markdown reference instead of a table")
    group.add_argument("--write", type=Path, metavar="FILE",
                       help="write the Markdown reference to FILE (e.g. docs/parameters.md)")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value
    return repr(value)


def format_table(rows: list[dict[str, Any]]) -> str:
    """The reference as a plain-text table, one line per parameter."""
    cells = [[_cell(row.get(c, "")) for c in COLUMNS] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(COLUMNS)]
    widths[-1] = 0  # the last column is not padded
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(COLUMNS, widths)).rstrip()]
    lines.append("  ".join("-" * max(w, len(c)) for c, w in zip(COLUMNS, widths)))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and `os.replace`."""
    from experiments.store import OutputError

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"--write {path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def main(args: argparse.Namespace) -> int:
    """Print the table, print the Markdown, or write it to a file.

    Returns:
        0.
    """
    try:
        from model.params import reference_markdown, reference_rows
    except ImportError as exc:
        from experiments.validate import SpecError

        raise SpecError(f"the parameter reference is not available: {exc}") from None
    if args.write is not None:
        write_atomic(args.write, reference_markdown())
        print(f"wrote {args.write}")
    elif args.markdown:
        print(reference_markdown(), end="")
    else:
        print(format_table(reference_rows()))
    return 0
