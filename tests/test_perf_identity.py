"""Refactoring and performance work must not change results: bit-identical runs before and after.

``tests/perf_identity.json`` holds the full flat parameter dict of each scenario (pinned so that
later calibration changes of the defaults do not matter), the seeds, the years, and — per
numeric platform (``experiments.engine.manifest.numeric_platform()["key"]``: machine, libc, numpy and
scipy versions, numpy's enabled SIMD dispatch targets and OpenBLAS's kernel architecture) — a SHA-256 of each run's summary,
timeseries and tender log.

Bit-identity holds only within one numeric platform: numpy's AVX-512 float64 ``exp``/``log``/
``power`` kernels round differently in the last bit from its AVX2 and SSE paths, and a run that
differs in one bit may diverge (docs/RELIABILITY.md §6). So the test compares a run with the hashes
pinned for the platform it runs on and is skipped, saying so, on a platform with no pins;
``tests/test_regression.py`` (tolerances and confidence intervals) covers every platform.

Regenerate deliberately (only when a model change is *meant* to change results) with
``python tests/test_perf_identity.py --write`` (add ``--params`` to take the scenarios'
parameters afresh from their files); it pins this machine's platform and, through
numpy's ``NPY_DISABLE_CPU_FEATURES`` and OpenBLAS's ``OPENBLAS_CORETYPE``, the AVX2, AVX and
SSE4.2 platforms emulated on the same machine (all other pins are dropped: they describe the old
code).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.engine.manifest import numeric_platform
from model import load_params, simulate

ROOT = Path(__file__).resolve().parent.parent
PINNED = Path(__file__).with_name("perf_identity.json")
SCENARIOS = ("baseline", "reform_package")
SEEDS = (1, 2, 3)
YEARS = 7


def _canonical(values: np.ndarray) -> bytes:
    """Bytes of a float array with every NaN replaced by one canonical NaN."""
    arr = np.ascontiguousarray(values, dtype=np.float64)
    return np.where(np.isnan(arr), np.float64("nan"), arr).tobytes()


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a DataFrame's column names, dtypes and values."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(f"{name}:{col.dtype}".encode())
        if isinstance(col.dtype, pd.CategoricalDtype):
            h.update(np.asarray(col.astype(str)).astype("U").tobytes())
        elif col.dtype.kind in "fiub":
            h.update(_canonical(col.to_numpy(dtype=float, na_value=np.nan)))
        else:
            h.update(np.asarray(col.astype(str)).astype("U").tobytes())
    return h.hexdigest()


def summary_hash(summary: dict[str, float]) -> str:
    """SHA-256 of the summary's names and values (NaN canonical)."""
    h = hashlib.sha256(json.dumps(list(summary)).encode())
    h.update(_canonical(np.array(list(summary.values()), dtype=float)))
    return h.hexdigest()


def run_hashes(flat: dict, seed: int, years: int) -> dict[str, str]:
    """Hashes of one run with fully pinned parameters."""
    res = simulate(load_params(None, flat), seed=seed, years=years, tenders=True)
    return {"summary": summary_hash(res.summary), "timeseries": frame_hash(res.timeseries),
            "tenders": frame_hash(res.tenders)}


#: The platforms --write pins besides the machine's own (x86-64): an AVX2/FMA3 CPU, an AVX CPU and
#: an SSE4.2 CPU, made on one machine by disabling numpy's dispatch targets and choosing OpenBLAS's
#: kernels (numpy ignores targets the CPU lacks; OpenBLAS cannot use kernels the CPU lacks).
NO_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
EMULATED = ({"NPY_DISABLE_CPU_FEATURES": NO_AVX512, "OPENBLAS_CORETYPE": "Haswell"},
            {"NPY_DISABLE_CPU_FEATURES": f"X86_V3 {NO_AVX512}", "OPENBLAS_CORETYPE": "Sandybridge"},
            {"NPY_DISABLE_CPU_FEATURES": f"X86_V3 {NO_AVX512}", "OPENBLAS_CORETYPE": "Nehalem"})


def _hashes_here(flats: dict) -> dict:
    """This process's platform key and the hashes of every pinned run on it."""
    return {"key": numeric_platform()["key"],
            "hashes": {f"{name}/{seed}": run_hashes(flats[name], seed, YEARS)
                       for name in SCENARIOS for seed in SEEDS}}


def _write(refresh_params: bool) -> None:
    """Pin the hashes of every platform this machine can run; with ``refresh_params`` first take
    the scenarios' parameters afresh from their files (else keep the pinned ones)."""
    data = _pinned() if PINNED.exists() else {}
    flats = data.get("params", {})
    if refresh_params or not flats:
        for name in SCENARIOS:
            p = load_params(ROOT / "experiments" / "scenarios" / f"{name}.toml")
            flats[name] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.flat().items()}
        PINNED.write_text(json.dumps({"years": YEARS, "params": flats, "platforms": {}}, indent=1) + "\n")
    platforms = {}
    for emulate in ({}, *EMULATED):  # a child process per platform: read at import
        env = {k: v for k, v in os.environ.items() if k not in EMULATED[0]} | emulate
        out = subprocess.run([sys.executable, __file__, "--hashes"], env=env, check=True,
                             capture_output=True, text=True).stdout
        got = json.loads(out)
        platforms[got["key"]] = got["hashes"]
    PINNED.write_text(json.dumps({"years": YEARS, "params": flats, "platforms": platforms},
                                 indent=1) + "\n")


def _pinned() -> dict:
    return json.loads(PINNED.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", SEEDS)
def test_results_bit_identical_to_pinned(name: str, seed: int) -> None:
    data = _pinned()
    key = numeric_platform()["key"]
    if key not in data["platforms"]:
        pytest.skip(f"no hashes pinned for this numeric platform ({key}); pinned: "
                    f"{sorted(data['platforms'])}. Bit-identity is only defined within one "
                    "platform; test_regression.py checks results here with tolerances")
    got = run_hashes(data["params"][name], seed, data["years"])
    assert got == data["platforms"][key][f"{name}/{seed}"]


def test_platforms_differ_only_where_pinned() -> None:
    """The pins are keyed by platform, and the platforms pinned give different hashes (else a
    single pin would do and the keying would hide nothing)."""
    data = _pinned()
    assert len(data["platforms"]) >= 2
    assert all(set(h) == {f"{n}/{s}" for n in SCENARIOS for s in SEEDS}
               for h in data["platforms"].values())


def test_pinned_params_are_complete_and_load() -> None:
    data = _pinned()
    for name in SCENARIOS:
        flat = data["params"][name]
        assert load_params(None, flat).flat().keys() >= flat.keys()


if __name__ == "__main__":
    if "--hashes" in sys.argv:
        print(json.dumps(_hashes_here(_pinned()["params"])))
    elif "--write" in sys.argv:
        import model

        _write(refresh_params="--params" in sys.argv)
        print(f"wrote {PINNED} from {Path(model.__file__).parent}")


def test_results_do_not_depend_on_the_entry_chunk(monkeypatch) -> None:
    """The entry decision and the commissions weigh a month's pairs in chunks
    (model/procurement/batch.py ``CHUNK_PAIRS``); a county run with chunks of 97 pairs is
    bit-identical to one in one chunk."""
    from model.procurement import batch

    flat = {**_pinned()["params"]["baseline"], "burn_in_years": 1}
    whole = run_hashes(flat, seed=2, years=3)
    monkeypatch.setattr(batch, "CHUNK_PAIRS", 97)
    assert run_hashes(flat, seed=2, years=3) == whole


def _heard_deterministic(tx, ty, channel, value, radius_of_kind, firms, p, rng, rule=None, grids=None) -> list:
    """Who hears, without draws: the pairs within each kind's radius that the notice reaches with
    probability at least one half (the same pairs whatever block a tender is in), counted and
    screened under a ``rule`` as the sampler does."""
    from model.procurement import notices

    parts = []
    for kind in np.unique(firms.kind[firms.active]):
        rows = np.flatnonzero(firms.active & (firms.kind == kind))
        radius = radius_of_kind(int(kind), rows)
        ask = np.flatnonzero(radius >= 0)
        ti, fi, dist = notices.candidates(tx[ask], ty[ask], radius[ask], firms.x, firms.y,
                                          firms.active & (firms.kind == kind))
        ti = ask[ti]
        hear = (value[ti] >= firms.min_value[fi]) & (notices.reach(p, channel[ti], dist) >= 0.5)
        parts.append(list(notices._screened(ti[hear], fi[hear], dist[hear], rule)))
    return parts


def test_the_notice_grids_kept_between_blocks_change_nothing(monkeypatch) -> None:
    """The notice sampler's grids of the firms, built by a month's first block of tenders and kept
    for its later blocks (per firm kind and channel), draw what grids built afresh for every block
    draw: a county run with every search drawn by cells, in blocks of about 20 tenders."""
    from model.procurement import batch, compete, notices

    flat = {**_pinned()["params"]["baseline"], "burn_in_years": 1}
    monkeypatch.setattr(notices, "DENSE_PAIRS", 0)
    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 3000)
    kept = run_hashes(flat, seed=2, years=2)
    block_pairs = compete._block_pairs
    monkeypatch.setattr(compete, "_block_pairs", lambda m, blk, grids: block_pairs(m, blk, {}))
    assert run_hashes(flat, seed=2, years=2) == kept


def test_results_do_not_depend_on_the_tender_blocks(monkeypatch) -> None:
    """A month's tenders and commissions are taken in blocks (model/procurement/batch.py
    ``BLOCK_CANDIDATES``), the tenders' profitable pairs pruned to what the caps may still select,
    learning summed block by block. With who hears made deterministic (blocks draw it in their own order),
    a county run in blocks of 3,000 candidate pairs (about 20 tenders), pruned whenever more than 64
    pairs are held, is bit-identical to one in one block — and the blocks do change the run when
    hearing is drawn (so the test sees them)."""
    from model.procurement import batch, compete, direct, entry

    flat = {**_pinned()["params"]["baseline"], "burn_in_years": 1}
    drawn = run_hashes(flat, seed=2, years=3)
    monkeypatch.setattr(compete.notices, "heard_parts", _heard_deterministic)
    whole = run_hashes(flat, seed=2, years=3)
    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 3000)
    monkeypatch.setattr(entry, "PRUNE_ROWS", 64)
    monkeypatch.setattr(direct, "PRUNE_ROWS", 64)
    assert run_hashes(flat, seed=2, years=3) == whole
    monkeypatch.undo()
    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 3000)
    assert run_hashes(flat, seed=2, years=3) != drawn


#: A fortieth of the province at its density (45 towns × 39 villages): several blocks a month and
#: firms whose kept pairs fill their caps, in about a second a year.
DENSE = {"burn_in_years": 0, "region.n_towns": 45, "region.villages_per_town": 39, "region.radius_km": 34.79}


def test_pairs_passed_over_as_beaten_change_nothing(monkeypatch) -> None:
    """Once a firm's kept profitable pairs fill its cap, a later pair whose bound on expected
    profit (``entry.gain_bound``) is no more than the least of them is not weighed
    (``entry.unbeaten``): a run at the province's density that passes over some of its pairs so
    (a quarter on this machine; at least a tenth asserted) is bit-identical to one that weighs every
    pair."""
    from model.procurement import batch, entry

    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 200_000)
    monkeypatch.setattr(entry, "PRUNE_ROWS", 4096)
    counts = {"offered": 0, "weighed": 0}
    unbeaten = entry.unbeaten

    def counting(m, blk, ti, fi, dist, eligible, found, c):
        out = unbeaten(m, blk, ti, fi, dist, eligible, found, c)
        counts["offered"] += len(c)
        counts["weighed"] += len(out[0])
        return out

    monkeypatch.setattr(entry, "unbeaten", counting)
    flat = {**_pinned()["params"]["baseline"], **DENSE}
    passing_over = run_hashes(flat, seed=1, years=1)
    assert counts["weighed"] < 0.9 * counts["offered"], counts
    monkeypatch.setattr(entry, "unbeaten", lambda m, blk, ti, fi, dist, eligible, found, c: (c, None))  # weigh all
    assert run_hashes(flat, seed=1, years=1) == passing_over


def test_full_firms_commission_pairs_change_nothing(monkeypatch) -> None:
    """A directed commission's pairs with firms that have no free capacity are weighed only for
    commissions where no other pair is profitable (they decide whether it failed as unprofitable
    or for want of capacity; ``direct._offers``): a run at the province's density where some
    pairs are such (a twentieth asserted) is bit-identical to one that weighs every pair."""
    from model.procurement import batch, direct

    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 200_000)
    counts = {"pairs": 0, "full": 0}
    can_take = direct._can_take

    def counting(free, fi):
        out = can_take(free, fi)
        counts["pairs"] += len(fi)
        counts["full"] += int((~out).sum())
        return out

    monkeypatch.setattr(direct, "_can_take", counting)
    flat = {**_pinned()["params"]["baseline"], **DENSE}
    skipping = run_hashes(flat, seed=1, years=1)
    assert counts["full"] > 0.05 * counts["pairs"], counts
    monkeypatch.setattr(direct, "_can_take", lambda free, fi: np.ones(len(fi), bool))
    assert run_hashes(flat, seed=1, years=1) == skipping


def test_commissions_do_not_depend_on_the_order_of_known_firms(monkeypatch) -> None:
    """Directed commissions take each buyer place's known firms in the search grid's order, not
    sorted (``notices.candidates(..., ordered=False)``): a run at the province's density whose
    places' firms come reversed is bit-identical to one whose firms come sorted, and to one in the
    grid's order, which is not sorted there (asserted)."""
    from model.procurement import direct, notices

    candidates, unsorted = notices.candidates, []

    def reordered(how):
        def search(*args, ordered=True):
            ti, fi, dist = candidates(*args, ordered=how == "sorted")
            if how == "grid":
                unsorted.append(bool(np.any((np.diff(fi) < 0) & (np.diff(ti) == 0))))
            if how == "reversed":  # each place's firms in the opposite order
                o = np.lexsort((-np.arange(len(ti)), ti))
                ti, fi, dist = ti[o], fi[o], dist[o]
            return ti, fi, dist
        return search

    # buyers know firms within 8 km: a place's box holds few of the firms, so the grid is searched
    flat = {**_pinned()["params"]["baseline"], **DENSE, "commission.known_radius_km": 8.0}
    hashes = []
    for how in ("grid", "sorted", "reversed"):
        monkeypatch.setattr(direct.notices, "candidates", reordered(how))
        hashes.append(run_hashes(flat, seed=1, years=1))
    assert any(unsorted) and hashes[0] == hashes[1] == hashes[2]


def _bound_cases() -> list[dict]:
    """Every bidding strategy and every evaluation rule (the bound assumes bids within the reserve
    and scores at most 1), with effort-dependent spending off, and another award rule and regime."""
    from model.delivery.evaluation import EVALUATIONS
    from model.procurement.bidding import STRATEGIES

    default_rule = load_params(None, {}).evaluation.rule  # the strategies' cases run it
    return [{"bidding.strategy": name} for name in STRATEGIES] + [
        {"evaluation.rule": name} for name in EVALUATIONS if name != default_rule] + [
        {"channels.effort_spending": False}, {"procurement.award_rule": "lowest_price", "monitoring.regimes": ["random"]}]


@pytest.mark.parametrize("overrides", _bound_cases())
def test_gain_bound_holds_for_every_entering_pair(monkeypatch, overrides: dict) -> None:
    """``entry.gain_bound`` is an upper bound on the expected profit of every pair that enters,
    whatever the strategy, evaluation rule, spending rule or regime (with and without the pair's
    cost)."""
    from model import load_params
    from model.core import ProcurementModel
    from model.procurement import entry

    weigh, checked = entry.weigh, [0]

    def checking(m, sub, ti, fi, dist, eligible, strategy, known=None):
        out = weigh(m, sub, ti, fi, dist, eligible, strategy, known)
        k = np.flatnonzero(out[1])
        cost, gain, rivals = out[2], out[-3], out[-1]
        for cost_known in (0.0, cost):
            bound, tol = entry.gain_bound(m, sub, ti[k], rivals, cost_known)
            assert (gain <= bound + tol).all()
        checked[0] += len(k)
        return out

    monkeypatch.setattr(entry, "weigh", checking)
    m = ProcurementModel(load_params(None, {**DENSE, **overrides}), seed=3)
    for _ in range(5):
        m.step()
    assert checked[0] > 10_000
