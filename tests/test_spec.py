"""Experiment files, samplers, seeds and run ids (experiments.engine.spec / samplers / validate)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fakemodel
from experiments.analysis.calibrate import load_calibration
from experiments.analysis.optimize import load_search
from experiments.engine.samplers import Design, Factor, expected_points, sample
from experiments.engine.spec import (SpecError, derive_seed, load_experiment, make_plan, parse_set,
                              run_id_of)

B = fakemodel.BACKEND


def write(folder: Path, name: str, text: str) -> Path:
    """Write a file and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture()
def scen(tmp_path: Path) -> Path:
    """A folder with two scenario files (baseline, scoring)."""
    write(tmp_path, "scenarios/baseline.toml", '[scenario]\nname = "baseline"\n')
    write(tmp_path, "scenarios/scoring.toml",
          '[scenario]\nname = "scoring"\n[procurement]\naward_rule = "scoring"\n')
    return tmp_path


def experiment(folder: Path, factors: str = "", extra: str = "") -> Path:
    """An experiment file over the two scenarios."""
    return write(folder, "exp.toml", f"""
[experiment]
name = "e"
seed = 11
replications = 3
years = 1
scenarios = ["scenarios/baseline.toml", "scenarios/scoring.toml"]
{extra}
{factors}
""")


def cont(*names: str, method: str, n: int, **kw) -> Design:
    """A continuous design over [0, 10] for each name."""
    return Design(method, tuple(Factor(x, low=0.0, high=10.0) for x in names), n, **kw)


def test_grid_is_full_product_in_file_order():
    d = Design("grid", (Factor("a", values=(1, 2, 3)), Factor("b", values=("x", "y")),
                        Factor("c", values=(True, False))))
    pts = sample(d, seed=1)
    assert len(pts) == expected_points(d) == 12
    assert [tuple(p.values()) for p in pts] == list(itertools.product((1, 2, 3), "xy",
                                                                      (True, False)))


def test_lhs_has_one_point_per_stratum_in_every_dimension():
    n = 40
    pts = sample(cont("a", "b", "c", method="lhs", n=n), seed=5)
    assert len(pts) == n
    for name in "abc":
        strata = sorted(int(p[name] / 10.0 * n) for p in pts)
        assert strata == list(range(n))
    assert sample(cont("a", "b", "c", method="lhs", n=n), seed=5) == pts
    assert sample(cont("a", "b", "c", method="lhs", n=n), seed=6) != pts


def test_sobol_is_saltelli_with_n_times_2d_plus_2_rows():
    from SALib.sample import sobol

    d = cont("a", "b", "c", method="sobol", n=16)
    pts = sample(d, seed=3)
    assert len(pts) == expected_points(d) == 16 * (2 * 3 + 2)
    ref = sobol.sample({"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 10]] * 3},
                       16, seed=3)
    assert np.allclose([[p[k] for k in "abc"] for p in pts], ref)
    first = cont("a", "b", method="sobol", n=8, second_order=False)
    assert len(sample(first, seed=3)) == 8 * (2 + 2)


def test_morris_gives_trajectories_of_d_plus_1_one_factor_steps():
    d = cont("a", "b", "c", "d", method="morris", n=6, levels=4)
    pts = sample(d, seed=2)
    assert len(pts) == expected_points(d) == 6 * (4 + 1)
    x = np.array([[p[k] for k in "abcd"] for p in pts]).reshape(6, 5, 4)
    steps = np.count_nonzero(np.diff(x, axis=1), axis=2)
    assert (steps == 1).all()
    assert set(np.round(x.ravel(), 6)) <= {0.0, round(10 / 3, 6), round(20 / 3, 6), 10.0}


def test_integer_factor_covers_its_range_uniformly():
    d = Design("lhs", (Factor("k", low=1, high=5, integer=True),), 50)
    values = [p["k"] for p in sample(d, seed=9)]
    assert all(isinstance(x, int) for x in values)
    assert sorted(set(values)) == [1, 2, 3, 4, 5]
    assert all(values.count(v) == 10 for v in range(1, 6))


def test_derive_seed_is_spawned_child_of_experiment_seed():
    ss = np.random.SeedSequence(123).spawn(4)[3]
    assert derive_seed(123, 3) == int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**63), st.integers(0, 10_000))
def test_derive_seed_is_deterministic_and_fits_int64(seed, k):
    s = derive_seed(seed, k)
    assert s == derive_seed(seed, k) and 0 <= s < 2**63
    assert s != derive_seed(seed, k + 1)


def test_plan_seeds_depend_on_replicate_only(scen):
    exp = load_experiment(experiment(scen, factors="""
[factors]
design = "grid"
"procurement.price_weight" = { values = [0.2, 0.5] }
delivery.inspectors = { values = [1, 3] }
"""), B)
    plan = make_plan(exp, B)
    assert len(plan.runs) == 2 * 4 * 3
    for run in plan.runs:
        assert run.seed == derive_seed(11, run.replicate)
    by_rep = {}
    for run in plan.runs:
        by_rep.setdefault(run.replicate, set()).add(run.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    ids = [r.run_id for r in plan.runs]
    assert len(set(ids)) == len(ids) and all(len(i) == 16 for i in ids)
    assert [r.run_id for r in make_plan(exp, B).runs] == ids
    other = make_plan(exp, B, seed=12)
    assert not set(ids) & {r.run_id for r in other.runs}


def test_run_id_hashes_scenario_params_seed_and_years():
    p = {"a": 1, "b": "x"}
    base = run_id_of("s", p, 1, 10)
    assert base == run_id_of("s", {"b": "x", "a": 1}, 1, 10)
    assert len({base, run_id_of("t", p, 1, 10), run_id_of("s", {"a": 2, "b": "x"}, 1, 10),
                run_id_of("s", p, 2, 10), run_id_of("s", p, 1, 9)}) == 5


def test_duplicate_points_run_once_but_stay_in_design(scen):
    exp = load_experiment(experiment(scen, factors="""
[factors]
design = "lhs"
samples = 8
"delivery.inspectors" = { range = [1, 2], integer = true }
"""), B)
    plan = make_plan(exp, B, replications=2)
    assert len(plan.design_rows) == 2 * 8 * 2
    assert len(plan.runs) == 2 * 2 * 2  # two distinct integer values per scenario


def test_cli_sets_apply_and_cannot_shadow_factors(scen):
    exp = load_experiment(experiment(scen), B)
    plan = make_plan(exp, B, sets=parse_set(["procurement.price_weight=0.5"]))
    assert plan.scenario_params["baseline"]["procurement.price_weight"] == 0.5
    fexp = load_experiment(experiment(scen, factors="""
[factors]
"procurement.price_weight" = { values = [0.2, 0.5] }
"""), B)
    with pytest.raises(SpecError, match="is a factor"):
        make_plan(fexp, B, sets={"procurement.price_weight": 0.4})


def test_parse_set_reads_toml_literals_and_bare_words():
    got = parse_set(["a.b=0.3", "c=scoring", "d=true", "e=[1, 2]", 'f="x y"', "g=3"])
    assert got == {"a.b": 0.3, "c": "scoring", "d": True, "e": [1, 2], "f": "x y", "g": 3}
    for bad in ["novalue", "=3", "a b=1", "a..b=1"]:
        with pytest.raises(SpecError, match="--set"):
            parse_set([bad])


def test_scenario_file_is_a_one_scenario_experiment(scen):
    exp = load_experiment(scen / "scenarios/scoring.toml", B)
    assert exp.kind == "scenario" and exp.name == "scoring" and exp.design is None
    plan = make_plan(exp, B, replications=4, years=2)
    assert len(plan.runs) == 4 and {r.years for r in plan.runs} == {2}
    assert plan.scenario_params["scoring"]["procurement.award_rule"] == "scoring"


def test_inline_scenarios_and_experiment_overrides(scen):
    path = write(scen, "inline.toml", """
[experiment]
name = "inline"
baseline = "base"
[[scenarios]]
path = "scenarios/baseline.toml"
name = "base"
[[scenarios]]
name = "wide"
description = "more inspectors"
overrides = { delivery.inspectors = 5 }
[overrides]
"region.towns" = 2
""")
    exp = load_experiment(path, B)
    plan = make_plan(exp, B, replications=1)
    assert [s.name for s in exp.scenarios] == ["base", "wide"] and exp.baseline == "base"
    assert plan.scenario_params["wide"]["delivery.inspectors"] == 5
    assert {p["region.towns"] for p in plan.scenario_params.values()} == {2}


BAD = [
    ("not toml [", "invalid TOML"),
    ('title = "x"', "neither an \\[experiment\\] nor a \\[scenario\\]"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\ncolour = 1', "experiment.colour: unknown key"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\nreplications = "5"', "experiment.replications"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\nreplications = 0', "experiment.replications"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\nseed = 1.5', "experiment.seed"),
    ('[experiment]\nname = "../up"\nscenarios = ["s.toml"]', "experiment.name"),
    ('[experiment]\nscenarios = ["s.toml"]', "experiment.name: missing"),
    ('[experiment]\nname = "e"', "experiment.scenarios: missing"),
    ('[experiment]\nname = "e"\nscenarios = []', "scenarios"),
    ('[experiment]\nname = "e"\nscenarios = ["nope.toml"]', "scenario file not found"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml", "s.toml"]', "duplicate scenario name"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\nbaseline = "zz"', "experiment.baseline"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\noutcomes = ["joy"]', "unknown outcome 'joy'"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\noutcomes = []', "experiment.outcomes"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\nexecutor = "gpu"', "experiment.executor"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[[scenarios]]\npath = "s.toml"', "both"),
    ('[experiment]\nname = "e"\n[[scenarios]]\npath = "s.toml"\nflavour = 1', r"scenarios\[0\].flavour"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[extra]\na = 1', "extra: unknown key"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "fancy"\n'
     '"a.b" = { values = [1] }', "factors.design: got 'fancy'; allowed: grid, lhs, sobol, morris"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "grid"', "no factors"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = { values = [] }',
     "factors.a.b.values"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = { values = [1, "x"] }',
     "all of one kind"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = { values = [1, 1] }',
     "distinct"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "lhs"\nsamples = 4\n'
     '"a.b" = { range = [2, 1] }', "factors.a.b.range.*lo < hi"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "lhs"\nsamples = 4\n'
     '"a.b" = { range = [1] }', "factors.a.b.range"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "lhs"\n'
     '"a.b" = { range = [1, 2] }', "factors.samples: missing"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "sobol"\nsamples = 10\n'
     '"a.b" = { range = [1, 2] }', "power of 2"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "lhs"\nsamples = 4\n'
     '"a.b" = { values = [1, 2] }', "needs range"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = { range = [1, 2] }',
     "grid.*needs values"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = { values = [1], step = 2 }',
     "factors.a.b.step: unknown key"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\n"a.b" = 3', "factors.a.b: got 3"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "morris"\nsamples = 4\n'
     'levels = 3\n"a.b" = { range = [1, 2] }', "factors.levels"),
    ('[experiment]\nname = "e"\nscenarios = ["s.toml"]\n[factors]\ndesign = "lhs"\nsamples = 4\n'
     '"a.b" = { range = [0.5, 2], integer = true }', "whole-number"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m for _, m in BAD])
def test_malformed_experiment_files_name_the_file_and_key(tmp_path, text, message):
    write(tmp_path, "s.toml", '[scenario]\nname = "s"\n')
    path = write(tmp_path, "exp.toml", text)
    with pytest.raises(SpecError, match=message) as info:
        load_experiment(path, B)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("factor,message", [
    ('"nosuch.param" = { values = [1, 2] }', "nosuch.param: unknown parameter"),
    ('"procurement.price_weight" = { values = [0.05, 0.5] }', "outside"),
    ('"procurement.award_rule" = { values = ["lowest_price", "lottery"] }', "lottery"),
])
def test_factors_are_validated_by_the_parameter_loader(scen, factor, message):
    exp = load_experiment(experiment(scen, factors=f"[factors]\n{factor}\n"), B)
    with pytest.raises(SpecError, match=message) as info:
        make_plan(exp, B)
    assert "exp.toml: factors, point" in str(info.value)


def test_missing_experiment_file(tmp_path):
    with pytest.raises(SpecError, match="file not found"):
        load_experiment(tmp_path / "nope.toml", B)


def _is_experiment_or_scenario(path: Path) -> bool:
    """Calibration-target and policy-search files ([calibration], [search]) have their own tests."""
    import tomllib

    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    return "calibration" not in tables and "search" not in tables


SHIPPED = [p for p in sorted(Path(__file__).resolve().parent.parent.glob("experiments/*.toml"))
           if _is_experiment_or_scenario(p)] + sorted(
    Path(__file__).resolve().parent.parent.glob("experiments/scenarios/*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_experiment_and_scenario_files_plan_with_the_real_model(path):
    pytest.importorskip("model.simulate")
    from experiments.engine.backend import REAL

    exp = load_experiment(path, REAL)
    plan = make_plan(exp, REAL, replications=2)
    assert len(plan.runs) == len(plan.design_rows) >= 2 * len(exp.scenarios)
    assert all(r.years >= 1 for r in plan.runs)
    short = make_plan(exp, REAL, replications=1, years=2, sets={"burn_in_years": 0},  # --years is written into the tree
                      reform_start_year=1)
    assert {r.years for r in short.runs} == {2}
    assert all(p.get("years", 2) == 2 for p in short.scenario_params.values())


@pytest.mark.parametrize("extra,sets,blame", [
    ('[overrides]\n"region.towns" = "many"', {}, "exp.toml: overrides (scenario 'baseline')"),
    ("", {"delivery.inspectors": 1.5}, "baseline.toml (scenario 'baseline')"),
])
def test_parameter_errors_blame_the_layer_that_set_the_value(scen, extra, sets, blame):
    exp = load_experiment(experiment(scen, factors=extra), B)
    with pytest.raises(SpecError) as info:
        make_plan(exp, B, sets=sets)
    assert blame in str(info.value) and "overrides: overrides" not in str(info.value)


@pytest.mark.parametrize("load, text, message", [
    (load_calibration, "[targets]\n", "calibration: missing table [calibration]"),
    (load_calibration, "[calibration]\nseed = -1\n", "calibration.seed: expected an integer >= 0, got -1"),
    (load_calibration, "[calibration]\nbudget = 0\n", "calibration.budget: expected an integer >= 1, got 0"),
    (load_calibration, "[calibration]\nbudgets = 3\n", "calibration.budgets: unknown key"),
    (load_search, "x = 1\n", "x: unknown key; allowed: search, overrides, levers, shares, constraints"),
    (load_search, "[overrides]\n", "search: missing table [search]"),
    (load_search, "[search]\nbatch = 1\n", "search.batch: expected an integer >= 2, got 1"),
    (load_search, "[search]\nseed = -1\n", "search.seed: expected an integer >= 0, got -1"),
    (load_search, "[search]\ntrials = 0\n", "search.trials: expected an integer >= 1, got 0"),
    (load_search, "[search]\npace = 1\n", "search.pace: unknown key"),
])
def test_bad_head_table_of_calibration_and_search_files(tmp_path, load, text, message):
    """Both files go through validate.head_table and int_settings: one message naming the key."""
    path = tmp_path / "f.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as err:
        load(path, B)
    assert message in str(err.value)
