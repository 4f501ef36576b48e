"""`python -m experiments explain` (issue 31): Shapley values over channel switches on planted value
functions, the command end to end on a fake model with planted channels and on a small real county,
and bad input in one line with exit status 2."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.analysis import explain as ex

FAKE = "tests.fakechannels:BACKEND"


def _all_sets(k: int) -> list[frozenset[int]]:
    return [frozenset(c) for n in range(k + 1) for c in itertools.combinations(range(k), n)]


def test_planted_channel_gets_everything():
    v = {s: np.full(3, 2.0 if 0 in s else 0.0) for s in _all_sets(4)}  # only channel 0 carries the effect
    phi = ex.shapley_exact(v, 4)
    assert phi[:, 0].tolist() == [2.0, 0.0, 0.0, 0.0]


def test_an_interaction_is_split_equally_between_its_channels():
    v = {s: np.array([1.0 if {1, 2} <= s else 0.0]) for s in _all_sets(3)}
    assert np.allclose(ex.shapley_exact(v, 3)[:, 0], [0.0, 0.5, 0.5])


def test_shapley_values_add_up_to_the_total_per_seed_and_sampling_converges_to_exact():
    rng = np.random.default_rng(1)
    k = 4
    v = {s: rng.normal(size=5) for s in _all_sets(k)}
    total = v[frozenset(range(k))] - v[frozenset()]
    exact = ex.shapley_exact(v, k)
    assert np.allclose(exact.sum(axis=0), total, atol=1e-12)
    every = list(itertools.permutations(range(k)))  # all k! orders: the sampled estimator is exact
    assert len(every) == math.factorial(k)
    sampled, mc = ex.shapley_sampled(v, k, every)
    assert np.allclose(sampled, exact, atol=1e-12) and np.all(np.isfinite(mc))
    few, mc_few = ex.shapley_sampled(v, k, ex.sample_permutations(k, 3, seed=0))
    assert np.allclose(few.sum(axis=0), total, atol=1e-12)  # each order telescopes to the total
    assert not np.allclose(few, exact) and np.all(mc_few > 0)


def test_variant_sets_cover_what_each_method_needs():
    assert len(ex.variant_sets(3, "exact")) == 8
    assert len(ex.variant_sets(3, "knockout")) == 5  # all on, all off, each one off
    perms = ex.sample_permutations(5, 2, seed=4)
    sets = ex.variant_sets(5, "sampled", perms)
    assert all(frozenset(p[:j]) in sets for p in perms for j in range(6)) and len(sets) < 32
    with pytest.raises(ValueError, match="method"):
        ex.variant_sets(3, "bogus")


def test_a_declared_channel_is_its_overrides_and_variants_that_coincide_share_runs():
    sets = [frozenset({0, 1}), frozenset({0}), frozenset({1}), frozenset()]
    points = [ex.variant_point(["a", "d"], s, {"d": {"x.y": 0}}) for s in sets]
    assert points == [{"channels.a": True}, {"channels.a": True, "x.y": 0}, {"channels.a": False},
                      {"channels.a": False, "x.y": 0}]
    runs = pd.DataFrame({"run_id": ["r1", "r2"], "y": [1.0, 2.0]})
    both = ex.variant_runs(runs, ["a", "d"], sets[:2], [["r1"], ["r1"]])  # d off changed nothing: one run
    assert list(both["channels.d"]) == [True, False] and list(both["y"]) == [1.0, 1.0]
    assert both["channels.a"].all()


def _fake_files(tmp_path: Path) -> Path:
    (tmp_path / "base.toml").write_text('[scenario]\nname = "baseline"\n')
    (tmp_path / "reform.toml").write_text('[scenario]\nname = "reform"\n[reform]\non = true\n')
    exp = tmp_path / "exp.toml"
    exp.write_text('[experiment]\nname = "fx"\nseed = 7\nreplications = 4\nyears = 2\n'
                   'scenarios = ["base.toml", "reform.toml"]\n')
    return exp


def _explain(exp: Path, out: Path, *extra: str) -> int:
    return main(["explain", str(exp), "--reform", "reform", "--outcome", "via_a,mixed", "--backend", FAKE,
                 "--executor", "serial", "--quiet", "--out", str(out), *extra])


def test_explain_finds_the_planted_channel_and_resumes(tmp_path, capsys):
    exp, out = _fake_files(tmp_path), tmp_path / "out"
    assert _explain(exp, out) == 0
    table = pd.read_parquet(out / "explain.parquet")
    sh = table[table["kind"] == "shapley"].set_index(["outcome", "channel"])
    assert sh.loc[("via_a", "a"), "share"] == pytest.approx(1.0, abs=1e-9)
    assert abs(sh.loc[("via_a", "b"), "share"]) < 1e-9 and abs(sh.loc[("via_a", "c"), "share"]) < 1e-9
    assert sh.loc[("mixed", "b"), "estimate"] == pytest.approx(0.3, abs=1e-9)  # the b·c interaction, halved
    for o in ("via_a", "mixed"):
        total = table[(table["outcome"] == o) & (table["kind"] == "total")]["estimate"].iloc[0]
        assert sh.loc[o, "estimate"].sum() == pytest.approx(total, abs=1e-9)
    assert table[(table["outcome"] == "mixed") & (table["channel"] == ex.ALL_OFF)]["estimate"].iloc[0] \
        == pytest.approx(0.5, abs=0.05)  # the part no channel carries stays when all are off
    md = (out / "explain.md").read_text()
    assert "Carried by a (100% of the total" in md and (out / "explain.zh.md").is_file()
    capsys.readouterr()
    assert _explain(exp, out) == 0
    assert "0 run now, 48 already done" in capsys.readouterr().out  # 8 variants × 2 arms × 3 seeds (the default)


def test_sampled_shapley_reports_monte_carlo_error(tmp_path):
    exp, out = _fake_files(tmp_path), tmp_path / "out"
    assert _explain(exp, out, "--shapley", "sampled", "--permutations", "3") == 0
    sh = pd.read_parquet(out / "explain.parquet").query("kind == 'shapley' and outcome == 'via_a'")
    assert (sh["method"] == "sampled").all() and (sh["permutations"] == 3).all()
    assert sh.set_index("channel").loc["a", "share"] == pytest.approx(1.0, abs=1e-9)  # a alone: every order agrees


@pytest.mark.parametrize("flag,value,message", [
    ("--channels", "a,zz", "--channels: unknown channel 'zz'; allowed: a, b, c"),
    ("--reform", "nope", "--reform: unknown reform 'nope'"),
    ("--outcome", "via_a,nothing", "--outcome: unknown outcome 'nothing'"),
    ("--permutations", "1", "--permutations: expected an integer >= 2"),
    ("--reform-start-year", "9", "reform_start_year: got 9; expected an integer from 1 to years = 2"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, capsys, flag, value, message):
    exp, out = _fake_files(tmp_path), tmp_path / "out"
    args = ["explain", str(exp), "--reform", "reform", "--outcome", "via_a", "--backend", FAKE, "--out", str(out)]
    i = args.index(flag) + 1 if flag in args else len(args)
    args = args[:i] + [value] + args[i + 1:] if flag in args else [*args, flag, value]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not out.exists()


def test_explain_on_a_small_county_end_to_end(tmp_path):
    out = tmp_path / "ex"
    code = main(["explain", "experiments/reform_package.toml", "--reform", "reform_package", "--outcome",
                 "service_quality", "--channels", "stake,buyer_learning", "--reps", "2", "--years", "2", "--reform-start-year", "1",
                 "--set", "burn_in_years=0", "--set", "region.n_towns=2", "--set", "region.villages_per_town=6",
                 "--executor", "serial", "--quiet", "--out", str(out)])
    assert code == 0
    table = pd.read_parquet(out / "explain.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 * 2 * 2  # 2^2 variants × 2 arms × 2 seeds
    assert set(table["kind"]) == {"effect", "effect_without", "knockout", "shapley", "total"}
    sh = table[table["kind"] == "shapley"]["estimate"].sum()
    assert sh == pytest.approx(table[table["kind"] == "total"]["estimate"].iloc[0], abs=1e-12)
    on = runs[runs["channels.stake"] & runs["channels.buyer_learning"]]
    paired = on.pivot(index="seed", columns="scenario", values="service_quality")
    effect = (paired["reform_package"] - paired["baseline"]).mean()
    assert table[table["channel"] == ex.ALL_ON]["estimate"].iloc[0] == pytest.approx(effect, abs=1e-12)
    assert (out / "figures" / "explain.png").stat().st_size > 10_000


def _explain_table(reform: str, outcome: str, shapley: dict[str, float], total: float) -> pd.DataFrame:
    """A hand-built explain table: Shapley values with tight intervals, their total clear of noise."""
    rows = [{"reform": reform, "baseline": "base", "outcome": outcome, "kind": "total", "channel": ex.TOTAL,
             "estimate": total, "ci_low": total * 0.9, "ci_high": total * 1.1, "share": np.nan}]
    rows += [{"reform": reform, "baseline": "base", "outcome": outcome, "kind": "shapley", "channel": c,
              "estimate": v, "ci_low": v - 0.01, "ci_high": v + 0.01, "share": v / total} for c, v in shapley.items()]
    return pd.DataFrame(rows).assign(se=0.01, mc_se=np.nan, n_seeds=10, method="exact", permutations=0)


def test_carriers_are_the_one_or_two_channels_that_carry_the_effect():
    one = _explain_table("r", "q", {"stake": 0.18, "blacklist": 0.01, "firm_entry": 0.01}, 0.2)
    assert ex.carriers(one, "r", "q")["channel"].tolist() == ["stake"]  # 90%: alone
    two = _explain_table("r", "q", {"stake": 0.1, "blacklist": 0.08, "firm_entry": 0.02}, 0.2)
    assert ex.carriers(two, "r", "q")["channel"].tolist() == ["stake", "blacklist"]
    noisy = two.assign(ci_low=np.where(two["kind"] == "total", -0.1, two["ci_low"]), share=np.nan)
    assert ex.carriers(noisy, "r", "q").empty  # a total within noise is carried by nothing


def test_without_shapley_the_carriers_are_the_knockouts_clear_of_noise():
    def row(kind, channel, est, lo, hi):
        return {"reform": "r", "baseline": "base", "outcome": "q", "kind": kind, "channel": channel, "estimate": est,
                "ci_low": lo, "ci_high": hi, "share": np.nan}
    rows = [row("effect", ex.ALL_ON, 0.2, 0.15, 0.25), row("knockout", "stake", 0.17, 0.12, 0.22),
            row("knockout", "blacklist", 0.05, -0.01, 0.11), row("knockout", "firm_exit", 0.01, 0.005, 0.015)]
    table = pd.DataFrame(rows).assign(se=0.01, mc_se=np.nan, n_seeds=5, method="knockout", permutations=0)
    top = ex.carriers(table, "r", "q")
    assert top["channel"].tolist() == ["stake"] and top["share"].iloc[0] == pytest.approx(0.85)  # blacklist: noise
    noisy = table.assign(ci_low=np.where(table["kind"] == "effect", -0.1, table["ci_low"]))
    assert ex.carriers(noisy, "r", "q").empty


def test_brief_names_the_channels_carrying_each_finding():
    from experiments.analysis.brief import brief_blocks
    from tests.test_brief import MANIFEST, META, _row

    d = pd.DataFrame([_row("good", "quality", 0.2, 0.1, 0.3, 0.01), _row("costly", "cost", 0.3, 0.1, 0.5, 0.01)])
    table = _explain_table("good", "quality", {"stake": 0.15, "entry_learning": 0.05}, 0.2)
    for lang, text in (("en", "It is carried by stake (75% of the total, +0.15 [+0.14, +0.16] 0–1) and entry "
                               "learning (25% of the total"), ("zh", "该效应主要来自")):
        _, blocks, _ = brief_blocks(d, MANIFEST, META, "base", lang, explained=(table, {}))
        items = next(b[1] for b in blocks if b[0] == "ul" and any("base" in i or "基线" in i for i in b[1]))
        assert sum(text in i for i in items) == 1, items  # the explained finding only; `costly` was not explained


def test_report_of_a_folder_holding_an_explain_table_has_the_section(tmp_path):
    out = tmp_path / "ex"
    assert main(["explain", "experiments/reform_package.toml", "--reform", "reform_package", "--outcome",
                 "service_quality", "--channels", "stake", "--reps", "2", "--years", "1", "--reform-start-year", "1", "--set", "burn_in_years=0",
                 "--set", "region.n_towns=1", "--set", "region.villages_per_town=4", "--executor", "serial",
                 "--quiet", "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Why the reform moves the outcomes: channels" in md
    assert (out / "figures" / "explain_reform_package.png").is_file()
