"""The fast subset of the validation checks (issue 8) must pass, and the checks must be able to fail.

Runs `experiments.studies.validation` with the fast settings (default region, 3 years, 3 seeds; the runs
are shared by the checks through one context), then asserts each check's verdict. The full set
runs with `python -m experiments validate`, which writes docs/VALIDATION.md.
"""

from __future__ import annotations

import pytest

from experiments.__main__ import main as cli
from experiments.studies.validation import Context, checks, run_checks
from experiments.studies import theory
from experiments.studies.common import Record, mean_ci
from experiments.studies.render import markdown

FAST_IDS = ["T1", "T2", "T3", "T4", "K1", "K2", "S1", "S3", "S5", "S6"]


@pytest.fixture(scope="module")
def fast():
    ctx = Context.make(True)
    return ctx, {r.id: r for r in run_checks(True, ctx)}


def test_fast_subset_is_the_declared_one():
    assert len(checks(True)) == len(FAST_IDS)
    assert len(checks(False)) > len(checks(True))


@pytest.mark.slow
@pytest.mark.parametrize("cid", FAST_IDS)
def test_fast_check_passes(fast, cid):
    rec = fast[1][cid]
    assert rec.source and rec.expected and rec.obtained
    assert rec.passed, f"{cid} failed: {rec.obtained}. {rec.note}"


def test_docking_fails_for_a_non_equilibrium_strategy():
    # the learning strategy with zero markup bids cost: the winning price is E[c_(1)], not the closed form
    rec = theory.first_price(Context.make(True), strategy="learning")
    assert not rec.passed


def test_stake_checks_can_fail():
    """Without a stake (β = 0, no blacklist) the paired differences K1 and K2 test are exactly 0, so
    their intervals cannot exclude 0 and the checks would fail."""
    from experiments.studies import stake as k

    ctx = Context.make(True)
    m = k._state(ctx, k.LOW_REP, 1)
    flat = {"delivery.award_sensitivity": 0.0}
    assert k.incumbent_efforts(m, {**k.HIGH_REP, **flat}) == k.incumbent_efforts(m, {**k.LOW_REP, **flat})
    assert k.incumbent_efforts(m, k.HIGH_REP)[0] > k.incumbent_efforts(m, k.LOW_REP)[0]
    off = {"blacklist.trigger": "none"}
    assert k.incumbent_cheating(m, {**k.STRONG_LIST, **off}) == k.incumbent_cheating(m, {**k.WEAK_LIST, **off})


def test_entry_harness_responds_to_bid_cost():
    assert theory.entrants(8, 2000.0, seed=1, rounds=20) > theory.entrants(8, 8000.0, seed=1, rounds=20)


def test_mean_ci_exact():
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0 and lo == pytest.approx(2 - 4.302652729911275 / 3 ** 0.5) and hi == pytest.approx(
        2 + 4.302652729911275 / 3 ** 0.5)
    assert mean_ci([5.0]) == (5.0, 5.0, 5.0)


@pytest.mark.slow
def test_report_has_table_and_sections(fast):
    ctx, recs = fast
    text = markdown(list(recs.values()), ctx)
    assert "| id | check |" in text
    for cid in FAST_IDS:
        assert f"### {cid}" in text
    bad = Record("X1", "t", "theory", "src", "", "e", "o", False, "n")
    assert "**FAIL**" in markdown([bad], ctx)


def test_cli_bad_out_is_one_line_error(tmp_path, capsys):
    code = cli(["validate", "--fast", "--out", str(tmp_path / "missing" / "V.md")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "missing").exists()
