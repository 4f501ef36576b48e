"""Run a scenario or an experiment: replications x scenarios x factor points.

Examples:
    python -m experiments run experiments/scenarios/baseline.toml --reps 5
    python -m experiments run experiments/procurement_rules.toml --executor processes --workers 2
    python -m experiments run EXP.toml --executor dask --scheduler tcp://host:8786
    python -m experiments run experiments/reform_package.toml --archetype mountain
    python -m experiments run experiments/reform_package.toml --reform-start-year 1
    python -m experiments run experiments/scenarios/baseline.toml --set procurement.award_rule=scoring \\
        --set scoring.price_weight=0.3 --out results/scoring30   # comprehensive scoring, 30% price

Rerunning the same command resumes: finished runs are skipped. --fresh moves earlier
results aside to DIR.old-<timestamp> first. --report then writes the evidence report
(report.md, report.html, figures) into the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.engine.choices import EXECUTORS

HELP = "run a scenario or an experiment file and store the results as Parquet"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `run`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("file", type=Path, metavar="FILE.toml",
                        help="a scenario file or an experiment file")
    parser.add_argument("--reps", type=int, metavar="N",
                        help="replications per scenario and factor point")
    parser.add_argument("--years", type=int, metavar="Y", help="simulated years per run")
    parser.add_argument("--seed", type=int, metavar="S", help="experiment seed")
    parser.add_argument("--reform-start-year", type=int, metavar="K",
                        help="every scenario but the baseline runs the baseline's parameters "
                             "for years 1..K-1 and its own from year K, same seed (overrides the "
                             "file's reform_start_year; 1: from the start)")
    parser.add_argument("--executor", choices=EXECUTORS,
                        help="where runs execute (default: the file's hint, else auto: "
                             "processes when there are 4+ runs and 2+ cores)")
    parser.add_argument("--workers", type=int, metavar="K",
                        help="worker processes (default: CPU count)")
    parser.add_argument("--scheduler", metavar="ADDR",
                        help="Dask scheduler, e.g. tcp://host:8786 (default: local cluster)")
    parser.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for a Dask scheduler (default: 10)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<experiment-or-scenario>/)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter by dotted path (TOML literal; bare words "
                             "are strings); repeatable")
    from experiments.analysis.archetypes import ARCHETYPES

    parser.add_argument("--archetype", metavar="NAME",
                        help=f"county archetype applied under every scenario: "
                             f"{', '.join(ARCHETYPES)} (experiments/scenarios/archetype_NAME."
                             "toml; default output results/<experiment>_NAME/)")
    parser.add_argument("--parameter-draws", type=Path, metavar="POSTERIOR.parquet",
                        help="run every scenario at each parameter draw (as `calibrate` writes "
                             "posterior.parquet) x the replications, common random numbers")
    parser.add_argument("--draws", type=int, metavar="N",
                        help="use the first N draws of --parameter-draws (default: all)")
    parser.add_argument("--fresh", action="store_true",
                        help="move existing results in DIR aside to DIR.old-<timestamp>")
    parser.add_argument("--tenders", action="store_true", help="also store the tender logs")
    parser.add_argument("--ocds", action="store_true",
                        help="store the tender logs and, after a complete sweep, export them as OCDS "
                             "release packages in DIR/ocds/ (as `python -m experiments ocds DIR`)")
    parser.add_argument("--chunk-size", type=int, metavar="N",
                        help="runs per task sent to a worker (default: automatic)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--report", action="store_true",
                        help="after a complete sweep, write report.md and report.html in the "
                             "output folder (as `python -m experiments report DIR`)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan's runs and estimated CPU time and peak memory, run "
                             "nothing")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    """Plan, run, store and summarise.

    Returns:
        0 when every planned run is in the output folder, 1 otherwise.
    """
    import pandas as pd
    from tqdm import tqdm

    from experiments.engine.backend import load_backend
    from experiments.commands._table import choose_outcomes, format_summary, summarise
    from experiments.engine.runner import META_COLUMNS, pick_executor
    from experiments.engine.spec import load_experiment, make_plan, parse_set
    from experiments.engine.sweep import describe, run_sweep
    from experiments.engine.spec_checks import SpecError

    for flag in ("workers", "chunk_size"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise SpecError(f"--{flag.replace('_', '-')}: expected an integer >= 1, "
                            f"got {value}")
    if not 0 < args.connect_timeout <= 3600:  # also refuses nan and inf
        raise SpecError(f"--connect-timeout: expected seconds in (0, 3600], got {args.connect_timeout}")
    try:
        backend = load_backend(args.backend)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    sets = parse_set(args.set)
    exp = load_experiment(args.file, backend)
    if args.archetype is not None:
        from experiments.analysis.archetypes import with_archetype

        exp = with_archetype(exp, args.archetype, backend)
    if args.draws is not None and args.parameter_draws is None:
        raise SpecError("--draws: only used with --parameter-draws POSTERIOR.parquet")
    if args.parameter_draws is not None:
        import dataclasses

        from experiments.analysis.posterior import draws_plan, read_draws

        if args.reform_start_year is not None:
            exp = dataclasses.replace(exp, reform_start_year=args.reform_start_year)
        plan = draws_plan(exp, read_draws(args.parameter_draws, args.draws), backend,
                          replications=args.reps, years=args.years, seed=args.seed, sets=sets,
                          source=args.parameter_draws)
    else:
        plan = make_plan(exp, backend, replications=args.reps, years=args.years,
                         seed=args.seed, sets=sets, reform_start_year=args.reform_start_year)
    executor = pick_executor(args.executor, exp.hints.get("executor"), len(plan.runs))
    scheduler = args.scheduler or exp.hints.get("scheduler")
    if args.scheduler and executor != "dask":
        raise SpecError("--scheduler: only used with --executor dask")
    from experiments.commands._guard import check_dask_memory, check_memory, describe_cost, local_workers

    workers = local_workers(executor, args.workers or exp.hints.get("workers"), scheduler)
    lines, need, run_mb = describe_cost(plan, executor, workers)
    if args.dry_run:
        print("\n".join(lines))
        return 0
    check_memory(need, executor, scheduler)
    if executor == "dask" and scheduler:
        check_dask_memory(run_mb, scheduler, args.connect_timeout)
    out = args.out or Path("results") / exp.name
    bar = None

    def on_start(total: int, done: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, initial=done, unit="run", disable=args.quiet,
                   file=sys.stderr, dynamic_ncols=True, desc=exp.name)

    result = None
    try:
        result = run_sweep(
            plan, out, executor=executor, workers=workers,
            scheduler=scheduler, timeout=args.connect_timeout, fresh=args.fresh,
            tenders=args.tenders or args.ocds, chunk_size=args.chunk_size, backend=backend,
            on_start=on_start, on_progress=lambda n: bar.update(n) if bar else None,
            argv=getattr(args, "argv", sys.argv[1:]))
    finally:
        if bar is not None:
            bar.close()
    if result.done:
        order = {r.run_id: i for i, r in enumerate(plan.runs)}
        runs = pd.read_parquet(out / "runs.parquet")
        runs = runs.sort_values("run_id", key=lambda ids: ids.map(order), kind="stable")
        exclude = set(META_COLUMNS) | set(plan.factor_names)
        outcomes = choose_outcomes(runs, exp.outcomes, exclude)
        print(format_summary(summarise(runs, outcomes, plan.factor_names)))
    print(describe(result))
    if args.ocds and result.status == "complete":
        from experiments.commands.ocds import export

        export(out)
    if args.parameter_draws is not None and result.status == "complete" \
            and len(exp.scenarios) > 1:
        from experiments.analysis.plots import axis_label
        from experiments.analysis.posterior import SECTION, write_effects
        from model.metrics import OUTCOMES

        outs = list(exp.outcomes or outcomes)
        table = write_effects(out, exp.baseline, outs, str(args.parameter_draws),
                              {o: axis_label(o, OUTCOMES) for o in outs})
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        print(f"parameter uncertainty: {out / SECTION} and {out / 'parameter_effects.csv'}")
    if args.report and result.status == "complete":
        from experiments.commands.report import write_report

        written = write_report(out, exp.baseline, exp.outcomes)
        print(f"report: {written['markdown']} and {written['html']} "
              f"({len(written['figures'])} figures)")
    elif args.report:
        print("report: not written, the sweep is not complete (rerun to resume)",
              file=sys.stderr)
    return 0 if result.status == "complete" else 1
