"""Analysis over tidy tables: paired statistics, plots, the report, sensitivity analysis,
calibration, policy search and the model benchmark's measurements.

Statistics, plots and the report take plain tables (no Mesa import); the drivers (sensitivity,
calibration, search) run their sweeps through `experiments.engine`.
"""
