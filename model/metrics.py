"""Every reported outcome, declared once: name, label, unit, meaning, aggregation.

Each month the model records raw numerators and denominators (``raw``): the month ledger
(model/ledger.py) flattened; ``num`` and ``den`` name its counters and ``Outcome.reads`` the
ledger fields behind them. An outcome is

- ``ratio``: num / den each month; over the run Σ num / Σ den (so rates weight every tender);
- ``mean``: the monthly value; over the run the mean of the months that have one;
- ``sum``: the monthly total; over the run the yearly average (total / years);
- ``last``: the monthly value; over the run the mean of the final 12 months;
- ``gap``: the difference of two other outcomes (``of``), month by month and over the run.

"Over the run" leaves out the warm-up, the first ``Params.burn_in_years`` years (the monthly
series keep every month).

Per-level variants (``_city``, ``_town``, ``_village``) use the level's numerator and denominator.
Per-band variants (``_band1`` … ``_band4``, the distance bands from the county centre of
model/places.py) are ratios of the band's counters; the ``place_gap_*`` outcomes are band 4 (the
far villages) minus band 1 (the villages nearest the centre).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from model.catalogue import LEVEL_NAMES
from model.i18n import level_zh
from model.ledger import raw_fields
from model.units import N_BANDS
from model.units import MONTHS_PER_YEAR, check_horizon


@dataclass(frozen=True)
class Outcome:
    """One declared outcome."""

    name: str
    label: str
    unit: str
    meaning: str
    over_time: str          # "ratio" | "mean" | "sum" | "last"
    num: str
    den: str | None = None
    level: str = "all"
    mechanism: str = ""
    label_zh: str = ""      # the Chinese label (the article's term where it has one)
    band: int = 0           # distance band (1 nearest the centre … N_BANDS), 0 when not a band variant
    of: tuple[str, ...] = ()  # a ``gap``: (minuend, subtrahend) outcome names

    @property
    def reads(self) -> tuple[str, ...]:
        """The fields of the month ledger (model.ledger.MonthLedger) this outcome reads."""
        if self.of:
            return tuple(dict.fromkeys(f for name in self.of for f in OUTCOMES[name].reads))
        fields_of = raw_fields()
        return tuple(dict.fromkeys(fields_of[k] for k in (self.num, self.den) if k))


def _o(name, label, unit, meaning, over_time, num, den=None, by_level=False, mechanism="", bands=None,
       village_bands=None):
    """Declare an outcome (with its per-level variants, and per-band variants when ``bands`` names
    the band counters ``(numerator, denominator)``; ``village_bands`` those of the village level's
    services); ``label`` is ``(English, Chinese)``."""
    en, zh = label
    out = [Outcome(name, en, unit, meaning, over_time, num, den, "all", mechanism, zh)]
    if by_level:
        for lvl in LEVEL_NAMES:
            out.append(Outcome(f"{name}_{lvl}", f"{en} ({lvl})", unit, f"{meaning} — {lvl} level",
                               over_time, f"{num}_{lvl}", f"{den}_{lvl}" if den else None, lvl, mechanism,
                               f"{zh}（{level_zh(lvl)}）"))
    out += _band_variants(name, en, zh, unit, meaning, mechanism, bands)
    out += _band_variants(f"{name}_village", f"{en} (village)", f"{zh}（{level_zh('village')}）", unit,
                          f"{meaning} — village level", mechanism, village_bands, "village")
    return out


def _band_variants(name, en, zh, unit, meaning, mechanism, bands, level="all"):
    """The per-band variants of an outcome (none when ``bands`` is None)."""
    return [Outcome(f"{name}_band{b}", f"{en} (distance band {b})", unit, f"{meaning} — distance band {b} from the "
                    "county centre (model/places.py)", "ratio", f"{bands[0]}{b}", f"{bands[1]}{b}", level, mechanism,
                    f"{zh}（距县城第{b}距离带）", band=b) for b in range(1, N_BANDS + 1)] if bands else []


def _gap(name, label, unit, outcome, worse="negative", mechanism="model/places.py"):
    """Declare the far-minus-centre gap of a per-band outcome: band N_BANDS minus band 1."""
    en, zh = label
    return Outcome(name, en, unit, f"{outcome} in the farthest distance band from the county centre minus in the "
                   f"nearest band ({worse}: the far villages fare worse)",
                   "gap", "", None, "all", mechanism, zh, of=(f"{outcome}_band{N_BANDS}", f"{outcome}_band1"))


_DECL = [
    *_o("quality_delivered", ("Quality delivered", "实际服务质量"), "0–1", "mean true quality of contracted services, weighted "
        "by people served", "ratio", "q_people", "people", True, "P4, P7", ("q_people_band", "people_band"),
        ("q_village_band", "people_village_band")),
    *_o("quality_measured", ("Quality measured", "检查所测质量"), "0–1", "mean quality recorded at inspections", "ratio",
        "measured_sum", "inspections", True, "S11"),
    *_o("gaming_gap", ("Gaming gap", "突击迎检差距"), "0–1", "inspected quality minus the contract's mean true quality that "
        "year, over inspected contract-months (突击迎检)", "ratio", "gaming_gap_sum", "inspections", True, "P7"),
    *_o("noncontractible_quality", ("Non-contractible quality", "不可契约化质量"), "0–1", "mean non-contractible quality "
        "delivered, weighted by people served", "ratio", "qn_people", "people", False, "HSV 1997"),
    *_o("contractible_quality", ("Contractible quality", "可契约化质量"), "0–1", "mean contractible quality delivered, "
        "weighted by people served", "ratio", "qc_people", "people", False, "HSV 1997"),
    *_o("effort_contractible", ("Contractible effort", "可合约化努力"), "0–1", "mean effort firms put on contractible quality, "
        "over active contract-months (incentives, not selection)", "ratio", "effort_c_sum", "effort_months",
        False, "HSV 1997; model/delivery/stake.py"),
    *_o("effort_noncontractible", ("Non-contractible effort", "不可合约化努力"), "0–1", "mean effort firms put on "
        "non-contractible quality, over active contract-months (incentives, not selection)", "ratio",
        "effort_n_sum", "effort_months", False, "HSV 1997; model/delivery/stake.py"),
    *_o("coverage", ("Coverage", "服务覆盖率"), "share", "share of demanded item-locations served (by contract or in-house), "
        "weighted by people", "ratio", "covered_people", "demand_people", True, "P3",
        ("covered_people_band", "demand_people_band"), ("covered_village_band", "demand_village_band")),
    *_o("unserved_months", ("Unserved slot-months", "未获服务的项点·月"), "slot-months/year", "item-locations bought but left "
        "unserved (procurement failed or contract terminated)", "sum", "unserved_slots", None, True, "P3"),
    *_o("adoption", ("Adoption", "购买服务采用率"), "share", "share of catalogue item-locations bought rather than done in-house",
        "ratio", "bought_slots", "slots", True, "P1"),
    *_o("demand_value", ("Demand-weighted value", "需求加权价值（百姓点菜）"), "0–1", "quality of every item-location weighted by "
        "its households' demand (catalogue demand + local taste) and people (0 where unserved)", "ratio",
        "demand_q", "demand_w", True, "R3"),
    *_o("spend", ("Spend", "购买服务支出"), "yuan/year", "government payments to contractors and posts (incl. subsidies)",
        "sum", "spend", None, False, "S5"),
    *_o("admin_cost", ("Administrative cost", "行政成本"), "yuan/year", "procurement, approval and monitoring staff cost",
        "sum", "admin_cost", None, False, "S10, S11"),
    *_o("inhouse_cost", ("In-house cost", "自办成本"), "yuan/year", "cost of the items buyers provide themselves, "
        "incl. bought items until their contract starts (staff time, S1)", "sum", "inhouse_cost", None, False,
        "S1, S2"),
    *_o("inhouse_share", ("In-house share", "自办比例"), "share", "share of catalogue item-locations done in-house",
        "ratio", "inhouse_slots", "slots", False, "S1, P1"),
    *_o("reform_cost", ("Reforms' own cost", "改革实施成本"), "yuan/year", "running costs of the reforms in force "
        "(publicity, KPI design, disclosure platform, citizens' rating, demand survey, incubation; model/costs.py)",
        "sum", "reform_cost", None, False, "R1–R6"),
    *_o("public_cost", ("Full public cost", "公共财政总成本"), "yuan/year", "spend + admin cost + in-house cost + "
        "reforms' own cost − overclaims repaid and fines", "sum", "public_cost", None, False, "S1, S5, S10, S11"),
    *_o("service_quality", ("Service quality", "服务质量（按人口加权）"), "0–1", "quality of every demanded "
        "item-location, by contract or in-house (0 where unserved), weighted by the people it serves", "ratio",
        "q_all_people", "demand_people", True, "P3, P4"),
    *_o("service_quality_unweighted", ("Quality of every service, unweighted", "全部服务质量（未加权）"), "0–1",
        "mean quality of every catalogue item-location: by contract or in-house, 0 where unserved (each "
        "item-location counts once, whatever the people it serves)", "ratio", "q_units", "slots", False, "P3, P4"),
    *_o("unmet_demand", ("Unmet demand", "未满足需求"), "share", "people-weighted share of demanded item-locations "
        "with no provider (a failed or ended contract awaiting a new attempt; 1 − coverage)", "ratio",
        "unserved_people", "demand_people", True, "P3"),
    *_o("cost_per_quality", ("Cost per quality", "单位质量成本"), "yuan per quality-person", "full public cost per "
        "people-weighted quality unit: public_cost over Σ quality × people of every item-location (the "
        "numerator of service_quality), per month", "ratio", "public_cost", "q_all_people", False, ""),
    *_o("tenders", ("Procurement attempts", "采购次数"), "attempts/year", "procurement attempts of every method, incl. "
        "repeats", "sum", "tenders", None, True, "S7"),
    *_o("bids_per_tender", ("Bids per attempt", "每次采购的投标（响应）数"), "bids", "mean bids or responses per procurement attempt",
        "ratio", "bids", "tenders", True, "P3"),
    *_o("notified_per_tender", ("Firms notified per attempt", "每次采购获知信息的企业数"), "firms", "mean firms that learned of a "
        "procurement attempt", "ratio", "notified", "tenders", True, "P2"),
    *_o("no_bid_rate", ("No-bid rate", "无人揭榜率"), "share", "share of procurement attempts with no bid or response "
        "(无人揭榜)", "ratio", "no_bid", "tenders", True, "P3", ("no_bid_band", "tenders_band")),
    *_o("first_attempt_no_bid_rate", ("First-attempt no-bid rate", "首次采购无人揭榜率"), "share", "share of orders' first "
        "procurement attempts with no bid or response", "ratio", "first_no_bid", "first_tenders", True, "P3"),
    *_o("unfilled_rate", ("Unfilled rate", "未落实率（年末仍无承接方）"), "share", "share of the year's planned orders dropped without a "
        "provider (still unfilled at year end)", "ratio", "unfilled", "orders", True, "P3"),
    *_o("single_bid_rate", ("Single-bid rate", "单一投标率"), "share", "share of procurement attempts with exactly one bid "
        "or response", "ratio", "single_bid", "tenders", True, "P3"),
    *_o("failed_tender_rate", ("Failed-attempt rate", "废标率"), "share", "share of procurement attempts failed for "
        "fewer bids than the method's minimum (废标)", "ratio", "failed", "tenders", True, "P3, P5"),
    *_o("price_to_reserve", ("Price to reserve", "中标价/预算价"), "ratio", "mean winning price / reserve price of competitive procurements",
        "ratio", "ptr_sum", "ptr_n", True, "S7"),
    *_o("first_attempt_failed_rate", ("First-attempt failure rate", "首次采购失败率（流标）"), "share", "share of orders' "
        "first procurement attempts not awarded, for any reason (no bid, too few bids, none acceptable: 流标 per "
        "project)", "ratio", "first_failed", "first_tenders", True, "P3"),
    *_o("contract_to_budget", ("Contract value to budget", "实际采购金额/采购预算"), "ratio", "value-weighted "
        "contract value / budget (price / reserve × term) of awarded government-procurement attempts (the "
        "statistics' 实际采购金额 / 采购计划金额)", "ratio", "gp_won_price", "gp_won_budget", True, "S7"),
    *_o("gp_projects", ("Government-procurement projects", "政府采购项目数"), "projects/year", "orders first put to a "
        "government-procurement method (public tender, consultation, negotiation, single source, framework)",
        "sum", "gp_projects", None, True, "S7"),
    *_o("gp_project_budget", ("Mean budget per government-procurement project", "政府采购项目平均预算"), "yuan",
        "mean budget (reserve × term) of those projects", "ratio", "gp_budget", "gp_projects", True, "S7"),
    *_o("winner_capability", ("Winner capability", "中标方能力"), "0–1", "mean capability of firms winning contracts",
        "ratio", "wincap_sum", "wincap_n", True, "P4"),
    *_o("local_share", ("Local share", "本地承接比例"), "share", "share of contract value won by local and grassroots firms",
        "ratio", "local_value", "award_value", False, "P6"),
    *_o("active_contractors", ("Active contractors", "在营承接主体"), "firms", "firms in business", "mean", "active_firms",
        None, False, "P6"),
    *_o("active_grassroots", ("Active grassroots suppliers", "在营基层承接主体"), "firms", "grassroots firms and social "
        "organisations in business", "mean", "active_grassroots", None, False, "P6"),
    *_o("entries", ("Entries", "新进入承接主体"), "firms/year", "new firms", "sum", "entries", None, False, "P6"),
    *_o("exits", ("Exits", "退出承接主体"), "firms/year", "firms that exited after sustained insolvency or repeated "
        "loss-making years (model/entities/finance.py)", "sum", "exits", None, False, "P6"),
    *_o("hhi", ("HHI", "市场集中度 HHI"), "0–1", "Herfindahl index of active contract value by firm", "mean", "hhi", None,
        False, "P6"),
    *_o("fraud_attempts", ("Fraud attempts", "冒领资金次数"), "contract-months/year", "contract-months with overclaimed pay",
        "sum", "fraud_attempts", None, False, "S13"),
    *_o("fraud_detected", ("Fraud detected", "查出冒领资金"), "cases/year", "overclaims uncovered by audits or media", "sum",
        "fraud_detected", None, False, "S12, R5"),
    *_o("fraud_loss", ("Fraud loss", "冒领资金损失"), "yuan/year", "overclaimed payments not recovered", "sum", "fraud_loss",
        None, False, "S13"),
    *_o("blacklisted", ("Blacklisted firms", "黑名单企业"), "firms", "firms currently listed", "mean", "blacklisted", None,
        False, "S13"),
    *_o("terminations", ("Terminations", "合同终止"), "contracts/year", "contracts terminated for fraud or exit", "sum",
        "terminations", None, False, "S13"),
    *_o("favouritism", ("Favouritism", "关系委托"), "commissions/year", "directed commissions given to a connected firm",
        "sum", "favoured", None, False, "S8, R6"),
    *_o("evaluation_score", ("Evaluation score", "考评得分"), "0–1", "mean year-end evaluation score", "ratio", "score_sum",
        "evaluated", True, "S14"),
    *_o("satisfaction", ("Satisfaction", "群众满意度"), "0–1", "mean household satisfaction", "mean", "satisfaction", None,
        False, "P8", ("satisfaction_band", "households_band")),
    _gap("place_gap_quality", ("Place gap: quality delivered", "远近差距：实际服务质量"), "0–1", "quality_delivered"),
    _gap("place_gap_coverage", ("Place gap: coverage", "远近差距：服务覆盖率"), "share", "coverage"),
    _gap("place_gap_village_quality", ("Place gap: village services' quality", "远近差距：村级服务质量"), "0–1",
         "quality_delivered_village"),
    _gap("place_gap_village_coverage", ("Place gap: village services' coverage", "远近差距：村级服务覆盖率"), "share",
         "coverage_village"),
    _gap("place_gap_no_bid", ("Place gap: no-bid rate", "远近差距：无人揭榜率"), "share", "no_bid_rate", "positive"),
    _gap("place_gap_satisfaction", ("Place gap: satisfaction", "远近差距：群众满意度"), "0–1", "satisfaction"),
    *_o("trust", ("Trust", "政府信任度"), "0–1", "mean household trust in government", "mean", "trust", None, False, "P8"),
    *_o("trust_final", ("Final trust", "期末政府信任度"), "0–1", "mean household trust over the last year", "last", "trust",
        None, False, "P8"),
    *_o("complaints", ("Complaints", "群众投诉"), "per 1,000 households per month", "complaints by households (by level: "
        "about that level's services, in proportion to their visible shortfall from expectations)", "mean",
        "complaints", None, True, "R5"),
]

#: The outcomes in display order.
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _DECL}

#: The ``gap`` outcomes (computed after the outcomes they subtract).
GAPS: tuple[str, ...] = tuple(o.name for o in _DECL if o.over_time == "gap")


SUMMARY_PREFIX = "summary_"
"""DataCollector column prefix of the run's summary outcomes (filled in the run's last month)."""


def report_summary(model, name: str) -> float:
    """DataCollector reporter: NaN before the run's last month (``params.years``), then the run's
    summary of outcome ``name`` (computed once per model)."""
    if model.month < MONTHS_PER_YEAR * model.p.years:
        return np.nan
    cached = model.final_summary
    if cached is None or cached[0] != model.month:
        model.final_summary = cached = (model.month, model.summary())
    return cached[1][name]


def report(model, name: str) -> float:
    """DataCollector reporter: the month's value of outcome ``name`` (bind with functools.partial)."""
    return model.month_values.get(name, np.nan)


def month_values(raw: dict[str, float]) -> dict[str, float]:
    """Outcome values of one month from its raw counters (a ``ratio`` is NaN when its denominator
    is not positive; a ``gap`` is the difference of two outcomes; a missing counter counts 0 in a ``ratio`` or ``sum``, NaN otherwise)."""
    plan = _month_plan()
    num = np.array([raw.get(k, d) for k, d in plan.num], dtype=float)
    den = np.array([raw.get(k, 0.0) for k in plan.den], dtype=float)
    ratio = np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)
    return _gaps(dict(zip(plan.names, np.where(plan.is_ratio, ratio, num).tolist())))


@dataclass(frozen=True)
class _MonthPlan:
    """The outcomes as arrays for :func:`month_values`: names, (numerator, default) and denominator
    counters, and which are ratios."""

    names: tuple[str, ...]
    num: tuple[tuple[str, float], ...]
    den: tuple[str, ...]
    is_ratio: np.ndarray


@cache
def _month_plan() -> _MonthPlan:
    outs = [o for o in OUTCOMES.values() if o.over_time != "gap"]  # gaps: _gaps
    return _MonthPlan(names=tuple(o.name for o in outs),
                      num=tuple((o.num, 0.0 if o.over_time in ("ratio", "sum") else np.nan) for o in outs),
                      den=tuple(o.den or "" for o in outs),
                      is_ratio=np.array([o.over_time == "ratio" for o in outs]))


def _gaps(out: dict[str, float]) -> dict[str, float]:
    """Fill the ``gap`` outcomes of ``out`` from the outcomes they subtract (in declaration order)."""
    for name in GAPS:
        a, b = OUTCOMES[name].of
        out[name] = out[a] - out[b]
    return {name: out[name] for name in OUTCOMES}


def summarise(raws: list[dict[str, float]], months_per_year: int = MONTHS_PER_YEAR,
              burn_in_months: int = 0) -> dict[str, float]:
    """Outcomes over a run from its monthly raw counters, leaving out the warm-up.

    Args:
        raws: the run's monthly raw counters, month 1 first.
        months_per_year: months in a year (12).
        burn_in_months: the first months left out (``Params.burn_in_years`` × 12); a ``last``
            outcome still reads the final 12 months.

    Raises:
        ValueError: the run is no longer than its warm-up.
    """
    check_horizon(len(raws) / months_per_year, burn_in_months / months_per_year)
    raws = raws[burn_in_months:]
    years = len(raws) / months_per_year
    out = {}
    for o in OUTCOMES.values():
        if o.over_time == "gap":
            continue
        num = np.array([r.get(o.num, np.nan) for r in raws], dtype=float)
        if o.over_time == "ratio":
            den = np.array([r.get(o.den, 0.0) for r in raws], dtype=float)
            total = np.nansum(den)
            out[o.name] = float(np.nansum(num) / total) if total > 0 else np.nan
        elif o.over_time == "sum":
            out[o.name] = float(np.nansum(num) / years) if years else np.nan
        elif o.over_time == "last":
            tail = num[-months_per_year:]
            out[o.name] = float(np.nanmean(tail)) if np.isfinite(tail).any() else np.nan
        elif o.over_time != "gap":
            out[o.name] = float(np.nanmean(num)) if np.isfinite(num).any() else np.nan
    return _gaps(out)
