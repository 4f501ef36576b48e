"""Blacklist policies: trigger, scope and duration, each registered by name (seed S13, R5).

A listed firm is screened out of the tenders of the buyers its scope covers until its listing
ends; the no-major-violation check of screening reads the same record (``listed_at``).
``public`` scope also publishes the listing on the disclosure platform: the firm loses its
business outside the region (a year of overhead) and the listing is a scandal citizens see.
"""

from __future__ import annotations

import numpy as np

from model.memory import PairMemory

#: Months a listing lasts (−1 = permanent).
DURATIONS: dict[str, int] = {"none": 0, "1y": 12, "3y": 36, "permanent": -1}

#: Which events list a firm.
TRIGGERS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "fraud": frozenset({"fraud"}),
    "failing": frozenset({"failing"}),
    "both": frozenset({"fraud", "failing"}),
}

#: Who excludes a listed firm, and whether the listing is published.
SCOPES: dict[str, dict[str, bool]] = {
    "buyer": {"citywide": False, "published": False},
    "city": {"citywide": True, "published": False},
    "public": {"citywide": True, "published": True},
}


class Blacklist:
    """Listings of one run.

    Args:
        trigger, scope, duration: policy names (see the dicts above).
    """

    def __init__(self, trigger: str, scope: str, duration: str) -> None:
        self.triggers = TRIGGERS[trigger]
        self.scope = SCOPES[scope]
        self.months = DURATIONS[duration]
        self.by_buyer = PairMemory(default=-1.0)  # until-month of buyer-scope listings

    def listed(self, buyer: np.ndarray, firm: np.ndarray, firms, month: int) -> np.ndarray:
        """Mask of (buyer, firm) pairs where the firm is excluded this month."""
        until = firms.listed_until[firm]
        city = (until < 0) & (firms.listed_at[firm] >= 0) | (until >= month)
        if self.scope["citywide"]:
            return city
        mine = self.by_buyer.get(buyer, firm)
        return (mine == -2) | (mine >= month)

    def list_firms(self, event: str, buyer: np.ndarray, firm: np.ndarray, firms, month: int) -> np.ndarray:
        """List firms for ``event`` ("fraud" or "failing") if the trigger covers it.

        Returns:
            The firm rows newly listed (empty when the policy does not list for this event).
        """
        if event not in self.triggers or self.months == 0 or len(firm) == 0:
            return np.zeros(0, np.int64)
        until = -1 if self.months < 0 else month + self.months
        firms.col("listed_at")[firm] = month
        if self.scope["citywide"]:
            firms.col("listed_until")[firm] = until
        else:
            self.by_buyer.set(buyer, firm, np.full(len(firm), -2.0 if until < 0 else float(until)))
        return np.unique(firm)

    def count(self, firms, month: int) -> int:
        """Firms currently listed (city-wide listings, or firms listed by any buyer)."""
        if self.scope["citywide"]:
            on = firms.active & (((firms.listed_until < 0) & (firms.listed_at >= 0)) | (firms.listed_until >= month))
            return int(on.sum())
        v = self.by_buyer.values
        live = (v == -2) | (v >= month)
        return int(len(np.unique(self.by_buyer.keys[live] & 0xFFFFFFFF)))
