"""The notebooks' data: each notebook's experiment at its documented size, curated to kilobytes.

`curate(name)` runs one experiment, sensitivity analysis, calibration or policy search
(resumable, into ``results/<name>/``) at the size its file declares and writes the small tables
its notebook reads into ``results/curated/<name>/`` with their hashes (see
`experiments.analysis.curated`). `load(name, full)` is what a notebook calls: with
``full=False`` it only reads the committed curated tables (no simulation, seconds); with
``full=True`` it reruns (or resumes) the experiment and curates it afresh first.
``python scripts/curate_notebooks.py`` curates all of them and executes the notebooks.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

import experiments
from experiments.analysis import curated, stats

ROOT = Path(experiments.__file__).resolve().parent.parent  # the repository (editable install)


@dataclasses.dataclass(frozen=True)
class Curation:
    """How one notebook's results are produced and reduced.

    Attributes:
        name: Folder under ``results/`` and ``results/curated/``.
        kind: "sweep" (an experiment file), "sensitivity", "calibration" or "search".
        file: The experiment, targets or search file under ``experiments/``.
        bands: Sweep outcomes whose monthly mean and 95% band per scenario are kept.
        tenders: Sweep: keep procurement attempts counted by run, level and distance band.
        params: Sweep: resolved parameters added to the runs table per scenario.
        replications: Sweep: replications per scenario when fewer than the file's (None: the
            file's; else the runs go to ``results/<name>_<replications>reps/``, apart from a
            full-size run's folder); the notebook says so.
    """

    name: str
    kind: str
    file: str
    bands: tuple[str, ...] = ()
    tenders: bool = False
    params: tuple[str, ...] = ()
    replications: int | None = None


CURATIONS = {c.name: c for c in (
    Curation("reform_package", "sweep", "reform_package.toml", bands=("quality_delivered", "trust")),
    Curation("procurement_rules", "sweep", "procurement_rules.toml"),
    Curation("evaluation_weights", "sweep", "evaluation_weights.toml",
             params=("scoring.price_weight", "scoring.citizen_weight", "procurement.award_rule"),
             replications=5),  # 31 scenarios: 155 runs instead of 310, for the script's ~20 minutes
    Curation("blacklist_policies", "sweep", "blacklist_policies.toml"),
    Curation("no_bidder", "sweep", "no_bidder.toml", tenders=True),
    Curation("monitoring", "sweep", "monitoring.toml"),
    Curation("sensitivity", "sensitivity", "sensitivity.toml"),
    Curation("calibration", "calibration", "calibration_targets.toml"),
    Curation("policy_search", "search", "policy_search.toml"),
)}
NOTEBOOKS = {  # notebook stem -> the curated folders it reads
    "overview": ("reform_package",), "reform_package": ("reform_package",),
    "procurement_rules": ("procurement_rules",), "evaluation_weights": ("evaluation_weights",),
    "blacklist_policies": ("blacklist_policies",), "no_bidder": ("no_bidder",),
    "monitoring": ("monitoring",), "sensitivity": ("sensitivity",),
    "calibration": ("calibration",), "policy_search": ("policy_search",),
}


def folder(name: str, root: Path = ROOT) -> Path:
    """The curated folder of ``name``."""
    return root / "results" / "curated" / name


def load(name: str, full: bool = False, root: Path = ROOT) -> dict[str, Any]:
    """The curated tables of ``name``, after rerunning it when ``full``.

    Args:
        name: A key of `CURATIONS`.
        full: Rerun (resume) the experiment at its documented size and curate it afresh
            (this rewrites ``results/curated/<name>/``); False: read the committed tables.
        root: The repository root.

    Returns:
        File name -> DataFrame or text, and "source": the provenance.
    """
    if full:
        curate(name, root)
    elif not (folder(name, root) / curated.INDEX).is_file():
        raise FileNotFoundError(
            f"{folder(name, root)}: no curated tables; they ship with the repository (install it "
            "with pip install -e .) or are written by FULL = True or python scripts/curate_notebooks.py")
    return curated.read_curated(folder(name, root))


def curate(name: str, root: Path = ROOT, workers: int | None = None) -> dict[str, str]:
    """Run ``name`` at its documented size (resumable) and write its curated tables.

    Args:
        name: A key of `CURATIONS`.
        root: The repository root.
        workers: Worker processes (default: CPU count).

    Returns:
        File name -> SHA-256 of the curated files.
    """
    if name not in CURATIONS:
        raise ValueError(f"unknown curated result {name!r}; allowed: {', '.join(CURATIONS)}")
    c = CURATIONS[name]
    src = root / "results" / (name if c.replications is None else f"{name}_{c.replications}reps")
    make = {"sweep": _sweep, "sensitivity": _sensitivity, "calibration": _calibration,
            "search": _search}[c.kind]
    tables = make(c, root / "experiments" / c.file, src, workers)
    source = curated.provenance(src)
    if "runs.csv" in tables:  # the size actually curated, from the table itself
        runs = tables["runs.csv"]
        source.update(runs=len(runs), replications=int(runs["replicate"].nunique()))
    return curated.write_curated(folder(name, root), tables, source)


def _sweep(c: Curation, path: Path, src: Path, workers: int | None) -> dict[str, Any]:
    from experiments.engine.backend import REAL
    from experiments.engine.runner import pick_executor
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.sweep import run_sweep

    exp = load_experiment(path, REAL)
    plan = make_plan(exp, REAL, replications=c.replications)
    executor = pick_executor(None, exp.hints.get("executor"), len(plan.runs))
    res = run_sweep(plan, src, executor=executor, workers=workers, tenders=c.tenders)
    if res.status != "complete":
        raise RuntimeError(f"{src}: sweep {res.status}; rerun to resume")
    runs = curated.runs_table(src, exp.outcomes)
    order = {s.name: i for i, s in enumerate(exp.scenarios)}
    runs = (runs.assign(_o=runs["scenario"].map(order)).sort_values(["_o", "replicate"])
            .drop(columns="_o").reset_index(drop=True))
    for p in c.params:
        runs[p] = runs["scenario"].map({s: v[p] for s, v in plan.scenario_params.items()})
    tables: dict[str, Any] = {"runs.csv": runs}
    if c.bands:
        ts = pd.read_parquet(src / "timeseries.parquet", columns=["run_id", "month", *c.bands])
        for o in c.bands:
            tables[f"bands_{o}.csv"] = stats.timeseries_bands(ts, runs, o)
    if c.tenders:
        tables["attempts.csv"] = curated.attempt_bands(src)
    return tables


def _sensitivity(c: Curation, path: Path, src: Path, workers: int | None) -> dict[str, Any]:
    from experiments.analysis.sensitivity import run_sensitivity

    res = run_sensitivity(path, src, executor="auto", workers=workers)
    if res.status != "complete":
        raise RuntimeError(f"{src}: sweep {res.status}; rerun to resume")
    return {"sensitivity.csv": res.table, "sensitivity.md": _no_images(res.markdown)}


def _calibration(c: Curation, path: Path, src: Path, workers: int | None) -> dict[str, Any]:
    from experiments.analysis.calibrate import run_calibration

    from experiments.analysis.identify import identify

    res = run_calibration(path, src, executor="processes", workers=workers)
    ident, _ = identify(path, src / "identify", executor="processes", workers=workers)
    return {"calibration_estimates.csv": res.estimates, "calibration_fit.csv": res.fit,
            "calibration.md": _no_images(res.markdown), "identification.csv": ident,
            "posterior.parquet": pd.read_parquet(src / "posterior.parquet"),
            **({"calibration_compare.csv": pd.read_csv(src / "calibration_compare.csv")}
               if (src / "calibration_compare.csv").is_file() else {})}


def _search(c: Curation, path: Path, src: Path, workers: int | None) -> dict[str, Any]:
    from experiments.analysis.optimize import run_search

    res = run_search(path, src, executor="processes", workers=workers)
    return {"policy_search_trials.csv": res["trials"], "policy_search.md": _no_images(res["markdown"])}


def _no_images(markdown: str) -> str:
    """A report section without its image links (the notebook draws the figure itself)."""
    return "\n".join(line for line in markdown.splitlines() if not line.startswith("![")) + "\n"
