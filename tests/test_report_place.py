"""The report's outcomes by place (experiments/analysis/report_place.py): rows by level and band,
means and paired differences with CIs, both languages, and the section in the full report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import report
from experiments.analysis.report_place import band_label, place_blocks, place_rows


def _runs(n_rep=6, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for sc, e in (("baseline", 0.0), ("scoring_30", 0.1)):
        for k in range(n_rep):
            z = rng.normal(0, 0.01)
            r = {"run_id": f"{sc}-{k}", "scenario": sc, "replicate": k, "seed": k,
                 "quality_delivered": 0.6 + e + z, "quality_delivered_village": 0.5 + z,
                 "coverage": 0.95 + z, "no_bid_rate_village": 0.4 - e / 2 + z}
            for b in range(1, 5):
                r[f"quality_delivered_band{b}"] = 0.6 - 0.02 * b + (e if b == 1 else 0.0) + z
            r["place_gap_quality"] = r["quality_delivered_band4"] - r["quality_delivered_band1"]
            r["quality_delivered_village_band1"], r["quality_delivered_village_band4"] = 0.55 + z, 0.45 + z
            r["place_gap_village_quality"] = -0.1
            rows.append(r)
    return pd.DataFrame(rows)


def _text(blocks):
    return report.to_markdown(blocks)


def test_rows_and_band_labels():
    runs = _runs()
    labels = [label for label, _ in place_rows(runs, 10.0)]
    assert labels == ["All (the aggregate)", "Village services", "Distance band 1 (0–10 km)",
                      "Distance band 2 (10–20 km)", "Distance band 3 (20–30 km)", "Distance band 4 (30+ km)",
                      "Far minus centre (band 4 − band 1)", "Village services, Distance band 1 (0–10 km)",
                      "Village services, Distance band 4 (30+ km)", "Village services, far minus centre (band 4 − band 1)"]
    assert band_label(2, 4, None, "en") == "Distance band 2"
    assert band_label(4, 4, 10.0, "zh") == "距离带 4 (30+ 公里)"
    assert place_rows(runs.drop(columns=[c for c in runs if c.startswith(("quality", "coverage", "no_bid",
                                                                              "place"))])) == []


def test_means_and_paired_differences_with_cis():
    runs = _runs()
    blocks = place_blocks(runs, lambda o: o, str, report.fmt_ci, "baseline", 10.0, "en",
                          {"n_boot": 200, "test": "ttest"})
    md = _text(blocks)
    assert "## Outcomes by place" in md and "### scoring_30 minus baseline: difference [CI]" in md
    tables = [b for b in blocks if b[0] == "table"]
    assert len(tables) == 3  # the means of two scenarios, one difference
    head, rows = tables[2][1], tables[2][2]
    assert head == ["Place", "quality_delivered", "coverage", "no_bid_rate"]
    gap = dict((r[0], r) for r in rows)["Far minus centre (band 4 − band 1)"]
    base, ref = runs[runs.scenario == "baseline"], runs[runs.scenario == "scoring_30"]
    want = (ref["place_gap_quality"].to_numpy() - base["place_gap_quality"].to_numpy()).mean()
    assert want == pytest.approx(-0.1)
    assert float(gap[1].split(" [")[0]) == pytest.approx(want, abs=0.001)
    low, high = (float(x) for x in gap[1].split(" [")[1].rstrip("]").split(", "))
    assert low - 1e-6 <= want <= high + 1e-6 and high - low < 0.02
    assert "[" in gap[1] and gap[2] == ""  # coverage has no bands: an empty cell, never a number
    village = dict((r[0], r) for r in tables[0][2])["Village services"]
    assert village[1].startswith("0.50") and "[" in village[1]


def test_chinese_labels():
    md = _text(place_blocks(_runs(), lambda o: o, str, report.fmt_ci, "baseline", 10.0, "zh", {"n_boot": 100}))
    for word in ("分地区结果", "村级服务", "距离带 1 (0–10 公里)", "远近差距（距离带 4 − 距离带 1）", "差异 [置信区间]"):
        assert word in md
    assert "Outcomes by place" not in md


def test_no_section_without_place_outcomes():
    runs = _runs()[["run_id", "scenario", "replicate", "seed", "quality_delivered"]]
    assert place_blocks(runs, str, str, report.fmt_ci) == []


@pytest.mark.slow
def test_the_report_shows_the_section(tmp_path):
    paths = report.build_report(tmp_path, _runs(), n_boot=100, band_km=10.0)
    md = paths["markdown"].read_text()
    assert "## Outcomes by place" in md and "Distance band 4 (30+ km)" in md
    assert md.index("## Outcomes by place") > md.index("## Differences from the baseline")
