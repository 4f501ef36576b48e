"""Scenario discovery (PRIM and CART) over a finished results folder whose runs vary parameters.

Examples:
    python -m experiments discover results/reform_discovery --outcome no_bid_rate_village --above 0
    python -m experiments discover results/reform_discovery --outcome quality_delivered \\
        --below 0 --inputs procurement.bid_cost_yuan,procurement.travel_cost_yuan_km
    python -m experiments discover results/sensitivity --outcome cost_per_quality --above 1.2

The folder needs runs.parquet and design.parquet (any design: lhs, sobol, morris, grid).
The unit is a design point, its outcome the mean over replications. With a baseline and one
other scenario (or --scenario), the outcome is the paired difference scenario − baseline per
design point and replicate (same seed), averaged over replicates. --above X marks points
whose outcome is at or above X as cases of interest, --below X those at or below X. Writes
DIR/discovery.md (a report section), DIR/boxes.csv and DIR/figures/discovery.png; `report`
then includes the section. Needs EMA Workbench: pip install -e ".[discovery]".
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

HELP = "scenario discovery (PRIM, CART) of where an outcome crosses a threshold"
ID_COLUMNS = ("run_id", "scenario", "point", "replicate", "seed", "reform_start_year")
MASS_MAX = 0.5
"""The largest `--mass-min`: a CART leaf must hold at most half the points for a split to exist."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `discover`."""
    parser.add_argument("out_dir", type=Path, metavar="DIR",
                        help="a finished results folder (runs.parquet, design.parquet)")
    parser.add_argument("--outcome", required=True, metavar="NAME", help="outcome column")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--above", type=float, metavar="X",
                      help="cases of interest: outcome (or difference) >= X")
    side.add_argument("--below", type=float, metavar="X",
                      help="cases of interest: outcome (or difference) <= X")
    parser.add_argument("--inputs", metavar="A,B,...",
                        help="factors to analyse, comma-separated (default: every varied factor)")
    parser.add_argument("--scenario", metavar="NAME",
                        help="scenario analysed (default: the only one, or the only non-baseline)")
    parser.add_argument("--baseline", metavar="NAME",
                        help="pair with this scenario (default: the experiment's baseline when "
                             "the folder holds it and another scenario); 'none' for no pairing")
    parser.add_argument("--min-coverage", type=float, default=0.5, metavar="C",
                        help="smallest coverage of the chosen PRIM box, 0-1 (default 0.5)")
    parser.add_argument("--mass-min", type=float, default=0.05, metavar="M",
                        help="smallest share of points in a PRIM box or CART leaf, above 0 and at "
                             "most 0.5, at least one point (default 0.05)")


def _fail(message: str):
    from experiments.engine.spec_checks import SpecError

    return SpecError(message)


def _read(out: Path):
    import pandas as pd

    from experiments.engine import manifest as mf

    if not out.is_dir():
        raise _fail(f"{out}: not a folder; expected a results folder written by `run`")
    for name in ("runs.parquet", "design.parquet"):
        if not (out / name).is_file():
            raise _fail(f"{out}: no {name}; discovery needs a finished results folder "
                        "(python -m experiments run FILE.toml --out DIR)")
    try:
        runs, design = (pd.read_parquet(out / n) for n in ("runs.parquet", "design.parquet"))
    except (OSError, ValueError) as exc:
        raise _fail(f"{out}: cannot read the result tables: {exc}") from None
    return runs, design, mf.read(out) or {}


def _choose(args: argparse.Namespace, runs, design, manifest) -> tuple[list[str], str, str | None]:
    """Validate the outcome, inputs and scenarios; return (inputs, scenario, baseline)."""
    import pandas as pd

    outcomes = [c for c in runs.columns if c not in ID_COLUMNS and "." not in c
                and pd.api.types.is_numeric_dtype(runs[c])]
    if args.outcome not in outcomes:
        raise _fail(f"--outcome: unknown outcome {args.outcome!r}; allowed: {', '.join(outcomes)}")
    varied = [c for c in design.columns if c not in ID_COLUMNS and design[c].nunique() > 1
              and pd.api.types.is_numeric_dtype(design[c])]
    if not varied:
        raise _fail(f"{args.out_dir}: its runs vary no parameter (no factor columns in "
                    "design.parquet); run an experiment with [factors] (lhs, sobol, morris, grid)")
    inputs = varied
    if args.inputs is not None:
        inputs = [t.strip() for t in args.inputs.split(",") if t.strip()]
        bad = [i for i in inputs if i not in varied] or ([] if inputs else [args.inputs])
        if bad:
            raise _fail(f"--inputs: {bad[0]!r} is not a varied factor of {args.out_dir}; "
                        f"allowed: {', '.join(varied)}")
    names = list(dict.fromkeys(design["scenario"]))
    for flag in ("scenario", "baseline"):
        value = getattr(args, flag)
        if value is not None and value not in names and not (flag == "baseline" and value == "none"):
            raise _fail(f"--{flag}: {value!r} is not a scenario in {args.out_dir}; allowed: "
                        f"{', '.join(names)}" + (", none" if flag == "baseline" else ""))
    base = args.baseline or (manifest.get("experiment") or {}).get("baseline")
    base = None if base == "none" or base not in names or len(names) == 1 else base
    others = [n for n in names if n != base]
    scenario = args.scenario or (others[0] if len(others) == 1 else None)
    if scenario is None:
        raise _fail(f"--scenario: {args.out_dir} holds several scenarios; choose one of "
                    f"{', '.join(others)}")
    if scenario == base:
        raise _fail(f"--scenario {scenario!r} is the baseline; choose another or --baseline none")
    return inputs, scenario, base


def _units(inputs: list[str]) -> dict[str, str]:
    """Units of the inputs from the model's parameter tree (empty when unavailable)."""
    try:
        from model.params import reference_rows
    except ImportError:
        return {}
    rows = {r["path"]: r["unit"] for r in reference_rows()}
    return {i: rows[i] for i in inputs if i in rows}


def main(args: argparse.Namespace) -> int:
    """Run PRIM and CART and write discovery.md, boxes.csv and the figure. Returns 0."""
    from experiments.analysis import discovery as d
    from experiments.analysis.discovery_report import FIGURE, discovery_plot, section_markdown
    from experiments.analysis.plots import save
    from experiments.engine.store import atomic_write_text

    if not 0 < args.min_coverage < 1:
        raise _fail(f"--min-coverage: expected a share in (0, 1), got {args.min_coverage}")
    if not 0 < args.mass_min <= MASS_MAX:
        raise _fail(f"--mass-min: expected a share in (0, {MASS_MAX}] (a CART leaf holding more than "
                    f"half the points leaves nothing to split), got {args.mass_min}")
    runs, design, manifest = _read(args.out_dir)
    inputs, scenario, base = _choose(args, runs, design, manifest)
    try:
        d.load_ema()
    except d.MissingExtraError as exc:
        raise _fail(str(exc)) from None
    table = d.point_outcomes(runs, design, args.outcome, inputs, scenario, base)
    what = f"`{args.outcome}`" + (f" ({scenario} − {base}, paired)" if base else f" ({scenario})")
    op, x = (">=", args.above) if args.above is not None else ("<=", args.below)
    interest = (table["y"] >= x) if op == ">=" else (table["y"] <= x)
    n = len(table)
    if interest.all() or not interest.any():
        raise _fail(f"--{'above' if op == '>=' else 'below'} {x:g}: {int(interest.sum())} of {n} "
                    f"points are cases of interest; discovery needs some of each ({what} ranges "
                    f"{table['y'].min():.4g} to {table['y'].max():.4g} over {n} points); choose "
                    "another threshold")
    lowest = math.ceil(1000 / n) / 1000  # the smallest share that is one whole point
    allowed = f"allowed with {n} design points: {lowest:g} to {MASS_MAX}" if lowest <= MASS_MAX \
        else f"{n} design points are too few; run more"
    if int(args.mass_min * n) < 1:  # EMA Workbench's CART leaf size: int(mass_min × points)
        raise _fail(f"--mass-min {args.mass_min:g}: a PRIM box or CART leaf would hold less than one "
                    f"of the {n} design points; {allowed}")
    try:
        found = d.discover(table[inputs], interest.to_numpy(), mass_min=args.mass_min,
                           min_coverage=args.min_coverage)
    except ValueError:
        raise _fail(f"--mass-min {args.mass_min:g}: CART found no split of the {n} design points "
                    f"leaving that share in each leaf; {allowed} (smaller splits more), or run more "
                    "design points") from None
    units = _units(inputs)
    lo, hi = int(table["n"].min()), int(table["n"].max())
    note = (f"Data: {len(table)} design points of `{args.out_dir.name}`, "
            f"{lo if lo == hi else f'{lo}–{hi}'} "
            f"{'replicate pairs' if base else 'replicates'} each; outcome {what}, mean over "
            "replicates per design point. Discovery describes the model's response over the "
            "ranges sampled; it is not a probability of failure unless those ranges are a "
            "probability distribution.")
    md = section_markdown(found, f"{what} {'≥' if op == '>=' else '≤'} {x:g}", units=units,
                          notes=[note])
    fig = discovery_plot(found, table[inputs], interest.to_numpy(), units)
    out = args.out_dir
    save(fig, out / FIGURE)
    atomic_write_text(d.boxes_table(found).to_csv(index=False), out / "boxes.csv")
    atomic_write_text(md, out / "discovery.md")
    c = found.trajectory.loc[found.chosen]
    lim = found.limits[found.chosen]
    box = ", ".join(f"{n} in [{r['min']:.4g}, {r['max']:.4g}]"
                    for n, r in lim[lim["restricted"]].iterrows()) or "no restriction"
    print(f"cases of interest: {found.n_interest} of {found.n_points} points ({what} {op} {x:g})")
    print(f"chosen PRIM box: coverage {c['coverage']:.2f}, density {c['density']:.2f}, "
          f"mass {c['mass']:.2f}: {box}")
    print(f"written: {out / 'discovery.md'}, {out / 'boxes.csv'}, {out / FIGURE}")
    return 0
