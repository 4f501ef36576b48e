"""Parameter uncertainty carried from calibration into reform comparisons.

``calibrate`` writes ``posterior.parquet``: one row per parameter draw (``draw``, one column
per calibrated parameter, ``source``). ABC writes its accepted draws. SMM writes draws from
the estimate's asymptotic normal distribution (the sandwich covariance, kept inside the
calibrated ranges: ``smm_normal``); when the Jacobian is singular it falls back to a parametric
bootstrap (``smm_bootstrap``): the observed moments are redrawn from N(value, se²) and J is
re-minimised over the parameter points the optimiser already simulated (no new runs) — coarse,
since it can only return points already evaluated (7 distinct among 200 draws for the shipped
calibration), which is why it is not the default.

``run FILE --parameter-draws posterior.parquet [--draws N]`` runs every scenario at N draws ×
the replications; draw d, replicate k uses the same seed in every scenario (common random
numbers). ``effect_intervals`` then gives each reform effect its interval from replications
alone, the spread across draws, and the interval with parameter uncertainty. Plain tables only; no Mesa import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.engine.spec_checks import SpecError

SECTION = "parameter_uncertainty.md"
"""The report section `run --parameter-draws` writes into the results folder."""


def smm_bootstrap(evals: pd.DataFrame, params: Sequence[str], targets: Sequence[Any],
                  n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Parametric bootstrap of an SMM estimate over the points already evaluated.

    Args:
        evals: One row per evaluated point: the parameter columns and the mean simulated
            moment per target (the calibration's evaluations table).
        params: Calibrated parameter names (dotted paths).
        targets: Targets with ``name``, ``value`` and ``se`` (outcome units).
        n: Bootstrap draws.
        seed: Seed of the redrawn moments.

    Returns:
        ``draw`` (0..n-1), the parameters of the point minimising J for each redrawn set of
        moments, and ``source`` = "smm_bootstrap".
    """
    rng = np.random.default_rng(seed)
    sims = np.column_stack([evals[t.name].to_numpy(float) for t in targets])
    se = np.array([t.se for t in targets])
    obs = np.array([t.value for t in targets]) + rng.standard_normal((n, len(targets))) * se
    j = (((sims[None, :, :] - obs[:, None, :]) / se) ** 2).sum(axis=2)
    best = np.nanargmin(np.where(np.isnan(j), np.inf, j), axis=1)
    draws = evals[list(params)].iloc[best].reset_index(drop=True)
    return draws.assign(source="smm_bootstrap").rename_axis("draw").reset_index()


def smm_normal(theta: np.ndarray, cov: np.ndarray, ranges: Sequence[tuple[float, float]], params: Sequence[str],
               n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Draws from the SMM estimate's asymptotic normal distribution N(theta, cov) (the sandwich
    covariance of the fit), kept inside the calibrated ranges: a draw outside them is redrawn
    (up to 100 rounds), then clipped.

    Returns:
        ``draw`` (0..n-1), the parameters, and ``source`` = "smm_normal".
    """
    rng = np.random.default_rng(seed)
    lo, hi = np.array(ranges, float).T
    x = rng.multivariate_normal(theta, cov, n)
    for _ in range(100):
        out = ((x < lo) | (x > hi)).any(axis=1)
        if not out.any():
            break
        x[out] = rng.multivariate_normal(theta, cov, int(out.sum()))
    draws = pd.DataFrame(np.clip(x, lo, hi), columns=list(params))
    return draws.assign(source="smm_normal").rename_axis("draw").reset_index()


def abc_draws(points: np.ndarray, params: Sequence[str]) -> pd.DataFrame:
    """ABC's accepted draws as a posterior table (``draw``, parameters, ``source``)."""
    draws = pd.DataFrame(np.asarray(points, float), columns=list(params))
    return draws.assign(source="abc_accepted").rename_axis("draw").reset_index()


def read_draws(path: Path, n: int | None) -> list[dict[str, float]]:
    """The first ``n`` draws of a posterior file (all when ``n`` is None), as override dicts.

    Raises:
        SpecError: the file is missing or unreadable, has no parameter column, or ``n`` is
        not between 1 and the number of draws.
    """
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise SpecError(f"--parameter-draws {path}: cannot read a Parquet table: {exc}") from None
    cols = [c for c in table.columns if "." in c and pd.api.types.is_numeric_dtype(table[c])]
    if table.empty or not cols:
        raise SpecError(f"--parameter-draws {path}: expected rows of draws with numeric "
                        "dotted parameter columns (as `calibrate` writes posterior.parquet)")
    if n is not None and not 1 <= n <= len(table):
        raise SpecError(f"--draws: expected 1 to {len(table)} (the draws in {path}), got {n}")
    rows = table[cols].head(n if n is not None else len(table))
    return [{c: float(v) for c, v in r.items()} for r in rows.to_dict("records")]


def draws_plan(exp: Any, draws: list[dict[str, float]], backend: Any, *,
               replications: int | None, years: int | None, seed: int | None,
               sets: dict[str, Any], source: Path | str = "POSTERIOR") -> Any:
    """The plan of every scenario at every draw × replication (draws as design points).

    Replicate k has the same seed at every draw and in every scenario (common random
    numbers); the draw's values override the experiment's and ``--set`` values. The experiment
    and ``--set`` are checked first (their errors name them); then a draw the model rejects is
    named with the posterior file `source` and its row.
    """
    from experiments.engine.spec import points_plan

    if exp.design is not None:
        raise SpecError(f"--parameter-draws: {exp.path} has [factors]; parameter draws replace "
                        "the design, so use an experiment without [factors]")
    base = dataclasses.replace(
        exp, overrides={**exp.overrides, **sets},
        replications=exp.replications if replications is None else replications,
        years=exp.years if years is None else years, seed=exp.seed if seed is None else seed)
    cache: dict[str, Any] = {}
    points_plan(base, [{}], backend, cache)
    for i, draw in enumerate(draws):
        try:
            points_plan(base, [draw], backend, cache)
        except SpecError as exc:
            reason = str(exc)
            prefix = f"{base.path}: overrides (scenario "
            if reason.startswith(prefix):  # the resolver blames the overrides the draw went into
                reason = reason.split("): ", 1)[-1]
            raise SpecError(f"--parameter-draws {source}: draw {i} (row {i + 1}): {reason}") from None
    return points_plan(base, draws, backend, cache)


def effect_intervals(runs: pd.DataFrame, design: pd.DataFrame, outcomes: Sequence[str],
                     baseline: str, ci: float = 0.95) -> pd.DataFrame:
    """Each scenario's paired effect with and without parameter uncertainty.

    Replicate k has the same seed at every draw (common random numbers), so the chance part
    of an effect is carried by the R replicates, not by the D × R runs, and the spread of
    the per-draw mean effects is mostly the parameters' doing.

    Args:
        runs: Tidy runs table (run_id, outcomes).
        design: Design table (run_id, scenario, point = draw, replicate).
        outcomes: Outcomes compared.
        baseline: Baseline scenario.
        ci: Coverage of the intervals.

    Returns:
        One row per (scenario, outcome): ``effect`` (mean paired difference over draws and
        replicates, outcome's unit); ``rep_low``/``rep_high``: effect ± t·s_w/√R, the
        interval from R replications at known parameters (s_w: the pooled within-draw
        standard deviation of the paired differences); ``param_low``/``param_high``: the
        central ``ci`` range of the per-draw mean effects; ``low``/``high``: effect ±
        t·√(s_w²/R + s_b²), the interval with parameter uncertainty (s_b: standard
        deviation of the per-draw mean effects); ``same_sign``: share of draws whose mean
        effect has the pooled effect's sign; ``draws``, ``replicates`` (R, the fewest per draw).
    """
    from scipy.stats import t as student

    rows = design[["run_id", "scenario", "point", "replicate"]].merge(
        runs[["run_id", *outcomes]], on="run_id")
    base = rows[rows["scenario"] == baseline]
    out = []
    for sc in [s for s in dict.fromkeys(rows["scenario"]) if s != baseline]:
        pair = rows[rows["scenario"] == sc].merge(base, on=["point", "replicate"],
                                                  suffixes=("", "_b"))
        for o in outcomes:
            d = pair.assign(d=pair[o] - pair[f"{o}_b"]).dropna(subset=["d"])
            per = d.groupby("point")["d"]
            means, n_draws, reps = per.mean(), per.ngroups, int(per.size().min())
            effect = float(d["d"].mean())
            dof = max(len(d) - n_draws, 1)
            s_w = float(np.sqrt(((d["d"] - per.transform("mean")) ** 2).sum() / dof))
            s_b = float(means.std(ddof=1)) if n_draws > 1 else 0.0
            crit = student.ppf(0.5 + ci / 2, dof)
            rep = crit * s_w / np.sqrt(reps)
            tot = crit * np.sqrt(s_w ** 2 / reps + s_b ** 2)
            q = np.quantile(means, [0.5 - ci / 2, 0.5 + ci / 2])
            out.append({"scenario": sc, "outcome": o, "effect": effect,
                        "rep_low": effect - rep, "rep_high": effect + rep,
                        "param_low": float(q[0]), "param_high": float(q[1]),
                        "low": effect - tot, "high": effect + tot,
                        "same_sign": float((np.sign(means) == np.sign(effect)).mean()),
                        "draws": n_draws, "replicates": reps})
    return pd.DataFrame(out)


def section_markdown(table: pd.DataFrame, source: str, labels: dict[str, str] | None = None,
                     ci: float = 0.95) -> str:
    """The parameter-uncertainty section of a report (Markdown, level-2 heading)."""
    from experiments.analysis.report import fmt_ci

    labels = labels or {}
    pct = f"{ci:.0%}"
    reps = int(table["replicates"].min())
    lines = ["## Reform effects with parameter uncertainty", "",
             f"Every scenario was run at {int(table['draws'].max())} parameter draws from "
             f"`{source}` × {reps} replications; replicate k used the same seed at every draw "
             "and in every scenario (common random numbers). Effect: mean paired difference "
             f"(scenario − baseline) over draws and replicates. Replications only: the {pct} "
             f"interval from {reps} replications if the parameters were known (pooled "
             f"within-draw spread). Across draws: the central {pct} of the per-draw mean "
             f"effects. With parameter uncertainty: the {pct} interval combining both "
             "(same t quantile). Same sign: share of draws whose mean effect has the "
             "pooled sign.", "",
             f"| Scenario | Outcome | Effect [{pct}, replications only] | Across draws | "
             f"With parameter uncertainty | Same sign |", "|---|---|---|---|---|---|"]

    def bracket(mean: float, lo: float, hi: float) -> str:
        return fmt_ci(mean, lo, hi, sign=True).split(" ", 1)[1]

    for r in table.itertuples():
        lines.append(f"| {r.scenario} | {labels.get(r.outcome, r.outcome)} | "
                     f"{fmt_ci(r.effect, r.rep_low, r.rep_high, sign=True)} | "
                     f"{bracket(r.effect, r.param_low, r.param_high)} | "
                     f"{bracket(r.effect, r.low, r.high)} | {r.same_sign:.0%} |")
    lines += ["", "The draws describe uncertainty about the calibrated parameters only; the "
              "model's structure and the uncalibrated parameters are held fixed."]
    return "\n".join(lines) + "\n"


def write_effects(out: Path, baseline: str, outcomes: Sequence[str], source: str,
                  labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a finished draws sweep in ``out``; write parameter_effects.csv and the section.

    Returns:
        What `effect_intervals` returned.
    """
    runs = pd.read_parquet(out / "runs.parquet")
    design = pd.read_parquet(out / "design.parquet")
    table = effect_intervals(runs, design, list(outcomes), baseline)
    table.to_csv(out / "parameter_effects.csv", index=False)
    from experiments.engine.store import atomic_write_text

    atomic_write_text(section_markdown(table, source, labels), out / SECTION)
    return table
