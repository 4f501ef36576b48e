"""The benchmark command runs at a tiny size so it cannot rot (no timing assertions)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.analysis import bench
from experiments.__main__ import main
from model import ProcurementModel, load_params, simulate
from model.procurement import orders

TINY = ["--households", "20", "--years", "1", "--mesa-cap", "500"]


def test_bench_command_writes_json(tmp_path, capsys):
    out = tmp_path / "b.json"
    assert main(["bench", "--scale", "24", "--scale", "48", *TINY, "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    rows = data["rows"]
    assert [r["villages"] for r in rows] == [24, 48]
    for r in rows:
        assert r["households"] == 20 * r["villages"]
        assert r["total_s"] > 0 and r["run_s"] > 0 and r["cpu_s"] > 0 and r["peak_rss_mb"] > 0
        assert len(r["load_average"]) == 2
        assert r["phases_s"]["procure"] > 0 and r["phases_s"]["citizens"] > 0
        assert r["phases_s"]["collect"] > 0 and r["phases_s"]["plan_year"] > 0
        assert sum(r["phases_s"].values()) == pytest.approx(r["run_s"], rel=1e-6)
        assert set(r["phases_cpu_s"]) == set(r["phases_s"]) - {"other"} and r["phases_cpu_s"]["citizens"] > 0
        assert 0 < sum(r["phases_cpu_s"].values()) <= r["cpu_s"] and r["warmup_cpu_s"] > 0
        assert r["numpy_floor_us"] > 0 and r["mesa_floor_us"] > 0 and r["ratio_to_numpy"] > 0
        assert r["procurements"] >= r["open_tenders"] > 0
        assert 0 <= r["system_s"] <= r["cpu_s"] + 0.05  # os.times and process_time tick differently
        assert set(r["phases_rss_mb"]) == set(r["phases_cpu_s"]) | {"build"}
        assert min(r["phases_rss_mb"].values()) >= 0 and sum(r["phases_rss_mb"].values()) <= r["peak_rss_mb"]
    assert math.isfinite(data["loglog_slope"]["total"])
    printed = capsys.readouterr().out
    assert "per household-month" in printed and "log-log slope" in printed
    assert "peak RSS raised by:" in printed and "system (kernel) time" in printed


@pytest.mark.parametrize("argv, words", [
    (["--scale", "nowhere"], "--scale 'nowhere'"),
    (["--scale", "0"], "at least 1"),
    (["--years", "0"], "--years 0"),
    (["--set", "region.n_towns=-3"], "region.n_towns"),
    (["--set", "no.such=1"], "unknown parameter"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, argv, words):
    out = tmp_path / "b.json"
    assert main(["bench", *argv, "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1
    assert not out.exists()


def test_scale_overrides():
    assert bench.scale_overrides("county") == {}
    prov = load_params(None, bench.scale_overrides("province")).region
    assert 1_500 <= prov.n_towns <= 2_000 and 60_000 <= prov.n_towns * prov.villages_per_town <= 80_000
    o = bench.scale_overrides("6000")
    assert o["region.n_towns"] * o["region.villages_per_town"] == 6000
    assert o["region.radius_km"] == pytest.approx(30 * 10 ** 0.5, rel=1e-3)


def test_loglog_slope_exact():
    assert bench.loglog_slope([10, 100, 1000], [1, 10, 100]) == pytest.approx(1.0)
    assert bench.loglog_slope([10, 100], [1, 100]) == pytest.approx(2.0)
    assert math.isnan(bench.loglog_slope([10], [1]))


def test_phase_timers_do_not_change_results_and_restore():
    p = load_params(None, {"region.n_towns": 3, "region.villages_per_town": 8,
                           "region.households_per_village": 20, "burn_in_years": 0})
    plain = simulate(p, seed=5, years=1)
    m = ProcurementModel(p, seed=5)
    original = list(m.phases)
    with bench.phase_timers(m) as acc:
        m.run(1)
    assert m.phases == original and orders.procure is original[1].run
    names = set(bench.phase_names())
    assert set(acc) == names | {bench.CPU + k for k in names} | {bench.RSS + k for k in names} and acc["procure"] > 0
    assert acc[bench.CPU + "procure"] > 0
    assert m.summary().keys() == plain.summary.keys()
    assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(m.summary().values(),
                                                                              plain.summary.values()))
    assert m.timeseries().equals(plain.timeseries)


@pytest.mark.parametrize("script, argv, expect", [
    ("benchmarks/phase_parts.py", ["--years", "1"], "collect: records.close_month"),
    ("benchmarks/profile_county.py", ["--years", "1", "--top", "5"], "function calls"),
])
def test_profiling_scripts_run(script, argv, expect):
    """The profiling scripts docs/PERFORMANCE.md names still run against the model (each in its own
    process: phase_parts wraps the model's functions for the process it runs in)."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / script), *argv], cwd=root, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert expect in out.stdout
