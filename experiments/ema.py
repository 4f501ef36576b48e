"""EMA Workbench as a client: a ready `ema_workbench.Model` of Jiebang (the `ema` extra).

    from ema_workbench import SequentialEvaluator
    from experiments.ema import ema_model

    model = ema_model()            # levers of policy_search.toml, uncertainties of sensitivity.toml
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=8, policies=4)

EMA wants parameter names that are Python identifiers, so a dotted path of the parameter tree is
written with ``__`` (``procurement.award_rule`` -> ``procurement__award_rule``, as for
`mesa.batch_run`). Each parameter's EMA type and range come from the tree (int ->
IntegerParameter, float -> RealParameter, bool -> BooleanParameter, a choice of names ->
CategoricalParameter; bounds = the tree's valid range unless a file or the caller narrows
them). The default levers are those of `experiments/policy_search.toml` (scalar choices and
ranges) and the default uncertainties the factors of `experiments/sensitivity.toml`, so
neither list is typed again here. Each experiment runs `replications` seeds (common random
numbers: seeds ``seed``, ``seed + 1``, ...) and returns the mean of each outcome's run summary.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from model.registry import Registry

HERE = Path(__file__).resolve().parent
DEFAULT_OUTCOMES = ("quality_delivered", "cost_per_quality", "no_bid_rate_village")


def identifier(path: str) -> str:
    """A dotted parameter path as a Python identifier: ``a.b`` -> ``a__b``."""
    return path.replace(".", "__")


def dotted(name: str) -> str:
    """The inverse of `identifier`."""
    return name.replace("__", ".")


def _leaf(path: str):
    from model.param_tree import Params

    node: Any = Params
    for part in path.split("."):
        fields = getattr(node, "model_fields", {})
        if part not in fields:
            raise ValueError(f"{path}: not a parameter of the tree")
        field = fields[part]
        node = field.annotation
    return field


def parameter(path: str, spec: Mapping[str, Any] | None = None):
    """The EMA parameter for one leaf of the parameter tree.

    Args:
        path: Dotted path, e.g. ``procurement.bid_cost_yuan``.
        spec: Optional ``{"range": [lo, hi]}`` or ``{"choices": [...]}`` narrowing the tree's own.
    """
    from ema_workbench import BooleanParameter, CategoricalParameter, IntegerParameter, RealParameter

    from model.procurement.market import SELECTORS, role_choices

    spec = spec or {}
    field = _leaf(path)
    name, kind = identifier(path), field.annotation
    if "choices" in spec:
        return CategoricalParameter(name, list(spec["choices"]))
    if kind is bool:
        return BooleanParameter(name)
    choices = get_args(kind)
    registry = next((m for m in field.metadata if isinstance(m, Registry)), None)
    if registry is not None:  # a policy lever: its registered variants
        return CategoricalParameter(name, list(registry.names()))
    role = {f"procurement.{leaf}": r for r, leaf in SELECTORS.items()}.get(path)
    if role is not None:  # a method selector: the methods declaring its role
        return CategoricalParameter(name, list(role_choices(role)))
    if choices and all(isinstance(c, str) for c in choices):
        return CategoricalParameter(name, list(choices))
    lo = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    lo, hi = spec.get("range", (lo, hi))
    if lo is None or hi is None:
        raise ValueError(f"{path}: give a range (the tree has no bounds for it)")
    if kind is int:
        return IntegerParameter(name, int(lo), int(hi))
    if kind is float:
        return RealParameter(name, float(lo), float(hi))
    raise ValueError(f"{path}: type {kind} has no EMA parameter (give choices)")


def _from_file(path: Path, table: str) -> dict[str, dict]:
    """Parameter specs of an experiment or search file (scalar choices and ranges only)."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for key, spec in doc.get(table, {}).items():
        if isinstance(spec, dict) and ("range" in spec or all(not isinstance(c, list) for c in spec.get("choices", [[]]))):
            out[key] = spec
    return out


class Runner:
    """The function EMA calls: identifier keywords in, mean summary outcomes out (picklable).

    Args:
        scenario: Scenario file the experiments start from (None: the defaults).
        overrides: Fixed dotted-path overrides (e.g. a small region).
        years: Simulated years per run.
        seed: First seed.
        replications: Runs per experiment (seeds ``seed ..``), averaged.
        outcomes: Outcome names returned.
    """

    def __init__(self, scenario: str | Path | None, overrides: Mapping[str, Any], years: int, seed: int,
                 replications: int, outcomes: Sequence[str]) -> None:
        self.scenario, self.overrides = scenario, dict(overrides)
        self.years, self.seed, self.replications, self.outcomes = years, seed, replications, tuple(outcomes)

    def __call__(self, **kwargs: Any) -> dict[str, float]:
        from model import load_params, simulate

        params = load_params(self.scenario, {**self.overrides, **{dotted(k): v for k, v in kwargs.items()}})
        runs = [simulate(params, seed=self.seed + k, years=self.years).summary for k in range(self.replications)]
        return {o: float(sum(r[o] for r in runs) / len(runs)) for o in self.outcomes}


def ema_model(levers: Mapping[str, Mapping | None] | None = None,
              uncertainties: Mapping[str, Mapping | None] | None = None, *,
              outcomes: Sequence[str] = DEFAULT_OUTCOMES, scenario: str | Path | None = HERE / "scenarios/baseline.toml",
              overrides: Mapping[str, Any] | None = None, years: int = 5, seed: int = 1, replications: int = 1,
              name: str = "jiebang"):
    """A ready `ema_workbench.Model` of Jiebang.

    Args:
        levers: Dotted path -> spec (None: the tree's range or choices); default: the levers
            of experiments/policy_search.toml.
        uncertainties: The same for uncertainties; default: the factors of experiments/sensitivity.toml.
        outcomes: Run-summary outcomes, each an EMA ScalarOutcome.
        scenario: Scenario file the experiments start from.
        overrides: Fixed overrides (e.g. a small region for a quick exploration).
        years: Simulated years per run (years).
        seed: First seed of each experiment's replications.
        replications: Runs per experiment, averaged.
        name: The EMA model name (an identifier).
    """
    from ema_workbench import Model, ScalarOutcome

    if levers is None:
        levers = _from_file(HERE / "policy_search.toml", "levers")
    if uncertainties is None:
        uncertainties = _from_file(HERE / "sensitivity.toml", "factors")
    model = Model(name, function=Runner(scenario, overrides or {}, years, seed, replications, outcomes))
    model.levers = [parameter(p, s) for p, s in levers.items()]
    model.uncertainties = [parameter(p, s) for p, s in uncertainties.items()]
    model.outcomes = [ScalarOutcome(o) for o in outcomes]
    return model
