"""A fake model with planted channels, for testing `explain` (tests only).

Parameters: ``reform.on`` (the reform) and three switches ``channels.a/b/c``. Outcomes, with common
noise per seed (cancels in a paired difference) and a small arm-specific noise:

- ``via_a``: the reform adds 2 through channel a alone (Shapley: a = 2, b = c = 0);
- ``mixed``: the reform adds 1 through a, and 0.6 only when b and c are both on (Shapley: a = 1,
  b = c = 0.3), plus 0.5 that no channel carries (it stays when all are off);
- ``level``: channels move the level in both arms alike; the reform does nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.engine.backend import Backend, ScenarioInfo
from tests.fakemodel import FakeParamError, FakeResult, _flatten

DEFAULTS: dict[str, Any] = {"reform.on": False, "channels.a": True, "channels.b": True, "channels.c": True,
                            "years": 2}
OUTCOMES = ["via_a", "mixed", "level"]


def load_scenario(path: Path) -> ScenarioInfo:
    doc = tomllib.loads(Path(path).read_text())
    head = doc.pop("scenario")
    return ScenarioInfo(head["name"], head.get("description", ""), _flatten(doc))


def resolve(path: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    flat = dict(DEFAULTS)
    for layer in ([load_scenario(path).overrides] if path else []) + [overrides]:
        for key, value in layer.items():
            if key not in DEFAULTS or type(value) is not type(DEFAULTS[key]):
                raise FakeParamError(f"{key}: unknown parameter or wrong type {value!r}")
            flat[key] = value
    return flat


def simulate(params: dict[str, Any], *, seed: int, years: int, tenders: bool = False) -> FakeResult:
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, len(OUTCOMES))
    own = np.random.default_rng([seed, int(params["reform.on"])]).normal(0, 0.01, len(OUTCOMES))
    r, a, b, c = (float(params[k]) for k in ("reform.on", "channels.a", "channels.b", "channels.c"))
    y = common + own + np.array([2 * r * a, r * (a + 0.6 * b * c + 0.5), 3 * a + b - c])
    summary = dict(zip(OUTCOMES, map(float, y)))
    ts = pd.DataFrame({"month": np.arange(1, 12 * years + 1), **{o: summary[o] for o in OUTCOMES}})
    return FakeResult(summary, ts, None)


def outcomes() -> list[str]:
    return list(OUTCOMES)


def param_error() -> tuple[type[Exception], ...]:
    return (FakeParamError,)


BACKEND = Backend(load_scenario=load_scenario, resolve=resolve, build=dict, simulate=simulate,
                  outcomes=outcomes, param_error=param_error)
