"""Policy search with Optuna: lever settings that maximise objectives under constraints.

The search file lists the levers (categorical choices, numeric ranges, weight shares),
the objectives (one: TPE; several: NSGA-II and a Pareto front), the constraints and the
replications per trial (see experiments/analysis/optimize.py and experiments/policy_search.toml).
Each batch of trials runs through the engine into one output folder; rerunning resumes.
Writes policy_search_trials.csv, policy_search_pareto.csv, policy_search.md and
figures/policy_search_pareto.png.

Examples:
    python -m experiments optimize experiments/policy_search.toml
    python -m experiments optimize experiments/policy_search.toml --trials 80 --executor processes
"""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.commands._options import add_execution_options

HELP = "search lever settings for the best objective under constraints (Optuna)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `optimize`."""
    parser.add_argument("file", type=Path, metavar="FILE.toml", help="a policy-search file")
    parser.add_argument("--trials", type=int, metavar="N", help="override the trial count")
    add_execution_options(parser, "results/<name>_search/")


def main(args: argparse.Namespace) -> int:
    """Search and print the best feasible trial and the Pareto front.

    Returns:
        0 when a feasible trial exists, 1 when none met the constraints.
    """
    from experiments.analysis.optimize import run_search
    from experiments.commands._options import execution_backend

    backend, meta = execution_backend(args)
    res = run_search(args.file, args.out, backend=backend, trials=args.trials,
                     executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                     fresh=args.fresh, outcome_meta=meta)
    print(res["pareto"].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    folder = res["files"][0].parent
    if res["best"] is None:
        print(f"no feasible trial among {len(res['trials'])}; outputs in {folder}")
        return 1
    print(f"best feasible trial {int(res['best']['trial'])}; outputs in {folder}")
    return 0
