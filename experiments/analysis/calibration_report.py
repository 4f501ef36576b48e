"""The calibration's outputs for a person: the fit plot and the Markdown section.

Kept apart from experiments/analysis/calibrate.py (the estimation) so that both files stay small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def fit_plot(fit: pd.DataFrame, outcome_meta: Mapping[str, Any] | None = None):
    """Observed vs simulated moments, one panel per moment, with 95% error bars.

    Args:
        fit: The `fit` table of a `CalibrationResult`.
        outcome_meta: Outcome labels and units.

    Returns:
        A matplotlib Figure (observed ± 1.96 se; simulated mean with its t-interval).
    """
    from experiments.analysis.plots import _fig, axis_label

    fig, axes = _fig(1, len(fit), size=(2.6 * len(fit) + 1.0, 3.6))
    for ax, (_, r) in zip(axes[0], fit.iterrows(), strict=True):
        ax.errorbar([0], [r["observed"]], yerr=[[1.96 * r["se"]]], fmt="o", color="k",
                    capsize=4, label="observed ± 1.96 se")
        lo, hi = r["simulated"] - r["sim_low"], r["sim_high"] - r["simulated"]
        ax.errorbar([1], [r["simulated"]], yerr=[[lo], [hi]], fmt="s", color="C0",
                    capsize=4, label="simulated, 95% CI")
        ax.set_xticks([0, 1], ["observed", "simulated"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylabel(axis_label(r["moment"], outcome_meta))
        ax.set_title(str(r["moment"]), fontsize="medium")
    axes[0][0].legend(fontsize="small")
    fig.suptitle("Calibration fit: observed vs simulated moments at the estimate")
    return fig


def section_markdown(method: str, replications: int, years: int, est: pd.DataFrame, fit: pd.DataFrame,
                     j_hat: float, notes: Sequence[str], n_points: int) -> str:
    """The calibration section of a report (Markdown, level-2 heading).

    Args:
        method: "smm" or "abc".
        replications: Replications per parameter point.
        years: Simulated years per run.
        est: The `estimates` table of a `CalibrationResult`.
        fit: The `fit` table (one row per observed moment; its optional `label` column says
            what each observed figure describes).
        j_hat: The objective J at the estimate (dimensionless).
        notes: Lines added after the tables.
        n_points: Parameter points simulated.
    """
    what = ("simulated method of moments (differential evolution)" if method == "smm"
            else "rejection approximate Bayesian computation (uniform prior, LHS draws)")
    lines = ["## Calibration", "",
             f"Calibrated by {what} against {len(fit)} observed moments; "
             f"{n_points} parameter points × {replications} replications "
             f"({years} years each, common random numbers). "
             f"Objective J = Σ ((simulated − observed)/se)² = {j_hat:.3g} at the estimate.",
             "", "| Parameter | Estimate | 95% interval | Interval |", "|---|---|---|---|"]
    lines += [f"| `{r.parameter}` | {r.estimate:.4g} | [{r.low:.4g}, {r.high:.4g}] | "
              f"{r.uncertainty} |" for r in est.itertuples()]
    lines += ["", "| Moment | Observed ± se | Observed figure describes | Simulated [95% CI] | z |",
              "|---|---|---|---|---|"]
    lines += [f"| `{r.moment}` | {r.observed:.4g} ± {r.se:.3g} | {getattr(r, 'label', '') or '—'} | "
              f"{r.simulated:.4g} [{r.sim_low:.4g}, {r.sim_high:.4g}] | {r.z:+.2f} |" for r in fit.itertuples()]
    lines += ["", *notes, "", "![Calibration fit](figures/calibration_fit.png)"]
    return "\n".join(lines) + "\n"
