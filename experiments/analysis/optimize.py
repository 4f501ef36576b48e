"""Policy search: the lever settings that best meet stated objectives under constraints.

Why Optuna: levers are a mix of categorical (award rule, blacklist policy, monitoring
regimes, lots), continuous (weights, subsidies) and conditional settings; Optuna samples
all of these natively; offers TPE (single objective, sample-efficient) and NSGA-II
(multi-objective, returns a Pareto front) with constraint handling (`Trial.set_constraint`
in Optuna 5, formerly `constraints_func`: infeasible trials rank behind feasible ones in
both samplers rather than being silently penalised); its ask-and-tell interface lets
each batch of trials run through our own engine (plans, executors, resumable store)
instead of Optuna calling the model; and a seeded sampler with sequential ask/tell makes a
search reproducible. (pymoo would give NSGA-II too, but handles categorical levers poorly.)

A search file (TOML)::

    [search]
    name = "policy_search"
    scenario = "scenarios/baseline.toml"
    seed = 7
    replications = 3          # each trial: mean over these seeds (common random numbers)
    years = 3
    trials = 40
    batch = 8                 # trials per engine sweep (NSGA-II population size)
    sampler = "nsga2"         # nsga2 | tpe (default: tpe for 1 objective, else nsga2)
    objectives = [{ outcome = "quality_delivered", direction = "maximize" },
                  { outcome = "cost_per_quality", direction = "minimize" }]
    [overrides]               # fixed settings (e.g. a small region)
    [levers]
    "procurement.award_rule" = { choices = ["lowest_price", "scoring"] }
    "procurement.mobilisation_subsidy_yuan" = { range = [0.0, 3000.0] }
    [shares.scoring]          # weights that sum to 1, searched as shares
    names = ["price_weight", "technical_weight", "reputation_weight", "citizen_weight"]
    minimum = [0.1, 0.0, 0.0, 0.0]
    [[constraints]]
    outcome = "no_bid_rate_village"
    max = 0.10

Shares: each weight is searched as u_i in [0, 1] and set to w_i = min_i + (1 - sum min) *
u_i / sum u (rounded to 4 decimals, the largest absorbing the rounding), so every trial's
weights sum to 1 and respect the legal price-weight floor. A constraint is met when the
mean over replications is within its bound; a trial with an undefined (NaN) outcome
violates it. Outputs: policy_search_trials.csv (every trial), policy_search_pareto.csv
(feasible non-dominated trials), policy_search.md, figures/policy_search_pareto.png.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.engine import spec_checks as v
from experiments.engine.backend import REAL, Backend
from experiments.engine.spec import Experiment, ScenarioRef, canonical_json, points_plan, read_toml
from experiments.analysis.stats import pareto_front
from experiments.engine.store import atomic_write_json
from experiments.engine.spec_checks import SpecError

HEAD_KEYS = ("name", "description", "scenario", "seed", "replications", "years", "trials",
             "batch", "sampler", "objectives")
TOP_KEYS = ("search", "overrides", "levers", "shares", "constraints")
WORST = 1e9
"""Objective/constraint value standing in for an undefined (NaN) outcome."""


@dataclass(frozen=True)
class Search:
    """A validated search file (see the module docstring for the keys)."""

    path: Path
    experiment: Experiment
    trials: int
    batch: int
    sampler: str
    objectives: tuple[tuple[str, str], ...]
    levers: dict[str, dict[str, Any]]
    shares: dict[str, tuple[tuple[str, ...], tuple[float, ...]]]
    constraints: tuple[tuple[str, float | None, float | None], ...]


def load_search(path: str | Path, backend: Backend = REAL) -> Search:
    """Read and validate a search file (raises `SpecError` naming the key)."""
    path = Path(path)
    doc = read_toml(path)
    head, where = v.head_table(path, doc, "search", TOP_KEYS, HEAD_KEYS)
    ints = v.int_settings(head, where, {"seed": 0, "replications": 3, "years": 3, "trials": 40, "batch": 8},
                          {"seed": 0, "batch": 2})
    known = backend.outcomes()
    objs = head.get("objectives")
    if not isinstance(objs, list) or not objs:
        raise SpecError(f"{where}.objectives: expected a list of {{ outcome, direction }}")
    for i, o in enumerate(objs):
        if not (isinstance(o, dict) and set(o) == {"outcome", "direction"}
                and o["outcome"] in known and o["direction"] in ("maximize", "minimize")):
            raise SpecError(f"{where}.objectives[{i}]: got {o!r}; expected {{ outcome = <one "
                            "of the outcomes>, direction = \"maximize\" | \"minimize\" }")
    sampler = head.get("sampler", "tpe" if len(objs) == 1 else "nsga2")
    if sampler not in ("tpe", "nsga2"):
        raise SpecError(f"{where}.sampler: got {sampler!r}; allowed: tpe, nsga2")
    scen = head.get("scenario")
    sc = ScenarioRef("search", "", None)
    if scen is not None:
        if not isinstance(scen, str) or not scen:
            raise SpecError(f"{where}.scenario: expected a scenario file path, got {scen!r}")
        file = (path.parent / scen).resolve()
        info = v.load_scenario_file(file, f"{where}.scenario", backend)
        sc = ScenarioRef(info.name, info.description, file)
    name = head.get("name", path.stem)
    if not isinstance(name, str) or not v._safe_name(name):
        raise SpecError(f"{where}.name: got {name!r}; expected letters, digits, _ . -")
    exp = Experiment(path, "experiment", name, str(head.get("description", "")),
                     ints["seed"], ints["replications"], ints["years"], None, sc.name, (sc,),
                     v.flatten(f"{path}: overrides", doc.get("overrides", {})), None, {}, doc)
    return Search(path, exp, ints["trials"], ints["batch"], sampler,
                  tuple((o["outcome"], o["direction"]) for o in objs),
                  _levers(f"{path}: levers", doc.get("levers", {})),
                  _shares(f"{path}: shares", doc.get("shares", {})),
                  _constraints(f"{path}: constraints", doc.get("constraints", []), known))


def _levers(where: str, table: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in v.flatten(where, table).items():
        name, _, kind = key.rpartition(".")
        ok = (kind == "choices" and isinstance(value, list) and len(value) >= 1) or (
            kind == "range" and isinstance(value, list) and len(value) == 2
            and all(v.is_num(x) for x in value) and value[0] < value[1])
        if not ok or not name:
            raise SpecError(f"{where}.{key}: got {value!r}; a lever is \"dotted.path\" = "
                            "{ choices = [...] } or { range = [lo, hi] }")
        out[name] = {kind: value}
    if not out:
        raise SpecError(f"{where}: missing; add e.g. \"procurement.lots\" = "
                        "{ choices = [false, true] }")
    return out


def _shares(where: str, table: Any) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    out = {}
    for prefix, spec in (table or {}).items():
        names, mins = (spec.get("names"), spec.get("minimum")) if isinstance(spec, dict) \
            else (None, None)
        mins = [0.0] * len(names or []) if mins is None else mins
        if not (isinstance(names, list) and len(names) >= 2 and isinstance(mins, list)
                and len(mins) == len(names) and all(v.is_num(m) and m >= 0 for m in mins)
                and sum(mins) < 1 and set(spec) <= {"names", "minimum"}):
            raise SpecError(f"{where}.{prefix}: expected names = [2+ weights] and optional "
                            "minimum = [one number >= 0 each, sum < 1]")
        out[prefix] = (tuple(names), tuple(float(m) for m in mins))
    return out


def _constraints(where: str, items: Any, known: list[str]):
    out = []
    for i, c in enumerate(items if isinstance(items, list) else [None]):
        if not (isinstance(c, dict) and c.get("outcome") in known and set(c) <= {
                "outcome", "max", "min"} and ({"max", "min"} & set(c))
                and all(v.is_num(c[k]) for k in ("max", "min") if k in c)):
            raise SpecError(f"{where}[{i}]: got {c!r}; expected {{ outcome = <outcome>, "
                            "max = x }} and/or min = y")
        out.append((c["outcome"], c.get("min"), c.get("max")))
    return tuple(out)


def suggest(trial: Any, search: Search) -> dict[str, Any]:
    """Lever settings of an Optuna trial as dotted overrides (shares -> weights)."""
    point: dict[str, Any] = {}
    for name, spec in search.levers.items():
        if "choices" in spec:
            labels = [canonical_json(c) for c in spec["choices"]]
            point[name] = json.loads(trial.suggest_categorical(name, labels))
        else:
            point[name] = trial.suggest_float(name, *map(float, spec["range"]))
    for prefix, (names, mins) in search.shares.items():
        u = np.array([trial.suggest_float(f"share:{prefix}.{n}", 0.0, 1.0) for n in names])
        w = np.array(mins) + (1 - sum(mins)) * (u / u.sum() if u.sum() > 0 else 1 / len(u))
        w = np.round(w, 4)
        top = int(np.argmax(w))
        w[top] = round(1.0 - (w.sum() - w[top]), 4)
        point.update({f"{prefix}.{n}": float(x) for n, x in zip(names, w, strict=True)})
    return point


def trial_values(runs: pd.DataFrame, search: Search) -> tuple[list[float], list[float], dict]:
    """Objectives (mean over replications) and constraint values (<= 0 feasible)."""
    names = dict.fromkeys([o for o, _ in search.objectives] + [c for c, _, _ in search.constraints])
    means = {c: float(runs[c].mean()) for c in names}  # ordered (a set's order changes with the hash seed)
    values = [means[o] if np.isfinite(means[o]) else (-WORST if d == "maximize" else WORST)
              for o, d in search.objectives]
    cons = []
    for outcome, lo, hi in search.constraints:
        m = means[outcome]
        for bound, sign in ((hi, 1.0), (lo, -1.0)):
            if bound is not None:
                cons.append(sign * (m - bound) if np.isfinite(m) else WORST)
    return values, cons, means


def run_search(path: str | Path, out: str | Path | None = None, *, backend: Backend = REAL,
               trials: int | None = None, executor: str = "serial",
               workers: int | None = None, scheduler: str | None = None,
               fresh: bool = False, outcome_meta: Mapping[str, Any] | None = None) -> dict:
    """Run the search (batches of trials through the engine) and write its outputs.

    Args:
        path: Search file.
        out: Output folder (default results/<name>_search).
        backend: Model backend.
        trials: Override of the number of trials.
        executor, workers, scheduler, fresh: As for `experiments.engine.sweep.run_sweep`.
        outcome_meta: Outcome labels and units for the plot.

    Returns:
        {"trials": DataFrame, "pareto": DataFrame, "best": dict | None, "files": [...],
        "markdown": str}.
    """
    import optuna

    from experiments.engine.store import check_output
    from experiments.engine.sweep import run_sweep

    search = load_search(path, backend)
    if trials is not None:
        search = dataclasses.replace(search, trials=v.positive("--trials", trials))
    out = Path(out) if out is not None else Path("results") / f"{search.experiment.name}_search"
    check_output(out)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    seed = search.experiment.seed
    sampler = (optuna.samplers.NSGAIISampler(population_size=search.batch, seed=seed)
               if search.sampler == "nsga2" else
               optuna.samplers.TPESampler(seed=seed,
                                          n_startup_trials=min(10, max(2, search.trials // 3))))
    study = optuna.create_study(directions=[d for _, d in search.objectives], sampler=sampler)
    saved = out / "search_points.json"
    points = [] if fresh or not saved.is_file() else json.loads(saved.read_text())
    checks = [{}] + [{n: c} for n, sp in search.levers.items()
                     for c in sp.get("choices", sp.get("range", []))]
    for p in checks:  # every lever value is valid on its own (before anything is written)
        points_plan(search.experiment, [p], backend)
    cache: dict = {}
    rows = []
    while len(study.trials) < search.trials:
        asked = [study.ask() for _ in range(min(search.batch, search.trials - len(study.trials)))]
        batch = [suggest(t, search) for t in asked]
        for p in batch:
            if p not in points:
                points.append(p)
        plan = points_plan(search.experiment, points, backend, cache)
        res = run_sweep(plan, out, executor=executor, workers=workers, scheduler=scheduler,
                        fresh=fresh, backend=backend)
        fresh = False
        if res.status != "complete":
            raise RuntimeError(f"sweep {res.status} in {out}; rerun to resume")
        atomic_write_json(points, saved)
        runs = pd.read_parquet(out / "runs.parquet")
        design = pd.DataFrame(plan.design_rows)
        for trial, p in zip(asked, batch, strict=True):
            ids = design.loc[design["point"] == points.index(p), "run_id"]
            values, cons, means = trial_values(runs[runs["run_id"].isin(ids)], search)
            for k, c in enumerate(cons):
                trial.set_constraint(f"c{k}", c)
            study.tell(trial, values)
            rows.append({"trial": trial.number, **{k: canonical_json(x) if isinstance(x, list)
                                                    else x for k, x in p.items()},
                         **means, "feasible": all(c <= 0 for c in cons)})
    table = pd.DataFrame(rows)
    obj_names = [o for o, _ in search.objectives]
    feas = table[table["feasible"]]
    maxi = [o for o, d in search.objectives if d == "maximize"]
    mini = [o for o, d in search.objectives if d == "minimize"]
    front = feas[pareto_front(feas, maximise=maxi, minimise=mini)] if len(feas) else feas
    first, d0 = search.objectives[0]
    best = (feas.sort_values(first, ascending=d0 == "minimize").iloc[0].to_dict()
            if len(feas) else None)
    fig = pareto_plot(table, search, outcome_meta)
    from experiments.analysis.plots import save

    files = [out / "policy_search_trials.csv", out / "policy_search_pareto.csv",
             save(fig, out / "figures" / "policy_search_pareto.png"), out / "policy_search.md"]
    table.to_csv(files[0], index=False)
    front.to_csv(files[1], index=False)
    md = section_markdown(search, table, front, best, obj_names)
    files[3].write_text(md, encoding="utf-8")
    return {"trials": table, "pareto": front, "best": best, "files": files, "markdown": md,
            "figure": fig}


def pareto_plot(table: pd.DataFrame, search: Search,
                outcome_meta: Mapping[str, Any] | None = None):
    """Trials in the plane of the first two objectives (third as colour), front marked.

    Args:
        table: The trials table of `run_search`.
        search: The search (objectives).
        outcome_meta: Outcome labels and units.

    Returns:
        A matplotlib Figure with labelled axes (outcome units).
    """
    from experiments.analysis.plots import _fig, axis_label

    objs = [o for o, _ in search.objectives]
    x, y = (objs + ["trial"])[:2] if len(objs) < 2 else objs[:2]
    fig, axes = _fig(1, 1, size=(6.4, 4.6))
    ax = axes[0][0]
    colour = table[objs[2]] if len(objs) > 2 else None
    bad = ~table["feasible"]
    ax.scatter(table.loc[bad, x], table.loc[bad, y], marker="x", color="grey",
               label="infeasible trial")
    ok = table[table["feasible"]]
    style = {} if colour is None else {"c": colour[~bad], "cmap": "viridis"}
    sc = ax.scatter(ok[x], ok[y], edgecolor="k", label="feasible trial", **style)
    if colour is not None and len(ok):
        fig.colorbar(sc, ax=ax, label=axis_label(objs[2], outcome_meta))
    if len(ok) and len(objs) >= 2:
        maxi = [o for o, d in search.objectives if d == "maximize"]
        mini = [o for o, d in search.objectives if d == "minimize"]
        f = ok[pareto_front(ok, maximise=maxi, minimise=mini)]
        ax.scatter(f[x], f[y], s=140, facecolor="none", edgecolor="red", lw=1.5,
                   label="Pareto front (all objectives)")
    ax.set_xlabel(axis_label(x, outcome_meta) if x != "trial" else "Trial number (count)")
    ax.set_ylabel(axis_label(y, outcome_meta))
    ax.set_title("Policy search: trials (mean over replications)")
    ax.legend(fontsize="small")
    return fig


def section_markdown(search: Search, table: pd.DataFrame, front: pd.DataFrame,
                     best: dict | None, objectives: list[str]) -> str:
    """The policy-search section of a report (Markdown, level-2 heading)."""
    levers = [c for c in table.columns if c in search.levers
              or any(c.startswith(p + ".") for p in search.shares)]
    cons = "; ".join(f"`{o}` {'≥ ' + str(lo) if lo is not None else ''}"
                     f"{' and ' if lo is not None and hi is not None else ''}"
                     f"{'≤ ' + str(hi) if hi is not None else ''}"
                     for o, lo, hi in search.constraints) or "none"
    lines = ["## Policy search", "",
             f"Optuna {'NSGA-II' if search.sampler == 'nsga2' else 'TPE'} over "
             f"{len(levers)} levers, {len(table)} trials, each the mean of "
             f"{search.experiment.replications} replications ({search.experiment.years} years, "
             f"common random numbers, seed {search.experiment.seed}). Objectives: "
             + ", ".join(f"{d} `{o}`" for o, d in search.objectives) + f". Constraints: {cons}. "
             f"Feasible trials: {int(table['feasible'].sum())} of {len(table)}.", ""]
    if best is None:
        lines.append("**No trial met the constraints**; relax them or widen the levers.")
    else:
        lines.append(f"Best feasible trial on `{objectives[0]}`: trial {int(best['trial'])}: "
                     + ", ".join(f"`{k}` = {best[k]}" for k in levers) + ".")
    cols = ["trial", *levers, *objectives]
    lines += ["", f"Pareto front ({len(front)} feasible non-dominated trials):", "",
              "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in front.iterrows():
        lines.append("| " + " | ".join(f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c])
                                       for c in cols) + " |")
    lines += ["", "![Policy search](figures/policy_search_pareto.png)"]
    return "\n".join(lines) + "\n"
