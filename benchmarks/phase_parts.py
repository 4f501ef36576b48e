"""CPU time of the parts of the citizens and metrics phases (docs/PERFORMANCE.md, "What dominates, and why").

    python benchmarks/phase_parts.py                 # county, 5 years after a one-month warm-up
    python benchmarks/phase_parts.py --years 2

Wraps, for this process only, the functions the two phases call with a CPU clock
(``time.process_time``) and prints seconds per part. Results are the model's own: only clock
calls are added.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

from model import ledger, load_params, metrics, records
from model.collector import OutcomeCollector
from model.core import ProcurementModel
from model.entities import citizens, citizens_phase


def _timed(owner, name: str, key: str, acc: dict[str, float]) -> None:
    fn = getattr(owner, name)

    def wrapper(*args, **kwargs):
        c0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[key] += time.process_time() - c0
    setattr(owner, name, wrapper)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.years < 1:
        print("error: --years must be at least 1", file=sys.stderr)
        return 2
    acc: dict[str, float] = defaultdict(float)
    for owner, name, key in ((records, "village_index", "citizens: records.village_index"),
                             (records, "shortfall_shares", "citizens: records.shortfall_shares"),
                             (citizens_phase, "_alerts", "citizens: complaint alerts"),
                             (citizens.Citizens, "step", "citizens: Citizens.step (household kernel)"),
                             (ProcurementModel, "slot_quality", "both: ProcurementModel.slot_quality"),
                             (records, "close_month", "collect: records.close_month"),
                             (ledger.MonthLedger, "raw", "collect: MonthLedger.raw"),
                             (metrics, "month_values", "collect: metrics.month_values"),
                             (OutcomeCollector, "collect", "collect: DataCollector.collect")):
        _timed(owner, name, key, acc)
    m = ProcurementModel(load_params(None, {}), seed=args.seed)
    m.step()  # warm-up: numba's cache load and first calls
    acc.clear()
    c0 = time.process_time()
    m.run(args.years)
    total = time.process_time() - c0
    print(f"county, {args.years} years (after a one-month warm-up): {total:.3f} s CPU")
    for key, seconds in sorted(acc.items()):
        print(f"  {key:<45} {seconds:.4f} s ({1000 * seconds / (12 * args.years):.3f} ms/month)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
