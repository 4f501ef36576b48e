"""Calibration targets from real OCDS data (`python -m experiments targets FILE.jsonl`).

Reads a release or record package (JSON or JSON Lines; `experiments.ocds.read`) and computes,
over the competitive tender notices (each tender of a contracting process, by tender.id, whose
procurementMethod is open or selective, after --method-map, and whose numberOfTenderers is
stated or derived from bids; releases updating one tender are one notice, a re-tender is
another, as in the model; processes read by `experiments.ocds.processes`):

- ``bids_per_tender``: mean numberOfTenderers;
- ``no_bid_rate`` and ``single_bid_rate``: shares with 0 and with 1 tenderer;
- ``price_to_reserve``: mean of the awarded value / tender.value over awarded notices;

overall and, where the place level is known, per level (``_city``, ``_town``, ``_village``):
from the Jiebang extension's ``tender.placeLevel``, else the buyer party's ``details.level``,
else a CSV mapping buyer ids to levels (``--levels``). Standard errors: sd / sqrt(n) for means;
for shares the Agresti-Coull se sqrt(p~(1 - p~) / (n + 4)), p~ = (x + 2) / (n + 4), which stays
positive at 0% and 100%. The same moments by value band of tender.value (in the data's dominant
currency, converted where the data give exchange rates) are written
beside as a CSV (the model has no per-band outcome to calibrate against yet).

Each target names its source (the file and the number of notices behind it) and is labelled
"tender log". The targets file is complete and loadable by `python -m experiments calibrate`: its
[calibration], [overrides] and [parameters] tables are copied from
experiments/calibration_targets.toml (edit them to choose what to fit).
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.ocds.processes import Process

HERE = Path(__file__).resolve().parents[1]
TEMPLATE = HERE / "calibration_targets.toml"
DEFAULT_BANDS = (100_000.0, 1_000_000.0)
LEVELS = ("city", "town", "village")



def _level(rel: dict, levels: Mapping[str, str]) -> str:
    tender = rel.get("tender") or {}
    if tender.get("placeLevel") in LEVELS:
        return tender["placeLevel"]
    buyer_id = (rel.get("buyer") or {}).get("id")
    for party in rel.get("parties") or []:
        details = party.get("details")
        if party.get("id") == buyer_id and isinstance(details, dict) and details.get("level") in LEVELS:
            return details["level"]
    return levels.get(str(buyer_id), "")


def notices(procs: Iterable[Process], levels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per competitive tender notice with tenderers: level, tender value, tenderers, price ratio."""
    rows = []
    for proc in procs:
        level = _level(proc.release, levels or {})
        for n in proc.notices:
            if n.method in ("open", "selective") and n.tenderers is not None:
                ratio = n.award_value / n.value if n.awarded and n.value > 0 else math.nan
                rows.append({"level": level, "value": n.value, "tenderers": n.tenderers, "ratio": ratio})
    return pd.DataFrame(rows, columns=["level", "value", "tenderers", "ratio"])


def moments(df: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    """Moment name -> (value, se, n) for one group of notices (moments without an se are left out)."""
    out = {}
    n = len(df)
    if n >= 2:
        for name, hits in (("no_bid_rate", (df["tenderers"] == 0).sum()), ("single_bid_rate", (df["tenderers"] == 1).sum())):
            p = (hits + 2) / (n + 4)
            out[name] = (float(hits / n), math.sqrt(p * (1 - p) / (n + 4)), n)
    for name, col in (("bids_per_tender", df["tenderers"].astype(float)), ("price_to_reserve", df["ratio"])):
        x = col.dropna().to_numpy(float)
        if len(x) >= 2 and np.std(x, ddof=1) > 0:
            out[name] = (float(x.mean()), float(np.std(x, ddof=1) / math.sqrt(len(x))), len(x))
    return out


def targets(df: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    """Overall and per-level targets (level suffixes as the model's outcomes)."""
    out = moments(df)
    for level in LEVELS:
        out.update({f"{k}_{level}": v for k, v in moments(df[df["level"] == level]).items()})
    return out


def by_band(df: pd.DataFrame, edges: Sequence[float] = DEFAULT_BANDS, currency: str | None = "CNY") -> pd.DataFrame:
    """The moments by buyer level and value band of tender.value, in the data's `currency`."""
    bounds = [0.0, *edges, math.inf]
    unit = currency or "(no currency stated)"
    labels = [f"[{lo:,.0f}, {hi:,.0f}) {unit}" for lo, hi in zip(bounds[:-1], bounds[1:])]
    band = pd.cut(df["value"], bounds, right=False, labels=labels)
    rows = []
    for (level, b), group in df.groupby([df["level"].replace("", "unknown"), band], observed=True):
        for name, (value, se, n) in moments(group).items():
            rows.append({"level": level, "value_band": b, "currency": unit, "moment": name, "value": value,
                         "se": se, "n": n})
    return pd.DataFrame(rows, columns=["level", "value_band", "currency", "moment", "value", "se", "n"])


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


def targets_toml(found: Mapping[str, tuple[float, float, int]], source: Path, out: Path,
                 template: Path = TEMPLATE) -> str:
    """The targets file text: the template's settings, then the observed moments."""
    doc = tomllib.loads(template.read_text(encoding="utf-8"))
    head = dict(doc["calibration"])
    head["name"] = source.stem.replace(" ", "_")
    head["description"] = f"Targets computed from the OCDS data in {source.name}."
    scenario = (template.parent / head["scenario"]).resolve()
    head["scenario"] = os.path.relpath(scenario, out.resolve().parent)
    lines = [f"# Calibration targets computed by `python -m experiments targets {source.name}`",
             "# from competitive tender notices (procurementMethod open or selective); se = standard error.",
             "# The [calibration], [overrides] and [parameters] tables are copied from",
             "# experiments/calibration_targets.toml: edit them to choose what to fit.", "", "[calibration]"]
    lines += [f"{k} = {_toml(v)}" for k, v in head.items()]
    for table in ("overrides", "parameters"):
        lines += ["", f"[{table}]"] + [f'"{k}" = {_toml(v)}' for k, v in doc.get(table, {}).items()]
    lines += ["", "[targets]"]
    lines += [f"{name} = {{ value = {v:.6g}, se = {se:.4g}, "
              f"source = {_toml(f'{source.name}: {n} competitive tender notices')}, label = \"tender log\" }}"
              for name, (v, se, n) in found.items()]
    return "\n".join(lines) + "\n"
