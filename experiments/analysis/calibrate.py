"""Calibration to observed moments: simulated method of moments (SMM) or rejection ABC.

A targets file (TOML) names the observed moments of a county with their standard errors,
the parameters to calibrate with their bounds, and how to simulate::

    [calibration]
    name = "penglai"                   # default output folder results/<name>_calibration
    scenario = "scenarios/baseline.toml"
    method = "smm"                     # smm | abc
    seed = 20190601
    replications = 3                   # runs per parameter point (common random numbers)
    years = 3
    budget = 40                        # smm: objective evaluations; abc: prior draws
    accept = 0.1                       # abc: share of prior draws accepted
    [overrides]                        # fixed dotted overrides (e.g. a small region)
    [parameters]
    "procurement.bid_cost_yuan" = { range = [100.0, 3000.0] }
    [targets]                          # optional: source (citation), label (what it describes)
    no_bid_rate = { value = 0.6, se = 0.03, source = "county tender log 2019", label = "China, county services" }

Every parameter point is simulated through the engine (`experiments.engine.spec` plans, the same
executors, one store folder that grows as points are evaluated, so rerunning resumes and
finished points are read back instead of re-run). Replicate k of every point uses the same
seed (common random numbers), so the objective is a deterministic, much smoother function
of the parameters.

SMM minimises J(theta) = sum_k ((mean simulated m_k - observed m_k) / se_k)^2 with
`scipy.optimize.differential_evolution` (seeded, population evaluated as one batch, no
gradient polish). Uncertainty: the asymptotic SMM sandwich with W = diag(1/se^2), namely
Var(theta) = (1 + 1/R) (G' W G)^-1, with G the Jacobian of the simulated moments by central
finite differences (step 5% of the range, common random numbers) at the estimate; it
assumes independent target moments with the given standard errors and is local (not a
bootstrap). With more moments than parameters, J / (1 + 1/R) is compared with a
chi-square(K - P) (over-identification test).

ABC draws a Latin-hypercube sample from the uniform prior on the ranges, keeps the `accept`
share of draws with the smallest distance sqrt(J) (rejection ABC; the tolerance is that
quantile) and reports posterior medians and 2.5/97.5% quantiles. With a small budget this
posterior is wider than the exact one (a tolerance > 0 blurs it).

Both write posterior.parquet, parameter draws for `run FILE --parameter-draws` (see
experiments/analysis/posterior.py): ABC's accepted draws; for SMM draws from the estimate's
asymptotic normal distribution (the sandwich covariance above) kept inside the ranges, or, when
the Jacobian is singular, a parametric bootstrap of the observed moments re-minimised over the
evaluated points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.engine import spec_checks as v
from experiments.engine.backend import REAL, Backend
from experiments.engine.choices import CALIBRATION_METHODS
from experiments.analysis.calibration_report import fit_plot, section_markdown
from experiments.analysis.posterior import abc_draws, smm_bootstrap, smm_normal
from experiments.engine.spec import Experiment, Plan, ScenarioRef, canonical_json, points_plan, read_toml
from experiments.engine.spec_checks import SpecError

METHODS = CALIBRATION_METHODS
HEAD_KEYS = ("name", "description", "scenario", "method", "seed", "replications", "years",
             "budget", "accept", "popsize", "fit_replications")
TOP_KEYS = ("calibration", "overrides", "parameters", "targets", "compare")
TARGET_KEYS = ("value", "se", "source", "label")
"""Keys of a target: value and se (numbers, required), source and label (text, optional)."""
PENALTY = 1e6
"""Objective value where a simulated moment is undefined (NaN) at a point."""


@dataclass(frozen=True)
class Bound:
    """A calibrated parameter: dotted path and its range [low, high] (parameter units)."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class Target:
    """An observed moment: outcome name, value and standard error (outcome units).

    ``source`` cites where the figure comes from and ``label`` says what it describes (e.g.
    "China, county services" or "comparable procurement (EU)"); both are free text, "" if unstated.
    """

    name: str
    value: float
    se: float
    source: str = ""
    label: str = ""


@dataclass(frozen=True)
class Calibration:
    """A validated targets file.

    Attributes:
        path: The file.
        experiment: The base experiment (scenario, overrides, seed, replications, years).
        method: "smm" or "abc".
        bounds: Calibrated parameters.
        targets: Observed moments.
        budget: SMM objective evaluations (approximate) or ABC prior draws.
        accept: ABC acceptance share in (0, 1].
        popsize: Differential-evolution population per parameter.
        fit_replications: Runs at the estimate for the fit table's intervals (0: ``replications``).
        compare: Observed figures shown beside the fit but not fitted (``[compare]``: a figure
            whose definition the model does not match, or that the parameters cannot move).
    """

    path: Path
    experiment: Experiment
    method: str
    bounds: tuple[Bound, ...]
    targets: tuple[Target, ...]
    budget: int
    accept: float
    popsize: int
    fit_replications: int = 0
    compare: tuple[Target, ...] = ()


def load_calibration(path: str | Path, backend: Backend = REAL) -> Calibration:
    """Read and validate a targets file (raises `SpecError` naming the key)."""
    path = Path(path)
    doc = read_toml(path)
    head, where = v.head_table(path, doc, "calibration", TOP_KEYS, HEAD_KEYS)
    name = head.get("name", path.stem)
    if not isinstance(name, str) or not v._safe_name(name):
        raise SpecError(f"{where}.name: got {name!r}; expected letters, digits, _ . -")
    method = head.get("method", "smm")
    if method not in METHODS:
        raise SpecError(f"{where}.method: got {method!r}; allowed: {', '.join(METHODS)}")
    ints = v.int_settings(head, where, {"seed": 20190601, "replications": 3, "years": 3, "budget": 40,
                                        "popsize": 6, "fit_replications": 0}, {"seed": 0, "fit_replications": 0})
    accept = head.get("accept", 0.1)
    if not v.is_num(accept) or not 0 < accept <= 1:
        raise SpecError(f"{where}.accept: expected a number in (0, 1], got {accept!r}")
    scen = head.get("scenario")
    if scen is None:
        sc = ScenarioRef("calibration", "", None)
    elif isinstance(scen, str) and scen:
        file = (path.parent / scen).resolve()
        info = v.load_scenario_file(file, f"{where}.scenario", backend)
        sc = ScenarioRef(info.name, info.description, file)
    else:
        raise SpecError(f"{where}.scenario: expected a scenario file path, got {scen!r}")
    bounds = tuple(_bounds(f"{path}: parameters", doc.get("parameters")))
    targets = tuple(_targets(f"{path}: targets", doc.get("targets"), backend.outcomes()))
    exp = Experiment(path=path, kind="experiment", name=name,
                     description=str(head.get("description", "")), seed=ints["seed"],
                     replications=ints["replications"], years=ints["years"],
                     outcomes=tuple(t.name for t in targets), baseline=sc.name,
                     scenarios=(sc,), overrides=v.flatten(f"{path}: overrides",
                                                           doc.get("overrides", {})),
                     design=None, hints={}, raw=doc)
    compare = tuple(_targets(f"{path}: compare", doc["compare"], backend.outcomes())) if "compare" in doc else ()
    return Calibration(path, exp, method, bounds, targets, ints["budget"], float(accept),
                       ints["popsize"], ints["fit_replications"], compare)


def _bounds(where: str, table: Any) -> list[Bound]:
    if not isinstance(table, dict) or not table:
        raise SpecError(f"{where}: missing; add e.g. \"procurement.bid_cost_yuan\" = "
                        "{ range = [100.0, 3000.0] }")
    out = []
    for key, rng in v.flatten(where, table).items():
        name = key.removesuffix(".range")
        if key == name or not (isinstance(rng, list) and len(rng) == 2
                               and all(v.is_num(x) for x in rng) and rng[0] < rng[1]):
            raise SpecError(f"{where}.{key}: got {rng!r}; expected \"{name}\" = "
                            "{ range = [lo, hi] } with numbers lo < hi")
        out.append(Bound(name, float(rng[0]), float(rng[1])))
    return out


def _targets(where: str, table: Any, known: Sequence[str]) -> list[Target]:
    if not isinstance(table, dict) or not table:
        raise SpecError(f"{where}: missing; add e.g. no_bid_rate = {{ value = 0.6, se = 0.03 }}")
    out = []
    for name, spec in table.items():
        if name not in known:
            raise SpecError(f"{where}.{name}: unknown outcome; allowed: {', '.join(known)}")
        if not isinstance(spec, dict) or not {"value", "se"} <= set(spec) <= set(TARGET_KEYS) or not all(
                v.is_num(spec[k]) for k in ("value", "se")) or not spec["se"] > 0 or not all(
                isinstance(spec.get(k, ""), str) for k in TARGET_KEYS[2:]):
            raise SpecError(f"{where}.{name}: got {spec!r}; expected {{ value = x, se = s }} "
                            "with numbers and se > 0, optionally source = \"...\", label = \"...\"")
        low, high = possible_range(name)
        if not low <= spec["value"] <= high:
            raise SpecError(f"{where}.{name}: value {spec['value']!r} is outside what {name} can be "
                            f"([{low:g}, {high:g}]); check the data it was computed from")
        out.append(Target(name, float(spec["value"]), float(spec["se"]), spec.get("source", ""),
                          spec.get("label", "")))
    return out


SHARE_UNITS = ("share", "0–1")
"""Units of the model's outcomes that are shares: in [0, 1] (a gap of two shares: [-1, 1])."""
NON_NEGATIVE_UNITS = ("ratio", "bids", "firms", "firms/year", "attempts/year", "slot-months/year",
                      "contract-months/year", "cases/year", "contracts/year", "commissions/year",
                      "per 1,000 households per month")
"""Units of the model's outcomes that cannot be negative (counts, rates, price over reserve)."""


def possible_range(name: str) -> tuple[float, float]:
    """The values an outcome of the model can take, from its declared unit (model/metrics.py);
    unbounded for an outcome it does not declare (another backend's) or whose sign is free."""
    from model.metrics import OUTCOMES

    out = OUTCOMES.get(name)
    if out is None:
        return -np.inf, np.inf
    if out.unit in SHARE_UNITS:
        return (-1.0, 1.0) if out.of else (0.0, 1.0)
    return (0.0, np.inf) if out.unit in NON_NEGATIVE_UNITS and not out.of else (-np.inf, np.inf)


@dataclass
class Evaluator:
    """Simulates parameter points through the engine into one growing store folder.

    Attributes:
        cal: The calibration.
        out: Output folder.
        backend, executor, workers, scheduler, fresh: As for `run_sweep`.
        points: Points evaluated so far, in order.
        runs: The stored runs (outcome columns per run), refreshed after each batch.
    """

    cal: Calibration
    out: Path
    backend: Backend = REAL
    executor: str = "serial"
    workers: int | None = None
    scheduler: str | None = None
    fresh: bool = False
    points: list[dict[str, Any]] = field(default_factory=list)
    runs: pd.DataFrame | None = None
    _cache: dict[str, Plan] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict)

    def preload(self) -> None:
        """Resume: take the points already in the output folder (in their order), so that
        the growing plan stays a superset of the stored runs."""
        design = self.out / "design.parquet"
        if self.fresh or not design.is_file():
            return
        rows = pd.read_parquet(design).drop_duplicates("point").sort_values("point")
        names = [b.name for b in self.cal.bounds]
        if set(names) <= set(rows.columns):
            for x in rows[names].to_numpy(float):
                self._index.setdefault(canonical_json(self.point_of(x)), len(self.points))
                self.points.append(self.point_of(x))

    def point_of(self, x: Sequence[float]) -> dict[str, Any]:
        """Parameter vector -> point dict (parameter units)."""
        return {b.name: float(xi) for b, xi in zip(self.cal.bounds, x, strict=True)}

    def evaluate(self, xs: Sequence[Sequence[float]]) -> pd.DataFrame:
        """Simulate the points `xs` (all replications) and return their per-run moments.

        Returns:
            One row per (point in `xs`, replicate): `point` (position in `xs`),
            `replicate`, and one column per target moment.
        """
        from experiments.engine.sweep import run_sweep

        keys = []
        for x in xs:
            p = self.point_of(x)
            key = canonical_json(p)
            if key not in self._index:
                self._index[key] = len(self.points)
                self.points.append(p)
            keys.append(self._index[key])
        plan = points_plan(self.cal.experiment, self.points, self.backend, self._cache)
        res = run_sweep(plan, self.out, executor=self.executor, workers=self.workers,
                        scheduler=self.scheduler, fresh=self.fresh, backend=self.backend)
        self.fresh = False  # only the first batch moves old results aside
        if res.status != "complete":
            raise RuntimeError(f"sweep {res.status} in {self.out}; rerun to resume")
        self.runs = pd.read_parquet(self.out / "runs.parquet")
        rows = pd.DataFrame(plan.design_rows)
        names = [t.name for t in (*self.cal.targets, *self.cal.compare)]
        per_run = rows[["run_id", "point", "replicate"]].merge(
            self.runs[["run_id", *names]], on="run_id", how="left")
        parts = [per_run[per_run["point"] == k].assign(point=j) for j, k in enumerate(keys)]
        return pd.concat(parts, ignore_index=True).drop(columns="run_id")


def objective(sim_means: pd.DataFrame, targets: Sequence[Target]) -> np.ndarray:
    """J = sum_k ((simulated mean - observed) / se)^2 per row; PENALTY where undefined.

    Args:
        sim_means: One row per point, one column per target (mean over replications).
        targets: The targets.

    Returns:
        J per row (dimensionless).
    """
    z = np.column_stack([(sim_means[t.name].to_numpy(float) - t.value) / t.se
                         for t in targets])
    j = (z ** 2).sum(axis=1)
    return np.where(np.isnan(j), PENALTY, j)


@dataclass(frozen=True)
class CalibrationResult:
    """Estimates, uncertainty, fit and every evaluated point.

    Attributes:
        method: "smm" or "abc".
        estimates: parameter, estimate, low, high (95%), se (SMM) and `uncertainty`
            (what the interval is).
        fit: moment, observed, se, simulated (mean at the estimate), sim_low, sim_high
            (95% t-interval over replications), z ((simulated - observed) / se), label (what
            the observed figure describes, from the targets file).
        evaluations: Every evaluated point: parameter columns, moment means, J, accepted.
        objective: J at the estimate; `notes`: caveats (identification, test).
        files: Written paths; `markdown`: the report section.
    """

    method: str
    estimates: pd.DataFrame
    fit: pd.DataFrame
    evaluations: pd.DataFrame
    objective: float
    notes: list[str]
    files: list[Path]
    markdown: str


def _at_estimate(cal: Calibration, ev: Evaluator, out: Path, theta: np.ndarray) -> pd.DataFrame:
    """The moments at the estimate: the calibration's own runs, or ``fit_replications`` runs (the
    same seeds first, common random numbers) in ``out``/fit when the file asks for more."""
    if cal.fit_replications <= cal.experiment.replications:
        return ev.evaluate([theta])
    more = dataclasses.replace(cal, experiment=dataclasses.replace(cal.experiment,
                                                                   replications=cal.fit_replications))
    fit = Evaluator(more, out / "fit", ev.backend, ev.executor, ev.workers, ev.scheduler)
    fit.preload()
    return fit.evaluate([theta])


def _means(per_run: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    return per_run.groupby("point", sort=True)[list(names)].mean()


def _smm(cal: Calibration, ev: Evaluator) -> tuple[np.ndarray, pd.DataFrame, list[str], np.ndarray | None]:
    from scipy.optimize import differential_evolution

    names = [t.name for t in cal.targets]
    lo = np.array([b.low for b in cal.bounds])
    hi = np.array([b.high for b in cal.bounds])
    values: dict[tuple[float, ...], float] = {}

    def batch(func, xs):  # DE's map: one engine sweep per population
        xs = [np.asarray(x, float) for x in xs]
        j = objective(_means(ev.evaluate(xs), names), cal.targets)
        values.update({tuple(x): float(jj) for x, jj in zip(xs, j, strict=True)})
        return [func(x) for x in xs]

    pop = cal.popsize * len(cal.bounds)
    res = differential_evolution(lambda x: values[tuple(np.asarray(x, float))],
                                 list(zip(lo, hi, strict=True)), seed=cal.experiment.seed,
                                 popsize=cal.popsize, maxiter=max(1, cal.budget // pop - 1),
                                 polish=False, init="sobol" if pop & (pop - 1) == 0 else
                                 "latinhypercube", updating="deferred", workers=batch, tol=0)
    theta = np.asarray(res.x, float)
    h = 0.05 * (hi - lo)
    steps = [(np.clip(theta + h * e, lo, hi), np.clip(theta - h * e, lo, hi))
             for e in np.eye(len(theta))]
    per_run = ev.evaluate([theta] + [x for pair in steps for x in pair])
    m = _means(per_run, names).to_numpy(float)
    se = np.array([t.se for t in cal.targets])
    g = np.column_stack([(m[1 + 2 * i] - m[2 + 2 * i]) / (p[0][i] - p[1][i])
                         for i, p in enumerate(steps)]) / se[:, None]
    notes = []
    try:
        cov = (1 + 1 / cal.experiment.replications) * np.linalg.inv(g.T @ g)
        sd = np.sqrt(np.diag(cov))
    except np.linalg.LinAlgError:
        cov, sd = None, np.full(len(theta), np.nan)
    if not np.isfinite(sd).all():
        notes.append("The moments do not identify every parameter locally (singular "
                     "Jacobian): standard errors are undefined.")
    est = pd.DataFrame({"parameter": [b.name for b in cal.bounds], "estimate": theta,
                        "se": sd, "low": theta - 1.96 * sd, "high": theta + 1.96 * sd,
                        "uncertainty": "95% asymptotic SMM interval (sandwich, FD Jacobian)"})
    k, p_ = len(names), len(theta)
    j_hat = float(values.get(tuple(theta), objective(pd.DataFrame(m[:1], columns=names),
                                                     cal.targets)[0]))
    if k > p_:
        from scipy.stats import chi2

        stat = j_hat / (1 + 1 / cal.experiment.replications)
        notes.append(f"Over-identification: J/(1+1/R) = {stat:.3g} against chi-square({k - p_})"
                     f", p = {chi2.sf(stat, k - p_):.3g}.")
    return theta, est, notes, cov if cov is not None and np.isfinite(cov).all() else None


def _abc(cal: Calibration, ev: Evaluator) -> tuple[np.ndarray, pd.DataFrame, list[str],
                                                  np.ndarray]:
    from experiments.engine.samplers import Design, Factor, sample

    design = Design("lhs", tuple(Factor(b.name, low=b.low, high=b.high) for b in cal.bounds),
                    samples=cal.budget)
    xs = [[p[b.name] for b in cal.bounds] for p in sample(design, cal.experiment.seed)]
    names = [t.name for t in cal.targets]
    dist = np.sqrt(objective(_means(ev.evaluate(xs), names), cal.targets))
    n_acc = max(1, int(round(cal.accept * len(xs))))
    keep = np.argsort(dist, kind="stable")[:n_acc]
    post = np.asarray(xs, float)[keep]
    theta = np.median(post, axis=0)
    est = pd.DataFrame({"parameter": [b.name for b in cal.bounds], "estimate": theta,
                        "se": post.std(axis=0, ddof=1) if n_acc > 1 else np.nan,
                        "low": np.quantile(post, 0.025, axis=0),
                        "high": np.quantile(post, 0.975, axis=0),
                        "uncertainty": "ABC posterior median, 2.5–97.5% quantiles"})
    notes = [f"Rejection ABC: {n_acc} of {len(xs)} prior draws accepted (tolerance: "
             f"distance sqrt(J) <= {dist[keep[-1]]:.3g})."]
    return theta, est, notes, post


def run_calibration(path: str | Path, out: str | Path | None = None, *,
                    backend: Backend = REAL, method: str | None = None,
                    budget: int | None = None, executor: str = "serial",
                    workers: int | None = None, scheduler: str | None = None,
                    fresh: bool = False,
                    outcome_meta: Mapping[str, Any] | None = None) -> CalibrationResult:
    """Calibrate the parameters of a targets file and write the outputs.

    Args:
        path: Targets file.
        out: Output folder (default results/<name>_calibration).
        backend: Model backend.
        method: "smm" or "abc" to override the file.
        budget: Override of the evaluation budget.
        executor, workers, scheduler, fresh: As for `experiments.engine.sweep.run_sweep`.
        outcome_meta: Outcome labels and units for the fit plot.

    Returns:
        The `CalibrationResult`; files calibration_estimates.csv, calibration_fit.csv,
        calibration_evaluations.csv, calibration.md, figures/calibration_fit.png and
        posterior.parquet (ABC: the accepted draws; SMM: draws from the estimate's asymptotic
        normal distribution within the ranges, see experiments/analysis/posterior.py).
    """
    cal = load_calibration(path, backend)
    return calibrate(cal, out, backend=backend, method=method, budget=budget, executor=executor,
                     workers=workers, scheduler=scheduler, fresh=fresh, outcome_meta=outcome_meta)


def calibrate(cal: Calibration, out: str | Path | None = None, *, backend: Backend = REAL,
              method: str | None = None, budget: int | None = None, executor: str = "serial",
              workers: int | None = None, scheduler: str | None = None, fresh: bool = False,
              outcome_meta: Mapping[str, Any] | None = None) -> CalibrationResult:
    """:func:`run_calibration` on a loaded calibration (the identification check calls it with
    targets simulated by the model)."""
    from experiments.analysis.plots import save
    from experiments.engine.store import check_output

    if method is not None and method not in METHODS:
        raise SpecError(f"--method: got {method!r}; allowed: {', '.join(METHODS)}")
    if budget is not None and (not v.is_int(budget) or budget < 2):
        raise SpecError(f"--budget: expected an integer >= 2, got {budget!r}")
    cal = dataclasses.replace(cal, method=method or cal.method, budget=budget or cal.budget)
    out = Path(out) if out is not None else Path("results") / f"{cal.experiment.name}_calibration"
    check_output(out)
    points_plan(cal.experiment, [{b.name: b.low for b in cal.bounds}], backend)  # validate
    ev = Evaluator(cal, out, backend, executor, workers, scheduler, fresh)
    ev.preload()
    theta, est, notes, spread = (_smm if cal.method == "smm" else _abc)(cal, ev)
    names = [t.name for t in cal.targets]
    at = _at_estimate(cal, ev, out, theta)
    n = len(at)
    sim, sd = at[names].mean(), at[names].std(ddof=1) if n > 1 else at[names].mean() * np.nan
    from scipy.stats import t as student

    half = student.ppf(0.975, max(n - 1, 1)) * sd / np.sqrt(n)
    fit = pd.DataFrame({"moment": names, "observed": [t.value for t in cal.targets],
                        "se": [t.se for t in cal.targets], "simulated": sim.to_numpy(),
                        "sim_low": (sim - half).to_numpy(), "sim_high": (sim + half).to_numpy()})
    fit["z"] = (fit["simulated"] - fit["observed"]) / fit["se"]
    fit["label"] = [t.label for t in cal.targets]
    if cal.compare:
        cn = [t.name for t in cal.compare]
        c_sim, c_half = at[cn].mean(), student.ppf(0.975, max(n - 1, 1)) * at[cn].std(ddof=1) / np.sqrt(n)
        pd.DataFrame({"moment": cn, "observed": [t.value for t in cal.compare], "simulated": c_sim.to_numpy(),
                      "sim_low": (c_sim - c_half).to_numpy(), "sim_high": (c_sim + c_half).to_numpy(),
                      "label": [t.label for t in cal.compare]}).to_csv(out / "calibration_compare.csv", index=False)
    evals = pd.DataFrame(ev.points)
    means = _means(ev.evaluate([[p[b.name] for b in cal.bounds] for p in ev.points]), names)
    evals = pd.concat([evals, means.reset_index(drop=True)], axis=1)
    evals["J"] = objective(means, cal.targets)
    j_hat = float(objective(pd.DataFrame([sim.to_numpy()], columns=names), cal.targets)[0])
    fig = fit_plot(fit, outcome_meta)
    files = [out / "calibration_estimates.csv", out / "calibration_fit.csv",
             out / "calibration_evaluations.csv",
             save(fig, out / "figures" / "calibration_fit.png"), out / "calibration.md",
             out / "posterior.parquet"]
    est.to_csv(files[0], index=False)
    fit.to_csv(files[1], index=False)
    evals.to_csv(files[2], index=False)
    md = section_markdown(cal.method, cal.experiment.replications, cal.experiment.years, est, fit, j_hat, notes,
                          len(ev.points))
    files[4].write_text(md, encoding="utf-8")
    params = [b.name for b in cal.bounds]
    if cal.method == "abc":  # ABC: the accepted draws
        post = abc_draws(spread, params)
    elif spread is not None:  # SMM: the estimate's asymptotic normal distribution, within the ranges
        post = smm_normal(theta, spread, [(b.low, b.high) for b in cal.bounds], params, seed=cal.experiment.seed)
    else:  # no covariance (singular Jacobian): a bootstrap over the evaluated points
        post = smm_bootstrap(evals, params, cal.targets, seed=cal.experiment.seed)
    post.to_parquet(files[5], index=False)
    return CalibrationResult(cal.method, est, fit, evals, j_hat, notes, files, md)
