"""`python -m experiments --version` and `indicators --out FILE` (CSV or Parquet by suffix)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main
from model.param_tree import Params

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "ocds_synthetic.jsonl"


def test_version_prints_the_package_version_and_the_git_commit():
    out = subprocess.run([sys.executable, "-m", "experiments", "--version"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    from importlib import metadata

    line = out.stdout.strip()
    assert line.startswith(f"jiebang {metadata.version('jiebang')}")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode == 0:                      # a git checkout: the commit is named
        assert f"git {head.stdout.strip()[:12]}" in line


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_indicators_out_writes_the_table_by_suffix(tmp_path, suffix, capsys):
    pytest.importorskip("ocdsmerge")
    out = tmp_path / f"ind{suffix}"
    assert main(["indicators", str(FIXTURE), "--out", str(out)]) == 0
    table = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    row = table.set_index("code").loc["R018"]
    assert row["mean"] == pytest.approx(1 / 7)  # the fixture's hand count (tests/test_ocds_in.py)
    assert row["units"] == 7
    assert f"written: {out}" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("name, message", [("ind.xlsx", "unknown format '.xlsx'; use one of .csv, .parquet"),
                                           ("ind", "unknown format '(no suffix)'"),
                                           ("missing/ind.csv", "does not exist")])
def test_indicators_bad_out_is_one_line_exit_2_and_writes_nothing(tmp_path, name, message, capsys):
    assert main(["indicators", str(FIXTURE), "--out", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --out") and message in err
    assert list(tmp_path.iterdir()) == []


def test_years_below_the_warm_up_blames_years_not_set(tmp_path, capsys):
    """`run ... --years 2` against the default warm-up: the message names --years (it named --set)."""
    code = main(["run", str(ROOT / "experiments/scenarios/baseline.toml"), "--years", "2",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: --years 2 on ") and "--set" not in err
    assert f"must exceed burn_in_years = {Params().burn_in_years}" in err
    assert not (tmp_path / "out").exists()
