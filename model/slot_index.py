"""The slots' fixed groupings: which slots serve which village, town and level (built once per run)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.world import CITY, TOWN, VILLAGE


@dataclass(frozen=True)
class SlotIndex:
    """Per-slot groupings and sums that do not change during a run (slots are fixed), built once
    by the model (``model.slot_index``): the same elements, in the same order, as masking by
    level each month.

    Attributes:
        vs, v_of: village-level slot rows and their village. ts, t_of: town-level slot rows and
            their town. cs: city-level slot rows.
        town_rank, town_shape: column of every town slot in a towns × slots table, and its shape.
        weight: Σ w of each level's slots serving each village (3, villages), w = visibility × demand.
        level: level of every slot (int64). slots_by_level: slots per level.
        people_sum, people_by_level: people of all slots and by level. dw: local demand × people of every slot; dw_sum, dw_by_level
            its sum and sums by level. value: the item's annual value of every slot (yuan/year).
        work: staff work of every slot if done in-house, in typical items of its level: the item's
            value over the mean value of the catalogue items of that level (staff time grows with
            the item's size, as its in-house cost does; ``model.entities.buyer.work_units``).
    """

    vs: np.ndarray
    v_of: np.ndarray
    ts: np.ndarray
    t_of: np.ndarray
    cs: np.ndarray
    town_rank: np.ndarray
    town_shape: tuple[int, int]
    weight: np.ndarray
    level: np.ndarray
    slots_by_level: np.ndarray
    people_sum: float
    people_by_level: np.ndarray
    dw: np.ndarray
    dw_sum: float
    dw_by_level: np.ndarray
    value: np.ndarray
    work: np.ndarray

    @classmethod
    def build(cls, slots, cat, geo, w: np.ndarray) -> "SlotIndex":
        """Index the slots of a world (``w``: visibility × demand of every slot)."""
        vs, ts, cs = (np.flatnonzero(slots.level == lvl) for lvl in (VILLAGE, TOWN, CITY))
        v_of, t_of = slots.village[vs], slots.town[ts]
        per_town = np.bincount(t_of, minlength=geo.n_towns)
        rank = np.empty(len(ts), np.int64)
        by_town = np.argsort(t_of, kind="stable")
        rank[by_town] = np.arange(len(ts)) - np.repeat(np.cumsum(per_town) - per_town, per_town)
        weight = np.stack([np.full(geo.n_villages, w[cs].sum()),
                           np.bincount(t_of, weights=w[ts], minlength=geo.n_towns)[geo.village_town],
                           np.bincount(v_of, weights=w[vs], minlength=geo.n_villages)])
        level = slots.level.astype(np.int64)
        dw = np.clip(cat.demand[slots.item] + slots.taste, 0, None) * slots.people  # local demand × people
        typical = np.array([cat.value[cat.level == lvl].mean() for lvl in (CITY, TOWN, VILLAGE)])
        return cls(vs=vs, v_of=v_of, ts=ts, t_of=t_of, cs=cs, town_rank=rank,
                   town_shape=(geo.n_towns, int(per_town.max(initial=0))), weight=weight, level=level,
                   slots_by_level=np.bincount(level, minlength=3), people_sum=float(slots.people.sum()),
                   people_by_level=np.bincount(level, weights=slots.people, minlength=3), dw=dw,
                   dw_sum=float(dw.sum()), dw_by_level=np.bincount(level, weights=dw, minlength=3),
                   value=cat.value[slots.item], work=cat.value[slots.item] / typical[level])
