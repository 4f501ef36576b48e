"""The README's results table, generated from the curated reform-package results
(results/curated/reform_package: differences.csv, summary.csv, the explain tables under explain/ and
the effects over the calibration's posterior under posterior/).

    python scripts/readme_results.py            # print the block
    python scripts/readme_results.py --write    # rewrite it in README.md (between its markers)

tests/test_readme_results.py checks that README.md holds exactly what this prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "results" / "curated" / "reform_package"
START, END = "<!-- results:start (scripts/readme_results.py) -->", "<!-- results:end -->"
#: (outcome, column heading, scale, digits)
COLUMNS = (("first_attempt_no_bid_rate_village", "Village first-attempt no-bid (share)", 1.0, 3),
           ("unfilled_rate_village", "Village orders unfilled at year end (share)", 1.0, 3),
           ("service_quality", "Service quality, people-weighted (0–1)", 1.0, 3),
           ("quality_delivered", "Quality delivered (0–1)", 1.0, 3),
           ("public_cost", "Public cost (million yuan/year)", 1e-6, 1))
EXPLAINED = ("first_attempt_no_bid_rate_village", "service_quality")


def _cell(mean: float, lo: float, hi: float, scale: float, digits: int, signed: bool) -> str:
    f = (lambda x: f"{x * scale:+,.{digits}f}") if signed else (lambda x: f"{x * scale:,.{digits}f}")
    return f"{f(mean)} [{f(lo)}, {f(hi)}]"


def _carriers(tables: pd.DataFrame, reform: str, outcome: str) -> str:
    from experiments.analysis.explain import carriers

    if tables.empty:
        return "–"
    from experiments.analysis.explain import ALL_OFF, ALL_ON

    mine = tables[(tables["reform"] == reform) & (tables["outcome"] == outcome) & (tables["kind"] == "effect")]
    if mine.empty:
        return "–"
    on = mine[mine["channel"] == ALL_ON].iloc[0]
    off = mine[mine["channel"] == ALL_OFF].iloc[0]
    if on.ci_low <= 0 <= on.ci_high:
        return "within noise"
    top = carriers(tables, reform, outcome)
    named = ", ".join(f"{str(r.channel).replace('_', ' ')} ({r.share:.0%})" for r in top.itertuples())
    rest = off.estimate / on.estimate
    if (off.ci_low > 0 or off.ci_high < 0) and rest >= 0.5:  # most of it goes through no analysed channel
        return f"{named + '; ' if named else ''}{rest:.0%} remains with all off"
    return named or "no single channel"


def block(folder: Path = CURATED) -> str:
    """The Markdown block: the status quo's levels, each reform's paired difference, its carriers."""
    diff = pd.read_csv(folder / "differences.csv")
    summ = pd.read_csv(folder / "summary.csv")
    paths = sorted((folder / "explain").glob("*/explain.parquet"))
    tables = pd.concat([pd.read_parquet(p) for p in paths]) if paths else pd.DataFrame()
    head = ["Scenario", *[c[1] for c in COLUMNS], "Carried by (first-attempt no-bid)", "Carried by (service quality)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    base = summ[summ["scenario"] == "baseline"].set_index("outcome")
    lines.append("| status quo (level) | " + " | ".join(
        _cell(base.at[o, "mean"], base.at[o, "ci_low"], base.at[o, "ci_high"], s, d, False) for o, _, s, d in COLUMNS)
        + " | | |")
    for sc in dict.fromkeys(diff["scenario"]):
        d = diff[diff["scenario"] == sc].set_index("outcome")
        cells = [_cell(d.at[o, "diff"], d.at[o, "ci_low"], d.at[o, "ci_high"], s, dg, True) if o in d.index else "–"
                 for o, _, s, dg in COLUMNS]
        why = " | ".join(_carriers(tables, sc, o) for o in EXPLAINED)
        lines.append(f"| {sc} (Δ) | " + " | ".join(cells) + f" | {why} |")
    n = int(diff["n_pairs"].iloc[0]) if len(diff) else 0
    seeds = sorted({int(x) for x in tables["n_seeds"]}) if not tables.empty else []
    note = (f"Status quo: mean over {n} replications [95% bootstrap CI]; reforms: paired difference from the "
            f"status quo [95% CI], {n} pairs. Carried by: the one or two channels whose Shapley value (the "
            "package) or knockout (each reform) carries the effect, with its share of it, and the share that "
            "remains with every analysed channel off when that is most of it; \"within noise\": the effect's "
            "interval in the explain runs, which use fewer seeds, includes 0 "
            f"(`python -m experiments explain`, {' or '.join(map(str, seeds))} seeds per variant).")
    return "\n".join([START, "", *lines, "", note, "", *posterior_block(folder / "posterior"), END])


#: Outcomes of the posterior table (outcome, heading, digits).
POSTERIOR = (("first_attempt_no_bid_rate_village", "Village first-attempt no-bid", 3),
             ("unfilled_rate_village", "Village orders unfilled", 3),
             ("service_quality", "Service quality", 3))


def posterior_block(folder: Path) -> list[str]:
    """Each reform's effect over the calibration's posterior draws (parameter_effects.csv of a
    ``run --parameter-draws`` sweep): the interval with parameter uncertainty and the share of draws
    whose mean effect has the pooled effect's sign; nothing when the folder has no such table."""
    path = folder / "parameter_effects.csv"
    if not path.is_file():
        return []
    t = pd.read_csv(path)
    head = ["Scenario", *[h for _, h, _ in POSTERIOR]]
    lines = ["Over the calibration's posterior (Δ [95% interval with parameter uncertainty]; share of draws "
             "with the same sign):", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for sc in dict.fromkeys(t["scenario"]):
        d = t[t["scenario"] == sc].set_index("outcome")
        cells = [f"{_cell(d.at[o, 'effect'], d.at[o, 'low'], d.at[o, 'high'], 1.0, dg, True)}; {d.at[o, 'same_sign']:.0%}"
                 if o in d.index else "–" for o, _, dg in POSTERIOR]
        lines.append(f"| {sc} (Δ) | " + " | ".join(cells) + " |")
    cmd = (folder / "command.txt").read_text(encoding="utf-8").strip() if (folder / "command.txt").is_file() else ""
    draws, reps = int(t["draws"].min()), int(t["replicates"].min())
    lines += ["", f"{draws} parameter draws × {reps} replications, common random numbers; the draws are the "
              "calibration's posterior (results/curated/calibration/posterior.parquet: draws from the SMM estimate's normal approximation "
              "within the calibrated ranges, docs/VALIDATION.md \"Calibration of the default county\")"
              + (f": `{cmd}`." if cmd else "."), ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the block, or rewrite it in README.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the block in README.md")
    a = ap.parse_args(argv)
    text = block()
    if not a.write:
        sys.stdout.write(text + "\n")
        return 0
    readme = ROOT / "README.md"
    doc = readme.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        sys.stderr.write(f"README.md has no results markers ({START} … {END})\n")
        return 2
    i, j = doc.index(START), doc.index(END) + len(END)
    readme.write_text(doc[:i] + text + doc[j:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
