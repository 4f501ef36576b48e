"""Print the parameter reference: every parameter with default, allowed values, unit, meaning, source.

The reference is generated from the parameter tree by `model.params` (`reference_rows()` and
`reference_markdown()`); this command only formats or writes it.

Examples:
    python -m experiments params                     # a table on stdout
    python -m experiments params --markdown          # the Markdown text of docs/parameters.md
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
                       help="print the Markdown reference (the text of docs/parameters.md)")
    group.add_argument("--write", type=Path, metavar="FILE",
                       help="write the Markdown reference to FILE atomically "
                            "(e.g. docs/parameters.md)")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value
    return repr(value)


def format_table(rows: list[dict[str, Any]]) -> str:
    """The reference as a plain-text table: a header, a rule, one line per parameter."""
    cells = [[_cell(row.get(c, "")) for c in COLUMNS] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(COLUMNS, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path`: a temporary file in the same folder, then `os.replace`.

    Raises:
        OutputError: the folder does not exist or cannot be written.
    """
    from experiments.engine.store import OutputError

    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"--write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"--write {path}: cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
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

    Raises:
        SpecError: when the model provides no reference.
    """
    try:
        from model.params import reference_markdown, reference_rows
    except ImportError as exc:
        from experiments.engine.spec_checks import SpecError

        raise SpecError(f"the parameter reference is not available: {exc}") from None
    if args.write is not None:
        write_atomic(args.write, reference_markdown())
        print(f"wrote {args.write}")
    elif args.markdown:
        print(reference_markdown(), end="")
    else:
        print(format_table(reference_rows()))
    return 0
