"""The county's procurement method mix by count and value, beside the national shares.

Runs the status quo (default county) for the given seeds with the tender log, leaves out the
warm-up (``burn_in_years``) and prints the table of experiments/analysis/method_mix.py; with
``--markdown FILE`` writes it as a generated Markdown section (``python -m experiments validate``
appends docs/METHOD_MIX.md to docs/VALIDATION.md).

    python scripts/method_mix.py --seeds 1 2 3
    python scripts/method_mix.py --seeds 1 2 3 --markdown docs/METHOD_MIX.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from experiments.analysis.method_mix import markdown, method_mix
from experiments.engine.spec import SpecError, parse_set
from model import load_params, simulate
from model.procurement.market import METHODS
from model.units import MONTHS_PER_YEAR


def _notes(p, table: pd.DataFrame) -> tuple[str, ...]:
    """Generated sentences: which catalogue items reach the thresholds, and the county's public-tender share."""
    from model import ProcurementModel
    from model.catalogue import POSTS

    cat = ProcurementModel(p, seed=1).cat
    pr = p.procurement
    big = [f"{i} ({v / 1e6:.1f}M{', posts' if m == POSTS else ''})" for i, v, m in zip(cat.ids, cat.value, cat.mode)
           if v >= pr.decentralised_limit_yuan]
    row = table.set_index("method")
    pt = row["gp_share_by_value"].get("public_tender", 0.0)
    return (f"Thresholds: decentralised-purchase limit {pr.decentralised_limit_yuan:,.0f} and open tender "
            f"{pr.open_tender_threshold_yuan:,.0f} yuan (docs/parameters.md gives sources and legal status). "
            f"Catalogue items at or above the limit (annual value): {', '.join(big)}; posts are recruited, not "
            "tendered, and a city department buys an item only when its awareness exceeds the item's resistance "
            "(P1), so a seed's flagships may stay in-house for the whole run.",
            f"Public tender carries {100 * pt:.1f}% of the value of the government-procurement methods here, "
            "against 78.3% nationally (2019): the county's purchased services are mostly village and town items "
            "far below the limit, bought by posting (揭榜) or the unit's own purchase.")


def main(argv: list[str] | None = None) -> int:
    """Run, tabulate, print (and write with --markdown)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--years", type=int, default=None, help="years per run (default: the parameter)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="parameter override")
    ap.add_argument("--markdown", type=Path, metavar="FILE")
    args = ap.parse_args(argv)
    try:
        p = load_params(overrides=parse_set(args.set))
    except (SpecError, ValueError) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if args.markdown and not args.markdown.parent.is_dir():
        print(f"error: --markdown: no folder {args.markdown.parent}", file=sys.stderr)
        return 2
    years = args.years or p.years
    logs = [simulate(p, seed=s, years=years, tenders=True).tenders.assign(seed=s) for s in args.seeds]
    table = method_mix(pd.concat(logs, ignore_index=True), first_month=p.burn_in_years * MONTHS_PER_YEAR + 1,
                       methods=METHODS.names())
    print(table.to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    if args.markdown:
        notes = _notes(p, table)
        cmd = "python scripts/method_mix.py --seeds " + " ".join(map(str, args.seeds)) + f" --markdown {args.markdown}"
        args.markdown.write_text(markdown(table, cmd, args.seeds, years, p.burn_in_years + 1, notes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
