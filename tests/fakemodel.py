"""A tiny fake model for testing the experiment engine quickly (tests only).

It mimics the contract of docs/internals.md: a flat parameter tree with strict
validation, scenario files, and a pure `simulate(params, seed=, years=, tenders=)`.
`BACKEND` plugs it into the engine (`--backend fakemodel:BACKEND` on the CLI).
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.engine.backend import Backend, ScenarioInfo

DEFAULTS: dict[str, Any] = {
    "region.towns": 12,
    "region.villages_per_town": 50,
    "procurement.award_rule": "lowest_price",
    "procurement.price_weight": 0.3,
    "procurement.channel": "board",
    "delivery.inspectors": 2,
    "blacklist.public": False,
    "fake.sleep": 0.0,
}
RULES = ("lowest_price", "scoring", "direct_commission")
OUTCOMES = ["quality_delivered", "spend", "no_bid_rate", "no_bid_rate_village",
            "satisfaction"]


class FakeParamError(ValueError):
    """Bad parameter (one line naming the path)."""


@dataclass
class FakeResult:
    """Like model.RunResult."""

    summary: dict[str, float]
    timeseries: pd.DataFrame
    tenders: pd.DataFrame | None


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def load_scenario(path: Path) -> ScenarioInfo:
    """Read `[scenario] name/description` and the dotted overrides of a scenario file."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FakeParamError(f"{path}: cannot read scenario: {exc}") from None
    head = doc.pop("scenario", None)
    if not isinstance(head, dict) or not isinstance(head.get("name"), str):
        raise FakeParamError(f"{path}: scenario.name: missing")
    return ScenarioInfo(head["name"], head.get("description", ""), _flatten(doc))


def _check(where: str, key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise FakeParamError(f"{where}: {key}: unknown parameter")
    default = DEFAULTS[key]
    if isinstance(default, bool) or isinstance(default, str):
        ok = type(value) is type(default)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    if not ok:
        raise FakeParamError(f"{where}: {key}: wrong type {value!r}")
    if key == "procurement.price_weight" and not 0.1 <= value <= 1.0:
        raise FakeParamError(f"{where}: {key}: {value} outside [0.1, 1]")
    if key == "procurement.award_rule" and value not in RULES:
        raise FakeParamError(f"{where}: {key}: {value!r} not one of {RULES}")
    return value


def resolve(path: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """Defaults, then the scenario file, then overrides; validated."""
    flat = dict(DEFAULTS)
    layers = [(str(path), load_scenario(path).overrides)] if path else []
    for where, layer in layers + [("overrides", overrides)]:
        for key, value in layer.items():
            flat[key] = _check(where, key, value)
    return flat


def build(flat: dict[str, Any]) -> dict[str, Any]:
    """The fake's params object is the flat dict itself."""
    return dict(flat)


def simulate(params: dict[str, Any], *, seed: int, years: int,
             tenders: bool = False) -> FakeResult:
    """A deterministic function of params and seed; channel consumes no randomness."""
    if params["fake.sleep"]:
        time.sleep(params["fake.sleep"])
    rng = np.random.default_rng(seed)
    months = 12 * years
    noise = rng.normal(0.0, 0.05, size=(months, len(OUTCOMES)))
    base = np.array([0.5 + 0.3 * params["procurement.price_weight"],
                     1000.0 * params["region.towns"], 0.2, 0.4, 0.6])
    if params["procurement.award_rule"] == "scoring":
        base[0] += 0.1
    base[4] += 0.01 * params["delivery.inspectors"]
    values = base * (1.0 + noise)
    ts = pd.DataFrame(values, columns=OUTCOMES)
    ts.insert(0, "month", np.arange(1, months + 1))
    summary = {name: float(ts[name].mean()) for name in OUTCOMES}
    log = None
    if tenders:
        n = int(rng.integers(2, 5))
        log = pd.DataFrame({"month": np.arange(1, n + 1), "bids": rng.integers(0, 4, n),
                            "mode": ["tender"] * n})
    return FakeResult(summary, ts, log)


def outcomes() -> list[str]:
    """Outcome names."""
    return list(OUTCOMES)


def param_error() -> tuple[type[Exception], ...]:
    """The fake's parameter error type."""
    return (FakeParamError,)


BACKEND = Backend(load_scenario=load_scenario, resolve=resolve, build=build,
                  simulate=simulate, outcomes=outcomes, param_error=param_error)
