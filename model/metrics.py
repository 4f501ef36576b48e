"""Every reported outcome, declared once: name, label, unit, meaning, aggregation (DESIGN.md "Outcomes").

Each month the model records raw numerators and denominators (``raw``): the month ledger
(model/ledger.py) flattened; ``num`` and ``den`` name its counters and ``Outcome.reads`` the
ledger fields behind them. An outcome is

- ``ratio``: num / den each month; over the run Σ num / Σ den (so rates weight every tender);
- ``mean``: the monthly value; over the run the mean of the months that have one;
- ``sum``: the monthly total; over the run the yearly average (total / years);
- ``last``: the monthly value; over the run the mean of the final 12 months.

Per-level variants (``_city``, ``_town``, ``_village``) use the level's numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.catalogue import LEVEL_NAMES
from model.ledger import raw_fields


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

    @property
    def reads(self) -> tuple[str, ...]:
        """The fields of the month ledger (model.ledger.MonthLedger) this outcome reads."""
        fields_of = raw_fields()
        return tuple(dict.fromkeys(fields_of[k] for k in (self.num, self.den) if k))


def _o(name, label, unit, meaning, over_time, num, den=None, by_level=False, mechanism=""):
    out = [Outcome(name, label, unit, meaning, over_time, num, den, "all", mechanism)]
    if by_level:
        for lvl in LEVEL_NAMES:
            out.append(Outcome(f"{name}_{lvl}", f"{label} ({lvl})", unit, f"{meaning} — {lvl} level",
                               over_time, f"{num}_{lvl}", f"{den}_{lvl}" if den else None, lvl, mechanism))
    return out


_DECL = [
    *_o("quality_delivered", "Quality delivered", "0–1", "mean true quality of contracted services, weighted "
        "by people served", "ratio", "q_people", "people", True, "P4, P7"),
    *_o("quality_measured", "Quality measured", "0–1", "mean quality recorded at inspections", "ratio",
        "measured_sum", "inspections", True, "S11"),
    *_o("gaming_gap", "Gaming gap", "0–1", "inspected quality minus the contract's mean true quality that "
        "year, over inspected contract-months (突击迎检)", "ratio", "gaming_gap_sum", "inspections", True, "P7"),
    *_o("noncontractible_quality", "Non-contractible quality", "0–1", "mean non-contractible quality "
        "delivered, weighted by people served", "ratio", "qn_people", "people", False, "HSV 1997"),
    *_o("contractible_quality", "Contractible quality", "0–1", "mean contractible quality delivered, "
        "weighted by people served", "ratio", "qc_people", "people", False, "HSV 1997"),
    *_o("coverage", "Coverage", "share", "share of demanded item-locations served (by contract or in-house), "
        "weighted by people", "ratio", "covered_people", "demand_people", False, "P3"),
    *_o("unserved_months", "Unserved slot-months", "slot-months/year", "item-locations bought but left "
        "unserved (procurement failed or contract terminated)", "sum", "unserved_slots", None, True, "P3"),
    *_o("adoption", "Adoption", "share", "share of catalogue item-locations bought rather than done in-house",
        "ratio", "bought_slots", "slots", True, "P1"),
    *_o("demand_value", "Demand-weighted value", "0–1", "quality of every item-location weighted by "
        "its households' demand (catalogue demand + local taste) and people (0 where unserved)", "ratio",
        "demand_q", "demand_w", True, "R3"),
    *_o("spend", "Spend", "yuan/year", "government payments to contractors and posts (incl. subsidies)",
        "sum", "spend", None, False, "S5"),
    *_o("admin_cost", "Administrative cost", "yuan/year", "procurement, approval and monitoring staff cost",
        "sum", "admin_cost", None, False, "S10, S11"),
    *_o("inhouse_cost", "In-house cost", "yuan/year", "cost of the items buyers provide themselves, "
        "incl. bought items until their contract starts (staff time, S1)", "sum", "inhouse_cost", None, False,
        "S1, S2"),
    *_o("inhouse_share", "In-house share", "share", "share of catalogue item-locations done in-house",
        "ratio", "inhouse_slots", "slots", False, "S1, P1"),
    *_o("cost_per_quality", "Cost per quality", "yuan per quality-unit", "(spend + admin cost) per "
        "quality-weighted contract-month", "ratio", "total_cost", "q_units", False, ""),
    *_o("tenders", "Procurement attempts", "attempts/year", "procurement attempts of every method, incl. "
        "repeats", "sum", "tenders", None, True, "S7"),
    *_o("bids_per_tender", "Bids per attempt", "bids", "mean bids or responses per procurement attempt",
        "ratio", "bids", "tenders", True, "P3"),
    *_o("notified_per_tender", "Firms notified per attempt", "firms", "mean firms that learned of a "
        "procurement attempt", "ratio", "notified", "tenders", True, "P2"),
    *_o("no_bid_rate", "No-bid rate", "share", "share of procurement attempts with no bid or response "
        "(无人揭榜)", "ratio", "no_bid", "tenders", True, "P3"),
    *_o("first_attempt_no_bid_rate", "First-attempt no-bid rate", "share", "share of orders' first "
        "procurement attempts with no bid or response", "ratio", "first_no_bid", "first_tenders", True, "P3"),
    *_o("unfilled_rate", "Unfilled rate", "share", "share of the year's planned orders dropped without a "
        "provider (still unfilled at year end)", "ratio", "unfilled", "orders", True, "P3"),
    *_o("single_bid_rate", "Single-bid rate", "share", "share of procurement attempts with exactly one bid "
        "or response", "ratio", "single_bid", "tenders", True, "P3"),
    *_o("failed_tender_rate", "Failed-attempt rate", "share", "share of procurement attempts failed for "
        "fewer bids than the method's minimum (废标)", "ratio", "failed", "tenders", True, "P3, P5"),
    *_o("price_to_reserve", "Price to reserve", "ratio", "mean winning price / reserve price of competitive procurements",
        "ratio", "ptr_sum", "ptr_n", True, "S7"),
    *_o("winner_capability", "Winner capability", "0–1", "mean capability of firms winning contracts",
        "ratio", "wincap_sum", "wincap_n", True, "P4"),
    *_o("local_share", "Local share", "share", "share of contract value won by local and grassroots firms",
        "ratio", "local_value", "award_value", False, "P6"),
    *_o("active_contractors", "Active contractors", "firms", "firms in business", "mean", "active_firms",
        None, False, "P6"),
    *_o("entries", "Entries", "firms/year", "new firms", "sum", "entries", None, False, "P6"),
    *_o("exits", "Exits", "firms/year", "firms that ran out of cash", "sum", "exits", None, False, "P6"),
    *_o("hhi", "HHI", "0–1", "Herfindahl index of active contract value by firm", "mean", "hhi", None,
        False, "P6"),
    *_o("fraud_attempts", "Fraud attempts", "contract-months/year", "contract-months with overclaimed pay",
        "sum", "fraud_attempts", None, False, "S13"),
    *_o("fraud_detected", "Fraud detected", "cases/year", "overclaims uncovered by audits or media", "sum",
        "fraud_detected", None, False, "S12, R5"),
    *_o("fraud_loss", "Fraud loss", "yuan/year", "overclaimed payments not recovered", "sum", "fraud_loss",
        None, False, "S13"),
    *_o("blacklisted", "Blacklisted firms", "firms", "firms currently listed", "mean", "blacklisted", None,
        False, "S13"),
    *_o("terminations", "Terminations", "contracts/year", "contracts terminated for fraud or exit", "sum",
        "terminations", None, False, "S13"),
    *_o("favouritism", "Favouritism", "commissions/year", "directed commissions given to a connected firm",
        "sum", "favoured", None, False, "S8, R6"),
    *_o("evaluation_score", "Evaluation score", "0–1", "mean year-end evaluation score", "ratio", "score_sum",
        "evaluated", True, "S14"),
    *_o("satisfaction", "Satisfaction", "0–1", "mean household satisfaction", "mean", "satisfaction", None,
        False, "P8"),
    *_o("trust", "Trust", "0–1", "mean household trust in government", "mean", "trust", None, False, "P8"),
    *_o("trust_final", "Final trust", "0–1", "mean household trust over the last year", "last", "trust",
        None, False, "P8"),
    *_o("complaints", "Complaints", "per 1,000 households per month", "complaints by households (by level: "
        "about that level's services, in proportion to their visible shortfall from expectations)", "mean",
        "complaints", None, True, "R5"),
]

#: The outcomes in display order.
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _DECL}


def report(model, name: str) -> float:
    """DataCollector reporter: the month's value of outcome ``name`` (bind with functools.partial)."""
    return model.month_values.get(name, np.nan)


def month_values(raw: dict[str, float]) -> dict[str, float]:
    """Outcome values of one month from its raw counters."""
    out = {}
    for o in OUTCOMES.values():
        if o.over_time == "ratio":
            den = raw.get(o.den, 0.0)
            out[o.name] = raw.get(o.num, 0.0) / den if den > 0 else np.nan
        elif o.over_time == "sum":  # a count or total with nothing recorded this month is 0
            out[o.name] = raw.get(o.num, 0.0)
        else:
            out[o.name] = raw.get(o.num, np.nan)
    return out


def summarise(raws: list[dict[str, float]], months_per_year: int = 12) -> dict[str, float]:
    """Outcomes over a whole run from its monthly raw counters."""
    years = len(raws) / months_per_year
    out = {}
    for o in OUTCOMES.values():
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
        else:
            out[o.name] = float(np.nanmean(num)) if np.isfinite(num).any() else np.nan
    return out
