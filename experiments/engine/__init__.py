"""The experiment engine: experiment files and their checks, samplers, the runner and its backends
(serial, processes, Dask), the resumable store, the manifest and the sweep that ties them together.

Nothing here imports `experiments.analysis`, `experiments.studies` or `experiments.commands`.
"""
