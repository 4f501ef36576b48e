"""Explain a reform's effect by the model's mechanism channels (docs/ODD.md §7.16, docs/EXPLAIN.md).

Runs the baseline and the reform of an experiment file with the channel switches (`channels.*`,
docs/ODD.md §7.16) and the channels the model declares by parameter values (model/param_channels.py
`DECLARED`: off sets their values in both arms) all on, each one off, and — for a Shapley
decomposition — in every combination (exact up to 8 channels: 2^k variants) or along sampled orders
(`--shapley sampled`, with its Monte Carlo error), every variant and both arms on the same seeds
(common random numbers). Through the experiment engine: any executor, and rerunning the same command
resumes.

Examples:
    python -m experiments explain experiments/reform_package.toml --reform reform_package \\
        --outcome first_attempt_no_bid_rate_village,service_quality --channels stake,firm_entry \\
        --reps 2 --set region.n_towns=3 --set region.villages_per_town=10   # a small county: a minute
    python -m experiments explain experiments/reform_package.toml --reform disclosure \\
        --outcome trust --reps 10 --executor processes --workers 2
    python -m experiments explain FILE.toml --reform R --outcome A --shapley sampled --permutations 32

Writes into DIR (default results/<experiment>/explain_<reform>/): the runs (runs.parquet, …),
explain.parquet (the table: effects, knockouts, Shapley values with 95% intervals), explain.md /
explain.zh.md and explain.html / explain.zh.html, figures/explain.png and figures/explain.zh.png.
`report` and `brief` of DIR, or of the experiment's folder holding it, then say which channels
carry each effect.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from experiments.engine.choices import EXECUTORS

HELP = "decompose a reform's effect into the model's mechanism channels (knockouts and Shapley values)"

SHAPLEY = ("auto", "exact", "sampled", "none")
#: Seeds per variant and arm unless --reps says otherwise (not the file's replications: a decomposition
#: runs every variant, and paired arms on common seeds need few).
DEFAULT_REPS = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `explain`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("file", type=Path, metavar="FILE.toml", help="an experiment file holding the reform")
    parser.add_argument("--reform", required=True, metavar="NAME", help="the reform: a scenario of the file")
    parser.add_argument("--outcome", required=True, metavar="A[,B…]", help="outcomes to explain, comma-separated")
    parser.add_argument("--channels", metavar="C1,C2,…",
                        help="channels to analyse (default: every channels.* switch, then every channel the model "
                             "declares by parameter values; the rest stay on)")
    parser.add_argument("--shapley", choices=SHAPLEY, default="auto",
                        help="auto (default): exact up to 8 channels, else sampled; none: knockouts only")
    parser.add_argument("--permutations", type=int, default=8, metavar="M",
                        help="orders sampled by --shapley sampled (default 8, at least 2; the Monte Carlo error "
                             "is in every interval)")
    parser.add_argument("--reps", type=int, metavar="N",
                        help=f"replications (seeds) per variant and arm (default {DEFAULT_REPS}: every variant "
                             "runs both arms on the same seeds, so few seeds give tight paired intervals)")
    parser.add_argument("--years", type=int, metavar="Y", help="simulated years per run")
    parser.add_argument("--seed", type=int, metavar="S", help="experiment seed")
    parser.add_argument("--reform-start-year", type=int, metavar="K",
                        help="introduce the reform in year K of a running county (default: the experiment "
                             "file's reform_start_year; 1 = from the start)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter by dotted path in both arms; repeatable")
    parser.add_argument("--executor", choices=EXECUTORS, help="where runs execute (default auto)")
    parser.add_argument("--workers", type=int, metavar="K", help="worker processes")
    parser.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: results/<experiment>/explain_<reform>/)")
    parser.add_argument("--fresh", action="store_true", help="move existing results in DIR aside first")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)


def _names(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _choose(args: argparse.Namespace, exp, backend) -> tuple[list[str], list[str], str]:
    """(outcomes, channels, method) after checking them; SpecError names the bad one."""
    from experiments.analysis.explain import MAX_EXACT, PREFIX
    from experiments.engine.spec_checks import SpecError

    names = [s.name for s in exp.scenarios]
    if args.reform not in names or args.reform == exp.baseline:
        allowed = ", ".join(n for n in names if n != exp.baseline)
        raise SpecError(f"--reform: unknown reform {args.reform!r} in {args.file} (the baseline is "
                        f"{exp.baseline!r}); allowed: {allowed}")
    known = backend.outcomes()
    outcomes = _names(args.outcome)
    bad = [o for o in outcomes if o not in known]
    if bad or not outcomes:
        raise SpecError(f"--outcome: unknown outcome {bad[0] if bad else args.outcome!r}; allowed: {', '.join(known)}")
    every = [k.removeprefix(PREFIX) for k in backend.resolve(None, {}) if k.startswith(PREFIX)]
    clash = [c for c in _declared(backend) if c in every]
    if clash:
        raise SpecError(f"explain: the model declares channel {clash[0]!r} twice (a switch and by parameter values)")
    every += list(_declared(backend))
    if not every:
        raise SpecError("explain: the model has no channels.* switches")
    channels = _names(args.channels) or every
    bad = [c for c in channels if c not in every]
    if bad or len(set(channels)) != len(channels):
        what = f"unknown channel {bad[0]!r}" if bad else "a channel is named twice"
        raise SpecError(f"--channels: {what}; allowed: {', '.join(every)}")
    method = {"none": "knockout"}.get(args.shapley, args.shapley)
    if method == "auto":
        method = "exact" if len(channels) <= MAX_EXACT else "sampled"
    if method == "exact" and len(channels) > MAX_EXACT:
        raise SpecError(f"--shapley exact: at most {MAX_EXACT} channels (2^k variants), got {len(channels)}; "
                        "use --shapley sampled or fewer --channels")
    return outcomes, channels, method


def _experiment(args: argparse.Namespace, exp, backend):
    """The two-arm experiment (baseline, reform) with the command line's overrides."""
    from experiments.engine.spec import parse_set
    from experiments.engine.spec_checks import SpecError

    for flag in ("reps", "years", "workers"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise SpecError(f"--{flag}: expected an integer >= 1, got {value}")
    if args.permutations < 2:
        raise SpecError(f"--permutations: expected an integer >= 2, got {args.permutations}")
    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler: only used with --executor dask")
    sets = parse_set(args.set)
    start = exp.reform_start_year if args.reform_start_year is None else args.reform_start_year
    keep = (exp.baseline, args.reform)
    return dataclasses.replace(
        exp, scenarios=tuple(s for s in exp.scenarios if s.name in keep), design=None,
        overrides={**exp.overrides, **sets}, replications=args.reps or DEFAULT_REPS,
        years=args.years or exp.years, seed=exp.seed if args.seed is None else args.seed, reform_start_year=start)


def main(args: argparse.Namespace) -> int:
    """Plan, run (resumable), decompose and write the section.

    Returns:
        0 when explained, 1 when the sweep is incomplete.
    """
    import pandas as pd
    from tqdm import tqdm

    from experiments.analysis import explain as ex
    from experiments.engine.backend import load_backend
    from experiments.engine.runner import pick_executor
    from experiments.engine.spec import canonical_json, load_experiment, points_plan
    from experiments.engine.spec_checks import SpecError
    from experiments.engine.sweep import describe, run_sweep

    started = time.perf_counter()
    try:
        backend = load_backend(args.backend)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    meta = None if args.backend is not None else _outcome_meta()
    exp = load_experiment(args.file, backend)
    outcomes, channels, method = _choose(args, exp, backend)
    two = _experiment(args, exp, backend)
    perms = ex.sample_permutations(len(channels), args.permutations, two.seed) if method == "sampled" else []
    sets = ex.variant_sets(len(channels), method, perms)
    declared = {c: off for c, off in _declared(backend).items() if c in channels}
    points = [ex.variant_point(channels, s, declared) for s in sets]
    sub_plans: dict = {}  # each point's own plan (points_plan's cache), by the point's canonical JSON
    plan = points_plan(two, points, backend, sub_plans)
    out = args.out or Path("results") / exp.name / f"explain_{args.reform}"
    executor = pick_executor(args.executor, exp.hints.get("executor"), len(plan.runs))
    if meta is not None:
        _warn_unwired(channels)
    bar = None

    def on_start(total: int, done: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, initial=done, unit="run", disable=args.quiet, file=sys.stderr,
                   dynamic_ncols=True, desc=f"explain {args.reform}")

    try:
        result = run_sweep(plan, out, executor=executor, workers=args.workers, scheduler=args.scheduler,
                           fresh=args.fresh, backend=backend, on_start=on_start,
                           on_progress=lambda n: bar.update(n) if bar else None,
                           argv=getattr(args, "argv", sys.argv[1:]))
    finally:
        if bar is not None:
            bar.close()
    print(describe(result))
    if result.status != "complete":
        print(f"{result.status}: rerun the same command to resume", file=sys.stderr)
        return 1
    runs = pd.read_parquet(out / "runs.parquet")
    if declared:  # a declared channel has no column of its own: each variant's runs are named by its plan
        run_ids = [[r.run_id for r in sub_plans[canonical_json(p)].runs] for p in points]
        runs = ex.variant_runs(runs, channels, sets, run_ids)
    table = ex.decompose(runs, channels, args.reform, exp.baseline, outcomes, method, perms)
    info = {"command": "python -m experiments " + " ".join(getattr(args, "argv", sys.argv[1:])),
            "file": str(args.file), "reform": args.reform, "baseline": exp.baseline, "channels": channels,
            "method": method, "permutations": len(perms), "variants": len(sets), "replications": plan.replications,
            "years": plan.years, "runs": len(plan.runs), "seconds": round(time.perf_counter() - started, 1)}
    written = write_section(out, table, info, meta)
    shown = table[table["kind"].isin(["total", "shapley", "knockout"] if method != "knockout"
                                     else ["effect", "knockout"])]
    print(shown[["outcome", "kind", "channel", "estimate", "ci_low", "ci_high", "share"]]
          .to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"explain: {len(sets)} variants × 2 arms × {plan.replications} seeds in {info['seconds']} s; "
          f"{', '.join(str(p) for p in written)}")
    return 0


def write_section(out: Path, table, info: dict, meta) -> list[Path]:
    """Write explain.parquet, explain.json, the figures and explain(.zh).md / .html into ``out``."""
    import json

    import pyarrow as pa

    from experiments.analysis import explain_report as er
    from experiments.engine.store import atomic_write_table, atomic_write_text

    (out / "figures").mkdir(parents=True, exist_ok=True)
    info = {**info, "channel_labels": er.channel_labels(info.get("channels") or [])}
    atomic_write_table(pa.Table.from_pandas(table, preserve_index=False), out / er.TABLE)
    atomic_write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", out / er.INFO)
    written = [out / er.TABLE, out / er.INFO]
    for lang in ("en", "zh"):
        written += _write_lang(out, table, info, meta, lang)
    return written


def _write_lang(out: Path, table, info: dict, meta, lang: str) -> list[Path]:
    """The section and its figure in one language (the Chinese figure needs a CJK font; without one the
    text is still written, with a note)."""
    from experiments.analysis import explain_report as er
    from experiments.analysis.plots import save
    from experiments.analysis.report import to_html, to_markdown
    from experiments.engine.store import atomic_write_text
    from model.fonts import font_context  # lazy: importing `model` loads Mesa

    stem = "explain.zh" if lang == "zh" else "explain"
    try:
        with font_context(lang):
            png = save(er.figure(table, info, meta, lang), out / "figures" / f"{stem}.png")
    except RuntimeError as exc:
        print(f"note: {exc}", file=sys.stderr)
        png = None
    b = er.blocks(table, info, meta, lang, figure=f"figures/{png.name}" if png else None)
    atomic_write_text(to_markdown(b), out / f"{stem}.md")
    atomic_write_text(to_html(b, er.t("title", lang), lang), out / f"{stem}.html")
    return [*([png] if png else []), out / f"{stem}.md", out / f"{stem}.html"]


def _declared(backend) -> dict[str, dict]:
    """The channels the model declares by parameter values: name -> the overrides that switch it off."""
    return backend.channels() if backend.channels is not None else {}


def _outcome_meta() -> dict:
    from model.metrics import OUTCOMES

    return dict(OUTCOMES)


def _warn_unwired(channels: list[str]) -> None:
    """Say which analysed channels the model declares but does not yet wire (their Off changes nothing)."""
    from model.param_channels import DECLARED, WIRED

    idle = [c for c in channels if c not in WIRED and c not in DECLARED]
    if idle:
        print(f"note: channels declared but not wired in this model (Off changes nothing): {', '.join(idle)}",
              file=sys.stderr)
