"""Compare reform effects across county archetypes: does each effect keep its sign?

Examples:
    for a in coastal_plain mountain periurban island; do
        python -m experiments run experiments/reform_package.toml --archetype $a
    done
    python -m experiments archetypes results/reform_package_coastal_plain \\
        results/reform_package_mountain results/reform_package_periurban \\
        results/reform_package_island

Each DIR is a finished results folder of the same experiment run with `--archetype NAME`
(the name is read from its manifest; a folder run without it is refused). Writes
OUT/archetype_effects.csv (paired effects per archetype), OUT/archetypes.md (a report
section; `report OUT` includes it) and OUT/figures/archetypes.png. OUT defaults to the first
DIR, so its report shows the comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "compare paired reform effects across county archetypes (sign kept or reversed)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `archetypes`."""
    parser.add_argument("dirs", type=Path, nargs="+", metavar="DIR",
                        help="results folders, one per archetype")
    parser.add_argument("--outcomes", metavar="A,B,...",
                        help="outcomes compared (default: the experiment's outcomes)")
    parser.add_argument("--out", type=Path, metavar="OUT",
                        help="where the section goes (default: the first DIR)")


def _load(path: Path, outcomes: list[str] | None):
    """(archetype name, baseline, runs in the manifest's scenario order, outcomes) of a folder."""
    import pandas as pd

    from experiments.analysis.archetypes import ARCHETYPES
    from experiments.engine import manifest as mf
    from experiments.engine.spec_checks import SpecError

    if not (path / "runs.parquet").is_file():
        raise SpecError(f"{path}: no runs.parquet; run the experiment with --archetype NAME "
                        "--out DIR first")
    try:
        runs = pd.read_parquet(path / "runs.parquet")
    except (OSError, ValueError) as exc:
        raise SpecError(f"{path}: cannot read runs.parquet: {exc}") from None
    exp = (mf.read(path) or {}).get("experiment") or {}
    name = ((exp.get("spec") or {}).get("archetype") or {}).get("name")
    if not name:
        raise SpecError(f"{path}: was not run with --archetype (its manifest names no archetype); "
                        f"give folders each run with --archetype NAME ({', '.join(ARCHETYPES)})")
    base = exp.get("baseline") or "baseline"
    if base not in set(runs["scenario"]) or runs["scenario"].nunique() < 2:
        raise SpecError(f"{path}: needs the baseline {base!r} and at least one other scenario")
    if runs.duplicated(["scenario", "replicate"]).any():
        raise SpecError(f"{path}: several runs per scenario and replicate (the experiment has "
                        "[factors] or parameter draws); compare experiments without them")
    wanted = outcomes or exp.get("outcomes") or []
    bad = [o for o in wanted if o not in runs.columns]
    if bad or not wanted:
        known = [c for c in runs.columns if c not in ("run_id", "experiment", "scenario",
                                                      "replicate", "seed", "reform_start_year") and "." not in c]
        raise SpecError(f"--outcomes: {bad[0] if bad else '(none)'!r} not in {path}; "
                        f"allowed: {', '.join(known)}")
    order = [s.get("name") for s in (mf.read(path) or {}).get("scenarios") or []]
    runs = runs.assign(_rank=runs["scenario"].map({n: i for i, n in enumerate(order)}))
    runs = runs.sort_values(["_rank", "replicate"], kind="stable").drop(columns="_rank")
    return name, base, runs, list(wanted)


def main(args: argparse.Namespace) -> int:
    """Compute, write and print the comparison. Returns 0."""
    import pandas as pd

    from experiments.analysis.archetypes import effects_plot, paired_effects, section_markdown, sign_table
    from experiments.commands.report import parse_outcomes
    from experiments.analysis.plots import axis_label, save
    from experiments.engine.store import atomic_write_text
    from experiments.engine.spec_checks import SpecError

    outcomes = parse_outcomes(args.outcomes)
    loaded = [_load(p, outcomes) for p in args.dirs]
    names = [n for n, *_ in loaded]
    if len(set(names)) != len(names):
        raise SpecError(f"archetypes: two folders have the same archetype ({', '.join(names)}); "
                        "give one folder per archetype")
    frames = []
    for name, base, runs, outs in loaded:
        frames.append(paired_effects(runs, base, outs).assign(archetype=name))
    effects = pd.concat(frames, ignore_index=True)
    signs = sign_table(effects)
    try:
        from model.metrics import OUTCOMES as meta
    except ImportError:
        meta = None
    labels = {o: axis_label(o, meta) for o in effects["outcome"].unique()}
    out = args.out or args.dirs[0]
    out.mkdir(parents=True, exist_ok=True)
    shown = list(dict.fromkeys(effects["outcome"]))[:3]
    save(effects_plot(effects, shown, labels), out / "figures" / "archetypes.png")
    effects.to_csv(out / "archetype_effects.csv", index=False)
    atomic_write_text(section_markdown(effects, signs, labels=labels), out / "archetypes.md")
    print(signs.to_string(index=False))
    print(f"written: {out / 'archetypes.md'}, {out / 'archetype_effects.csv'}, "
          f"{out / 'figures' / 'archetypes.png'}")
    return 0
