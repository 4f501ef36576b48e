"""The month ledger (model/ledger.py): typed fields, reset each month, and every declared outcome
(model/metrics.py) reads counters the ledger has."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from model import ProcurementModel, load_params
from model.ledger import MonthLedger, per_level, raw_fields
from model.metrics import OUTCOMES

SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}


@pytest.mark.parametrize("name", list(OUTCOMES))
def test_every_outcome_reads_ledger_fields(name):
    o = OUTCOMES[name]
    counters = raw_fields()
    ledger_fields = {f.name for f in fields(MonthLedger)}
    if o.over_time == "gap":  # the difference of two declared (non-gap) outcomes, declared before it
        order = list(OUTCOMES)
        assert len(o.of) == 2 and all(OUTCOMES[k].over_time != "gap" for k in o.of)
        assert all(order.index(k) < order.index(name) for k in o.of)
        assert o.reads and set(o.reads) <= ledger_fields
        return
    assert o.num in counters, f"{name}: numerator {o.num!r} is no counter of the month ledger"
    assert o.den is None or o.den in counters, f"{name}: denominator {o.den!r} is no counter of the ledger"
    assert o.reads and set(o.reads) <= ledger_fields


def test_a_misspelt_field_is_an_error_not_a_silent_zero():
    led = MonthLedger(n_towns=2)
    with pytest.raises(AttributeError):
        led.spned = 1.0  # noqa: B010 - slots: no new attributes
    with pytest.raises(AttributeError):
        led.spned += 1.0


def test_reset_zeroes_every_field_and_raw_flattens_levels():
    led = MonthLedger(n_towns=4)
    led.spend += 5.0
    led.tenders += per_level(np.array([0, 2, 2]), np.ones(3))
    led.complaints, led.complaints_levels[:] = 7.0, [1.0, 2.0, 3.0]
    raw = led.raw()
    assert raw["spend"] == 5.0 and raw["tenders"] == 3.0
    assert (raw["tenders_city"], raw["tenders_town"], raw["tenders_village"]) == (1.0, 0.0, 2.0)
    assert raw["complaints"] == 7.0 and raw["complaints_town"] == 2.0  # a separate total, not the sum
    assert set(raw) == set(raw_fields())
    led.reset()
    assert all(v == 0.0 for v in led.raw().values())
    assert led.scandals_town.shape == (4,) and len(led.active_rows) == 0


def test_the_months_raw_counters_are_the_ledgers():
    m = ProcurementModel(load_params(None, SMALL), seed=2)
    m.run(1)
    assert all(set(r) == set(raw_fields()) for r in m.raws)
    assert m.raws[-1] == m.ledger.raw()
    assert sum(r["tenders"] for r in m.raws) > 0 and sum(r["spend"] for r in m.raws) > 0
