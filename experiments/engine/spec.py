"""Experiment files: parsing, strict validation, seeds, run ids and the run plan.

An experiment file is TOML (parsed as data, never executed)::

    [experiment]
    name = "price_weight"            # also the default output folder name
    description = "..."
    seed = 20190601                  # experiment seed (int >= 0)
    replications = 10
    years = 10
    outcomes = ["quality_delivered", "no_bid_rate_village"]   # default: all
    baseline = "baseline"            # a scenario name; default "baseline" or the first
    reform_start_year = 4            # optional: the other scenarios run the baseline's
                                     # parameters before year 4 (a reform switched on in a
                                     # running county; same seed); CLI --reform-start-year
    executor = "processes"           # hints: executor, workers, scheduler
    scenarios = ["scenarios/baseline.toml", "scenarios/scoring.toml"]  # or [[scenarios]]

    [overrides]                      # optional, applied to every scenario
    "region.towns" = 4

    [factors]
    design = "lhs"                   # grid | lhs | sobol | morris
    samples = 32                     # lhs/sobol/morris
    "procurement.price_weight" = { range = [0.1, 0.6] }
    "delivery.inspectors" = { range = [1, 6], integer = true }

`scenarios` (inside `[experiment]` or at top level) is a list whose items are paths
(relative to the experiment file) or tables `{path, name, description, overrides}`. A
scenario file given directly is a one-scenario experiment with no factors.

Seeds follow common random numbers: replicate k of every scenario and factor point
runs with `derive_seed(experiment_seed, k)`. A run id hashes (scenario name, resolved
flat parameters, seed, years) and, for a run switched from the baseline at
`reform_start_year` k > 1, k and the baseline's parameters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.engine import spec_checks as v
from experiments.engine.backend import Backend
from experiments.engine.samplers import Design, sample
from experiments.engine.spec_checks import SpecError

__all__ = ["SpecError", "RunSpec", "Experiment", "ScenarioRef", "Plan", "derive_seed",
           "run_id_of", "read_toml", "load_experiment", "make_plan", "parse_set"]

DEFAULT_SEED = 20190601
DEFAULT_REPLICATIONS = 5
DEFAULT_YEARS = 10


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One simulation run of a plan (small; sent to workers).

    Attributes:
        run_id: 16 hex characters of sha256 over (scenario, params, seed, years).
        experiment: Experiment name.
        scenario: Scenario name.
        scenario_path: Scenario file (str), or "" for an inline scenario.
        factors: Factor name -> value at this design point ({} without factors).
        replicate: Replicate index k (0-based).
        seed: Run seed, `derive_seed(experiment_seed, k)`.
        years: Simulated years.
        overrides: Dotted overrides applied on top of the scenario file.
        point: Design point index (0 without factors).
        reform_start_year: None when the plan has none; 1 for a run on its own parameters
            from the start (the baseline's runs); k > 1 for a run on `baseline_params` for
            years 1..k-1 and its own from year k.
        baseline_params: The baseline's resolved flat parameters at this run's design point
            (k > 1 only; shipped to the worker with the run).
    """

    run_id: str
    experiment: str
    scenario: str
    scenario_path: str
    factors: dict[str, Any]
    replicate: int
    seed: int
    years: int
    overrides: dict[str, Any]
    point: int = 0
    reform_start_year: int | None = None
    baseline_params: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScenarioRef:
    """A scenario of an experiment.

    Attributes:
        name: Scenario name.
        description: Description.
        path: Scenario file, or None for an inline scenario (defaults + overrides).
        overrides: Inline overrides from the experiment file (dotted).
    """

    name: str
    description: str
    path: Path | None
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment (or a scenario file run as a one-scenario experiment).

    Attributes:
        path: The file.
        kind: "experiment" or "scenario".
        name, description, seed, replications: From `[experiment]`.
        years: Simulated years, or None: the scenario's `years` parameter if the
            model has one, else DEFAULT_YEARS.
        outcomes: Outcomes of interest, or None for all.
        baseline: Baseline scenario name.
        scenarios: The scenarios, in file order.
        overrides: Experiment-wide dotted overrides.
        design: The factor design, or None.
        hints: Executor hints (executor, workers, scheduler).
        raw: The parsed TOML document.
        reform_start_year: The year from which the non-baseline scenarios run their own
            parameters (the baseline's before), or None (from the start).
    """

    path: Path
    kind: str
    name: str
    description: str
    seed: int
    replications: int
    years: int | None
    outcomes: tuple[str, ...] | None
    baseline: str
    scenarios: tuple[ScenarioRef, ...]
    overrides: dict[str, Any]
    design: Design | None
    hints: dict[str, Any]
    raw: dict[str, Any]
    reform_start_year: int | None = None


@dataclass
class Plan:
    """Every run of an experiment, in plan order (scenario, point, replicate).

    Attributes:
        experiment: The experiment.
        runs: Unique runs (duplicate design points are run once).
        params: run_id -> resolved flat parameter dict (shared between replicates).
        scenario_params: Scenario name -> resolved flat parameters (no factors).
        design_rows: One row per (scenario, point, replicate), duplicates included.
        factor_names: Factor names in design order.
        seed, replications: Effective values after CLI overrides.
        years: Simulated years (the CLI's, the experiment's, else per scenario).
        sets: `--set` overrides.
        reform_start_year: Effective value (CLI override, else the file's), or None.
    """

    experiment: Experiment
    runs: list[RunSpec]
    params: dict[str, dict[str, Any]]
    scenario_params: dict[str, dict[str, Any]]
    design_rows: list[dict[str, Any]]
    factor_names: list[str]
    seed: int
    replications: int
    years: int | None
    sets: dict[str, Any]
    reform_start_year: int | None = None


def derive_seed(experiment_seed: int, replicate: int) -> int:
    """Seed of replicate `replicate`: a function of the experiment seed and k only.

    Equals `SeedSequence(experiment_seed).spawn(k + 1)[k].generate_state(1, uint64)[0]`
    shifted right by one bit (so it fits a signed 64-bit Parquet column).

    Args:
        experiment_seed: Experiment seed (int >= 0).
        replicate: Replicate index k >= 0.

    Returns:
        A 63-bit non-negative integer seed.
    """
    child = np.random.SeedSequence(experiment_seed, spawn_key=(replicate,))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def canonical_json(obj: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces) used for hashing."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=_json_default,
                      ensure_ascii=False)


def run_id_of(scenario: str, params: dict[str, Any], seed: int, years: int,
              switched: tuple[int, dict[str, Any]] | None = None) -> str:
    """Run id: the first 16 hex characters of sha256 of the canonical JSON.

    Args:
        scenario: Scenario name.
        params: Resolved flat parameter dict.
        seed: Run seed.
        years: Simulated years.
        switched: (reform_start_year k > 1, the baseline's flat parameters) for a run that
            switches from the baseline in year k; None (the id of earlier versions) otherwise.
    """
    key = [scenario, params, int(seed), int(years)]
    if switched is not None:
        key.append({"reform_start_year": int(switched[0]), "baseline": switched[1]})
    text = canonical_json(key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a `SpecError` naming the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SpecError(f"{path}: is a directory, expected a .toml file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None


_SET_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """Parse `--set key=value` items; values are TOML literals, bare words are strings.

    Args:
        items: e.g. ["procurement.price_weight=0.3", "procurement.award_rule=scoring"].

    Returns:
        Dotted key -> value.
    """
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, text = item.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not _SET_KEY.match(key):
            raise SpecError(f"--set {item!r}: expected key=value with a dotted parameter "
                            "path as key, e.g. --set procurement.price_weight=0.3")
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text
        out[key] = value
    return out


def load_experiment(path: str | Path, backend: Backend) -> Experiment:
    """Read and validate an experiment file or a scenario file.

    Args:
        path: The .toml file.
        backend: Model backend (loads scenario files, lists outcomes).

    Returns:
        The validated `Experiment`.

    Raises:
        SpecError: naming the file, the key path and what is allowed.
    """
    path = Path(path)
    doc = read_toml(path)
    if "experiment" not in doc:
        if "scenario" not in doc:
            raise SpecError(f"{path}: neither an [experiment] nor a [scenario] table; an "
                            "experiment file needs [experiment], a scenario file [scenario]")
        info = v.load_scenario_file(path, str(path), backend)
        v.short_text(f"{path}: scenario.description", info.description)
        return Experiment(path, "scenario", info.name, info.description, DEFAULT_SEED,
                          DEFAULT_REPLICATIONS, None, None, info.name,
                          (ScenarioRef(info.name, info.description, path.resolve()),),
                          {}, None, {}, doc)
    for key in doc:
        if key not in v.TOP_KEYS:
            raise v.unknown(str(path), key, v.TOP_KEYS)
    head = v.check_header(f"{path}: experiment", doc["experiment"])
    if "scenarios" in head and "scenarios" in doc:
        raise SpecError(f"{path}: scenarios: given both in [experiment] and at top level; "
                        "keep one")
    if "scenarios" not in head and "scenarios" not in doc:
        raise SpecError(f"{path}: experiment.scenarios: missing; expected "
                        f"{v.HEADER_KEYS['scenarios']}")
    where = f"{path}: experiment.scenarios" if "scenarios" in head else f"{path}: scenarios"
    items = v.parse_scenarios(path, head.get("scenarios", doc.get("scenarios")), where,
                              backend)
    scenarios = tuple(ScenarioRef(n, d, p, o) for n, d, p, o in items)
    names = [s.name for s in scenarios]
    baseline = head.get("baseline", "baseline" if "baseline" in names else names[0])
    if baseline not in names:
        raise SpecError(f"{path}: experiment.baseline: got {baseline!r}; allowed: "
                        f"{', '.join(names)}")
    outcomes = head.get("outcomes")
    if outcomes is not None:
        known = backend.outcomes()
        for o in outcomes:
            if o not in known:
                raise SpecError(f"{path}: experiment.outcomes: unknown outcome {o!r}; "
                                f"allowed: {', '.join(known)}")
        outcomes = tuple(outcomes)
    return Experiment(
        path=path, kind="experiment", name=head["name"],
        description=head.get("description", ""),
        seed=head.get("seed", DEFAULT_SEED),
        replications=head.get("replications", DEFAULT_REPLICATIONS),
        years=head.get("years"), outcomes=outcomes, baseline=baseline,
        scenarios=scenarios, overrides=v.flatten(f"{path}: overrides", doc.get("overrides", {})),
        design=v.parse_factors(f"{path}: factors", doc.get("factors")),
        hints={k: head[k] for k in ("executor", "workers", "scheduler") if k in head},
        raw=doc, reform_start_year=head.get("reform_start_year"))


def make_plan(exp: Experiment, backend: Backend, *, replications: int | None = None,
              years: int | None = None, seed: int | None = None,
              sets: dict[str, Any] | None = None, reform_start_year: int | None = None) -> Plan:
    """Expand an experiment into runs: scenarios x design points x replicates.

    Every (scenario, point) is resolved once through the model's parameter loader, which
    validates factor names and values.

    Args:
        exp: The experiment.
        backend: Model backend.
        replications: Override of the replication count (CLI --reps).
        years: Override of simulated years (CLI --years).
        seed: Override of the experiment seed.
        sets: CLI `--set` overrides (dotted), applied after the scenario's own.
        reform_start_year: Override of the file's `reform_start_year` (CLI
            --reform-start-year): every scenario but the baseline runs the baseline's
            parameters (at the same design point, same seed) before this year.

    Returns:
        The `Plan`.

    Raises:
        SpecError: on invalid counts, a `--set` that is also a factor, or parameters
        the model rejects.
    """
    reps = v.positive("--reps", exp.replications if replications is None else replications,
                      v.MAX_REPLICATIONS)
    yrs = exp.years if years is None else v.positive("--years", years)
    seed_ = exp.seed if seed is None else seed
    if isinstance(seed_, bool) or not isinstance(seed_, int) or seed_ < 0:
        raise SpecError(f"--seed: expected an integer >= 0, got {seed_!r}")
    sets = dict(sets or {})
    names = exp.design.names if exp.design else []
    for key in sets:
        if key in names:
            raise SpecError(f"--set {key}: is a factor of {exp.path}; remove it from "
                            "[factors] or from --set")
    points = sample(exp.design, seed_) if exp.design else [{}]
    seeds = [derive_seed(seed_, k) for k in range(reps)]
    start = exp.reform_start_year if reform_start_year is None else reform_start_year
    where = "experiment.reform_start_year" if reform_start_year is None else "--reform-start-year"
    if start is not None and not (v.is_int(start) and start >= 1):
        raise SpecError(f"{where}: got {start!r}; expected {v.HEADER_KEYS['reform_start_year']}")
    plan = Plan(exp, [], {}, {}, [], list(names), seed_, reps, yrs, sets, start)
    base_flats = _baseline_flats(backend, exp, points, sets, yrs) if start and start > 1 else {}
    for sc in exp.scenarios:
        layers = {"overrides": exp.overrides, "scenario": sc.overrides, "--set": dict(sets)}
        if yrs is not None:
            flat0 = _resolve(backend, exp, sc, layers)
            if flat0.get("years", yrs) != yrs:
                # the tree has a `years` parameter: record the years actually simulated (its own
                # layer, so an error it causes names --years, not --set)
                layers["--years"] = {"years": yrs}
        flat0 = _resolve(backend, exp, sc, layers)
        plan.scenario_params[sc.name] = flat0
        for i, point in enumerate(points):
            flat = _resolve(backend, exp, sc, {**layers, "factors": point}, i) if point \
                else flat0
            sc_years = int(flat.get("years", yrs or DEFAULT_YEARS))
            if start is not None and start > sc_years:
                hint = "" if reform_start_year is not None else "; --reform-start-year K overrides it"
                raise SpecError(f"{where}: got {start}; expected an integer from 1 to years = "
                                f"{sc_years} (scenario {sc.name!r}){hint}")
            overrides = {k: x for layer in layers.values() for k, x in layer.items()}
            overrides.update(point)
            switched = (start, base_flats[i]) if base_flats and sc.name != exp.baseline else None
            diff = backend.world_differences(switched[1], flat) \
                if switched and backend.world_differences else []
            if diff:
                raise SpecError(f"{where}: scenario {sc.name!r} differs from the baseline in "
                                f"{', '.join(diff)}, which a reform switched on in a running "
                                f"county cannot change; set it for every scenario or run it "
                                f"from the start (--reform-start-year 1)")
            run_start = None if start is None else (switched[0] if switched else 1)
            for k, s in enumerate(seeds):
                rid = run_id_of(sc.name, flat, s, sc_years, switched)
                plan.design_rows.append({"run_id": rid, "scenario": sc.name, "point": i,
                                         "replicate": k, "seed": s, **point})
                if rid in plan.params:
                    continue
                plan.params[rid] = flat
                plan.runs.append(RunSpec(rid, exp.name, sc.name, str(sc.path or ""),
                                         dict(point), k, s, sc_years, overrides, i, run_start,
                                         switched[1] if switched else None))
    return plan


def _baseline_flats(backend: Backend, exp: Experiment, points: list[dict[str, Any]],
                    sets: dict[str, Any], years: int | None) -> dict[int, dict[str, Any]]:
    """The baseline scenario's resolved flat parameters at every design point (the
    parameters a switched run has before `reform_start_year`)."""
    sc = next(s for s in exp.scenarios if s.name == exp.baseline)
    layers = {"overrides": exp.overrides, "scenario": sc.overrides, "--set": dict(sets)}
    if years is not None and _resolve(backend, exp, sc, layers).get("years", years) != years:
        layers["--years"] = {"years": years}  # its own layer: an error it causes names --years
    return {i: _resolve(backend, exp, sc, {**layers, "factors": point}, i) if point
            else _resolve(backend, exp, sc, layers) for i, point in enumerate(points)}


def _resolve(backend: Backend, exp: Experiment, sc: ScenarioRef,
             layers: dict[str, dict[str, Any]], point: int | None = None) -> dict[str, Any]:
    """Resolve a scenario plus override layers; blame the first layer the model rejects."""
    errors = backend.param_error()

    def merged(n: int) -> dict[str, Any]:
        return {k: x for layer in list(layers.values())[:n] for k, x in layer.items()}

    try:
        return backend.resolve(sc.path, merged(len(layers)))
    except errors as exc:
        first = exc
    for n, name in enumerate(layers):
        try:
            backend.resolve(sc.path, merged(n))
        except errors as exc:
            if n == 0:
                raise SpecError(str(exc)) from exc
            name = list(layers)[n - 1]
            first = exc
            break
    msg = str(first)
    for origin in (f"{sc.path}: ", "overrides: "):  # the loader's own origin prefix
        msg = msg.removeprefix(origin)
    where = {
        "overrides": f"{exp.path}: overrides (scenario {sc.name!r})",
        "scenario": f"{exp.path}: scenarios: {sc.name!r} overrides",
        "--set": f"--set on {sc.path} (scenario {sc.name!r})" if sc.path
                 else f"--set on scenario {sc.name!r} of {exp.path}",
        "--years": f"--years {layers.get('--years', {}).get('years')} on "
                   + (f"{sc.path} (scenario {sc.name!r})" if sc.path else f"scenario {sc.name!r} of {exp.path}"),
        "factors": f"{exp.path}: factors, point {point} "
                   f"{canonical_json(layers.get('factors', {}))} (scenario {sc.name!r})",
    }[name]
    raise SpecError(f"{where}: {msg}") from first


def points_plan(exp: Experiment, points: Sequence[Mapping[str, Any]], backend: Backend,
                cache: dict[str, Plan] | None = None) -> Plan:
    """One plan over an explicit list of parameter points (each x the replications).

    Each point is resolved and validated by `make_plan` (as experiment-wide overrides)
    and keeps its position as the design `point` index; factor columns hold its values.

    Args:
        exp: Base experiment (one scenario, no design).
        points: Dotted parameter path -> value, one dict per point.
        backend: Model backend.
        cache: Sub-plans by point (reused between calls as points accumulate).

    Returns:
        The merged `Plan`.
    """
    cache = {} if cache is None else cache
    names = list(dict.fromkeys(k for p in points for k in p))
    merged = Plan(exp, [], {}, {}, [], names, exp.seed, exp.replications, exp.years, {},
                  exp.reform_start_year)
    for i, point in enumerate(points):
        key = canonical_json(point)
        if key not in cache:
            sub = dataclasses.replace(exp, overrides={**exp.overrides, **point}, design=None)
            cache[key] = make_plan(sub, backend)
        sub_plan = cache[key]
        merged.scenario_params.update(sub_plan.scenario_params)
        for row in sub_plan.design_rows:
            merged.design_rows.append({**row, "point": i, **point})
        for run in sub_plan.runs:
            if run.run_id not in merged.params:
                merged.params[run.run_id] = sub_plan.params[run.run_id]
                merged.runs.append(dataclasses.replace(run, factors=dict(point), point=i))
    return merged
