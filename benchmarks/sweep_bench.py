"""Benchmark the experiment engine: a sweep of short runs, serial vs processes vs Dask.

    python benchmarks/sweep_bench.py                      # 1,000 runs, 2 workers
    python benchmarks/sweep_bench.py --runs 200 --executors serial,processes

Each executor runs in its own Python process (so peak memory is its own) on the same
plan: one scenario on a small region, 1 simulated year, `--runs` replications, written
to a temporary output folder through the real store. Reported per executor: wall time,
runs/s, speed-up over serial, peak RSS of the sweep process and of its whole process
tree, CPU time per run (this process and its workers, a load-independent measure of
overhead), and the RSS of the sweep process at 10%, 50% and 100% of the runs (flat memory:
after warm-up it stops growing). The JSON goes to results/bench/sweep.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"region.n_towns": 2, "region.villages_per_town": 3,
         "region.households_per_village": 10}


def tree_usage(pid: int | None = None) -> tuple[float, dict[int, float]]:
    """(RSS in MB of a process and its descendants, {pid: CPU seconds}) via psutil.

    Without psutil: the process's own RSS from /proc and no CPU figures.
    """
    try:
        import psutil
    except ImportError:
        text = Path(f"/proc/{pid or os.getpid()}/status").read_text()
        kb = next(int(line.split()[1]) for line in text.splitlines() if line.startswith("VmRSS"))
        return kb / 1024, {}
    proc = psutil.Process(pid)
    rss, cpu = 0, {}
    for p in [proc] + proc.children(recursive=True):
        try:
            rss += p.memory_info().rss
            t = p.cpu_times()
            cpu[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return rss / 2**20, cpu


def _num(x: float | None, fmt: str) -> str:
    """A number for the table, or "-" where it was not measured (no serial run, no psutil)."""
    return "-" if x is None else format(x, fmt)


def rss_mb() -> float:
    """Resident memory of this process in MB (from /proc)."""
    text = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in text.splitlines()
                if line.startswith("VmRSS")) / 1024


def one(args: argparse.Namespace) -> dict:
    """Run the sweep once with one executor in this process; return measurements."""
    import resource

    from experiments.engine.backend import load_backend
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.sweep import run_sweep

    backend = load_backend(args.backend)
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        scenario = Path(tmp) / "bench.toml"
        region = SMALL if args.region == "small" else {}
        lines = [f"{k} = {v}" for k, v in (region if args.backend is None else {}).items()]
        if args.backend is None:  # short runs timed, not summarised: no warm-up left out
            lines.append("burn_in_years = 0")
        lines += ["[scenario]", 'name = "bench"', 'description = "benchmark"']
        scenario.write_text("\n".join(lines) + "\n")
        plan = make_plan(load_experiment(scenario, backend), backend,
                         replications=args.runs, years=args.years)
        peak_tree, stop = [0.0], threading.Event()
        cpu_seen: dict[int, float] = {}
        cpu_before = tree_usage()[1]

        def sample() -> None:
            while not stop.wait(0.1):
                rss, cpu = tree_usage()
                peak_tree[0] = max(peak_tree[0], rss)
                for pid, seconds in cpu.items():
                    cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), seconds)

        marks: dict[str, float] = {}
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            for pct in (10, 50):
                if f"rss_{pct}" not in marks and done[0] >= args.runs * pct / 100:
                    marks[f"rss_{pct}"] = rss_mb()
            marks["rss_100"] = rss_mb()

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        start = time.perf_counter()
        res = run_sweep(plan, Path(tmp) / "out", executor=args.one, workers=args.workers,
                        backend=backend, on_progress=progress)
        seconds = time.perf_counter() - start
        stop.set()
        watcher.join()
    assert res.done == args.runs, res
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = sum(seconds - cpu_before.get(pid, 0.0) for pid, seconds in cpu_seen.items())
    return {"executor": args.one, "workers": 1 if args.one == "serial" else args.workers,
            "runs": args.runs, "seconds": round(seconds, 3),
            "runs_per_s": round(args.runs / seconds, 2),
            "cpu_ms_per_run": round(1000 * cpu / args.runs, 2),
            "peak_rss_mb": round(peak_self, 1), "peak_rss_tree_mb": round(peak_tree[0], 1),
            "rss_mb_at_10_50_100pct": [round(marks.get(f"rss_{p}", 0.0), 1)
                                       for p in (10, 50, 100)],
            "rss_growth_mb_10_to_100pct": round(marks.get("rss_100", 0.0)
                                                - marks.get("rss_10", 0.0), 1),
            "rss_growth_mb_50_to_100pct": round(marks.get("rss_100", 0.0)
                                                - marks.get("rss_50", 0.0), 1)}


def main() -> int:
    """Run every executor in a subprocess, then write and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs per sweep (default 1000)")
    parser.add_argument("--years", type=int, default=1, help="simulated years per run")
    parser.add_argument("--workers", type=int, default=2, help="workers of parallel executors")
    parser.add_argument("--executors", default="serial,processes,dask",
                        help="comma-separated executors (default serial,processes,dask)")
    parser.add_argument("--out", type=Path, default=ROOT / "results/bench/sweep.json")
    parser.add_argument("--region", choices=("small", "county"), default="small",
                        help="small (2 towns × 3 villages, the default) or county (the default region)")
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args)))
        return 0
    rows = []
    for name in args.executors.split(","):
        cmd = [sys.executable, __file__, "--one", name, "--runs", str(args.runs),
               "--years", str(args.years), "--workers", str(args.workers), "--region", args.region]
        if args.backend:
            cmd += ["--backend", args.backend]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    serial = next((r["seconds"] for r in rows if r["executor"] == "serial"), None)
    for r in rows:
        r["speedup_vs_serial"] = round(serial / r["seconds"], 2) if serial else None
    report = {"machine": platform.machine(), "platform": platform.platform(),
              "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
              "years_per_run": args.years, "region": SMALL if args.region == "small" else "county (defaults)",
              "results": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'executor':<10}{'workers':>8}{'runs':>7}{'s':>9}{'runs/s':>9}{'speed-up':>10}"
          f"{'cpu ms/run':>11}{'peak MB':>9}{'tree MB':>9}{'RSS at 10/50/100%':>20}")
    for r in rows:
        print(f"{r['executor']:<10}{r['workers']:>8}{r['runs']:>7}{r['seconds']:>9.2f}"
              f"{r['runs_per_s']:>9.1f}{_num(r['speedup_vs_serial'], '.2f'):>10}{_num(r['cpu_ms_per_run'], '.1f'):>11}"
              f"{r['peak_rss_mb']:>9.0f}"
              f"{r['peak_rss_tree_mb']:>9.0f}"
              f"{' / '.join(f'{x:.0f}' for x in r['rss_mb_at_10_50_100pct']):>20}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
