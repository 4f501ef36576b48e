"""CPU seconds of a county run and of each of its phases (docs/PERFORMANCE.md, "How to reproduce").

A light version of ``python -m experiments bench`` (which reports both wall and CPU seconds per
phase) for quick before/after comparisons: only the run and the CPU clock per phase
(``time.process_time``, through ``experiments.analysis.bench.phase_timers``), the fairer comparison
on a shared machine. The compiled kernels are loaded before the clock.

Usage:
    python scripts/bench_phase_cpu.py [LABEL] [--years Y]
"""

from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    label, years = "run", 10
    if "--years" in argv:
        i = argv.index("--years")
        if i + 1 >= len(argv) or not argv[i + 1].isdigit() or int(argv[i + 1]) < 1:
            print("error: --years needs a whole number ≥ 1", file=sys.stderr)
            return 2
        years = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if argv:
        label = argv[0]
    from experiments.analysis.bench import CPU, phase_timers
    from model import load_params
    from model.core import ProcurementModel
    from model.procurement import kernels
    kernels.warm()
    m = ProcurementModel(load_params(None, {}), seed=1)
    with phase_timers(m) as acc:
        c0 = time.process_time()
        m.run(years)
        cpu = time.process_time() - c0
    with open("/proc/loadavg", encoding="ascii") as fh:
        load = fh.read().split()[0]
    cpu_acc = {k[len(CPU):]: v for k, v in acc.items() if k.startswith(CPU)}
    phases = ", ".join(f"{k} {v:.3f}" for k, v in sorted(cpu_acc.items(), key=lambda kv: -kv[1]))
    print(f"{label}: county {years} y, CPU {cpu:.3f} s; phases (CPU s): {phases}; load {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
