"""Global sensitivity: Morris screening or Sobol indices (SALib) over uncertain parameters.

The file is an experiment file whose [factors] (design = "morris" or "sobol") declare the
uncertain parameters and their ranges; [experiment] outcomes lists the outcomes analysed.
Runs go through the usual plan, executors and store (rerunning resumes); the indices are
computed from the stored runs (mean over replications per design point) and written to
DIR/sensitivity.csv, DIR/sensitivity.md (a report section) and DIR/figures/sensitivity.png.

Examples:
    python -m experiments sensitivity experiments/sensitivity.toml
    python -m experiments sensitivity experiments/sensitivity.toml --design morris --samples 10
    python -m experiments sensitivity experiments/sensitivity.toml --executor processes
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.engine.choices import EXECUTORS, SENSITIVITY_METHODS

HELP = "Morris / Sobol global sensitivity of outcomes to uncertain parameters (SALib)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `sensitivity`."""
    parser.add_argument("file", type=Path, metavar="FILE.toml",
                        help="experiment file with [factors] design = morris | sobol")
    parser.add_argument("--design", choices=SENSITIVITY_METHODS,
                        help="override the file's design")
    parser.add_argument("--samples", type=int, metavar="N",
                        help="base sample size (Morris trajectories; Sobol N, a power of 2)")
    parser.add_argument("--outcomes", metavar="A,B", help="comma-separated outcomes to analyse")
    parser.add_argument("--reps", type=int, metavar="N", help="replications per design point")
    parser.add_argument("--years", type=int, metavar="Y", help="simulated years per run")
    parser.add_argument("--seed", type=int, metavar="S", help="experiment seed")
    parser.add_argument("--conf-level", type=float, default=0.95, metavar="P",
                        help="coverage of the bootstrap CIs (default 0.95)")
    parser.add_argument("--resamples", type=int, default=200, metavar="B",
                        help="SALib bootstrap resamples (default 200)")
    parser.add_argument("--executor", choices=EXECUTORS,
                        help="where runs execute (default: the file's hint, else auto)")
    parser.add_argument("--workers", type=int, metavar="K", help="worker processes")
    parser.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address")
    parser.add_argument("--chunk-size", type=int, metavar="N", help="runs per task")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<name>_<design>/)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter by dotted path; repeatable")
    parser.add_argument("--fresh", action="store_true",
                        help="move existing results in DIR aside first")
    parser.add_argument("--quiet", action="store_true", help="do not print the indices table")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    """Run and analyse; print the indices.

    Returns:
        0 when analysed, 1 when the sweep is incomplete.
    """
    from experiments.engine.backend import load_backend
    from experiments.analysis.sensitivity import run_sensitivity
    from experiments.engine.spec import parse_set
    from experiments.engine.spec_checks import SpecError

    for flag in ("workers", "chunk_size", "resamples"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise SpecError(f"--{flag.replace('_', '-')}: expected an integer >= 1, got {value}")
    try:
        backend = load_backend(args.backend)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    meta = _outcome_meta(args.backend)
    outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()] \
        if args.outcomes else None
    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler: only used with --executor dask")
    res = run_sensitivity(
        args.file, args.out, backend=backend, method=args.design, samples=args.samples,
        reps=args.reps, years=args.years, seed=args.seed, outcomes=outcomes,
        executor=args.executor or "auto", workers=args.workers, scheduler=args.scheduler,
        chunk_size=args.chunk_size, fresh=args.fresh, conf_level=args.conf_level,
        num_resamples=args.resamples, outcome_meta=meta, sets=parse_set(args.set),
        argv=sys.argv[1:])
    if res.status != "complete":
        print(f"{res.status}: sweep in {res.out} not finished; rerun to resume", file=sys.stderr)
        return 1
    if not args.quiet:
        cols = [c for c in res.table.columns if c not in ("method", "note")]
        print(res.table[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"{res.method} indices written to {res.out}/sensitivity.csv, sensitivity.md, "
          "figures/sensitivity.png")
    return 0


def _outcome_meta(backend_ref: str | None) -> dict | None:
    """Labels and units of the real model's outcomes (None for a test backend)."""
    if backend_ref is not None:
        return None
    from model.metrics import OUTCOMES

    return dict(OUTCOMES)
