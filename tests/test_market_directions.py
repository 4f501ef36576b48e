"""Directional tests of the procurement market on the default region (issue 3, "Done when").

Each arm runs the default region for its default 10 years with the same fixed seeds; the named
random streams make arms that share a seed paired comparisons. A direction must hold for the mean
over seeds and (where it is a policy contrast) for the paired difference in every seed.
Whole file: 35 runs (7 arms × 5 seeds), ≈ 50 s.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from model.param_tree import Params
from model.simulate import simulate

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3, 4, 5)

ARMS: dict[str, dict] = {
    "baseline": {},
    "lots": {"procurement.lots": True},
    "provincial_platform": {"procurement.channel_village": "provincial_platform"},
    "city_website": {"procurement.channel_village": "city_website"},
    "subsidy_5000": {"procurement.mobilisation_subsidy_yuan": 5000.0},
    "price_weight_0.2": {"procurement.award_rule": "scoring", "scoring.price_weight": 0.2,
                         "scoring.technical_weight": 0.6, "scoring.reputation_weight": 0.2,
                         "scoring.citizen_weight": 0.0},
    "price_weight_0.8": {"procurement.award_rule": "scoring", "scoring.price_weight": 0.8,
                         "scoring.technical_weight": 0.1, "scoring.reputation_weight": 0.1,
                         "scoring.citizen_weight": 0.0},
}


@cache
def _run(arm: str, seed: int):
    ov = ARMS[arm]
    p = Params().with_overrides(ov) if ov else Params()
    return simulate(p, seed=seed, tenders=(arm == "baseline"))


def outcome(arm: str, name: str) -> np.ndarray:
    """``name`` per seed of ``arm``."""
    return np.array([_run(arm, s).summary[name] for s in SEEDS])


def _fmt(a: np.ndarray) -> str:
    return f"mean {a.mean():.4f} per seed {np.round(a, 4).tolist()}"


# ---------------------------------------------------------------- village versus city


@pytest.mark.parametrize("name, village_is", [
    ("bids_per_tender", "lower"),
    ("no_bid_rate", "higher"),
    ("unfilled_rate", "higher"),
    ("winner_capability", "lower"),
])
def test_village_versus_city(name, village_is):
    city, village = outcome("baseline", f"{name}_city"), outcome("baseline", f"{name}_village")
    assert np.isfinite(city).all() and np.isfinite(village).all()
    msg = f"{name}: city {_fmt(city)}; village {_fmt(village)}"
    if village_is == "lower":
        assert village.mean() < city.mean(), msg
        assert (village < city).all(), msg
    else:
        assert village.mean() > city.mean(), msg
        assert (village > city).all(), msg


# ---------------------------------------------------------------- reforms of the no-bid problem


# The mobilisation subsidy is not here: on the market model it raises village first-attempt no-bid
# (+0.041, seeds 1–5, every seed) and leaves the per-attempt rate level — an open finding (docs/ODD.md §8).
# Nor are lots and the wider village channels (city website, provincial platform): since firms bid
# the first-price equilibrium against the rivals they expect (session 10), a notice more firms see
# makes each expect more rivals, and the per-attempt village no-bid rate rises (seeds 1–5: lots
# +0.058, provincial platform +0.069, city website +0.034) — an open finding (docs/ODD.md §8).
@pytest.mark.parametrize("arm", ["lots", "provincial_platform", "city_website"])
def test_wider_notices_raise_the_village_no_bid_rate_per_attempt(arm):
    """The open finding above, held so that a change to it is seen: the mean over seeds rises."""
    base, reform = outcome("baseline", "no_bid_rate_village"), outcome(arm, "no_bid_rate_village")
    diff = reform - base
    msg = f"{arm}: baseline {_fmt(base)}; reform {_fmt(reform)}; paired diff {np.round(diff, 4).tolist()}"
    assert reform.mean() > base.mean(), msg


def test_wider_channel_notifies_more_firms():
    base, wide = outcome("baseline", "notified_per_tender_village"), outcome("provincial_platform",
                                                                              "notified_per_tender_village")
    assert (wide > 2 * base).all(), f"baseline {_fmt(base)}; provincial platform {_fmt(wide)}"


# ---------------------------------------------------------------- evaluation weights


def test_higher_price_weight_lowers_price_to_reserve():
    lo_w, hi_w = outcome("price_weight_0.2", "price_to_reserve"), outcome("price_weight_0.8", "price_to_reserve")
    diff = hi_w - lo_w
    msg = f"price weight 0.2 {_fmt(lo_w)}; 0.8 {_fmt(hi_w)}; paired diff {np.round(diff, 4).tolist()}"
    assert hi_w.mean() < lo_w.mean(), msg
    assert (diff < 0).all(), msg


# ---------------------------------------------------------------- the tender log by level and distance


def _open_log() -> pd.DataFrame:
    """The noticed procurements (every method with a minimum of suppliers: posting, consultation,
    negotiation, public tender, framework agreement) of the baseline's runs."""
    from model.procurement.market import METHODS

    noticed = [n for n in METHODS.names() if METHODS[n].legal_min > 0]
    frames = []
    for s in SEEDS:
        df = _run("baseline", s).tenders
        frames.append(df[df["mode"].isin(noticed)].assign(seed=s))
    return pd.concat(frames, ignore_index=True)


def test_tender_log_by_level():
    log = _open_log()
    for col in ("level", "distance_km", "notified", "eligible", "bids", "lot_villages", "outcome",
                "winner_capability"):
        assert col in log.columns
    by = log.groupby("level", observed=True).agg(
        tenders=("bids", "size"), bids=("bids", "mean"), no_bid=("bids", lambda b: (b == 0).mean()),
        notified=("notified", "mean"))
    print("\nopen tenders by level (baseline, all seeds):\n", by.round(3).to_string())
    assert by.loc["village", "bids"] < by.loc["city", "bids"]
    assert by.loc["village", "no_bid"] > by.loc["city", "no_bid"]
    assert by.loc["village", "notified"] < by.loc["city", "notified"]


def test_village_no_bid_share_by_distance_band():
    """Reported, not asserted as monotone: the no-bid share of village open tenders by the
    tender's distance from the county centre (the log's ``distance_km``)."""
    log = _open_log()
    v = log[log["level"] == "village"]
    band = pd.cut(v["distance_km"], [0, 10, 20, 30, 40, 1000])
    tab = v.groupby(band, observed=True).agg(tenders=("bids", "size"),
                                             no_bid=("bids", lambda b: (b == 0).mean()),
                                             notified=("notified", "mean"), bids=("bids", "mean"))
    print("\nvillage open tenders by distance band (baseline, all seeds):\n", tab.round(3).to_string())
    assert len(tab) >= 3
    assert (tab["tenders"] > 0).all()
    # notices on the village board reach fewer firms far from the centre, where fewer firms are based
    assert tab["notified"].iloc[-1] < tab["notified"].iloc[0]
