"""Write the policy brief (政策简报) of a results folder: brief.md and brief.html.

Examples:
    python -m experiments brief results/reform_package
    python -m experiments brief results/reform_package --lang zh      # brief.zh.md, brief.zh.html
    python -m experiments brief results/reform_package --baseline publicity

One to two pages generated from the same paired comparisons as the evidence report (same
outcomes, seed and bootstrap, so the numbers match report.md): the question, the scenarios
compared, the findings clear of noise (95% interval excludes zero, Holm-adjusted p < 0.05),
what did not separate from the baseline, caveats from docs/VALIDATION.md and the folder's own
analyses, and each lever's legal status from its scenario file (`legal_status`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

HELP = "write a one-to-two-page policy brief (brief.md, brief.html) for OUT_DIR"

VALIDATION_REPORT = Path(__file__).resolve().parents[2] / "docs" / "VALIDATION.md"
"""The validation report whose summary table supplies the brief's caveats."""

SECTIONS = ("sensitivity.md", "calibration.md", "policy_search.md", "discovery.md", "archetypes.md",
            "parameter_uncertainty.md")
"""Analyses a results folder may hold beside the report (named in the caveats when present)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of `brief`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="a results folder written by `run` (holds runs.parquet)")
    parser.add_argument("--baseline", metavar="NAME",
                        help="baseline scenario (default: the experiment's baseline)")
    parser.add_argument("--outcomes", metavar="A,B,...",
                        help="outcomes compared (default: the experiment's, as in the report)")
    parser.add_argument("--lang", default="en", metavar="LANG", help="en (default) or zh (中文)")


def write_brief(out_dir: str | Path, baseline: str | None = None, outcomes: list[str] | None = None,
                lang: str = "en", validation_report: Path = VALIDATION_REPORT) -> dict[str, Any]:
    """Compute the report's paired comparisons and write the brief.

    Args:
        out_dir: The results folder.
        baseline: Baseline scenario (default: the manifest's).
        outcomes: Outcomes compared (default: the report's key outcomes).
        lang: "en" or "zh".
        validation_report: docs/VALIDATION.md (its summary table gives the caveats; skipped
            when missing).

    Returns:
        What `experiments.analysis.brief.write_brief` returns.

    Raises:
        SpecError: unusable folder, baseline, outcome or language, or no scenario to compare.
    """
    from experiments.analysis.brief import validation_caveats, write_brief as write
    from experiments.analysis.report import DEFAULT_KEY_OUTCOMES, factor_columns, outcome_columns
    from experiments.analysis.stats import paired_differences
    from experiments.analysis import explain_report, i18n
    from experiments.commands.report import load_results
    from experiments.engine.spec_checks import SpecError

    try:
        i18n.check_lang(lang)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    res = load_results(out_dir, baseline, outcomes)
    runs, meta = res["runs"], res["outcomes_meta"]
    outs = outcome_columns(runs, meta)
    key = [o for o in (res["key_outcomes"] or DEFAULT_KEY_OUTCOMES) if o in outs] or outs[:6]
    if runs["scenario"].nunique() < 2:
        raise SpecError(f"{out_dir}: holds one scenario only; a brief compares scenarios with a baseline")
    diffs = paired_differences(runs, key, baseline=res["baseline"], by=["scenario", *factor_columns(runs)])
    text = validation_report.read_text(encoding="utf-8") if validation_report.is_file() else ""
    out = Path(out_dir)
    try:
        explained = explain_report.find(out)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    import pandas as pd

    effects = out / "posterior" / "parameter_effects.csv"  # `run --parameter-draws` into DIR/posterior
    posterior = pd.read_csv(effects) if effects.is_file() else None
    command = effects.parent / "command.txt"  # the command that made it, shown in the brief
    if posterior is not None and command.is_file():
        posterior.attrs["command"] = command.read_text(encoding="utf-8").strip()
    return write(out, diffs, res["manifest"], meta, res["baseline"], lang, validation_caveats(text),
                 [s for s in SECTIONS if (out / s).is_file()], explained=explained, posterior=posterior)


def main(args: argparse.Namespace) -> int:
    """Write the brief and print where it is. Returns 0."""
    from experiments.commands.report import parse_outcomes

    from experiments.engine.folder import require_complete

    require_complete(args.out_dir, "brief")
    written = write_brief(args.out_dir, args.baseline, parse_outcomes(args.outcomes), args.lang)
    print(f"brief: {written['markdown']} and {written['html']} "
          f"({len(written['findings'])} comparisons clear of noise)")
    return 0
