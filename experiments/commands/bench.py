"""Benchmark the model: wall time per simulated year, time per phase of the month, µs per
household-month and per tender, peak memory, and a numpy floor and a minimal Mesa agent loop
over the same number of households, measured in the same process (docs/PERFORMANCE.md).

Examples:
    python -m experiments bench                          # the county (default region), 10 years
    python -m experiments bench --scale province         # ~1,800 towns, ~70,000 villages
    python -m experiments bench --scale 100 --scale 1000 --scale 10000 --years 2   # scaling
    python -m experiments bench --scale 600 --scale 6000 --years 2   # citizens phase, 10x villages

With two or more scales it also prints the log-log slope of time against villages (1 = linear),
for the whole run and for every phase. Results are written as JSON (default
results/bench/bench-<scales>.json) so they can be compared across commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HELP = "benchmark the model (time per year and per phase, memory, floors, scaling)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `bench`."""
    parser.add_argument("--scale", action="append", default=None, metavar="county|province|N_VILLAGES",
                        help="region size; repeatable (default: county)")
    parser.add_argument("--years", type=int, default=10, metavar="Y", help="simulated years (default: 10)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="the run's seed (default: 1)")
    parser.add_argument("--households", type=int, default=None, metavar="H",
                        help="households per village (default: the parameter's default)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter by dotted path (TOML literal); repeatable")
    parser.add_argument("--mesa-cap", type=int, default=100_000, metavar="N",
                        help="most agents in the Mesa-loop floor (default: 100000)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="where to write the JSON (default: results/bench/bench-<scales>.json)")


def _validate(args: argparse.Namespace) -> tuple[list[str], dict]:
    from experiments.analysis.bench import scale_overrides
    from experiments.engine.spec import parse_set
    from model import load_params

    scales = args.scale or ["county"]
    if args.years < 1:
        raise ValueError(f"--years {args.years}: must be at least 1")
    if args.households is not None and args.households < 1:
        raise ValueError(f"--households {args.households}: must be at least 1")
    if args.mesa_cap < 1:
        raise ValueError(f"--mesa-cap {args.mesa_cap}: must be at least 1")
    extra = parse_set(args.set)
    if args.households is not None:
        extra["region.households_per_village"] = args.households
    for s in scales:
        load_params(None, {**scale_overrides(s), **extra})  # every bad input fails before any run
    if args.json is not None and args.json.exists() and args.json.is_dir():
        raise ValueError(f"--json {args.json}: is a folder, expected a file path")
    return scales, extra


def main(args: argparse.Namespace) -> int:
    """Run the benchmark at every scale, print it and write the JSON. Returns 0."""
    from experiments.analysis import bench

    try:
        scales, extra = _validate(args)
    except ValueError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    path = args.json or Path("results/bench") / f"bench-{'-'.join(scales)}.json"
    rows = []
    for s in scales:
        row = bench.bench_one(s, args.years, seed=args.seed, extra=extra, mesa_cap=args.mesa_cap)
        rows.append(row)
        print(bench.format_row(row), flush=True)
    out = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
           "machine": platform.machine(), "cpus": os.cpu_count(), "rows": rows}
    if len(rows) > 1:
        out["loglog_slope"] = bench.slopes(rows)
        sl = out["loglog_slope"]
        print("log-log slope of time against villages: total {:.2f} (CPU {:.2f}); ".format(sl["total"], sl["cpu"]) +
              ", ".join(f"{k} {v:.2f}" for k, v in sl.items() if k not in ("total", "cpu")))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(out, indent=1) + "\n")
        tmp.replace(path)
    except OSError as exc:
        print(f"error: --json {path}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0
