"""OCDS readers on small real publishers' samples (and two constructed ones): every indicator
equals a count made by hand from the file (issue 29, item 3).

The samples, their publishers, sources and licences are listed in tests/data/ocds_real/README.md.
Each hand count is written next to the expected values: read the file, list its releases by
ocid, and apply the definitions of experiments/ocds/indicators.py.
"""

from __future__ import annotations

import gzip
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main

pytest.importorskip("ocdsmerge")
from experiments.analysis.calibrate import load_calibration  # noqa: E402

REAL = Path(__file__).resolve().parent / "data/ocds_real"
NAN = math.nan
CODES = ("R018", "NOBID", "SINGLE_NOTICE", "NOBID_NOTICE", "DIRECT", "FAILED", "RETENDER", "PRICE", "CONNECTED")


def indicators(path: Path, tmp_path: Path, capsys, *extra: str) -> tuple[dict[str, tuple[int, float]], str]:
    """(units, mean) of each indicator from `indicators PATH --out CSV`, and the stderr notes."""
    out = tmp_path / f"{path.stem}.csv"
    capsys.readouterr()
    assert main(["indicators", str(path), "--out", str(out), *extra]) == 0
    err = capsys.readouterr().err
    table = pd.read_csv(out).set_index("code")
    return {c: (int(table.loc[c, "units"]), float(table.loc[c, "mean"])) for c in CODES}, err


def check(found: dict[str, tuple[int, float]], expected: dict[str, tuple[int, float]]) -> None:
    assert set(expected) == set(CODES)
    for code, (units, mean) in expected.items():
        assert found[code][0] == units, (code, found[code])
        assert found[code][1] == pytest.approx(mean, nan_ok=True, abs=1e-12), (code, found[code])


# Mexico City (2 processes, 4 releases). OCDS-87SD3T-AD-SF-DRM-063-2015: releases 01 and 02 both
# carry tender.id = the ocid (one tender updated: one notice), selective, numberOfTenderers 2,
# tender 1,311,264 MXN, award "1" active 1,311,264 MXN -> price 1. OCDS-87SD3T-AD-SF-DRM-065-2015:
# releases 01 and 02, one tender, selective, numberOfTenderers 1, tender 1,471,566.72 MXN, award
# "1" active 75,464.96 USD; release 02 adds exchangeRate 17.7526 -> 1,339,700.53 MXN, price 0.91039.
MEXICO_CITY = {"R018": (2, 1 / 2), "NOBID": (2, 0.0), "SINGLE_NOTICE": (2, 1 / 2), "NOBID_NOTICE": (2, 0.0),
               "DIRECT": (2, 0.0), "FAILED": (2, 0.0), "RETENDER": (2, 0.0),
               "PRICE": (2, (1.0 + 75464.96 * 17.7526 / 1471566.72) / 2), "CONNECTED": (0, NAN)}
# Mexico federal (2 records, one release each): procurementMethod direct, no tenderers stated
# (no numberOfTenderers, bids or tender.tenderers): no competitive process; awards without a
# status (active by default): 993235 two awards, 1542970 one: both awarded, both direct.
MEXICO_FEDERAL = {"R018": (0, NAN), "NOBID": (0, NAN), "SINGLE_NOTICE": (0, NAN), "NOBID_NOTICE": (0, NAN),
                  "DIRECT": (2, 1.0), "FAILED": (2, 0.0), "RETENDER": (2, 0.0), "PRICE": (0, NAN),
                  "CONNECTED": (0, NAN)}
# Paraguay (1 release tagged planning and tender): a tender (status complete) with no award and
# no tenderers stated: not planning-only, failed; not competitive (no count of tenderers).
PARAGUAY = {"R018": (0, NAN), "NOBID": (0, NAN), "SINGLE_NOTICE": (0, NAN), "NOBID_NOTICE": (0, NAN),
            "DIRECT": (0, NAN), "FAILED": (1, 1.0), "RETENDER": (1, 0.0), "PRICE": (0, NAN), "CONNECTED": (0, NAN)}
# UK Find a Tender (10 releases, 10 ocids, one release each): every tender is status active with
# no award (notices still open: no outcome, so no FAILED unit) and no tenderers stated (no
# competitive process); 10 processes with a tender, none with a second tender id.
UK = {"R018": (0, NAN), "NOBID": (0, NAN), "SINGLE_NOTICE": (0, NAN), "NOBID_NOTICE": (0, NAN),
      "DIRECT": (0, NAN), "FAILED": (0, NAN), "RETENDER": (10, 0.0), "PRICE": (0, NAN), "CONNECTED": (0, NAN)}
# Constructed planning sample: 001 (planning, no tender) and 002 (planning, tender planned) are
# planning-only; 003: T3 planned -> open, 1 tenderer -> award 900,000 of 1,000,000 (one notice);
# 004: T4 open, 0 tenderers, then unsuccessful (release 004-02 given twice: one dropped); 005:
# T5a then T5b (a re-tender), method "Request for quotations" (not OCDS), 2 then 4 tenderers,
# award 200,000 of 250,000. Competitive: 003, 004 -> R018 1/2, NOBID 1/2; processes with an
# outcome: 003, 004, 005 -> FAILED 1/3 (004), RETENDER 1/3 (005); awarded 003, 005: none direct.
PLANNING = {"R018": (2, 1 / 2), "NOBID": (2, 1 / 2), "SINGLE_NOTICE": (2, 1 / 2), "NOBID_NOTICE": (2, 1 / 2),
            "DIRECT": (2, 0.0), "FAILED": (3, 1 / 3), "RETENDER": (3, 1 / 3), "PRICE": (1, 0.9),
            "CONNECTED": (0, NAN)}
# With the method map, 005 is a competitive consultation (selective): competitive 003 (1), 004 (0),
# 005 (4, its last tender) -> R018 1/3, NOBID 1/3; notices T3 (1), T4 (0), T5a (2), T5b (4) -> 1/4,
# 1/4; priced 003 (0.9) and 005 (0.8).
PLANNING_MAPPED = {**PLANNING, "R018": (3, 1 / 3), "NOBID": (3, 1 / 3), "SINGLE_NOTICE": (4, 1 / 4),
                   "NOBID_NOTICE": (4, 1 / 4), "PRICE": (2, 0.85)}
# Constructed bids sample (gzipped JSON Lines named .json): 001 open, no numberOfTenderers, bids
# B1-B3 by MD-A, MD-B, MD-C (B3 disqualified, still a tender) -> 3, award 80,000 of 100,000; 002
# open, tender.tenderers [MD-X] -> 1, award 50,000 of 50,000; 003 selective, unsuccessful, no bids
# (count unknown); 004 in USD without an exchange rate: left out; 005 numberOfTenderers -5: dropped.
BIDS = {"R018": (2, 1 / 2), "NOBID": (2, 0.0), "SINGLE_NOTICE": (2, 1 / 2), "NOBID_NOTICE": (2, 0.0),
        "DIRECT": (2, 0.0), "FAILED": (3, 1 / 3), "RETENDER": (3, 0.0), "PRICE": (2, 0.9), "CONNECTED": (0, NAN)}


@pytest.mark.parametrize("name, expected", [("mexico_city.json", MEXICO_CITY), ("mexico_federal.json", MEXICO_FEDERAL),
                                            ("paraguay.json", PARAGUAY), ("uk_find_a_tender.json", UK),
                                            ("constructed_planning.json", PLANNING),
                                            ("constructed_bids.json", BIDS)])
def test_every_indicator_equals_the_hand_count(name, expected, tmp_path, capsys):
    found, _ = indicators(REAL / name, tmp_path, capsys)
    check(found, expected)


def test_open_tenders_are_not_failures(tmp_path, capsys):
    _, err = indicators(REAL / "uk_find_a_tender.json", tmp_path, capsys)
    assert "10 releases in 10 contracting processes, 10 used; amounts in GBP" in err
    assert "10 with the tender still open (status active, no award)" in err


def test_the_method_map_makes_non_standard_methods_count(tmp_path, capsys):
    found, err = indicators(REAL / "constructed_planning.json", tmp_path, capsys)
    assert "methods not in OCDS's codelist (not counted as competitive or direct): 'Request for quotations' (1)" in err
    assert "dropped: 1 duplicate release (same ocid and release id)" in err
    assert "not counted as failures: 2 planning-only (no tender)" in err
    found, err = indicators(REAL / "constructed_planning.json", tmp_path, capsys,
                            "--method-map", str(REAL / "constructed_method_map.toml"))
    check(found, PLANNING_MAPPED)
    assert "Request for quotations" not in err
    as_json = tmp_path / "map.json"
    as_json.write_text('{"Request for quotations": "competitive_consultation"}')
    check(indicators(REAL / "constructed_planning.json", tmp_path, capsys, "--method-map", str(as_json))[0],
          PLANNING_MAPPED)
    as_json.write_text('{"Request for quotations": "auction"}')
    capsys.readouterr()
    assert main(["indicators", str(REAL / "paraguay.json"), "--method-map", str(as_json)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'auction': not a method of the model" in err


def test_the_format_is_read_from_the_content(tmp_path, capsys):
    """gzip and JSON Lines, whatever the file is called; the notes say what was derived or left out."""
    found, err = indicators(REAL / "constructed_bids.json", tmp_path, capsys)
    assert err.count("left out: 1 process with amounts in USD and no exchange rate in the data") == 1
    assert "numberOfTenderers derived where absent: 1 notice(s) from bids.details, 1 notice(s) from tender.tenderers" in err
    assert "dropped: 1 process with numberOfTenderers negative" in err
    plain = gzip.decompress((REAL / "constructed_bids.json").read_bytes())
    for name, data in (("plain.jsonl", plain), ("plain.ndjson", plain), ("plain.json", plain),
                       ("again.json.gz", gzip.compress(plain))):
        (tmp_path / name).write_bytes(data)
        check(indicators(tmp_path / name, tmp_path, capsys)[0], BIDS)
    shutil.copy(REAL / "mexico_city.json", tmp_path / "mexico_city.jsonl")  # one document, named .jsonl
    check(indicators(tmp_path / "mexico_city.jsonl", tmp_path, capsys)[0], MEXICO_CITY)


def test_targets_from_a_real_sample_in_its_own_currency(tmp_path, capsys):
    out = tmp_path / "cdmx.toml"
    assert main(["targets", str(REAL / "mexico_city.json"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "converted: 1 process with amounts in USD, at the exchange rates the data give" in err
    found = {t.name: t for t in load_calibration(out).targets}
    assert found["bids_per_tender"].value == pytest.approx(1.5)           # 2 and 1 tenderers
    assert found["single_bid_rate"].value == pytest.approx(0.5)
    assert found["price_to_reserve"].value == pytest.approx(MEXICO_CITY["PRICE"][1], rel=1e-5)
    assert found["no_bid_rate"].source == "mexico_city.json: 2 competitive tender notices"
    bands = pd.read_csv(tmp_path / "cdmx_by_band.csv")
    assert set(bands["currency"]) == {"MXN"} and "yuan" not in (tmp_path / "cdmx_by_band.csv").read_text()
    assert set(bands["value_band"]) == {"[1,000,000, inf) MXN"}
    capsys.readouterr()
    assert main(["targets", str(REAL / "paraguay.json"), "--out", str(tmp_path / "py.toml")]) == 2
    assert "fewer than 2 competitive tender notices" in capsys.readouterr().err


def _paths(obj, path=()):
    yield path
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        yield from _paths(value, (*path, key))


def test_mutated_real_files_are_read_or_refused_in_one_line(tmp_path):
    """300 copies of the samples with 1-3 fields replaced by a value of another type: each is read
    (and its indicators and targets computed) or refused with `OCDSReadError`, never another error."""
    import copy
    import json
    import random

    from experiments.ocds.indicators import indicators as compute, table
    from experiments.ocds.processes import load
    from experiments.ocds.read import OCDSReadError
    from experiments.ocds.targets import by_band, notices, targets

    samples = [json.loads((REAL / n).read_text(encoding="utf-8"))
               for n in ("mexico_city.json", "mexico_federal.json", "constructed_planning.json")]
    values = [None, 1, -1, 2.5, "x", True, [], {}, [1], ["a"], [{}], {"a": 1}, 1e300, [{"id": [1]}]]
    rng, read, refused = random.Random(7), 0, 0
    for _ in range(300):
        doc = copy.deepcopy(rng.choice(samples))
        for _ in range(rng.randint(1, 3)):
            *where, last = rng.choice([p for p in _paths(doc) if len(p) > 2])
            parent = doc
            for key in where:
                parent = parent[key]
            parent[last] = copy.deepcopy(rng.choice(values))
        (tmp_path / "m.json").write_text(json.dumps(doc))
        try:
            procs, tally = load(tmp_path / "m.json")
        except OCDSReadError:
            refused += 1
            continue
        compute(table(procs))
        found = notices(procs, {})
        targets(found)
        by_band(found, (1e5, 1e6), tally.currency)
        read += 1
    assert read > 100 and refused > 20, (read, refused)
