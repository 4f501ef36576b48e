"""Open Contracting red-flag indicators on OCDS data (`python -m experiments indicators DIR`).

The same code runs on simulated exports and on real OCDS data, so an indicator means the same
on both. The releases of each contracting process are merged into one compiled release and its
notices (tenders, by tender.id), with bad values dropped and amounts put in one currency
(`experiments.ocds.processes`, `experiments.ocds.clean`), then:

| code | indicator | definition | source |
|---|---|---|---|
| R018 | Single bid received | share of competitive processes (procurementMethod open or selective, numberOfTenderers set, or derived from bids.details or tender.tenderers; methods mapped by --method-map) with exactly 1 tenderer | OCDS Cardinal R018 (Open Contracting Partnership), after Fazekas, Tóth & King (2016) "single bidder" |
| NOBID | No bid received | the same share with 0 tenderers (无人揭榜) | as R018, with 0 tenderers (no Cardinal code) |
| DIRECT | Non-competitive award | share of awarded processes whose method is direct or limited | as the "direct awards" indicator of the EU Single Market Scoreboard (no Cardinal code) |
| FAILED | No award | share of processes with no active award, over processes with an outcome (planning-only processes and tenders still open, status active, left out) | tender.status unsuccessful (no Cardinal code) |
| SINGLE_NOTICE | Single bid per notice | share of competitive tender notices (each tender.id of a process: tender, re-tender; releases updating one tender are one notice) with exactly 1 tenderer | as R018, counting every notice (the model's single_bid_rate) |
| NOBID_NOTICE | No bid per notice | the same share with 0 tenderers | as NOBID, counting every notice (the model's no_bid_rate) |
| RETENDER | Several attempts | share of tendered processes with more than one tender (tender.id) | (no Cardinal code) |
| PRICE | Award value / tender value | mean over awarded competitive processes (in the data's dominant currency) | as the calibration's price_to_reserve (no Cardinal code) |
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
from experiments.ocds.clean import Tally
from experiments.ocds.processes import Process, load
from experiments.ocds.read import OCDSReadError

COMPETITIVE = ("open", "selective")
NON_COMPETITIVE = ("direct", "limited")
INDICATORS = {
    "R018": ("Single bid received", "competitive"),
    "NOBID": ("No bid received", "competitive"),
    "SINGLE_NOTICE": ("Single bid per notice", "notice"),
    "NOBID_NOTICE": ("No bid per notice", "notice"),
    "DIRECT": ("Non-competitive award", "awarded"),
    "FAILED": ("No award", "decided"),
    "RETENDER": ("Several attempts", "tendered"),
    "PRICE": ("Award value / tender value", "priced"),
    "CONNECTED": ("Award to a connected supplier", "connected_known"),
}
"""Code -> (name, the processes it is computed over)."""


def _run(ocid: str) -> str:
    prefix = f"{codes.OCID_PREFIX}-"
    return ocid[len(prefix):].split("-")[0] if ocid.startswith(prefix) else "all"



def table(procs: list[Process]) -> pd.DataFrame:
    """One row per contracting process, then one per competitive tender notice of a process.

    The process rows have ``notice`` False, the notice rows True (only the notice indicators
    and ``run`` are set on them).
    """
    rows = []
    for p in procs:
        run = _run(p.ocid)
        for n in p.notices:
            if n.method in COMPETITIVE and n.tenderers is not None:
                rows.append({"run": run, "notice": True, "SINGLE_NOTICE": n.tenderers == 1,
                             "NOBID_NOTICE": n.tenderers == 0})
        competitive = p.method in COMPETITIVE and p.tenderers is not None
        connected = [a["connectedSupplier"] for a in p.release.get("awards") or []
                     if a.get("status") in (None, "active") and isinstance(a.get("connectedSupplier"), bool)]
        rows.append({
            "run": run, "notice": False, "tendered": not p.planning_only,
            "decided": not (p.planning_only or p.still_open), "competitive": competitive,
            "R018": competitive and p.tenderers == 1, "NOBID": competitive and p.tenderers == 0,
            "awarded": p.awarded, "DIRECT": p.awarded and p.method in NON_COMPETITIVE,
            "FAILED": not p.awarded, "RETENDER": len(p.notices) > 1,
            "priced": competitive and p.awarded and p.value > 0 and not np.isnan(p.award_value),
            "PRICE": p.award_value / p.value if p.awarded and p.value > 0 else np.nan,
            "connected_known": bool(connected), "CONNECTED": any(connected)})
    flags = ["notice", "tendered", "decided", "competitive", "awarded", "priced", "connected_known"]
    df = pd.DataFrame(rows, columns=["run", *flags, *INDICATORS])
    df[flags] = df[flags].fillna(False).astype(bool)
    return df


def processes(path: str | Path, method_map: dict[str, str] | None = None) -> pd.DataFrame:
    """`table` of the usable processes of an OCDS file (`experiments.ocds.processes.load`)."""
    return table(load(path, method_map)[0])


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


def folder_indicators(files: dict[str, Path], method_map: dict[str, str] | None = None
                      ) -> tuple[pd.DataFrame, dict[str, Tally]]:
    """Indicators per scenario (or per file) of several OCDS files, and what each file's reading
    dropped or left out (`OCDSReadError` for a file with no usable contracting process)."""
    parts, tallies = [], {}
    for name, path in files.items():
        procs, tallies[name] = load(path, method_map)
        if not procs:
            raise OCDSReadError(tallies[name].nothing_usable(path))
        parts.append(indicators(table(procs)).assign(scenario=name))
    out = pd.concat(parts, ignore_index=True)
    return out[["scenario", *[c for c in out.columns if c != "scenario"]]], tallies
