"""Write the evidence report of a results folder: report.md, report.html, figures, CSVs.

Examples:
    python -m experiments report results/reform_package
    python -m experiments report results/no_bidder --outcomes no_bid_rate_village,coverage
    python -m experiments report results/reform_package --lang zh     # 中文报告
    python -m experiments report results/reform_package --robustness results/curated/robustness
    python -m experiments run experiments/reform_package.toml --report   # run, then report

Reads OUT_DIR/runs.parquet (required), timeseries.parquet and tenders.parquet (when
present), manifest.json and the explain tables (OUT_DIR/explain.parquet and
OUT_DIR/explain_*/explain.parquet, written by `explain`: a section on the channels carrying each effect); writes OUT_DIR/report.md, report.html, summary.csv,
differences.csv and figures/*.png; with `--lang zh` the same report in Chinese as
report.zh.md, report.zh.html and figures/*.zh.png (same tables, same numbers). The parameters that differ from the baseline are taken
from the manifest's resolved flat parameters per scenario.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HELP = "write report.md and report.html (tables with CIs, figures, provenance) for OUT_DIR"

PROVENANCE_KEYS = ("file", "sha256", "seed", "replications", "years", "burn_in_years", "baseline",
                   "reform_start_year")
"""Entries of the manifest's `experiment` table shown in the report's provenance."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `report`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="a results folder written by `run` (holds runs.parquet)")
    parser.add_argument("--baseline", metavar="NAME",
                        help="baseline scenario (default: the experiment's baseline)")
    parser.add_argument("--outcomes", metavar="A,B,...",
                        help="key outcomes of the tables, comma-separated (default: the "
                             "experiment's outcomes, else a standard set)")
    parser.add_argument("--lang", default="en", metavar="LANG",
                        help="language of the report: en (default) or zh (中文; its figures use Noto Sans CJK SC "
                             "from the mplfonts package, which the project's install brings)")
    parser.add_argument("--robustness", type=Path, metavar="PATH",
                        help="add the robustness section from the table `validate` saved (a folder holding "
                             "screen.csv, e.g. results/curated/robustness, or the CSV itself)")


def param_diffs(parameters: Mapping[str, Mapping[str, Any]], baseline: str,
                scenarios: Sequence[str] | None = None) -> dict[str, dict[str, tuple]]:
    """Parameters whose resolved value differs from the baseline's, per scenario.

    Args:
        parameters: Scenario name -> resolved flat parameters {dotted path: value}
            (the manifest's `parameters`).
        baseline: Baseline scenario name (must be a key of `parameters`).
        scenarios: Scenarios to compare, in order (default: every key but the baseline).

    Returns:
        Scenario -> {dotted path: (baseline value, scenario value)}, only differing keys,
        sorted by path; scenarios equal to the baseline map to {}.
    """
    base = parameters.get(baseline, {})
    names = [s for s in (scenarios if scenarios is not None else parameters) if s != baseline]
    out: dict[str, dict[str, tuple]] = {}
    for sc in names:
        flat = parameters.get(sc, {})
        keys = sorted(set(base) | set(flat))
        out[sc] = {k: (base.get(k, "(absent)"), flat.get(k, "(absent)")) for k in keys
                   if base.get(k, "(absent)") != flat.get(k, "(absent)")}
    return out




def scenario_labels(file: str | None) -> dict[str, Any]:
    """The keys of a scenario file's `[scenario]` table shown beside its name (`name_zh`,
    `description_zh`, `legal_status`, `legal_source`: `model.params.SCENARIO_KEYS` after the
    name and description).

    Args:
        file: The scenario file recorded in the manifest, or None (inline scenario).

    Returns:
        The keys present; {} when the file is missing or unreadable (the report still shows
        the English name and description the manifest recorded).
    """
    import tomllib

    from model.params import SCENARIO_KEYS

    if not file or not Path(file).is_file():
        return {}
    try:
        head = tomllib.loads(Path(file).read_text(encoding="utf-8")).get("scenario") or {}
    except (OSError, ValueError):
        return {}
    return {k: head[k] for k in SCENARIO_KEYS[2:] if k in head}


def report_manifest(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest reshaped for `experiments.analysis.report.build_report`.

    Keeps the name, description and scenarios (as name -> {description, overrides}) and a
    compact provenance (experiment file, hash, seed, replications, years, git commit,
    package versions, platform, times, counts, command line); drops the bulky resolved
    parameters and the raw spec, which the parameter table summarises.

    Args:
        manifest: The parsed manifest.json of a results folder.
    """
    exp = manifest.get("experiment") or {}
    scen = {s.get("name"): {"description": s.get("description", ""),
                            "overrides": s.get("overrides") or {}, **scenario_labels(s.get("file"))}
            for s in manifest.get("scenarios") or [] if isinstance(s, Mapping)}
    head = ((exp.get("spec") or {}).get("experiment") or {}) if isinstance(exp.get("spec"), Mapping) else {}
    out: dict[str, Any] = {"name": exp.get("name") or "Experiment report",
                           "description": exp.get("description", ""), "scenarios": scen}
    out.update({k: head[k] for k in ("name_zh", "description_zh") if isinstance(head.get(k), str)})
    out["experiment"] = {k: exp.get(k) for k in PROVENANCE_KEYS if exp.get(k) is not None}
    for key in ("status", "started", "finished", "git_commit", "git_modified", "python", "platform",
                "cpu_count", "counts", "packages"):
        if manifest.get(key) is not None:
            out[key] = manifest[key]
    ident = manifest.get("identity")
    if isinstance(ident, Mapping):  # what made the runs (experiments/engine/identity.py)
        out["identity"] = {k: ident.get(k) for k in ("code", "lock", "platform", "git_commit")}
    run = manifest.get("run") or {}
    if run.get("argv"):
        out["command"] = "python -m experiments " + " ".join(map(str, run["argv"]))
    return out


def _open_tenders(tenders: Any) -> Any:
    """The procurement attempts of a tender log (every method, as the model's ``no_bid_rate``)
    with a boolean `no_bid` column (no bid or response)."""
    t = tenders
    if "no_bid" not in t.columns and "bids" in t.columns:
        t = t.assign(no_bid=t["bids"] == 0)
    return t


def load_results(out_dir: str | Path, baseline: str | None = None,
                 outcomes: Sequence[str] | None = None) -> dict[str, Any]:
    """Read and check a results folder: the inputs of the report and of the brief.

    Args:
        out_dir: The results folder (runs.parquet, manifest.json, optional
            timeseries.parquet and tenders.parquet).
        baseline: Baseline scenario (default: the manifest's, else "baseline").
        outcomes: Key outcomes (default: the manifest's experiment outcomes, else the
            report's standard set).

    Returns:
        The keyword arguments of `experiments.analysis.report.build_report` (`out_dir`,
        `runs` sorted by scenario order and replicate, `timeseries`, `tenders`, `manifest`,
        `outcomes_meta`, `baseline`, `key_outcomes`, `param_diffs`, `band_km`: the baseline's
        `region.distance_band_km`).

    Raises:
        SpecError: the folder, a table, the baseline or an outcome is unusable.
    """
    import pandas as pd

    from experiments.engine import manifest as mf
    from experiments.engine.spec_checks import SpecError
    from model.metrics import OUTCOMES

    out = Path(out_dir)
    if not out.is_dir():
        raise SpecError(f"{out}: not a folder; expected a results folder written by "
                        "`python -m experiments run`")
    if not (out / "runs.parquet").is_file():
        raise SpecError(f"{out}: no runs.parquet; run the experiment first "
                        "(python -m experiments run FILE.toml --out DIR)")
    try:
        runs = pd.read_parquet(out / "runs.parquet")
        ts = pd.read_parquet(out / "timeseries.parquet") \
            if (out / "timeseries.parquet").is_file() else None
        tenders = pd.read_parquet(out / "tenders.parquet") \
            if (out / "tenders.parquet").is_file() else None
    except (OSError, ValueError) as exc:
        raise SpecError(f"{out}: cannot read the result tables: {exc}") from None
    if runs.empty or "scenario" not in runs.columns:
        raise SpecError(f"{out}/runs.parquet: holds no runs with a scenario column")
    manifest = mf.read(out) or {}
    order = [s.get("name") for s in manifest.get("scenarios") or [] if isinstance(s, Mapping)]
    names = [n for n in order if n in set(runs["scenario"])]
    names += [n for n in dict.fromkeys(runs["scenario"]) if n not in names]
    sort = ["_rank", "replicate"] if "replicate" in runs.columns else ["_rank"]
    runs = (runs.assign(_rank=runs["scenario"].map({n: i for i, n in enumerate(names)}))
            .sort_values(sort, kind="stable").drop(columns="_rank").reset_index(drop=True))
    base = baseline or (manifest.get("experiment") or {}).get("baseline") or "baseline"
    if base not in names:
        raise SpecError(f"--baseline {base!r}: not a scenario in {out}; scenarios: "
                        f"{', '.join(map(str, names))}")
    key = list(outcomes) if outcomes else (manifest.get("experiment") or {}).get("outcomes")
    if outcomes:
        bad = [o for o in key if o not in runs.columns or o not in OUTCOMES]
        if bad:
            raise SpecError(f"--outcomes: unknown outcome {bad[0]!r}; allowed: "
                            f"{', '.join(o for o in OUTCOMES if o in runs.columns)}")
    diffs = param_diffs(manifest.get("parameters") or {}, base, names) \
        if base in (manifest.get("parameters") or {}) else None
    return {"out_dir": out, "runs": runs, "timeseries": ts,
            "tenders": _open_tenders(tenders) if tenders is not None else None,
            "manifest": report_manifest(manifest), "outcomes_meta": OUTCOMES,
            "baseline": base, "key_outcomes": key or None, "param_diffs": diffs,
            "band_km": ((manifest.get("parameters") or {}).get(base) or {}).get("region.distance_band_km")}


def parameter_labels() -> dict[str, str]:
    """Dotted parameter path -> its Chinese label, from the parameter tree (`zh`)."""
    from model.params import reference_rows

    return {row["path"]: row["zh"] for row in reference_rows()}


def parameter_value_labels() -> dict[str, dict[str, str]]:
    """Dotted parameter path -> {value: Chinese label}, for the parameters whose values are a registry's
    variants (their `label_zh`)."""
    from model.overrides import leaf_registries
    from model.params import Params

    return {path: {n: reg[n].label_zh for n in reg.names() if getattr(reg[n], "label_zh", "")}
            for path, reg in leaf_registries(Params).items()}


def check_lang(lang: str) -> str:
    """`lang` if it is a report language, else a SpecError naming the allowed ones."""
    from experiments.analysis import i18n
    from experiments.engine.spec_checks import SpecError

    try:
        i18n.check_lang(lang)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    if lang == "zh":
        from model.fonts import INSTALL_HINT, cjk_family

        if cjk_family() is None:
            raise SpecError(f"--lang zh: no CJK font found for the figures; {INSTALL_HINT}")
    return lang


def write_report(out_dir: str | Path, baseline: str | None = None,
                 outcomes: Sequence[str] | None = None, lang: str = "en",
                 robustness: str | Path | None = None) -> dict[str, Any]:
    """Read a results folder and write its evidence report into it.

    Every input (and, for Chinese, the CJK font) is checked before anything is written.

    Args:
        out_dir: The results folder (see `load_results`).
        baseline: Baseline scenario (default: the manifest's, else "baseline").
        outcomes: Key outcomes (default: the manifest's experiment outcomes, else the
            report's standard set).
        lang: "en" (report.md, report.html) or "zh" (report.zh.md, report.zh.html).
        robustness: the robustness table `validate` saved (folder or CSV), or None.

    Returns:
        What `experiments.analysis.report.build_report` returns (paths of the files written).

    Raises:
        SpecError: the folder, a table, the baseline, an outcome or the language is unusable.
    """
    from experiments.analysis.report import build_report

    from experiments.analysis import explain_report, robustness_section
    from experiments.engine.spec_checks import SpecError

    check_lang(lang)
    try:
        rob = robustness_section.load(robustness) if robustness is not None else None
        explained = explain_report.find(out_dir) if Path(out_dir).is_dir() else None
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    return build_report(**load_results(out_dir, baseline, outcomes), lang=lang,
                        param_labels=parameter_labels(), value_labels=parameter_value_labels(), robustness=rob,
                        explain=explained)


def parse_outcomes(text: str | None) -> list[str] | None:
    """Split `--outcomes a,b,...` into names (None when not given)."""
    from experiments.engine.spec_checks import SpecError

    if text is None:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise SpecError("--outcomes: expected comma-separated outcome names, got "
                        f"{text!r}")
    return names


def main(args: argparse.Namespace) -> int:
    """Write the report and print where it is. Returns 0."""
    from experiments.engine.folder import require_complete

    require_complete(args.out_dir, "report")
    written = write_report(args.out_dir, args.baseline, parse_outcomes(args.outcomes), args.lang,
                           args.robustness)
    print(f"report: {written['markdown']} and {written['html']} "
          f"({len(written['figures'])} figures)")
    return 0
