"""Command-line options shared by the commands that run sweeps through the engine."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.engine.choices import EXECUTOR_NAMES


def add_execution_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    """Add --executor, --workers, --scheduler, --out, --fresh (and the hidden --backend).

    Args:
        parser: the command's parser.
        default_out: the default output folder, as shown in the help (e.g. "results/<name>_search/").
    """
    parser.add_argument("--executor", choices=EXECUTOR_NAMES, default="serial",
                        help="where runs execute (default serial: each batch is small)")
    parser.add_argument("--workers", type=int, metavar="K", help="worker processes")
    parser.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address")
    parser.add_argument("--out", type=Path, metavar="DIR", help=f"output folder (default: {default_out})")
    parser.add_argument("--fresh", action="store_true", help="move existing results in DIR aside first")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)


def execution_backend(args: argparse.Namespace) -> tuple[Any, dict | None]:
    """Check the options of :func:`add_execution_options` and load the backend.

    Returns:
        (backend, outcome metadata for reports: the model's OUTCOMES, or None for another backend).

    Raises:
        SpecError: a bad --workers, --scheduler without Dask, or an unknown --backend.
    """
    from experiments.engine.backend import load_backend
    from experiments.engine.spec_checks import SpecError

    if args.workers is not None and args.workers < 1:
        raise SpecError(f"--workers: expected an integer >= 1, got {args.workers}")
    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler: only used with --executor dask")
    try:
        backend = load_backend(args.backend)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    if args.backend is not None:
        return backend, None
    from model.metrics import OUTCOMES

    return backend, dict(OUTCOMES)
