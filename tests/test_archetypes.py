"""County archetypes: the presets load and run; `run --archetype`; the sign comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.analysis.archetypes import ARCHETYPES, archetype_file, paired_effects, sign_table
from experiments.engine.spec import read_toml
from model import load_params, simulate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "experiments" / "scenarios"


@pytest.mark.parametrize("name", ARCHETYPES)
def test_archetype_loads_and_runs_one_year(name):
    path = archetype_file(name)
    doc = read_toml(path)
    assert doc["scenario"]["name"] == f"archetype_{name}"
    assert "estimate" in path.read_text(encoding="utf-8").lower() or name == "coastal_plain"
    flat = load_params(path).flat()
    for key, value in doc.get("region", {}).items():  # the file's values are what the model gets
        assert flat[f"region.{key}"] == value
    run = simulate(load_params(path, {"burn_in_years": 0}), seed=3, years=1)
    s = run.summary
    assert s["tenders"] > 0 and s["active_contractors"] > 0
    assert 0 <= s["coverage"] <= 1 and math.isfinite(s["quality_delivered"])


def test_archetypes_differ_in_the_stated_direction():
    flat = {a: load_params(archetype_file(a)).flat() for a in ARCHETYPES}
    villages = {a: f["region.n_towns"] * f["region.villages_per_town"] for a, f in flat.items()}
    assert villages["island"] < villages["mountain"] < villages["periurban"] < villages["coastal_plain"]
    dist = {a: f["region.prefecture_distance_km"] for a, f in flat.items()}
    assert dist["periurban"] < dist["coastal_plain"] < dist["mountain"]
    travel = {a: f["procurement.travel_cost_yuan_km"] for a, f in flat.items()}
    assert travel["island"] > travel["mountain"] > travel["coastal_plain"]
    firms = {a: f["firms.local.count"] for a, f in flat.items()}
    assert firms["periurban"] > firms["coastal_plain"] > firms["mountain"] > firms["island"]


def tiny_experiment(path: Path) -> Path:
    path.write_text(f"""
[experiment]
name = "tiny_arch"
seed = 9
replications = 2
years = 1
baseline = "baseline"
outcomes = ["quality_delivered", "no_bid_rate_village"]
scenarios = ["{SCENARIOS / 'baseline.toml'}", "{SCENARIOS / 'lots.toml'}"]

[overrides]
"region.households_per_village" = 20
"burn_in_years" = 0
""", encoding="utf-8")
    return path


def test_run_with_archetype_applies_it_under_every_scenario(tmp_path, capsys):
    exp = tiny_experiment(tmp_path / "exp.toml")
    outs = {}
    for name in ("island", "mountain"):
        outs[name] = tmp_path / name
        assert main(["run", str(exp), "--archetype", name, "--out", str(outs[name]),
                     "--executor", "serial", "--quiet"]) == 0
    manifest = json.loads((outs["island"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"]["name"] == "tiny_arch_island"
    assert manifest["experiment"]["spec"]["archetype"]["name"] == "island"
    for sc in ("baseline", "lots"):
        p = manifest["parameters"][sc]
        assert p["region.n_towns"] == 8 and p["procurement.travel_cost_yuan_km"] == 3.2
        # the experiment's own override of a key the archetype sets is replaced by it
        assert p["region.households_per_village"] == 120
    assert manifest["parameters"]["lots"]["procurement.lots"] is True
    capsys.readouterr()
    assert main(["archetypes", str(outs["island"]), str(outs["mountain"])]) == 0
    md = (outs["island"] / "archetypes.md").read_text(encoding="utf-8")
    assert "## Reform effects across county archetypes" in md and "| lots |" in md
    assert "island" in md and "mountain" in md
    effects = pd.read_csv(outs["island"] / "archetype_effects.csv")
    assert set(effects["archetype"]) == {"island", "mountain"} and len(effects) == 4
    assert main(["report", str(outs["island"])]) == 0
    assert "Reform effects across county archetypes" in (outs["island"] / "report.md").read_text()


def test_run_rejects_an_unknown_archetype(tmp_path, capsys):
    exp = tiny_experiment(tmp_path / "exp.toml")
    out = tmp_path / "out"
    assert main(["run", str(exp), "--archetype", "volcano", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: --archetype: unknown archetype 'volcano'; allowed: "
                   + ", ".join(ARCHETYPES))
    assert not out.exists()


def test_sign_table_verdicts():
    rows = []
    for arch, cells in {"a": [(1, 0.5, 1.5), (1, 0.5, 1.5), (1, -1, 3), (-1, -2, -0.5)],
                        "b": [(2, 1, 3), (0.5, -0.1, 1), (-1, -3, 1), (1, 0.5, 2)]}.items():
        for (d, lo, hi), out in zip(cells, ("w", "x", "y", "z"), strict=True):
            rows.append({"archetype": arch, "scenario": "r", "outcome": out, "diff": d,
                         "ci_low": lo, "ci_high": hi})
    t = sign_table(pd.DataFrame(rows)).set_index("outcome")
    assert t.loc["w", "verdict"] == "same sign, all clear" and t.loc["w", "signs"] == "a:+ b:+"
    assert t.loc["x", "verdict"] == "same direction, not clear everywhere"
    assert t.loc["y", "verdict"] == "direction differs, unclear"
    assert t.loc["z", "verdict"] == "reverses" and t.loc["z", "signs"] == "a:− b:+"


def test_paired_effects_t_interval():
    runs = pd.DataFrame({"scenario": ["baseline"] * 4 + ["r"] * 4, "replicate": [0, 1, 2, 3] * 2,
                         "y": [1.0, 2.0, 3.0, 4.0, 1.5, 2.1, 3.9, 4.2]})
    e = paired_effects(runs, "baseline", ["y"]).iloc[0]
    d = np.array([0.5, 0.1, 0.9, 0.2])
    half = 3.182446 * d.std(ddof=1) / 2  # t(0.975, 3 dof)
    assert e["diff"] == pytest.approx(d.mean()) and e["n_pairs"] == 4
    assert (e["ci_low"], e["ci_high"]) == pytest.approx((d.mean() - half, d.mean() + half))
