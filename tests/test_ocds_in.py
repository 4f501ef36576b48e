"""OCDS in: red-flag indicators and calibration targets, on a synthetic fixture and on an export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.ocds import codes

pytest.importorskip("ocdsmerge")
from experiments.analysis.calibrate import load_calibration  # noqa: E402
from experiments.ocds.indicators import indicators, processes  # noqa: E402
from experiments.ocds.processes import load  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "ocds_synthetic.jsonl"
LEVELS = DATA / "ocds_synthetic_levels.csv"
ROOT = Path(__file__).resolve().parents[1]
TINY = ["--set", "region.n_towns=3", "--set", "region.villages_per_town=6",
        "--set", "region.households_per_village=20", "--set", "burn_in_years=0"]


def test_indicators_on_the_synthetic_fixture():
    table = indicators(processes(FIXTURE)).set_index("code")
    # 7 competitive processes: tenderers 0, 0, 1, 3, 2, 4, 5; one direct award
    assert table.loc["R018", "mean"] == pytest.approx(1 / 7)
    assert table.loc["NOBID", "mean"] == pytest.approx(2 / 7)
    assert table.loc["R018", "units"] == 7 and table.loc["R018", "runs"] == 1
    assert table.loc["DIRECT", "mean"] == pytest.approx(1 / 4)          # 4 awarded, 1 direct
    assert table.loc["FAILED", "mean"] == pytest.approx(4 / 8)
    assert table.loc["PRICE", "mean"] == pytest.approx(np.mean([0.8, 0.6, 0.9]))
    assert table.loc["NOBID", "low"] < table.loc["NOBID", "mean"] < table.loc["NOBID", "high"]


def test_targets_from_the_synthetic_fixture(tmp_path, capsys):
    out = tmp_path / "county.toml"
    assert main(["targets", str(FIXTURE), "--levels", str(LEVELS), "--out", str(out)]) == 0
    found = {t.name: t for t in load_calibration(out).targets}              # calibrate reads it
    assert found["no_bid_rate"].value == pytest.approx(2 / 7)
    assert found["single_bid_rate"].value == pytest.approx(1 / 7)
    assert found["bids_per_tender"].value == pytest.approx(15 / 7, rel=1e-5)
    assert found["price_to_reserve"].value == pytest.approx(np.mean([0.8, 0.6, 0.9]), rel=1e-5)
    assert found["no_bid_rate_village"].value == pytest.approx(0.5)
    assert found["bids_per_tender_village"].value == pytest.approx(1.0)
    assert found["bids_per_tender_town"].value == pytest.approx(3.0)
    assert "bids_per_tender_city" not in found                              # one notice: no se
    assert all(t.se > 0 for t in found.values())
    assert found["no_bid_rate"].source == f"{FIXTURE.name}: 7 competitive tender notices"
    assert found["no_bid_rate_village"].label == "tender log"
    bands = pd.read_csv(tmp_path / "county_by_band.csv")
    assert set(bands["level"]) == {"village", "town"} and (bands["n"] >= 2).all()
    capsys.readouterr()
    assert main(["targets", str(FIXTURE), "--out", str(out)]) == 2            # never overwrites
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["targets", "nowhere.jsonl"], "no such file"),
    (["targets", str(FIXTURE), "--bands", "5,1"], "increasing"),
    (["targets", str(LEVELS)], "not JSON"),
])
def test_targets_bad_input(argv, message, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "t.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "t.toml").exists()


def test_export_round_trip_matches_the_tender_log(tmp_path):
    """Indicators and targets of an export equal the same shares computed from the tender log."""
    out = tmp_path / "res"
    assert main(["run", str(ROOT / "experiments/scenarios/baseline.toml"), "--reps", "2", "--years", "1",
                 "--out", str(out), "--quiet", "--tenders", *TINY]) == 0
    assert main(["indicators", str(out)]) == 0                             # exports first
    table = pd.read_csv(out / "ocds/indicators.csv").set_index("code")
    log = pd.read_parquet(out / "tenders.parquet")
    competitive = [k for k, meth in codes.METHODS.items() if meth.ocds in ("open", "selective") and meth.tenderers]
    open_ = log[log["mode"].isin(competitive)]
    per_run = open_.groupby("run_id")["bids"].apply(lambda b: (b == 0).mean())
    assert table.loc["NOBID_NOTICE", "mean"] == pytest.approx(per_run.mean())
    assert table.loc["NOBID_NOTICE", "runs"] == 2
    # a fallback commission does not inherit the open tender's numberOfTenderers when compiled
    for proc in load(out / "ocds/baseline.json")[0]:
        if proc.release["tender"]["procurementMethod"] == "direct":
            assert "numberOfTenderers" not in proc.release["tender"]
    assert main(["targets", str(out / "ocds/baseline.json"), "--out", str(tmp_path / "t.toml")]) == 0
    found = {t.name: t.value for t in load_calibration(tmp_path / "t.toml").targets}
    # the targets file writes values to 6 significant digits
    assert found["no_bid_rate"] == pytest.approx((open_["bids"] == 0).mean(), rel=1e-5)
    assert found["bids_per_tender_village"] == pytest.approx(open_[open_["level"] == "village"]["bids"].mean(),
                                                             rel=1e-5)
