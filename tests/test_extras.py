"""Extras match the commands: a missing optional package is one line naming the extra, exit 2."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from experiments.__main__ import EXTRAS, main

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
OPTIONAL = PROJECT["optional-dependencies"]


def _names(extra: str) -> set[str]:
    return {req.split(">")[0].split("<")[0].split("[")[0].split("=")[0].strip().lower() for req in OPTIONAL[extra]}


@pytest.mark.parametrize("module, argv, extra", [
    ("optuna", ["optimize", str(ROOT / "experiments/policy_search.toml")], "optimize"),
    ("libcoveocds", ["ocds", "RESULTS", "--validate"], "ocds"),
    ("ocdsmerge", ["indicators", str(ROOT / "tests/data/ocds_synthetic.jsonl")], "ocds"),
])
def test_missing_package_is_one_line_naming_the_extra(module, argv, extra, monkeypatch, capsys, tmp_path):
    if "RESULTS" in argv:  # a finished results folder with tender logs
        out = tmp_path / "res"
        assert main(["run", str(ROOT / "experiments/scenarios/baseline.toml"), "--reps", "1", "--years", "1",
                     "--tenders", "--quiet", "--out", str(out), "--set", "region.n_towns=2",
                     "--set", "region.villages_per_town=3", "--set", "region.households_per_village=10",
                     "--set", "burn_in_years=0"]) == 0
        argv = [str(out) if a == "RESULTS" else a for a in argv]
    capsys.readouterr()
    for name in [m for m in sys.modules if m.startswith(f"{module}.")] + [module]:
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails as if not installed
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and f'".[{extra}]"' in err


def test_every_extra_named_exists_and_all_installs_everything():
    assert set(EXTRAS.values()) <= set(OPTIONAL)
    everything = OPTIONAL["all"][0]
    assert all(name in everything for name in OPTIONAL if name != "all")
    assert {"notebook", "nbclient", "ipykernel", "optuna"} <= _names("notebooks")   # Jupyter itself
    for extra in ("viz", "optimize", "ocds", "ema"):                                   # what the tests need
        assert _names(extra) <= _names("test"), extra
