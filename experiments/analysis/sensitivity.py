"""Global sensitivity analysis: Morris screening and Sobol indices through the engine.

A sensitivity file is an ordinary experiment file whose `[factors]` use
`design = "morris"` or `design = "sobol"` (the declared uncertain parameters with their
ranges); its `[experiment] outcomes` are the outcomes analysed. The runs go through the
same plan, executors and store as `python -m experiments run` (resumable), and then SALib
(`SALib.analyze.morris`, `SALib.analyze.sobol`) analyses the stored tables:

    runs.parquet + design.parquet -> mean over replications per design point (in design
    order) -> SALib analyze -> tidy table of indices with confidence intervals

Replicate k of every design point uses the same seed (common random numbers), so the
averaged response is a smooth-ish function of the factors and the indices measure the
factors, not seed noise. Units: Sobol indices are shares of the output variance (0–1);
Morris mu* and sigma are in the outcome's own unit per move of one factor over its
declared range (elementary effects computed on the unit hypercube; SALib's `delta`).

    from experiments.analysis.sensitivity import run_sensitivity
    res = run_sensitivity("experiments/sensitivity.toml", "results/sens", reps=2)
    res.table, res.markdown, res.figure
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.engine.backend import REAL, Backend
from experiments.engine.choices import SENSITIVITY_METHODS
from experiments.engine.samplers import Design, expected_points
from experiments.engine.spec_checks import SpecError

METHODS = SENSITIVITY_METHODS
DEFAULT_OUTCOMES = ("quality_delivered", "cost_per_quality", "no_bid_rate_village",
                    "satisfaction")
INDEX_COLUMNS = {"sobol": ("S1", "ST"), "morris": ("mu_star", "sigma")}


@dataclass(frozen=True)
class SensitivityResult:
    """What `run_sensitivity` produced.

    Attributes:
        out: Output folder.
        method: "morris" or "sobol".
        status: The sweep status ("complete", "incomplete", ...).
        table: Tidy indices (see `analyze_indices`), empty when the sweep is incomplete.
        files: Paths written by the analysis (CSV, Markdown, figure).
        figure: The indices figure, or None.
        markdown: The report section (Markdown), "" when not analysed.
    """

    out: Path
    method: str
    status: str
    table: pd.DataFrame
    files: list[Path]
    figure: Figure | None
    markdown: str


def with_design(design: Design | None, method: str | None, samples: int | None,
                where: str) -> Design:
    """Check (and optionally change) the method and sample size of a factor design.

    Args:
        design: The experiment's design (must be continuous).
        method: "morris" or "sobol" to override the file's design, or None.
        samples: New base sample size N, or None.
        where: File name for messages.

    Returns:
        A morris or sobol `Design`.

    Raises:
        SpecError: no factors, a grid/lhs design without override, a bad sample size.
    """
    if design is None:
        raise SpecError(f"{where}: factors: missing; a sensitivity file declares uncertain "
                        "parameters as [factors] with design = \"morris\" or \"sobol\"")
    method = method or design.method
    if method not in METHODS:
        raise SpecError(f"{where}: factors.design: got {design.method!r}; sensitivity "
                        f"needs one of {', '.join(METHODS)} (or --design)")
    if any(f.low is None for f in design.factors):
        raise SpecError(f"{where}: factors: sensitivity needs range = [lo, hi] factors")
    n = design.samples if samples is None else samples
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise SpecError(f"--samples: expected an integer >= 2, got {n!r}")
    if method == "sobol" and n & (n - 1):
        raise SpecError(f"--samples: got {n}; Sobol needs a power of 2 (e.g. 64, 128)")
    return dataclasses.replace(design, method=method, samples=n)


def point_means(runs: pd.DataFrame, design_rows: pd.DataFrame,
                outcomes: Sequence[str]) -> pd.DataFrame:
    """Mean of each outcome over replications, per (scenario, design point).

    Args:
        runs: Tidy `runs` table (run_id and outcome columns).
        design_rows: The `design` table (run_id, scenario, point, replicate, factors);
            duplicate design points appear once per point, sharing a run id.
        outcomes: Outcome columns to average.

    Returns:
        One row per (scenario, point), sorted by point: scenario, point, n (replicates
        found), n_planned (replicates in the design), outcome means (NaN where every
        run of the point is missing).
    """
    merged = design_rows[["run_id", "scenario", "point"]].merge(
        runs[["run_id", *outcomes]], on="run_id", how="left")
    grouped = merged.groupby(["scenario", "point"], sort=True)
    means = grouped[list(outcomes)].mean()
    means.insert(0, "n_planned", grouped["run_id"].size())
    means.insert(0, "n", merged.assign(_found=merged["run_id"].isin(runs["run_id"]))
                 .groupby(["scenario", "point"], sort=True)["_found"].sum())
    return means.reset_index()


def analyze_indices(runs: pd.DataFrame, design_rows: pd.DataFrame, design: Design,
                    outcomes: Sequence[str], *, conf_level: float = 0.95,
                    num_resamples: int = 200, seed: int = 0) -> pd.DataFrame:
    """SALib indices per scenario and outcome from stored runs (a pure function).

    Args:
        runs: Tidy `runs` table.
        design_rows: Tidy `design` table in the design's point order.
        design: The morris or sobol `Design` that produced the points.
        outcomes: Outcomes to analyse.
        conf_level: Coverage of the bootstrap confidence intervals, in (0, 1).
        num_resamples: Bootstrap resamples of SALib's confidence intervals.
        seed: Seed of SALib's bootstrap.

    Returns:
        Tidy table: scenario, outcome, method, factor, then for Sobol `S1, S1_low,
        S1_high, ST, ST_low, ST_high` (variance shares) and for Morris `mu_star,
        mu_star_low, mu_star_high, mu, sigma` (outcome units per full range), and
        `note` ("" or why an outcome was not analysed, e.g. zero variance).

    Raises:
        ValueError: if some design point has no run (incomplete sweep).
    """
    from SALib.analyze import morris, sobol

    problem = {"num_vars": len(design.factors), "names": design.names,
               "bounds": [[0.0, 1.0]] * len(design.factors)}
    pts = point_means(runs, design_rows, outcomes)
    rows: list[dict[str, Any]] = []
    for scenario, g in pts.groupby("scenario", sort=False):
        g = g.sort_values("point")
        if len(g) != expected_points(design) or (g["n"] < g["n_planned"]).any():
            raise ValueError(f"scenario {scenario!r}: {int((g['n'] == g['n_planned']).sum())} of "
                             f"{expected_points(design)} design points have runs; finish "
                             "the sweep (rerun the same command) before analysing")
        unit_x = _unit_points(design_rows, design, scenario)
        for outcome in outcomes:
            y = g[outcome].to_numpy(float)
            base = {"scenario": scenario, "outcome": outcome, "method": design.method}
            note = ("undefined (NaN) at some design points" if np.isnan(y).any() else
                    "constant over the design (zero variance)" if np.ptp(y) == 0 else "")
            if note:
                rows += [{**base, "factor": f, "note": note} for f in design.names]
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if design.method == "sobol":
                    res = sobol.analyze(problem, y, calc_second_order=design.second_order,
                                        num_resamples=num_resamples, conf_level=conf_level,
                                        seed=seed)
                else:
                    res = morris.analyze(problem, unit_x, y, num_resamples=num_resamples,
                                         conf_level=conf_level, num_levels=design.levels,
                                         seed=seed)
            for i, f in enumerate(design.names):
                rows.append({**base, "factor": f, **_index_cells(design.method, res, i),
                             "note": ""})
    cols = ["scenario", "outcome", "method", "factor"] + _value_columns(design.method) + ["note"]
    return pd.DataFrame(rows).reindex(columns=cols)


def _value_columns(method: str) -> list[str]:
    if method == "sobol":
        return ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    return ["mu_star", "mu_star_low", "mu_star_high", "mu", "sigma"]


def _index_cells(method: str, res: Mapping[str, Any], i: int) -> dict[str, float]:
    if method == "sobol":
        out = {}
        for k in ("S1", "ST"):
            v, c = float(res[k][i]), float(res[f"{k}_conf"][i])
            out.update({k: v, f"{k}_low": v - c, f"{k}_high": v + c})
        return out
    v, c = float(res["mu_star"][i]), float(res["mu_star_conf"][i])
    return {"mu_star": v, "mu_star_low": v - c, "mu_star_high": v + c,
            "mu": float(res["mu"][i]), "sigma": float(res["sigma"][i])}


def _unit_points(design_rows: pd.DataFrame, design: Design, scenario: str) -> np.ndarray:
    """Factor values per point mapped back to [0, 1] (Morris needs the trajectories)."""
    d = design_rows[design_rows["scenario"] == scenario].drop_duplicates("point")
    d = d.sort_values("point")
    cols = []
    for f in design.factors:
        x = d[f.name].to_numpy(float)
        cols.append((x - f.low) / (f.high - f.low))
    return np.column_stack(cols)


def indices_plot(table: pd.DataFrame, outcome_meta: Mapping[str, Any] | None = None,
                 scenario: str | None = None) -> Figure:
    """Bar chart of the indices with their confidence intervals, one panel per outcome.

    Args:
        table: Output of `analyze_indices` (one method).
        outcome_meta: Outcome name -> object/dict with `label`, `unit` (titles).
        scenario: Scenario to draw (default: the first).

    Returns:
        A matplotlib Figure: Sobol S1 and ST (share of variance, 0–1) or Morris mu* (outcome
        units per full range) per factor, with error bars for the CIs.
    """
    from experiments.analysis.plots import _fig, outcome_label

    scenario = scenario or str(table["scenario"].iloc[0])
    t = table[table["scenario"] == scenario]
    method = str(t["method"].iloc[0])
    outcomes = list(dict.fromkeys(t["outcome"]))
    fig, axes = _fig(1, len(outcomes), size=(3.6 * len(outcomes) + 1.5, 0.45 *
                                              t["factor"].nunique() + 2.2), sharey=True)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        s = t[t["outcome"] == outcome]
        y = np.arange(len(s))
        label, unit = outcome_label(outcome, outcome_meta)
        if method == "sobol":
            for k, (name, shift) in enumerate((("S1", -0.18), ("ST", 0.18))):
                v = s[name].to_numpy(float)
                err = np.vstack([v - s[f"{name}_low"], s[f"{name}_high"] - v])
                ax.barh(y + shift, v, height=0.34, xerr=err, capsize=3, color=f"C{k}",
                        label={"S1": "first order S1", "ST": "total ST"}[name])
            ax.set_xlabel("Sobol index (share of output variance, 0–1)")
        else:
            v = s["mu_star"].to_numpy(float)
            err = np.vstack([v - s["mu_star_low"], s["mu_star_high"] - v])
            ax.barh(y - 0.18, v, height=0.34, xerr=err, capsize=3, color="C0", label="mu*")
            ax.barh(y + 0.18, s["sigma"].to_numpy(float), height=0.34, color="C1",
                    label="sigma")
            ax.set_xlabel(f"Elementary effect ({unit or 'outcome units'} per full range)")
        ax.set_yticks(y, list(s["factor"]))
        ax.set_title(f"{label} ({unit})" if unit else label, fontsize="medium")
        ax.axvline(0.0, color="grey", lw=0.8)
        if s["note"].astype(str).str.len().any():
            ax.text(0.5, 0.5, str(s["note"].iloc[0]), transform=ax.transAxes, ha="center",
                    fontsize="small", wrap=True)
    axes[0][0].set_ylabel("Uncertain parameter (dotted path)")
    axes[0][0].legend(fontsize="small")
    name = "Sobol indices" if method == "sobol" else "Morris screening"
    fig.suptitle(f"{name}, scenario {scenario} (bars: estimate; whiskers: bootstrap CI)")
    return fig


def section_markdown(table: pd.DataFrame, *, figure: str | None = None,
                     conf_level: float = 0.95, replications: int | None = None,
                     samples: int | None = None) -> str:
    """A report section (Markdown) for an indices table.

    Args:
        table: Output of `analyze_indices`.
        figure: Relative path of the figure to embed, or None.
        conf_level: CI coverage (for the text).
        replications: Replications per design point (for the text).
        samples: Base sample size N (for the text).

    Returns:
        Markdown starting with a level-2 heading.
    """
    method = str(table["method"].iloc[0]) if len(table) else "sobol"
    pct = f"{conf_level:.0%}"
    lines = ["## Global sensitivity" + (" (Sobol)" if method == "sobol" else " (Morris)"), ""]
    if method == "sobol":
        lines.append(f"Sobol indices (Saltelli design, N = {samples}) of each outcome: S1 is the "
                     "share of output variance explained by the parameter alone, ST includes "
                     f"its interactions; brackets are SALib's {pct} bootstrap intervals.")
    else:
        lines.append(f"Morris screening ({samples} trajectories): mu* is the mean absolute "
                     "change of the outcome when the parameter moves over its range (outcome "
                     "units), sigma the spread of those effects (non-linearity, interactions); "
                     f"brackets are SALib's {pct} bootstrap intervals for mu*.")
    if replications:
        lines.append(f"Each design point is the mean of {replications} replications with common "
                     "random numbers.")
    lines.append("")
    cols = INDEX_COLUMNS[method]
    head = ["Scenario", "Outcome", "Parameter"] + (
        [f"{c} [{pct} CI]" for c in cols] if method == "sobol" else [f"mu* [{pct} CI]", "sigma"])
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in table.iterrows():
        if r["note"]:
            cells = [f"not analysed: {r['note']}"] + [""] * (len(cols) - 1)
        elif method == "sobol":
            cells = [f"{r[c]:.3f} [{r[c + '_low']:.3f}, {r[c + '_high']:.3f}]" for c in cols]
        else:
            cells = [f"{r['mu_star']:.4g} [{r['mu_star_low']:.4g}, {r['mu_star_high']:.4g}]",
                     f"{r['sigma']:.4g}"]
        lines.append("| " + " | ".join([str(r["scenario"]), f"`{r['outcome']}`",
                                        f"`{r['factor']}`", *cells]) + " |")
    if figure:
        lines += ["", f"![Sensitivity indices]({figure})"]
    return "\n".join(lines) + "\n"


def run_sensitivity(path: str | Path, out: str | Path | None = None, *,
                    backend: Backend = REAL, method: str | None = None,
                    samples: int | None = None, reps: int | None = None,
                    years: int | None = None, seed: int | None = None,
                    outcomes: Sequence[str] | None = None, executor: str = "serial",
                    workers: int | None = None, scheduler: str | None = None,
                    chunk_size: int | None = None, fresh: bool = False, conf_level: float = 0.95,
                    num_resamples: int = 200, outcome_meta: Mapping[str, Any] | None = None,
                    sets: dict[str, Any] | None = None,
                    argv: list[str] | None = None) -> SensitivityResult:
    """Plan, run (resumable) and analyse a sensitivity experiment.

    Args:
        path: The sensitivity (experiment) file.
        out: Output folder (default `results/<name>_<method>`).
        backend: Model backend.
        method: "morris" or "sobol" to override the file's design.
        samples: Override of the base sample size N.
        reps, years, seed: Overrides of the file's replications, years, seed.
        outcomes: Outcomes to analyse (default: the file's, else `DEFAULT_OUTCOMES`).
        executor, workers, scheduler, chunk_size: Where and in what chunks runs
            execute (see `experiments.engine.sweep.run_sweep`); executor "auto" follows the
            file's hint, else processes for 4+ runs on 2+ cores.
        fresh: Move earlier results in `out` aside first.
        conf_level: Coverage of the confidence intervals, in (0, 1).
        num_resamples: SALib bootstrap resamples.
        outcome_meta: Outcome labels and units for the figure.
        sets: `--set` overrides.
        argv: Command line for the manifest.

    Returns:
        The `SensitivityResult`; outputs `sensitivity.csv`, `sensitivity.md`,
        `figures/sensitivity.png` in `out` when the sweep is complete.
    """
    from experiments.analysis.plots import save
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.sweep import run_sweep

    if not 0.0 < conf_level < 1.0:
        raise SpecError(f"--conf-level: expected a number in (0, 1), got {conf_level}")
    exp = load_experiment(path, backend)
    design = with_design(exp.design, method, samples, str(path))
    exp = dataclasses.replace(exp, design=design)
    known = backend.outcomes()
    chosen = list(outcomes or exp.outcomes or [o for o in DEFAULT_OUTCOMES if o in known])
    for o in chosen:
        if o not in known:
            raise SpecError(f"--outcomes: unknown outcome {o!r}; allowed: {', '.join(known)}")
    if not chosen:
        raise SpecError(f"{path}: experiment.outcomes: none given; list the outcomes to analyse")
    plan = make_plan(exp, backend, replications=reps, years=years, seed=seed, sets=sets)
    out = Path(out) if out is not None else Path("results") / f"{exp.name}_{design.method}"
    if executor == "auto":
        from experiments.engine.runner import pick_executor

        executor = pick_executor(None, exp.hints.get("executor"), len(plan.runs))
    result = run_sweep(plan, out, executor=executor, workers=workers, scheduler=scheduler,
                       chunk_size=chunk_size, fresh=fresh, backend=backend, argv=argv)
    if result.status != "complete":
        return SensitivityResult(out, design.method, result.status, pd.DataFrame(), [], None, "")
    runs = pd.read_parquet(out / "runs.parquet")
    rows = pd.read_parquet(out / "design.parquet")
    table = analyze_indices(runs, rows, design, chosen, conf_level=conf_level,
                            num_resamples=num_resamples, seed=plan.seed)
    fig = indices_plot(table, outcome_meta)
    files = [out / "sensitivity.csv", save(fig, out / "figures" / "sensitivity.png")]
    table.to_csv(files[0], index=False)
    md = section_markdown(table, figure="figures/sensitivity.png", conf_level=conf_level,
                          replications=plan.replications, samples=design.samples)
    files.append(out / "sensitivity.md")
    files[-1].write_text(md, encoding="utf-8")
    return SensitivityResult(out, design.method, result.status, table, files, fig, md)
