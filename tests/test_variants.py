"""Policies are classes in explicit registries: a new variant is one class added to its registry.

Each test here registers a toy variant for its own duration only (``Registry.added``) — nothing
else is edited — and runs a short model with it, checking that the variant did what it says.
These are the steps of docs/internals.md "How to add ...".
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest

from model import ProcurementModel, load_params
from model.app import model_params, monitoring_presets
from model.delivery.blacklist import DURATIONS, SCOPES, Duration, Scope
from model.delivery.evaluation import EVALUATIONS, EvaluationRule
from model.delivery.monitoring import REGIMES, Regime
from model.param_channels import DECLARED, Channel, MechanismChannels
from model.params import ParamError, reference_rows
from model.procurement.award import AWARD_RULES, AwardRule, Bids, _first_per_tender
from model.catalogue import OPEN
from model.procurement.batch import AWARDED
from model.procurement.compete import compete
from model.procurement.market import METHODS, Method
from model.procurement.method import BELOW, SELECTORS, band
from model.registry import Registry

SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}
#: Dishonest firms audited often: overclaims are found and firms listed within two years.
FRAUDULENT = {**SMALL, "fraud.audit_prob": 0.3, "fraud.audit_detect": 1.0, "fraud.overclaim_share": 0.5,
              "fraud.fine_multiple": 0.0, "firms.local.honesty_mean": 0.05,
              "firms.grassroots.honesty_mean": 0.05, "firms.strong.honesty_mean": 0.05,
              **{f"firms.{k}.initial_honesty_min": 0.0 for k in ("strong", "local", "grassroots")},
              "blacklist.trigger": "fraud"}


def _allowed(path: str) -> str:
    return next(r["allowed"] for r in reference_rows() if r["path"] == path)


def test_a_new_blacklist_duration_lists_firms_for_its_months():
    """The issue's crash: a "5y" duration now needs one registry entry and nothing else."""
    with DURATIONS.added(Duration("5y", months=60, status="counterfactual", source="test")):
        assert '"5y"' in _allowed("blacklist.duration")
        m = ProcurementModel(load_params(None, {**FRAUDULENT, "blacklist.duration": "5y"}), seed=4,
                             check_invariants=True).run(2)
    f = m.firms
    listed = np.flatnonzero(f.listed_at >= 0)
    assert len(listed) > 0, "the toy run lists firms"
    np.testing.assert_array_equal(f.listed_until[listed] - f.listed_at[listed], 60)
    assert m.summary()["blacklisted"] > 0


def test_a_new_published_scope_is_read_through_its_published_flag():
    """Publication follows the scope's ``published`` flag, whatever the scope is called."""
    with SCOPES.added(Scope("region_gazette", citywide=True, published=True)):
        runs = {s: ProcurementModel(load_params(None, {**FRAUDULENT, "blacklist.scope": s}), seed=4).run(2)
                for s in ("city", "region_gazette")}
    scandals = {s: sum(r["scandals"] for r in m.raws) for s, m in runs.items()}
    assert scandals["city"] == 0 and scandals["region_gazette"] > 0


class BestTechnical(AwardRule):
    """Toy rule: the highest technical score wins; the firm's stake is its reputation only."""

    name = "best_technical"
    status = "counterfactual"

    def __init__(self) -> None:
        self.calls = 0

    def winners(self, b: Bids, weights: dict[str, float]) -> np.ndarray:
        self.calls += 1
        order = np.lexsort((b.firm, b.price, -b.tech, b.tender))
        return _first_per_tender(order, b.tender, b.n_tenders)

    def stake_weights(self, p) -> tuple[float, float]:
        return 0.5, 0.0


def test_a_new_award_rule_chooses_winners_and_sets_the_firms_stake():
    rule = BestTechnical()
    with AWARD_RULES.added(rule):
        assert "best_technical" in model_params(load_params(), "")["award_rule"]["values"]
        m = ProcurementModel(load_params(None, {**SMALL, "procurement.award_rule": "best_technical"}),
                             seed=3, check_invariants=True).run(1)
        from model.delivery.stake import award_weights

        assert award_weights(m.p) == (0.5, 0.0)
    assert rule.calls > 0 and m.summary()["tenders"] > 0
    base = ProcurementModel(load_params(None, SMALL), seed=3).run(1)
    assert m.summary()["winner_capability"] != base.summary()["winner_capability"]


class EveryMonth(Regime):
    """Toy regime: every active contract is inspected every month (known in advance)."""

    name = "every_month"

    def inspect(self, m, rows, month_of_contract, u):
        return np.ones(len(rows)), np.ones(len(rows), bool)


def test_a_new_monitoring_regime_inspects_as_it_says():
    with REGIMES.added(EveryMonth()):
        assert "every_month" in monitoring_presets()
        m = ProcurementModel(load_params(None, {**SMALL, "monitoring.regimes": ["every_month"]}), seed=2)
        inspected = []
        for _ in range(8):
            m.step()
            inspected.append((m.raws[-1]["inspections"], len(m.ledger.active_rows)))
    assert all(n == rows for n, rows in inspected) and inspected[-1][1] > 0


class KpiOnly(EvaluationRule):
    """Toy evaluation: the score is the KPI completion (mean contractible quality) alone."""

    name = "kpi_only"
    status = "counterfactual"

    def scores(self, p, mean_meas, n_insp, mean_qc, rating):
        return np.clip(mean_qc, 0, 1)


def test_a_new_evaluation_rule_scores_contracts():
    with EVALUATIONS.added(KpiOnly()):
        m = ProcurementModel(load_params(None, {**SMALL, "evaluation.rule": "kpi_only"}), seed=6,
                             check_invariants=True).run(1)
    c = m.contracts
    done = np.flatnonzero(np.isfinite(c.score) & ~c.terminated)
    assert len(done) > 0
    np.testing.assert_array_equal(c.score[done], np.clip(c.sum_qc[done] / np.maximum(c.months[done], 1), 0, 1))


class TeamOnCall(Method):
    """Toy method: small tender items are given to the buyer's own on-call team at their value."""

    name = "team_on_call"
    priority = 0.5  # before the band methods (2) and public tender (3), after posts (0)
    status = "counterfactual"

    def claims(self, m, o):
        return (o.cat_mode == OPEN) & (o.value < 40_000)

    def run(self, m, b, res, rows):
        res.winner[rows], res.price[rows], res.cost[rows] = -2, b.value[rows], b.value[rows]
        res.capability[rows], res.honesty[rows], res.reason[rows] = 0.5, 1.0, AWARDED


def test_a_new_procurement_method_claims_orders_and_runs_them():
    with METHODS.added(TeamOnCall()):
        m = ProcurementModel(load_params(None, SMALL), seed=5, check_invariants=True).run(1)
        log = m.tender_log()
    mine = log[log["mode"] == "team_on_call"]
    assert len(mine) > 0 and (mine["winner"] == -2).all() and (mine["outcome"] == "awarded").all()
    assert (mine["value"] < 40_000).all()
    base = ProcurementModel(load_params(None, SMALL), seed=5).run(1).tender_log()
    assert (base["mode"] == "jiebang_posting").sum() > (log["mode"] == "jiebang_posting").sum()


class PairPosting(Method):
    """Toy method a county may choose for small items (role "small"): a posting that needs two volunteers."""

    name = "pair_posting"
    priority = 2.0
    status = "counterfactual"
    legal_min = 2
    roles = ("small",)

    def claims(self, m, o):
        return (o.cat_mode == OPEN) & (band(m, o.value) == BELOW) & (m.p.procurement.small_method == self.name)

    def run(self, m, b, res, rows):
        compete(m, b, res, rows, self.legal_min)


def test_a_new_method_for_a_role_is_chosen_by_its_selector():
    chosen = {**SMALL, "procurement.small_method": "pair_posting"}
    with pytest.raises(ParamError, match=r"^overrides: procurement.small_method = 'pair_posting': .*; "
                                         r'allowed: "unit_self" \| "jiebang_posting"$'):
        load_params(None, chosen)
    with METHODS.added(PairPosting()):
        assert _allowed("procurement.small_method") == '"unit_self" | "jiebang_posting" | "pair_posting"'
        assert _allowed("procurement.middle_method") == '"competitive_consultation" | "competitive_negotiation"'
        m = ProcurementModel(load_params(None, chosen), seed=5, check_invariants=True).run(1)
        log = m.tender_log()
    mine = log[log["mode"] == "pair_posting"]
    assert len(mine) > 100 and (mine["value"] < m.p.procurement.decentralised_limit_yuan).all()
    awarded = mine[mine["outcome"] == "awarded"]
    assert len(awarded) > 0 and (awarded["bids"] >= 2).all()
    assert (mine["outcome"] != "awarded").sum() > 0, "a single volunteer no longer suffices"
    assert not (log["mode"] == "jiebang_posting").any()


def test_a_method_is_refused_for_a_role_it_does_not_declare():
    with METHODS.added(TeamOnCall()):
        with pytest.raises(ParamError, match="procurement.small_method = 'team_on_call': not a procurement method "
                                             "for the role 'small'"):
            load_params(None, {"procurement.small_method": "team_on_call"})
        with pytest.raises(ParamError, match="^parameters: procurement.fallback = 'team_on_call'"):
            ProcurementModel(load_params(None, SMALL), procurement__fallback="team_on_call")


class PayWithheld(Channel):
    """Toy channel declared by its parameter values: no pay withheld until the year-end evaluation."""

    name = "pay_withheld"
    meaning = "off: no pay is withheld until the year-end evaluation (evaluation.withhold_share = 0)"
    zh = "渠道：尾款扣留（示例）"

    def off(self):
        return {"evaluation.withhold_share": 0.0}


def test_a_new_channel_is_analysed_by_explain_and_its_off_does_what_it_says(tmp_path):
    from experiments.__main__ import main
    from experiments.commands.explain import _choose
    from experiments.engine.backend import REAL
    from experiments.engine.spec import load_experiment

    out = tmp_path / "ex"
    exp = load_experiment("experiments/reform_package.toml", REAL)
    args = argparse.Namespace(reform="reform_package", outcome="trust", channels=None, shapley="none")
    with DECLARED.added(PayWithheld()):
        assert _choose(args, exp, REAL)[1] == [*MechanismChannels.model_fields, "pay_withheld"]
        code = main(["explain", "experiments/reform_package.toml", "--reform", "reform_package", "--outcome",
                     "effort_contractible", "--channels", "stake,pay_withheld", "--reps", "2", "--years", "1",
                     "--reform-start-year", "1", "--set", "burn_in_years=0", "--set", "region.n_towns=2",
                     "--set", "region.villages_per_town=6", "--executor", "serial", "--quiet", "--out", str(out)])
    assert code == 0 and "pay_withheld" not in DECLARED
    runs, table = pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "explain.parquet")
    assert len(runs) == 4 * 2 * 2  # 2^2 variants × 2 arms × 2 seeds
    assert set(table.loc[table["kind"] == "shapley", "channel"]) == {"stake", "pay_withheld"}
    withheld = runs["evaluation.withhold_share"].isna()  # on: the scenario's own share; off: 0
    assert (runs.loc[~withheld, "evaluation.withhold_share"] == 0).all() and withheld.sum() == 8
    on, off = (runs[runs["channels.stake"] & w].groupby(["scenario", "seed"])["effort_contractible"].mean()
               for w in (withheld, ~withheld))
    assert (off < on).all(), "without pay at stake firms spend less effort on contractible quality"
    assert "| 尾款扣留（示例） |" in (out / "explain.zh.md").read_text(encoding="utf-8"), "labelled by its zh"


def test_the_method_codes_are_the_registry_positions():
    from model.procurement.market import code

    assert [code(n) for n in METHODS.names()] == list(range(len(METHODS)))
    assert METHODS.names()[:3] == ("public_tender", "unit_self", "post_outsourcing")
    assert all(METHODS[n].source and METHODS[n].status for n in METHODS.names())
    assert all(set(METHODS[n].roles) <= set(SELECTORS) for n in METHODS.names()), "a role no parameter chooses"


def test_unregistered_names_are_refused_and_registries_stay_clean():
    with pytest.raises(ParamError, match="unknown blacklist duration '5y'"):
        load_params(None, {"blacklist.duration": "5y"})
    assert "5y" not in DURATIONS and "best_technical" not in AWARD_RULES and "every_month" not in REGIMES
    reg = Registry("toy", Duration("a", 1))
    with pytest.raises(ValueError, match="already registered"):
        with reg.added(Duration("a", 2)):
            pass
    with pytest.raises(KeyError, match="allowed"):
        reg["b"]
