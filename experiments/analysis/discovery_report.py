"""Scenario discovery's outputs for a person: the Markdown section and the figure.

Kept apart from experiments/analysis/discovery.py (the analysis) so both files stay small.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from experiments.analysis.discovery import Discovery

FIGURE = "figures/discovery.png"
"""Where `discover` saves the figure, relative to the results folder."""


def _g(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.4g}"


def _qp(x: float) -> str:
    return "—" if not np.isfinite(x) else ("<0.001" if x < 0.001 else f"{x:.3f}")


def section_markdown(found: Discovery, question: str, *, units: Mapping[str, str] | None = None,
                     figure: str | None = FIGURE, notes: list[str] | None = None) -> str:
    """The discovery section of a report (Markdown, level-2 heading).

    Args:
        found: What `experiments.analysis.discovery.discover` returned.
        question: The case of interest in words, e.g. "`no_bid_rate_village` (reform −
            baseline) ≥ 0".
        units: Input name -> unit, for the limits table.
        figure: Figure path relative to the results folder, or None.
        notes: Extra paragraphs (how the data were prepared).
    """
    units = units or {}
    traj, chosen = found.trajectory, found.chosen
    c = traj.loc[chosen]
    lim = found.limits[chosen]
    share = found.n_interest / found.n_points
    lines = ["## Scenario discovery", "",
             f"Case of interest: {question}. {found.n_interest} of {found.n_points} design "
             f"points ({share:.0%}) are cases of interest. PRIM (EMA Workbench) peels the input "
             "space towards a box that holds many of them (coverage: share of all cases of "
             "interest inside the box) and few others (density: share of the box's points "
             "that are cases of interest); mass is the share of all points inside the box.", "",
             f"**Chosen box** (trajectory step {int(c['id'])}, the densest with coverage ≥ the "
             f"threshold): coverage {c['coverage']:.2f}, density {c['density']:.2f}, mass "
             f"{c['mass']:.2f} ({int(c['k'])} of {int(c['n'])} points in the box are cases of "
             f"interest), {int(c['res_dim'])} restricted inputs. With {found.n_points} points, "
             f"coverage and density are shares of counts; their binomial standard error is "
             f"about ±{np.sqrt(max(c['density'] * (1 - c['density']), 1e-12) / max(c['n'], 1)):.2f} "
             "for the density.", "",
             "| Input (unit) | Box min | Box max | Full range | quasi-p (min edge) | "
             "quasi-p (max edge) |", "|---|---|---|---|---|---|"]
    full = found.limits[0]
    restricted = lim[lim["restricted"]]
    for name, r in restricted.iterrows():
        unit = f" ({units[name]})" if units.get(name) else ""
        lines.append(f"| `{name}`{unit} | {_g(r['min'])} | {_g(r['max'])} | "
                     f"[{_g(full.loc[name, 'min'])}, {_g(full.loc[name, 'max'])}] | "
                     f"{_qp(r['qp_min'])} | {_qp(r['qp_max'])} |")
    if restricted.empty:
        lines.append("| (none) | | | | | |")
    lines += ["", "The quasi-p value of an edge is a one-sided binomial test of whether the "
              "restriction raises the density by more than chance (Bryant & Lempert 2010); an "
              "edge with quasi-p ≥ 0.05 is not supported by the data and may be dropped.", "",
              "Peeling trajectory:", "", "| Step | Coverage | Density | Mass | Restricted inputs |",
              "|---|---|---|---|---|"]
    for i, r in traj.iterrows():
        mark = " ←" if i == chosen else ""
        lines.append(f"| {int(r['id'])}{mark} | {r['coverage']:.3f} | {r['density']:.3f} | "
                     f"{r['mass']:.3f} | {int(r['res_dim'])} |")
    lines += ["", "CART (classification tree, EMA Workbench / scikit-learn; class 1 = case of "
              "interest):", "", "```", found.cart_text.rstrip(), "```"]
    lines += ["", *(notes or [])]
    if figure:
        lines += ["", f"![Scenario discovery]({figure})"]
    return "\n".join(lines).rstrip() + "\n"


def discovery_plot(found: Discovery, x: pd.DataFrame, interest: np.ndarray,
                   units: Mapping[str, str] | None = None):
    """Trade-off and box: coverage vs density on the trajectory; the box on its two inputs.

    Args:
        found: What `discover` returned.
        x: The inputs it was given (one row per design point).
        interest: The boolean outcome of interest it was given.
        units: Input name -> unit, for the axis labels.

    Returns:
        A matplotlib Figure with two panels.
    """
    from matplotlib.patches import Rectangle

    from experiments.analysis.plots import _fig

    units = units or {}
    fig, axes = _fig(1, 2, size=(11.0, 4.4))
    traj = found.trajectory
    ax = axes[0][0]
    sc = ax.scatter(traj["coverage"], traj["density"], c=traj["res_dim"], cmap="viridis", s=18)
    chosen = traj.loc[found.chosen]
    ax.scatter([chosen["coverage"]], [chosen["density"]], s=120, facecolors="none",
               edgecolors="red", label="chosen box")
    ax.set_xlabel("coverage (share of cases of interest inside the box, 0–1)")
    ax.set_ylabel("density (share of the box's points of interest, 0–1)")
    ax.set_title("PRIM peeling trajectory")
    fig.colorbar(sc, ax=ax, label="restricted inputs (count)")
    ax.legend(fontsize="small")
    lim = found.limits[found.chosen]
    edge_qp = lim[["qp_min", "qp_max"]].min(axis=1)
    order = list(edge_qp.sort_values(na_position="last").index)
    pair = ([n for n in order if lim.loc[n, "restricted"]] + list(x.columns))[:2]
    if len(set(pair)) < 2:
        pair = list(dict.fromkeys(pair + list(x.columns)))[:2]
    ax = axes[0][1]
    y = np.asarray(interest, dtype=bool)
    if len(pair) == 2:
        a, b = pair
        ax.scatter(x.loc[~y, a], x.loc[~y, b], s=14, c="0.6", label="other points")
        ax.scatter(x.loc[y, a], x.loc[y, b], s=14, c="C3", label="cases of interest")
        ax.add_patch(Rectangle((lim.loc[a, "min"], lim.loc[b, "min"]),
                               lim.loc[a, "max"] - lim.loc[a, "min"],
                               lim.loc[b, "max"] - lim.loc[b, "min"], fill=False, lw=2,
                               ec="k", label="chosen PRIM box"))
        ax.set_xlabel(f"{a} ({units.get(a) or 'input value'})")
        ax.set_ylabel(f"{b} ({units.get(b) or 'input value'})")
        ax.legend(fontsize="small")
    ax.set_title("Design points and the chosen box")
    return fig
