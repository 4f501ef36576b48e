"""Calibrate parameters to a county's observed moments: SMM or rejection ABC.

The targets file lists observed moments with standard errors, the parameters to
calibrate with their ranges, and the simulation settings (see experiments/analysis/calibrate.py and
experiments/calibration_targets.toml). Every parameter point runs through the engine into
one output folder (rerunning resumes). Writes calibration_estimates.csv,
calibration_fit.csv, calibration_evaluations.csv, calibration.md,
figures/calibration_fit.png and posterior.parquet (parameter draws: ABC's accepted draws, or
a parametric bootstrap of the SMM estimate) for `run FILE --parameter-draws`.

Examples:
    python -m experiments calibrate experiments/calibration_targets.toml
    python -m experiments calibrate experiments/calibration_targets.toml --method abc --budget 40
    python -m experiments calibrate experiments/calibration_targets.toml --identify

With --identify, the identification check runs after the fit: the model's own moments at the
middle of every range are the targets, the same calibration runs on them (into OUT/identify/),
and the table says how far each estimate lands from the known value
(experiments/analysis/identify.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.commands._options import add_execution_options
from experiments.engine.choices import CALIBRATION_METHODS

HELP = "calibrate parameters to observed moments (simulated method of moments or ABC)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `calibrate`."""
    parser.add_argument("file", type=Path, metavar="TARGETS.toml", help="a targets file")
    parser.add_argument("--method", choices=CALIBRATION_METHODS, help="override the file's method")
    parser.add_argument("--budget", type=int, metavar="N",
                        help="SMM objective evaluations / ABC prior draws")
    parser.add_argument("--identify", action="store_true",
                        help="then recover known parameters from targets simulated at the middle of the ranges")
    add_execution_options(parser, "results/<name>_calibration/")


def main(args: argparse.Namespace) -> int:
    """Calibrate and print the estimates and the fit.

    Returns:
        0 on success.
    """
    from experiments.analysis.calibrate import run_calibration
    from experiments.commands._options import execution_backend

    backend, meta = execution_backend(args)
    res = run_calibration(args.file, args.out, backend=backend, method=args.method,
                          budget=args.budget, executor=args.executor, workers=args.workers,
                          scheduler=args.scheduler, fresh=args.fresh, outcome_meta=meta)
    fmt = {"float_format": lambda x: f"{x:.4g}", "index": False}
    print(res.estimates.to_string(**fmt))
    print(res.fit.to_string(**fmt))
    for note in res.notes:
        print(note)
    print(f"{res.method}: J = {res.objective:.4g}; outputs in {res.files[0].parent}",
          file=sys.stdout)
    if args.identify:
        from experiments.analysis.identify import identify

        table, _ = identify(args.file, res.files[0].parent / "identify", backend=backend,
                            executor=args.executor, workers=args.workers, budget=args.budget)
        print("Identification check (targets simulated at the known point):")
        print(table.to_string(**fmt))
    return 0
