"""Phase "citizens": households perceive the services where they live; complaints raise alerts
(the households' rules are model/entities/citizens.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import places, records
from model.delivery.monitoring import REGIMES
from model.units import PER_THOUSAND
from model.world import SLOT_UNSERVED

if TYPE_CHECKING:
    from model.state import State


def citizens_phase(m: State) -> None:
    """Phase: households perceive services where they live; complaints raise alerts."""
    q = m.slot_quality()
    unserved = m.slot_state == SLOT_UNSERVED
    index_v, unserved_v = records.village_index(m, q, unserved)
    about = records.shortfall_shares(m, q, m.citizens.expectation_by_village())
    led = m.ledger
    stats = m.citizens.step(index_v, unserved_v, led.scandals_town)
    led.satisfaction, led.trust = stats["satisfaction"], stats["trust"]
    led.complaints, led.perceived = stats["complaints"], stats["perceived"]
    places.satisfaction_by_band(led, m.place_index, m.citizens.satisfaction)
    per_village = m.citizens.complaint_rate * m.citizens.per_village
    for i in range(len(led.complaints_levels)):  # complaints about each level's services
        led.complaints_levels[i] = float(about[i] @ per_village) * PER_THOUSAND / len(m.citizens.village)
    if any(REGIMES[r].alerts for r in m.p.monitoring.regimes):
        _alerts(m)


def _alerts(m: State) -> None:
    """Contracts where complaints exceed ``monitoring.complaint_trigger`` get an inspection next month."""
    c, geo = m.contracts, m.world.geo
    rate_v = m.citizens.complaint_rate
    rate_t = np.bincount(geo.village_town, weights=rate_v, minlength=geo.n_towns) / np.maximum(
        np.bincount(geo.village_town, minlength=geo.n_towns), 1)
    rows = np.flatnonzero(c.active)
    v, t = c.village[rows], c.town[rows]
    rate = np.where(v >= 0, rate_v[np.maximum(v, 0)], np.where(t >= 0, rate_t[np.maximum(t, 0)], rate_v.mean()))
    c.col("alert")[:] = False
    c.col("alert")[rows] = rate >= m.p.monitoring.complaint_trigger
