"""The few model functions the experiment engine calls, gathered behind one object.

The engine never imports `model` at import time. It talks to the model through a
`Backend`: a frozen bundle of plain functions (see docs/internals.md for the contract).
`REAL` calls the real `model` package; tests pass a small fake backend so the engine
can be exercised quickly. Every field is a module-level function, so a backend pickles
by reference and travels cheaply to process-pool and Dask workers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from collections.abc import Callable


class ScenarioInfo(NamedTuple):
    """What the engine needs to know about a scenario file.

    Attributes:
        name: Scenario name from its `[scenario]` table.
        description: One-paragraph description.
        overrides: Dotted parameter path -> value, as written in the file.
    """

    name: str
    description: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Backend:
    """The model interface used by the engine.

    Attributes:
        load_scenario: `(path) -> ScenarioInfo`; raises `param_error` on bad files.
        resolve: `(scenario_path | None, overrides) -> dict`: the validated, resolved
            flat parameter dict (dotted path -> value, every leaf); raises `param_error`.
        build: `(flat) -> params`: rebuilds the params object a worker passes to
            `simulate` from the flat dict.
        simulate: `(params, *, seed, years, tenders) -> RunResult` with `summary`
            (dict), `timeseries` (DataFrame with "month") and `tenders` (DataFrame|None);
            called with `baseline=` (built params) and `reform_start_year=` too for a run
            switched from the baseline (experiment files' `reform_start_year`).
        outcomes: `() -> list[str]`: canonical outcome names in display order.
        param_error: `() -> tuple[type[Exception], ...]`: the parameter error types.
        world_differences: `(baseline_flat, flat) -> list[str]`: the dotted paths in which a
            reform switched on in a running county may not differ from its baseline (the
            plan refuses such a scenario); None: not checked.
        channels: `() -> dict[str, dict]`: the model's mechanism channels declared by parameter
            values (name -> the dotted-path overrides that switch it off; `explain` analyses them
            beside the `channels.*` switches); None: none.
    """

    load_scenario: Callable[[Path], ScenarioInfo]
    resolve: Callable[[Path | None, dict[str, Any]], dict[str, Any]]
    build: Callable[[dict[str, Any]], Any]
    simulate: Callable[..., Any]
    outcomes: Callable[[], list[str]]
    param_error: Callable[[], tuple[type[Exception], ...]]
    world_differences: Callable[[dict[str, Any], dict[str, Any]], list[str]] | None = None
    channels: Callable[[], dict[str, dict[str, Any]]] | None = None


def _real_load_scenario(path: Path) -> ScenarioInfo:
    from model import load_scenario

    sc = load_scenario(path)
    return ScenarioInfo(sc.name, sc.description or "", dict(sc.overrides))


def _real_resolve(path: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    from model import load_params

    return dict(load_params(path, overrides=dict(overrides)).flat())


def _real_build(flat: dict[str, Any]) -> Any:
    from model import load_params

    return load_params(None, overrides=dict(flat))


def _real_simulate(params: Any, *, seed: int, years: int, tenders: bool = False,
                   baseline: Any = None, reform_start_year: int | None = None) -> Any:
    from model import simulate

    return simulate(params, seed=seed, years=years, tenders=tenders, baseline=baseline,
                    reform_start_year=reform_start_year)


def _real_outcomes() -> list[str]:
    from model.metrics import OUTCOMES

    return list(OUTCOMES)


def _real_param_error() -> tuple[type[Exception], ...]:
    try:
        from model import ParamError
    except ImportError:
        return ()
    return (ParamError,)


def _real_world_differences(baseline: dict[str, Any], flat: dict[str, Any]) -> list[str]:
    from model.switch import flat_world_differences

    return flat_world_differences(baseline, flat)


def _real_channels() -> dict[str, dict[str, Any]]:
    from model.param_channels import DECLARED

    return {name: dict(channel.off()) for name, channel in DECLARED.items()}


REAL = Backend(
    load_scenario=_real_load_scenario,
    resolve=_real_resolve,
    build=_real_build,
    simulate=_real_simulate,
    outcomes=_real_outcomes,
    param_error=_real_param_error,
    world_differences=_real_world_differences,
    channels=_real_channels,
)
"""The real model (the default everywhere)."""


def load_backend(ref: str | None) -> Backend:
    """Return the backend named by `module:attribute`, or `REAL` when `ref` is None.

    Args:
        ref: e.g. "fakemodel:BACKEND" (for testing the engine), or None.

    Returns:
        The backend object.

    Raises:
        ValueError: if the reference is malformed or does not name a `Backend`.
    """
    if ref is None:
        return REAL
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"--backend: expected MODULE:NAME, got {ref!r}")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"--backend: cannot load {ref!r}: {exc}") from exc
    if not isinstance(obj, Backend):
        raise ValueError(f"--backend: {ref!r} is not an experiments.engine.backend.Backend")
    return obj
