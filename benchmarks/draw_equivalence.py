"""Are the headline outcomes' distributions unchanged by a change of random draws?

Runs ``baseline`` and ``reform_package`` (the scenario files, default region) for SEEDS seeds ×
YEARS years with whatever ``model`` package Python imports, and stores the summaries; then compares
two such files: per scenario and headline outcome, the means before and after and the difference
after − before with its 95% Welch interval (the runs of the two versions are independent draws,
so the seeds are not paired).

    python benchmarks/draw_equivalence.py run --out results/bench/draws-after.json
    PYTHONPATH=/path/to/old/checkout python benchmarks/draw_equivalence.py run --out results/bench/draws-before.json
    python benchmarks/draw_equivalence.py compare results/bench/draws-before.json results/bench/draws-after.json

``compare`` prints a Markdown table (docs/PERFORMANCE.md, "How the compiled and sampled paths stay honest").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("baseline", "reform_package")
OUTCOMES = ("no_bid_rate_village", "quality_delivered", "satisfaction", "trust", "complaints")


def run(out: Path, seeds: int, years: int, scale: str = "county") -> None:
    """Summaries of every scenario × seed, written to ``out`` (JSON); ``scale`` as `bench --scale`
    (the default region, or a number of villages at its density)."""
    import model
    from experiments.analysis.bench import scale_overrides
    from model import load_params, simulate

    runs = {}
    for name in SCENARIOS:
        params = load_params(ROOT / "experiments" / "scenarios" / f"{name}.toml").with_overrides(scale_overrides(scale))
        runs[name] = [{k: simulate(params, seed=s, years=years).summary[k] for k in OUTCOMES}
                      for s in range(1, seeds + 1)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"model": str(Path(model.__file__).parent), "seeds": seeds, "years": years,
                               "scale": scale, "runs": runs}, indent=1) + "\n")
    print(f"wrote {out} ({len(SCENARIOS) * seeds} runs of {years} years, model from {Path(model.__file__).parent})")


def welch(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Difference of means b − a and its Welch t interval."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else 1.0
    half = stats.t.ppf(0.5 + level / 2, df) * se
    d = b.mean() - a.mean()
    return d, d - half, d + half


def compare(before: Path, after: Path) -> str:
    """The Markdown table of differences (after − before) with 95% intervals."""
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    lines = [f"{b['seeds']} seeds × {b['years']} years per scenario and version (before: {a['seeds']} × {a['years']}), "
             f"region {b.get('scale', 'county')}",
             "", "| scenario | outcome | before (mean ± sd) | after (mean ± sd) | after − before [95% CI] | 0 inside |",
             "|---|---|---|---|---|---|"]
    for name in SCENARIOS:
        for o in OUTCOMES:
            x = np.array([r[o] for r in a["runs"][name]], float)
            y = np.array([r[o] for r in b["runs"][name]], float)
            d, lo, hi = welch(x, y)
            lines.append(f"| {name} | {o} | {x.mean():.4g} ± {x.std(ddof=1):.2g} | {y.mean():.4g} ± {y.std(ddof=1):.2g} "
                         f"| {d:+.3g} [{lo:+.3g}, {hi:+.3g}] | {'yes' if lo <= 0 <= hi else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--seeds", type=int, default=20)
    r.add_argument("--years", type=int, default=5)
    r.add_argument("--scale", default="county", help="county (default) or a number of villages at its density")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "run":
        if args.seeds < 2 or args.years < 1:
            print("error: --seeds must be at least 2 and --years at least 1", file=sys.stderr)
            return 2
        try:
            from experiments.analysis.bench import scale_overrides

            scale_overrides(args.scale)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        run(args.out, args.seeds, args.years, args.scale)
    else:
        for path in (args.before, args.after):
            if not path.is_file():
                print(f"error: {path} is not a file written by `draw_equivalence.py run`", file=sys.stderr)
                return 2
        print(compare(args.before, args.after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
