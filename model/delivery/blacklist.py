"""Blacklist policies: trigger, scope and duration, each registered by name (seed S13, R5).

A listed firm is screened out of the tenders of the buyers its scope covers until its listing
ends; the no-major-violation check of screening reads the same record (``listed_at``).
A *published* scope (``public``) also publishes the listing on the disclosure platform: the firm
loses its business outside the region (a year of overhead) and the listing is a scandal
citizens see.

Each policy names its source and legal status: current law bars a listed supplier from
government procurement for 1–3 years nationwide (Government Procurement Law art. 77); buyer-only
and city-only lists and permanent listing are counterfactuals.
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from model.memory import PairMemory
from model.registry import Registry

LAW = "Government Procurement Law art. 77"
CURRENT, COUNTERFACTUAL = "current law", "counterfactual"


@dataclass(frozen=True)
class Trigger:
    """Which events list a firm ("fraud": detected overclaims; "failing": repeated failing scores)."""

    name: str
    events: frozenset[str]
    status: str = CURRENT
    source: str = LAW
    label_zh: str = ""


@dataclass(frozen=True)
class Scope:
    """Who excludes a listed firm and whether the listing is published. What a listing costs a
    firm follows from these (model/delivery/stake.py ``listing_loss``)."""

    name: str
    citywide: bool
    published: bool
    status: str = COUNTERFACTUAL
    source: str = LAW
    label_zh: str = ""


@dataclass(frozen=True)
class Duration:
    """How long a listing lasts (``months``; −1 = permanent: a firm weighs its whole horizon)."""

    name: str
    months: int
    status: str = CURRENT
    source: str = LAW
    label_zh: str = ""


#: Which events list a firm, by ``blacklist.trigger``.
TRIGGERS: Registry[Trigger] = Registry(
    "blacklist trigger",
    Trigger("none", frozenset(), COUNTERFACTUAL, "no listing", "不列入黑名单"),
    Trigger("fraud", frozenset({"fraud"}), label_zh="弄虚作假、冒领资金"),
    Trigger("failing", frozenset({"failing"}), COUNTERFACTUAL, "seed S14; the law lists for violations, not scores",
            "多次考评不合格"),
    Trigger("both", frozenset({"fraud", "failing"}), COUNTERFACTUAL, "seed S13, S14", "冒领资金或多次考评不合格"),
)

#: Who excludes a listed firm, by ``blacklist.scope``.
SCOPES: Registry[Scope] = Registry(
    "blacklist scope",
    Scope("buyer", citywide=False, published=False, label_zh="仅本购买单位"),
    Scope("city", citywide=True, published=False, source=f"{LAW}; seed S13", label_zh="全市"),
    Scope("public", citywide=True, published=True, status=CURRENT,
          source=f"{LAW}; seed R5 (公示平台)", label_zh="公开（公示平台）"),
)

#: How long a listing lasts, by ``blacklist.duration``.
DURATIONS: Registry[Duration] = Registry(
    "blacklist duration",
    Duration("none", 0, COUNTERFACTUAL, "no listing", "不列入"),
    Duration("1y", 12, label_zh="1 年"),
    Duration("3y", 36, label_zh="3 年"),
    Duration("permanent", -1, COUNTERFACTUAL, label_zh="永久"),
)


class Blacklist:
    """Listings of one run.

    Args:
        trigger, scope, duration: policy names (see the registries above).
        enabled: ``channels.blacklist``; off, no firm is ever listed.
    """

    def __init__(self, trigger: str, scope: str, duration: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.triggers = TRIGGERS[trigger].events
        self.scope = SCOPES[scope]
        self.months = DURATIONS[duration].months
        self.by_buyer = PairMemory(default=-1.0)  # until-month of buyer-scope listings

    def listed(self, buyer, firm: np.ndarray, firms, month: int) -> np.ndarray:
        """Mask of (buyer, firm) pairs where the firm is excluded this month. ``buyer``: the pairs'
        buyers, or a function giving them (called only when the scope is per buyer)."""
        if self.scope.citywide:  # per firm, then per pair
            return self.listed_firms(firms, month)[firm]
        mine = self.by_buyer.get(buyer() if callable(buyer) else buyer, firm)
        return (mine == -2) | (mine >= month)

    def listed_firms(self, firms, month: int) -> np.ndarray | None:
        """Per firm: excluded by every buyer this month (a city-wide listing); None under a
        per-buyer scope (whether a firm is excluded depends on the buyer: :meth:`listed`)."""
        if not self.scope.citywide:
            return None
        until = firms.listed_until
        return (until < 0) & (firms.listed_at >= 0) | (until >= month)

    def list_firms(self, event: str, buyer: np.ndarray, firm: np.ndarray, firms, month: int) -> np.ndarray:
        """List firms for ``event`` ("fraud" or "failing") if the trigger covers it.

        Returns:
            The firm rows newly listed (empty when the policy does not list for this event).
        """
        if not self.enabled or event not in self.triggers or self.months == 0 or len(firm) == 0:
            return np.zeros(0, np.int64)
        until = -1 if self.months < 0 else month + self.months
        firms.col("listed_at")[firm] = month
        if self.scope.citywide:
            firms.col("listed_until")[firm] = until
        else:
            self.by_buyer.set(buyer, firm, np.full(len(firm), -2.0 if until < 0 else float(until)))
        return np.unique(firm)

    def count(self, firms, month: int) -> int:
        """Firms currently listed (city-wide listings, or firms listed by any buyer)."""
        if self.scope.citywide:
            on = firms.active & (((firms.listed_until < 0) & (firms.listed_at >= 0)) | (firms.listed_until >= month))
            return int(on.sum())
        v = self.by_buyer.values
        live = (v == -2) | (v >= month)
        return int(len(np.unique(self.by_buyer.keys[live] & 0xFFFFFFFF)))
