"""The names that experiment files and the command line accept, each list defined once.

This module imports nothing, so the command modules can offer these names as `choices` while
`python -m experiments --help` stays fast.
"""

EXECUTOR_NAMES = ("serial", "processes", "dask")
"""Executors the runner can make (see `experiments.engine.runner.make_executor`)."""

EXECUTORS = ("auto", *EXECUTOR_NAMES)
"""What an experiment file's `executor` and `run --executor` accept; "auto" picks one by size."""

SENSITIVITY_METHODS = ("morris", "sobol")
"""Global sensitivity methods (`experiments.analysis.sensitivity`)."""

CALIBRATION_METHODS = ("smm", "abc")
"""Calibration methods: simulated method of moments, rejection ABC (`experiments.analysis.calibrate`)."""
