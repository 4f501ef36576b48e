"""Outcomes by place: distance bands from the county centre.

Every household lives in a village, and every village lies in one of :data:`N_BANDS` bands of
its distance from the county centre (0, 0) of width ``w = region.distance_band_km``: band 1 is
0 to w, band 2 w to 2w, band 3 2w to 3w, band 4 3w and beyond (10 km by default, the bands of
the village no-bid decomposition, docs/NOBID.md).

A slot serves the households of one village (village level), of its town's villages (town
level) or of every village (city level). :class:`PlaceIndex` splits every slot's people over
the bands of the villages it serves, so that each month (:func:`close_bands`)

- a band's *quality delivered* is the true quality of the contracted services serving its
  households at the month's end, weighted by people: a household counts every contract that
  serves it, its village's, its town's and the city's;
- a band's *coverage* is the share of its households' item-locations served (by contract or
  in-house), weighted by people;
- a band's *satisfaction* is the mean satisfaction of its households (written by the citizens
  phase, :func:`satisfaction_by_band`);
- a band's *no-bid rate* is the share of procurement attempts with no bid among those for a
  place in the band (the village, the town buyer of a lot or a town item, the city at the centre;
  the place's distance of the tender log's ``distance_km``), written by
  ``records.record_procurements``.

Summed over the bands, the people of every slot are its people, so the bands partition the
region's totals. The same counters over village-level slots only (``*_village_band``) give the
village services of the villages in each band: far villages' own services against those of the
villages near the centre, without the city's and towns' services that every household shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.units import N_BANDS
from model.world import CITY, SLOT_SERVED, TOWN, VILLAGE, Geography, Slots, staff_provided

if TYPE_CHECKING:
    from model.ledger import MonthLedger



def band_of(dist_km: np.ndarray, width_km: float) -> np.ndarray:
    """Band (0 … N_BANDS − 1) of places ``dist_km`` km from the county centre (bands ``width_km`` wide)."""
    return np.minimum(np.floor(dist_km / width_km), N_BANDS - 1).astype(np.int64)


def village_band(geo: Geography, width_km: float) -> np.ndarray:
    """Band (0 … N_BANDS − 1) of every village.

    Args:
        geo: the region's places (km).
        width_km: width of a band (km).
    """
    return band_of(np.hypot(geo.village_xy[:, 0], geo.village_xy[:, 1]), width_km)


@dataclass(frozen=True)
class PlaceIndex:
    """Who lives where, built once per run (slots, villages and households do not move).

    Attributes:
        band: band of every village (V,).
        slot_people: people of every slot living in each band (S, N_BANDS); rows sum to the slot's
            people.
        village_slot_people: ``slot_people`` of village-level slots, 0 on the other rows.
        weights: ``slot_people`` and ``village_slot_people`` side by side (S, 2 N_BANDS), so one
            matrix product gives every band counter of the month.
        demand: people of all slots by band (N_BANDS,): Σ over slots of ``slot_people``.
        village_demand: people of village-level slots by band (N_BANDS,): Σ of ``village_slot_people``.
        household_band: band of every household (H,).
        households: households by band (N_BANDS,).
        village_start: first household of every village when households are stored village by
            village, each village with at least one (as the world builds them), else None.
    """

    band: np.ndarray
    slot_people: np.ndarray
    village_slot_people: np.ndarray
    weights: np.ndarray
    demand: np.ndarray
    village_demand: np.ndarray
    household_band: np.ndarray
    households: np.ndarray
    village_start: np.ndarray | None

    @classmethod
    def build(cls, slots: Slots, geo: Geography, household_village: np.ndarray, width_km: float) -> "PlaceIndex":
        """Index the places of a world (``width_km``: ``region.distance_band_km``)."""
        band = village_band(geo, width_km)
        villages = np.zeros((geo.n_villages, N_BANDS))
        villages[np.arange(geo.n_villages), band] = 1.0
        towns = np.zeros((geo.n_towns, N_BANDS))
        np.add.at(towns, geo.village_town, villages)
        level = slots.level[:, None]
        served = np.where(level == VILLAGE, villages[np.maximum(slots.village, 0)],
                          np.where(level == TOWN, towns[np.maximum(slots.town, 0)],
                                   np.where(level == CITY, villages.sum(axis=0), 0.0)))
        each = slots.people / np.maximum(served.sum(axis=1), 1.0)  # people per village served
        slot_people = served * each[:, None]
        household_band = band[household_village]
        per_village = np.bincount(household_village, minlength=geo.n_villages)
        stored = bool(np.all(np.diff(household_village) >= 0)) and bool(np.all(per_village > 0))
        village_slot_people = np.where(level == VILLAGE, slot_people, 0.0)
        return cls(band=band, slot_people=slot_people, village_slot_people=village_slot_people,
                   weights=np.hstack([slot_people, village_slot_people]), demand=slot_people.sum(axis=0),
                   village_demand=village_slot_people.sum(axis=0),
                   household_band=household_band,
                   households=np.bincount(household_band, minlength=N_BANDS).astype(float),
                   village_start=np.cumsum(per_village) - per_village if stored else None)


def close_bands(led: MonthLedger, pi: PlaceIndex, state: np.ndarray, q_slot: np.ndarray) -> None:
    """The month-end band counters of the ledger ``led`` (``state``: every slot's state,
    ``q_slot``: its true quality, ``State.slot_quality``)."""
    served = state == SLOT_SERVED
    # one product: rows quality × served, served, served or in-house; columns all slots' bands, then village slots'
    sums = np.stack([q_slot * served, served, served | staff_provided(state)]) @ pi.weights
    all_, vil = sums[:, :N_BANDS], sums[:, N_BANDS:]
    led.q_people_band, led.people_band, led.covered_people_band = all_
    led.q_village_band, led.people_village_band, led.covered_village_band = vil
    led.demand_people_band, led.demand_village_band = pi.demand, pi.village_demand


def satisfaction_by_band(led: MonthLedger, pi: PlaceIndex, sat: np.ndarray) -> None:
    """The band counters of the citizens phase: Σ household satisfaction (``sat``: every household's)
    and households by band."""
    if pi.village_start is not None:  # village sums first: ~10x cheaper than a bincount over households
        led.satisfaction_band = np.bincount(pi.band, weights=np.add.reduceat(sat, pi.village_start), minlength=N_BANDS)
    else:
        led.satisfaction_band = np.bincount(pi.household_band, weights=sat, minlength=N_BANDS)
    led.households_band = pi.households
