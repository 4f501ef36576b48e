"""Procurement at province density on a tenth of the province (docs/PERFORMANCE.md, "What dominates, and why").

180 towns × 39 villages on a disk of radius 220/√10 km: the province's density of villages and
firms (so the same ~600 firms hear of a city-website notice near the centre) at a tenth of its
size, 1 simulated year by default. Prints CPU seconds of the run, peak RSS, and with
``--profile`` the cProfile table (CPU clock) of the run, by internal time.

Usage:
    python scripts/bench_procurement.py [--years Y] [--seed S] [--profile]
"""

from __future__ import annotations

import cProfile
import math
import pstats
import resource
import sys
import time

#: A tenth of the bench's province (experiments.analysis.bench.PROVINCE) at the same density.
TENTH = {"region.n_towns": 180, "region.villages_per_town": 39, "region.radius_km": round(220.0 / math.sqrt(10), 2)}


def parse(argv: list[str]) -> dict:
    """Options from ``argv``; raises ValueError naming what is wrong and what is allowed."""
    opts = {"years": 1, "seed": 1, "profile": False}
    it = iter(argv)
    for a in it:
        if a == "--profile":
            opts["profile"] = True
        elif a in ("--years", "--seed"):
            v = next(it, None)
            if v is None or not v.isdigit() or (a == "--years" and int(v) < 1):
                raise ValueError(f"{a} needs a whole number{' ≥ 1' if a == '--years' else ''}, got {v!r}")
            opts[a[2:]] = int(v)
        else:
            raise ValueError(f"unknown option {a!r}; allowed: --years Y, --seed S, --profile")
    return opts


def main(argv: list[str]) -> int:
    try:
        opts = parse(argv)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from model import load_params
    from model.core import ProcurementModel
    try:  # load the compiled kernels before the clock (older code has none)
        from model.procurement import kernels
    except ImportError:
        kernels = None
    if kernels is not None:
        kernels.warm()
    # a 1-year run keeps no warm-up (burn_in_years must be below the years run)
    m = ProcurementModel(load_params(None, {**TENTH, "burn_in_years": 0}), seed=opts["seed"])
    prof = cProfile.Profile(time.process_time) if opts["profile"] else None
    c0 = time.process_time()
    if prof:
        prof.enable()
    m.run(opts["years"])
    if prof:
        prof.disable()
    cpu = time.process_time() - c0
    with open("/proc/loadavg", encoding="ascii") as fh:
        load = fh.read().split()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"tenth of the province ({TENTH}), {opts['years']} y, seed {opts['seed']}: CPU {cpu:.2f} s, "
          f"peak RSS {peak:.0f} MB, load {load}")
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
