"""OCDS out: the export of tender logs as OCDS 1.1, validated offline with libcoveocds."""

from __future__ import annotations

import copy
import functools
import gzip
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.ocds import codes

pytest.importorskip("libcoveocds")
from experiments.ocds.export import EXTENSION_DIR, EXTENSION_URL  # noqa: E402
from experiments.ocds.validate import standard_zip, validate_package  # noqa: E402

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


def _stock_libcoveocds(path: Path, tmp_path: Path) -> dict:
    """libcoveocds' own command line on `path`, offline: the standard from the shipped ZIP
    (its --standard-zip option); extensions fetched as it always does, over http(s)."""
    (tmp_path / "standard.zip").write_bytes(standard_zip())
    proc = subprocess.run([sys.executable, "-m", "libcoveocds", "--standard-zip", str(tmp_path / "standard.zip"),
                           str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]   # libcoveocds 0.17 crashed on a file:// extension
    return json.loads(proc.stdout)


def test_stock_libcoveocds_validates_the_export_as_shipped(exported, tmp_path):
    result = _stock_libcoveocds(exported / "ocds/baseline.json", tmp_path)
    assert result["validation_errors"] == []
    assert _package(exported)["extensions"] == [EXTENSION_URL]
    # offline, the placeholder address cannot be fetched: named, and its fields left unchecked
    assert list(result["extensions"]["invalid_extension"]) == [EXTENSION_URL]


def test_stock_libcoveocds_reads_the_shipped_extension_over_http(exported, tmp_path, capsys):
    """Served as a publisher would serve it (here on 127.0.0.1), the extension folder is read by
    the stock command and covers every field of the export."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(EXTENSION_DIR))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/extension.json"
    try:
        assert main(["ocds", str(exported), "--extension-url", url]) == 0
        result = _stock_libcoveocds(exported / "ocds/baseline.json", tmp_path)
    finally:
        server.shutdown()
        server.server_close()
        assert main(["ocds", str(exported)]) == 0      # as the other tests expect
        capsys.readouterr()
    assert result["validation_errors"] == []
    assert result["extensions"]["invalid_extension"] == {} and result["extensions"]["is_extended_schema"]
    assert result["all_additional_fields"] == []


def test_large_exports_are_gzipped_json_lines(exported, capsys):
    """Above --compress-above MB of JSON the export is .jsonl.gz (the same bytes twice, every
    line a valid package); below it one .json; a bad threshold is one line, exit 2."""
    first = _package(exported)
    size = sum(len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) for r in first["releases"])
    assert main(["ocds", str(exported), "--compress-above", f"{size / 1e6 + 0.001}"]) == 0
    assert (exported / "ocds/baseline.json").is_file()                       # just below: JSON
    assert main(["ocds", str(exported), "--compress-above", f"{size / 1e6 - 0.001}", "--validate"]) == 0
    assert "baseline.jsonl.gz (0 validation errors)" in capsys.readouterr().out
    gz = exported / "ocds/baseline.jsonl.gz"
    data = gz.read_bytes()
    assert not (exported / "ocds/baseline.json").exists() and len(data) < size / 10
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert [r for line in lines for r in json.loads(line)["releases"]] == first["releases"]
    assert json.loads((exported / "ocds/export.json").read_text())["files"] == ["baseline.jsonl.gz"]
    assert main(["ocds", str(exported), "--compress-above", "0"]) == 0
    assert gz.read_bytes() == data                                            # deterministic
    for bad in ("-1", "nan", "inf"):
        assert main(["ocds", str(exported), "--compress-above", bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --compress-above") and err.count("\n") == 1
    assert gz.read_bytes() == data                                            # nothing touched
    assert main(["ocds", str(exported)]) == 0 and not gz.exists()             # as the other tests expect


def test_indicators_read_a_gzipped_export(exported, capsys):
    assert main(["indicators", str(exported)]) == 0
    plain = (exported / "ocds/indicators.csv").read_text()
    assert main(["ocds", str(exported), "--compress-above", "0"]) == 0
    try:
        assert main(["indicators", str(exported)]) == 0
        assert (exported / "ocds/indicators.csv").read_text() == plain
    finally:
        assert main(["ocds", str(exported)]) == 0
        capsys.readouterr()
