"""Run one model and return its results as plain tables (the interface experiments/ uses)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from model.core import ProcurementModel
from model.param_tree import Params
from model.switch import switch_month


@dataclass
class RunResult:
    """Results of one run: summary outcomes, monthly time series, optional tender log."""

    summary: dict[str, float]
    timeseries: pd.DataFrame
    tenders: pd.DataFrame | None = None


def simulate(params: Params, seed: int, years: int | None = None, tenders: bool = False,
             check_invariants: bool = False, baseline: Params | None = None,
             reform_start_year: int | None = None) -> RunResult:
    """Run the model for ``years`` (default ``params.years``) with ``seed``.

    Pure: same params and seed give bit-identical results. With ``check_invariants`` every month
    is checked (model.invariants) and a broken invariant raises ``InvariantError``. With
    ``baseline`` and ``reform_start_year`` k > 1 the run is ``baseline`` for years 1..k−1 and
    ``params`` from the first month of year k, the county's state carried over (model/switch.py);
    k None or 1 runs ``params`` from the start.
    """
    if years is not None:
        switch_month(reform_start_year, years)  # the switch must fall within the run
    m = ProcurementModel(params, seed=seed, check_invariants=check_invariants, baseline=baseline,
                         reform_start_year=reform_start_year).run(years)
    return RunResult(m.summary(), m.timeseries(), m.tender_log() if tenders else None)
