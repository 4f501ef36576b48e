"""Scenario discovery: PRIM recovers a known box; pairing per design point; the `discover` CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")

from experiments.analysis import discovery as d  # noqa: E402
from experiments.__main__ import main  # noqa: E402

A, B = "procurement.bid_cost_yuan", "delivery.effort_cost"
BOX = {A: (0.5, 1.0), B: (0.0, 0.4)}  # the true box: A above 0.5 and B below 0.4
INPUTS = [A, B, "c", "d"]


def synthetic(n: int = 400, noise: float = 0.05, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Four uniform inputs; the outcome is high exactly inside BOX, with label noise."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(0.0, 1.0, (n, len(INPUTS))), columns=INPUTS)
    inside = np.logical_and.reduce([x[k].between(*r) for k, r in BOX.items()])
    return x, inside ^ (rng.random(n) < noise)


def test_prim_recovers_the_known_box():
    x, y = synthetic()
    found = d.discover(x, y)
    lim = found.limits[found.chosen]
    assert set(lim.index[lim["restricted"]]) >= {A, B}
    assert lim.loc[A, "min"] == pytest.approx(0.5, abs=0.06)
    assert lim.loc[B, "max"] == pytest.approx(0.4, abs=0.06)
    assert lim.loc[A, "max"] >= 0.85 and lim.loc[B, "min"] <= 0.15  # the open sides barely cut
    for other in ("c", "d"):  # irrelevant inputs keep (almost) their whole range
        assert lim.loc[other, "max"] - lim.loc[other, "min"] >= 0.8
    chosen = found.trajectory.loc[found.chosen]
    assert chosen["coverage"] >= 0.5 and chosen["density"] >= 0.8
    # the decisive edges are significant, by the quasi-p test
    assert lim.loc[A, "qp_min"] < 0.01 and lim.loc[B, "qp_max"] < 0.01
    # the table has coverage, density, mass and the restricted inputs' limits
    table = d.boxes_table(found)
    assert {"coverage", "density", "mass", f"{A}_min", f"{B}_max", "restricted"} <= set(table)
    assert table["chosen"].sum() == 1 and A in table.loc[table["chosen"], "restricted"].iloc[0]
    assert "class: 1" in found.cart_text and A in found.cart_text


def test_prim_finds_nothing_in_pure_noise():
    """A check that can fail: with no box in the data, the chosen box is not dense."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(0, 1, (400, 3)), columns=["a", "b", "c"])
    found = d.discover(x, rng.random(400) < 0.2)
    assert found.trajectory.loc[found.chosen, "density"] < 0.6


def test_discover_rejects_all_or_nothing():
    x, y = synthetic(50)
    with pytest.raises(ValueError, match="0 of 50"):
        d.discover(x, np.zeros(50, bool))


def results_folder(path: Path, n: int = 200, reps: int = 2) -> Path:
    """A results folder (runs, design, manifest) where reform − baseline > 0 inside BOX."""
    x, _ = synthetic(n)
    rng = np.random.default_rng(11)
    design, runs = [], []
    for sc in ("baseline", "reform"):
        for i in range(n):
            for k in range(reps):
                rid = f"{sc}-{i}-{k}"
                inside = all(BOX[c][0] <= x.loc[i, c] <= BOX[c][1] for c in BOX)
                value = 0.3 + k * 0.01 + (0.05 if sc == "reform" and inside else
                                          -0.05 if sc == "reform" else 0.0)
                design.append({"run_id": rid, "scenario": sc, "point": i, "replicate": k,
                               "seed": k, **x.loc[i].to_dict()})
                runs.append({"run_id": rid, "scenario": sc, "replicate": k, "seed": k,
                             **x.loc[i].to_dict(),
                             "no_bid_rate_village": value + rng.normal(0, 0.01)})
    path.mkdir(parents=True)
    pd.DataFrame(design).to_parquet(path / "design.parquet")
    pd.DataFrame(runs).to_parquet(path / "runs.parquet")
    (path / "manifest.json").write_text('{"experiment": {"baseline": "baseline"}}')
    return path


def test_point_outcomes_pairs_reform_with_baseline(tmp_path):
    out = results_folder(tmp_path / "r", n=20)
    runs, design = pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "design.parquet")
    table = d.point_outcomes(runs, design, "no_bid_rate_village", INPUTS, "reform", "baseline")
    merged = design.merge(runs[["run_id", "no_bid_rate_village"]], on="run_id")
    wide = merged.pivot_table(index=["point", "replicate"], columns="scenario",
                              values="no_bid_rate_village")
    expected = (wide["reform"] - wide["baseline"]).groupby("point").mean().to_numpy()
    np.testing.assert_allclose(table["y"].to_numpy(), expected)
    assert (table["n"] == 2).all() and list(table.columns) == [*INPUTS, "y", "n"]


def test_cli_writes_section_table_and_figure(tmp_path, capsys):
    out = results_folder(tmp_path / "r")
    assert main(["discover", str(out), "--outcome", "no_bid_rate_village", "--above", "0"]) == 0
    md = (out / "discovery.md").read_text(encoding="utf-8")
    assert "## Scenario discovery" in md and f"`{A}`" in md and "CART" in md
    boxes = pd.read_csv(out / "boxes.csv")
    chosen = boxes[boxes["chosen"]].iloc[0]
    assert chosen[f"{A}_min"] == pytest.approx(0.5, abs=0.06)
    assert chosen[f"{B}_max"] == pytest.approx(0.4, abs=0.06)
    assert (out / "figures" / "discovery.png").stat().st_size > 1000
    assert "chosen PRIM box" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0  # the report includes the section
    assert "## Scenario discovery" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, words", [
    (["--outcome", "nope", "--above", "0"], "unknown outcome 'nope'"),
    (["--outcome", "no_bid_rate_village", "--above", "9"], "0 of 200 points"),
    (["--outcome", "no_bid_rate_village", "--below", "0", "--inputs", "x.y"],
     "'x.y' is not a varied factor"),
    (["--outcome", "no_bid_rate_village", "--above", "0", "--scenario", "zzz"],
     "'zzz' is not a scenario"),
    (["--outcome", "no_bid_rate_village"], "one of the arguments --above --below is required"),
    (["--outcome", "no_bid_rate_village", "--above", "0", "--min-coverage", "2"], "--min-coverage"),
])
def test_cli_bad_input_is_one_line_exit_2_nothing_written(tmp_path, capsys, argv, words):
    out = results_folder(tmp_path / "r")
    assert main(["discover", str(out), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and words in err and "\n" not in err
    assert not (out / "discovery.md").exists() and not (out / "boxes.csv").exists()


def test_cli_bad_folder_and_missing_extra(tmp_path, capsys, monkeypatch):
    assert main(["discover", str(tmp_path / "none"), "--outcome", "x", "--above", "0"]) == 2
    assert "not a folder" in capsys.readouterr().err
    out = results_folder(tmp_path / "r", n=30)

    def missing():
        raise d.MissingExtraError('scenario discovery needs EMA Workbench: pip install -e ".[discovery]"')

    monkeypatch.setattr(d, "load_ema", missing)
    assert main(["discover", str(out), "--outcome", "no_bid_rate_village", "--above", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and '".[discovery]"' in err and "\n" not in err


def test_cli_single_scenario_uses_the_outcome_itself(tmp_path, capsys):
    """A one-scenario sweep (e.g. a Sobol sensitivity run): no pairing, the outcome's mean."""
    out = results_folder(tmp_path / "r")
    for name in ("runs.parquet", "design.parquet"):
        t = pd.read_parquet(out / name)
        t[t["scenario"] == "reform"].to_parquet(out / name)
    assert main(["discover", str(out), "--outcome", "no_bid_rate_village", "--above",
                 "0.33"]) == 0
    md = (out / "discovery.md").read_text(encoding="utf-8")
    assert "`no_bid_rate_village` (reform) ≥ 0.33" in md and "paired" not in md.split("\n")[2]
    chosen = pd.read_csv(out / "boxes.csv").query("chosen").iloc[0]
    assert chosen[f"{A}_min"] == pytest.approx(0.5, abs=0.06)
