"""Jiebang's simulation: government purchase of public services in a county-level city.

Public interface (see docs/internals.md)::

    from model import load_params, simulate
    res = simulate(load_params(), seed=1, years=10)
"""

from model.core import ProcurementModel
from model.param_tree import Params
from model.params import ParamError, Scenario, load_params, load_scenario
from model.simulate import RunResult, simulate

__all__ = ["Params", "ParamError", "ProcurementModel", "RunResult", "Scenario", "load_params", "load_scenario",
           "simulate"]
