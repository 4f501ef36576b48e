"""Open Contracting red-flag indicators on OCDS data (`python -m experiments indicators DIR`).

The same code runs on simulated exports and on real OCDS data, so an indicator means the same
on both. Each contracting process is compiled (`experiments.ocds.read`), then:

| code | indicator | definition | source |
|---|---|---|---|
| R018 | Single bid received | share of competitive processes (procurementMethod open or selective, numberOfTenderers set) with exactly 1 tenderer | OCDS Cardinal R018 (Open Contracting Partnership), after Fazekas, Tóth & King (2016) "single bidder" |
| NOBID | No bid received | the same share with 0 tenderers (无人揭榜) | as R018, with 0 tenderers (no Cardinal code) |
| DIRECT | Non-competitive award | share of awarded processes whose method is direct or limited | as the "direct awards" indicator of the EU Single Market Scoreboard (no Cardinal code) |
| FAILED | No award | share of processes with no active award | tender.status unsuccessful (no Cardinal code) |
| SINGLE_NOTICE | Single bid per notice | share of competitive tender releases (each attempt: tender, re-tender) with exactly 1 tenderer | as R018, counting every notice (the model's single_bid_rate) |
| NOBID_NOTICE | No bid per notice | the same share with 0 tenderers | as NOBID, counting every notice (the model's no_bid_rate) |
| RETENDER | Several attempts | share of processes with more than one tender release | (no Cardinal code) |
| PRICE | Award value / tender value | mean over awarded competitive processes | as the calibration's price_to_reserve (no Cardinal code) |
| CONNECTED | Award to a connected supplier | share of awards with awards.connectedSupplier true | the Jiebang extension; known in simulated data only |

OCDS Cardinal's command-line indicators are not on PyPI (its Python package offers field
coverage only), so R018 follows Cardinal's published methodology here. Every value comes with
a 95% t interval: across runs when the data hold several simulated runs (the run id is part of
the ocid), otherwise across contracting processes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.ocds import codes
from experiments.ocds.read import amount, compiled_releases

COMPETITIVE = ("open", "selective")
NON_COMPETITIVE = ("direct", "limited")
INDICATORS = {
    "R018": ("Single bid received", "competitive"),
    "NOBID": ("No bid received", "competitive"),
    "SINGLE_NOTICE": ("Single bid per notice", "notice"),
    "NOBID_NOTICE": ("No bid per notice", "notice"),
    "DIRECT": ("Non-competitive award", "awarded"),
    "FAILED": ("No award", "all"),
    "RETENDER": ("Several attempts", "all"),
    "PRICE": ("Award value / tender value", "priced"),
    "CONNECTED": ("Award to a connected supplier", "connected_known"),
}
"""Code -> (name, the processes it is computed over)."""


def _run(ocid: str) -> str:
    prefix = f"{codes.OCID_PREFIX}-"
    return ocid[len(prefix):].split("-")[0] if ocid.startswith(prefix) else "all"



def _competitive_tenderers(rel: dict) -> int | None:
    tender = rel.get("tender") or {}
    tenderers = tender.get("numberOfTenderers")
    ok = tender.get("procurementMethod") in COMPETITIVE and isinstance(tenderers, int)
    return tenderers if ok else None


def processes(path: str | Path) -> pd.DataFrame:
    """One row per contracting process, then one per competitive tender notice of a process.

    The process rows have ``notice`` False, the notice rows True (only the notice indicators
    and ``run`` are set on them).
    """
    rows = []
    for rel, releases in compiled_releases(path):
        run = _run(str(rel.get("ocid", "")))
        for r in releases:
            n_t = _competitive_tenderers(r)
            if n_t is not None:
                rows.append({"run": run, "notice": True, "SINGLE_NOTICE": n_t == 1, "NOBID_NOTICE": n_t == 0})
        tender = rel.get("tender") or {}
        awards = [a for a in rel.get("awards") or [] if a.get("status") in (None, "active")]
        tenderers = _competitive_tenderers(rel)
        competitive = tenderers is not None
        award_value = sum(amount(a) for a in awards) if awards else np.nan
        connected = [a["connectedSupplier"] for a in awards if isinstance(a.get("connectedSupplier"), bool)]
        rows.append({
            "run": run, "notice": False, "all": True, "competitive": competitive,
            "R018": competitive and tenderers == 1, "NOBID": competitive and tenderers == 0,
            "awarded": bool(awards), "DIRECT": bool(awards) and tender.get("procurementMethod") in NON_COMPETITIVE,
            "FAILED": not awards, "RETENDER": len(releases) > 1,
            "priced": competitive and bool(awards) and amount(tender) > 0,
            "PRICE": award_value / amount(tender) if awards and amount(tender) > 0 else np.nan,
            "connected_known": bool(connected), "CONNECTED": any(connected)})
    flags = ["notice", "all", "competitive", "awarded", "priced", "connected_known"]
    df = pd.DataFrame(rows, columns=["run", *flags, *INDICATORS])
    df[flags] = df[flags].fillna(False).astype(bool)
    return df


def indicators(procs: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's mean and 95% interval, with the processes or notices (`units`) and runs it covers."""
    from experiments.analysis.stats import t_interval

    out = []
    runs = procs["run"].nunique() if len(procs) else 0
    for code, (name, over) in INDICATORS.items():
        sub = procs[procs[over]] if len(procs) else procs
        values = sub[code].astype(float)
        units = values.groupby(sub["run"]).mean().to_numpy() if runs > 1 else values.to_numpy()
        mean, low, high = t_interval(units) if len(units) else (np.nan, np.nan, np.nan)
        if code != "PRICE":  # a share's interval stays in [0, 1]
            low, high = max(low, 0.0), min(high, 1.0)
        out.append({"code": code, "indicator": name, "units": len(sub), "runs": runs,
                    "mean": mean, "low": low, "high": high})
    return pd.DataFrame(out)


def folder_indicators(files: dict[str, Path]) -> pd.DataFrame:
    """Indicators per scenario (or per file) of several OCDS files."""
    parts = [indicators(processes(path)).assign(scenario=name) for name, path in files.items()]
    table = pd.concat(parts, ignore_index=True)
    return table[["scenario", *[c for c in table.columns if c != "scenario"]]]
