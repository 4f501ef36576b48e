"""cProfile of a county decade (docs/PERFORMANCE.md, "What dominates, and why").

The compiled kernels are loaded and one month is run before the profiler starts (numba's
one-time load is not the model's cost); the run keeps every month (no warm-up is left out, as in
the bench). Prints the top entries by own time.

    python benchmarks/profile_county.py [--top N] [--years Y]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=30, help="entries to print")
    ap.add_argument("--years", type=int, default=10, help="simulated years")
    a = ap.parse_args()
    from model import load_params
    from model.core import ProcurementModel
    from model.procurement import kernels

    kernels.warm()
    m = ProcurementModel(load_params(None, {"burn_in_years": 0}), seed=1)
    m.step()
    prof = cProfile.Profile()
    prof.enable()
    m.run(a.years)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(a.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
