"""Command-line options shared by the commands that run sweeps through the engine."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_execution_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    """Add --executor, --workers, --scheduler, --out, --fresh (and the hidden --backend).

    Args:
        parser: the command's parser.
        default_out: the default output folder, as shown in the help (e.g. "results/<name>_search/").
    """
    parser.add_argument("--executor", choices=("serial", "processes", "dask"), default="serial",
                        help="where runs execute (default serial: each batch is small)")
    parser.add_argument("--workers", type=int, metavar="K", help="worker processes")
    parser.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address")
    parser.add_argument("--out", type=Path, metavar="DIR", help=f"output folder (default: {default_out})")
    parser.add_argument("--fresh", action="store_true", help="move existing results in DIR aside first")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)
