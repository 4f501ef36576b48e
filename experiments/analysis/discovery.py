"""Scenario discovery: where in the space of uncertain inputs does an outcome of interest occur?

PRIM (the patient rule induction method, Friedman & Fisher 1999, as adapted to scenario
discovery by Bryant & Lempert 2010) and CART come from EMA Workbench
(``ema_workbench.analysis.prim`` and ``.cart``; the optional extra ``discovery``), not a
rewrite. This module prepares the data from plain result tables and reads the algorithms'
results back into plain tables; nothing here imports Mesa or ``model``.

The unit of analysis is a design point: its inputs are the factor values, its outcome is
the mean over replications, or, when a baseline scenario is given, the mean of the paired
difference (scenario − baseline, same design point and replicate, hence same seed).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

EXTRA = "discovery"
"""The optional dependency group that installs EMA Workbench."""


class MissingExtraError(ImportError):
    """EMA Workbench is not installed."""


@dataclass(frozen=True)
class Discovery:
    """What PRIM and CART found.

    Attributes:
        trajectory: One row per box on PRIM's peeling-and-pasting trajectory: id,
            coverage, density, mass (shares, 0–1), res_dim (count), n (points in the box),
            k (cases of interest in the box).
        limits: One frame per trajectory box: index input; columns min, max, restricted
            (bool), qp_min and qp_max (quasi-p value of the lower and the upper edge's
            restriction, a one-sided binomial test, Bryant & Lempert 2010; NaN where that
            edge is not restricted).
        chosen: Index of the chosen box on the trajectory.
        n_points: Design points analysed (count).
        n_interest: Cases of interest among them (count).
        cart_text: The CART tree as text (scikit-learn's ``export_text``).
        cart_leaves: One row per CART leaf: coverage, density, mass, res_dim.
    """

    trajectory: pd.DataFrame
    limits: list[pd.DataFrame]
    chosen: int
    n_points: int
    n_interest: int
    cart_text: str
    cart_leaves: pd.DataFrame


def load_ema():
    """Import EMA Workbench's PRIM and CART quietly, or raise `MissingExtraError`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # optional back-ends it does not find (ipyparallel)
            from ema_workbench.analysis import cart, prim
    except ImportError as exc:
        raise MissingExtraError(
            f"scenario discovery needs EMA Workbench: pip install -e \".[{EXTRA}]\" "
            f"({exc})") from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim, cart


def point_outcomes(runs: pd.DataFrame, design: pd.DataFrame, outcome: str, inputs: Sequence[str],
                   scenario: str, baseline: str | None = None) -> pd.DataFrame:
    """One row per design point: its inputs and its outcome (mean over replications).

    Args:
        runs: Tidy ``runs`` table (run_id and the outcome column).
        design: The ``design`` table (run_id, scenario, point, replicate and the inputs).
        outcome: Outcome column.
        inputs: Input (factor) columns of the design.
        scenario: Scenario analysed.
        baseline: Baseline scenario; when given, the outcome is the paired difference
            scenario − baseline on the same (point, replicate).

    Returns:
        Columns: the inputs, ``y`` (the outcome or paired difference, outcome's unit) and
        ``n`` (replicate pairs found); sorted by point; points without data dropped.
    """
    rows = design.merge(runs[["run_id", outcome]], on="run_id", how="inner")
    keys = ["point", "replicate"]
    mine = rows[rows["scenario"] == scenario]
    if baseline is not None:
        base = rows.loc[rows["scenario"] == baseline, [*keys, outcome]]
        mine = mine.merge(base, on=keys, suffixes=("", "_base"))
        mine = mine.assign(**{outcome: mine[outcome] - mine[f"{outcome}_base"]})
    mine = mine.dropna(subset=[outcome])
    grouped = mine.groupby("point", sort=True)
    out = grouped[list(inputs)].first()
    out["y"] = grouped[outcome].mean()
    out["n"] = grouped[outcome].size()
    return out.reset_index(drop=True)


def discover(x: pd.DataFrame, interest: np.ndarray, *, mass_min: float = 0.05,
             peel_alpha: float = 0.05, min_coverage: float = 0.5) -> Discovery:
    """Run PRIM (one box) and CART on inputs ``x`` and a boolean outcome of interest.

    The chosen box is the densest box on the trajectory whose coverage is at least
    ``min_coverage`` (ties: fewer restricted inputs), the usual coverage–density trade-off
    of scenario discovery made explicit.

    Args:
        x: Inputs, one column each (numeric), one row per design point.
        interest: Boolean array, True where the outcome of interest occurs.
        mass_min: Smallest share of points a PRIM box or CART leaf may hold (0–1).
        peel_alpha: Share of points PRIM peels per step (0–1).
        min_coverage: Smallest coverage of the chosen box (0–1).

    Returns:
        The `Discovery`.

    Raises:
        MissingExtraError: EMA Workbench is not installed.
        ValueError: no case of interest, or every point is one.
    """
    prim, cart = load_ema()
    y = np.asarray(interest, dtype=bool)
    if y.all() or not y.any():
        raise ValueError(f"{int(y.sum())} of {len(y)} points are cases of interest; "
                         "discovery needs some of each")
    x = x.reset_index(drop=True).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y.astype(int), peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
        c = cart.CART(x, y.astype(int), mass_min=mass_min)
        c.build_tree()
        leaves = pd.DataFrame(c.stats).rename(columns={"res dim": "res_dim"})
    traj = box.peeling_trajectory[["id", "coverage", "density", "mass", "res_dim", "n", "k"]]
    traj = traj.astype({"id": int, "res_dim": int, "n": int, "k": int}).reset_index(drop=True)
    limits = [_limits(box.box_lims[i], box.box_lims[0], box.p_values[i], x.columns)
              for i in range(len(traj))]
    ok = traj[traj["coverage"] >= min_coverage]
    ok = ok if not ok.empty else traj
    chosen = int(ok.sort_values(["density", "res_dim"], ascending=[False, True],
                                kind="stable").index[0])
    from sklearn.tree import export_text

    text = export_text(c.clf, feature_names=list(c.feature_names), decimals=3)
    return Discovery(traj, limits, chosen, len(y), int(y.sum()), text, leaves)


def _limits(lims: pd.DataFrame, init: pd.DataFrame, qp: dict, columns) -> pd.DataFrame:
    """A box's limits per input, whether each edge is restricted, and its quasi-p value."""
    rows = []
    for col in columns:
        lo, hi = float(lims.loc[0, col]), float(lims.loc[1, col])
        cut = (lo != float(init.loc[0, col]), hi != float(init.loc[1, col]))
        sides = list(qp.get(col, [-1, -1])) + [-1, -1]
        q = [float(v) if c and v is not None and v >= 0 else np.nan
             for c, v in zip(cut, sides[:2], strict=True)]
        rows.append({"input": col, "min": lo, "max": hi, "restricted": any(cut),
                     "qp_min": q[0], "qp_max": q[1]})
    return pd.DataFrame(rows).set_index("input")


def boxes_table(found: Discovery) -> pd.DataFrame:
    """The peeling trajectory as one table (DIR/boxes.csv).

    Returns:
        One row per box: id, chosen (bool), coverage, density, mass, res_dim, n, k,
        restricted (the restricted inputs, ``;``-separated), and per input
        ``<input>_min``, ``<input>_max``, ``<input>_qp_min`` and ``<input>_qp_max`` (the
        quasi-p values of the lower and upper edge; NaN where the edge is not restricted).
    """
    rows = []
    for i, r in found.trajectory.iterrows():
        lim = found.limits[i]
        row = {"id": int(r["id"]), "chosen": i == found.chosen,
               **{k: r[k] for k in ("coverage", "density", "mass", "res_dim", "n", "k")},
               "restricted": ";".join(lim.index[lim["restricted"]])}
        for name, li in lim.iterrows():
            row |= {f"{name}_{k}": li[k] for k in ("min", "max", "qp_min", "qp_max")}
        rows.append(row)
    return pd.DataFrame(rows)
