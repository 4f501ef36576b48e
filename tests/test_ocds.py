"""OCDS out: the export of tender logs as OCDS 1.1, validated offline with libcoveocds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.ocds import codes

pytest.importorskip("libcoveocds")
from experiments.ocds.validate import validate_package  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments/scenarios/baseline.toml"
TINY = ["--set", "region.n_towns=3", "--set", "region.villages_per_town=6",
        "--set", "region.households_per_village=20", "--set", "burn_in_years=0"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A one-run, two-year, tiny-region results folder exported with `run --ocds`."""
    out = tmp_path_factory.mktemp("ocds") / "res"
    assert main(["run", str(BASELINE), "--reps", "1", "--years", "2", "--out", str(out), "--quiet",
                 "--ocds", *TINY]) == 0
    return out


def _package(folder: Path) -> dict:
    return json.loads((folder / "ocds/baseline.json").read_text(encoding="utf-8"))


def test_export_validates_with_zero_errors_offline(exported):
    pkg = _package(exported)
    assert len(pkg["releases"]) > 50
    result = validate_package(pkg)
    assert result["validation_errors"] == []
    assert result["extensions"]["invalid_extension"] == {}   # the extension was read, offline
    assert result["extensions"]["is_extended_schema"]
    assert result["all_additional_fields"] == []      # every field is in OCDS or the extension


def test_validation_can_fail(exported):
    pkg = copy.deepcopy(_package(exported))
    bad = next(r for r in pkg["releases"] if r["tender"]["status"] == "unsuccessful")
    bad["tender"]["failureReason"] = "bad_luck"        # not in the extension's codes
    del pkg["releases"][1]["date"]                      # required by OCDS
    errors = validate_package(pkg)["validation_errors"]
    assert len(errors) == 2


def test_releases_follow_the_tender_log(exported):
    log = pd.read_parquet(exported / "tenders.parquet")
    rels = _package(exported)["releases"]
    assert len(rels) == len(log)
    per_process = pd.Series([r["ocid"] for r in rels]).value_counts()
    assert len(per_process) == log["order"].nunique()
    assert per_process.max() == log.groupby("order").size().max() > 1     # attempts of one order
    for r in rels:
        t = r["tender"]
        method = codes.METHODS[{m.zh: k for k, m in codes.METHODS.items()}[t["procurementMethodDetails"].split()[0]]]
        assert (t.get("numberOfTenderers") is not None) == method.tenderers
        assert (t.get("respondents") is not None) != method.tenderers
        assert (t["status"] == "complete") == ("awards" in r) == (t.get("failureReason") is None)
    # amounts are totals over the contract term: a contract of the rest of the year from month m
    row = log[(log["outcome"] == "awarded") & (log["lot_villages"] > 0)].iloc[0]
    rel = next(r for r in rels if r["ocid"].endswith(f"-{row['order']}") and "awards" in r)
    months = 12 - (int(row["month"]) - 1) % 12
    assert rel["awards"][0]["value"]["amount"] == pytest.approx(row["price"] * months / 12, abs=0.01)
    assert rel["tender"]["value"]["amount"] == pytest.approx(row["reserve"] * months / 12, abs=0.01)
    assert rel["date"] == codes.month_start(int(row["month"]))


def test_calendar():
    assert codes.month_start(1) == "2019-01-01T00:00:00+08:00"
    assert codes.month_start(14) == "2020-02-01T00:00:00+08:00"
    assert codes.month_end(14) == "2020-02-29T23:59:59+08:00"


def test_cli_without_tender_logs_is_one_line_exit_2(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(BASELINE), "--reps", "1", "--years", "1", "--out", str(out), "--quiet", *TINY]) == 0
    capsys.readouterr()
    assert main(["ocds", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--tenders" in err and err.count("\n") == 1
    assert not (out / "ocds").exists()



def test_json_lines_for_large_runs_and_same_bytes_twice(exported, monkeypatch, capsys):
    from experiments.ocds import export

    first = (exported / "ocds/baseline.json").read_bytes()
    assert main(["ocds", str(exported), "--format", "json"]) == 0
    assert (exported / "ocds/baseline.json").read_bytes() == first            # deterministic
    monkeypatch.setattr(export, "LINE_RELEASES", 100)
    assert main(["ocds", str(exported), "--format", "jsonl", "--validate"]) == 0
    assert "(0 validation errors)" in capsys.readouterr().out
    lines = (exported / "ocds/baseline.jsonl").read_text(encoding="utf-8").splitlines()
    n = len(json.loads(first)["releases"])
    assert len(lines) == -(-n // 100) and not (exported / "ocds/baseline.json").exists()
    assert sum(len(json.loads(line)["releases"]) for line in lines) == n
    assert main(["ocds", str(exported), "--format", "json"]) == 0               # as the other tests expect
    capsys.readouterr()
    unreachable = "https://example.invalid/jiebang/extension.json"  # offline: cannot be read
    assert main(["ocds", str(exported), "--extension-url", unreachable, "--validate"]) == 1
    assert "extension not read" in capsys.readouterr().out
    assert main(["ocds", str(exported), "--format", "json"]) == 0


def test_every_model_method_has_ocds_terms_and_the_village_committee_is_a_supplier():
    from experiments.ocds.export import RunInfo, _parties
    from model.procurement.market import METHODS

    assert set(METHODS.names()) <= set(codes.METHODS)
    r = {"buyer": 0, "outcome": "awarded", "winner": -3, "order": 7, "kind": -1}
    _, parties, supplier = _parties(r, RunInfo(), "x-")
    assert supplier["id"] == "x-village-committee-7"
    assert parties[-1]["details"] == {"kind": "village_committee"} and parties[-1]["roles"] == ["supplier"]
