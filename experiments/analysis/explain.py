"""Which mechanism channels carry a reform's effect (docs/ODD.md §7.16, docs/EXPLAIN.md): knockouts and
Shapley values over the model's channel switches. Pure functions, tables in and tables out (no Mesa,
no ``model``).

Terms. The k channels analysed are switches ``channels.NAME`` or channels the model declares by the
parameter values that switch them off (the others stay on). A *variant* is
the set S of analysed channels left on (the rest of the k off, in both arms of the comparison). In
seed r the reform's *effect* under S is

    v_r(S) = outcome(reform, S, r) − outcome(baseline, S, r),

paired by seed (common random numbers: every variant and both arms run replicate k with the same
seed). The effect with every channel on is v(N); with all k off, v(∅); the *total* to explain is
v(N) − v(∅). Knockout of channel i: v(N) − v(N \\ {i}) (what is lost when i alone is off).

Shapley value of channel i (Shapley 1953), per seed:

    φ_i,r = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k! · (v_r(S ∪ {i}) − v_r(S)),

exact over the 2^k variants, or estimated from M permutations π (the same for every seed, so
values stay paired): φ_i,r ≈ mean over π of v_r(P_π,i ∪ {i}) − v_r(P_π,i), P_π,i the channels
before i in π. Per seed, the φ_i,r add up to v_r(N) − v_r(∅) exactly (the marginal contributions
of one permutation telescope), so their means add up to the mean total. Intervals: mean ± t over
seeds of the per-seed values; a sampled decomposition adds its Monte Carlo error (the standard
error of the permutation means, seeds averaged) in quadrature.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

MAX_EXACT = 8
"""Largest number of channels decomposed exactly (2^8 = 256 variants); above it, sampled."""

PREFIX = "channels."
ALL_ON, ALL_OFF, TOTAL = "(all on)", "(all off)", "(total)"
KINDS = ("effect", "effect_without", "knockout", "shapley", "total")
COLUMNS = ("reform", "baseline", "outcome", "kind", "channel", "estimate", "ci_low", "ci_high", "se", "mc_se",
           "share", "n_seeds", "method", "permutations")
"""Columns of the explain table (``explain.parquet``)."""


def variant_sets(k: int, method: str, permutations: Sequence[tuple[int, ...]] = ()) -> list[frozenset[int]]:
    """The channel sets (channels left on, by index) a decomposition needs, all-on first.

    Args:
        k: channels analysed. method: ``"exact"`` (every subset), ``"sampled"`` (the prefixes of
            ``permutations``) or ``"knockout"`` (all on, all off and each one off only).
    """
    full = frozenset(range(k))
    sets = [full, frozenset(), *(full - {i} for i in range(k))]
    if method == "exact":
        sets += [frozenset(c) for n in range(k + 1) for c in itertools.combinations(range(k), n)]
    elif method == "sampled":
        sets += [frozenset(p[:j]) for p in permutations for j in range(k + 1)]
    elif method != "knockout":
        raise ValueError(f"method: expected exact, sampled or knockout, got {method!r}")
    return list(dict.fromkeys(sets))


def variant_point(channels: Sequence[str], on: frozenset[int], declared: Mapping[str, Mapping]) -> dict:
    """The parameter overrides of the variant ``on`` (channels left on, by index): a switch as
    ``channels.NAME`` = on or off; a declared channel (``declared``: name -> the overrides that
    switch it off) off as its overrides, on as nothing."""
    point: dict = {}
    for i, c in enumerate(channels):
        if c in declared:
            point.update({} if i in on else declared[c])
        else:
            point[PREFIX + c] = i in on
    return point


def variant_runs(runs: pd.DataFrame, channels: Sequence[str], sets: Sequence[frozenset[int]],
                 run_ids: Sequence[Sequence[str]]) -> pd.DataFrame:
    """The runs of every variant with a column ``channels.NAME`` (bool) per analysed channel, as
    :func:`variant_effects` reads them: ``run_ids[j]`` are the runs of variant ``sets[j]`` (variants
    whose parameters coincide, as when a declared channel's values are the scenario's own, share runs)."""
    parts = []
    for on, ids in zip(sets, run_ids):
        part = runs[runs["run_id"].isin(list(ids))].copy()
        for i, c in enumerate(channels):
            part[PREFIX + c] = i in on
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def sample_permutations(k: int, m: int, seed: int) -> list[tuple[int, ...]]:
    """``m`` random orders of ``k`` channels (reproducible from ``seed``)."""
    rng = np.random.default_rng([int(seed), k, m])
    return [tuple(int(i) for i in rng.permutation(k)) for _ in range(m)]


def shapley_exact(v: Mapping[frozenset[int], np.ndarray], k: int) -> np.ndarray:
    """Exact Shapley values, shape (k, seeds), from ``v``: channel set -> per-seed effects."""
    phi = np.zeros((k, len(v[frozenset(range(k))])))
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        for n in range(k):
            w = math.factorial(n) * math.factorial(k - n - 1) / math.factorial(k)
            for c in itertools.combinations(rest, n):
                s = frozenset(c)
                phi[i] += w * (v[s | {i}] - v[s])
    return phi


def shapley_sampled(v: Mapping[frozenset[int], np.ndarray], k: int,
                    permutations: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Sampled Shapley values: (per-seed values, shape (k, seeds); Monte Carlo standard error of each
    channel's seed-mean value, shape (k,), NaN with one permutation)."""
    m = len(permutations)
    marg = np.zeros((m, k, len(v[frozenset(range(k))])))
    for a, perm in enumerate(permutations):
        before: frozenset[int] = frozenset()
        for i in perm:
            marg[a, i] = v[before | {i}] - v[before]
            before = before | {i}
    mc = marg.mean(axis=2).std(axis=0, ddof=1) / np.sqrt(m) if m > 1 else np.full(k, np.nan)
    return marg.mean(axis=0), mc


def variant_effects(runs: pd.DataFrame, channels: Sequence[str], reform: str, baseline: str,
                    outcome: str) -> dict[frozenset[int], np.ndarray]:
    """Per-seed effects v_r(S) of every channel set S present in ``runs``.

    Args:
        runs: one row per run with ``scenario``, ``seed``, the channel columns (``channels.NAME``,
            bool) and the outcome. channels: the analysed channel names (without the prefix).
        reform, baseline: scenario names. outcome: outcome column.

    Returns:
        Channel set (indices left on) -> effects ordered by seed; only seeds present in both arms of
        every variant are kept (so every variant's effects are paired on the same seeds).

    Raises:
        ValueError: a channel column, a scenario or the outcome is missing.
    """
    cols = [PREFIX + c for c in channels]
    for c in [*cols, "scenario", "seed", outcome]:
        if c not in runs.columns:
            raise ValueError(f"runs: column {c!r} missing")
    for s in (reform, baseline):
        if s not in set(runs["scenario"]):
            raise ValueError(f"runs: no run of scenario {s!r}")
    r = runs[runs["scenario"].isin([reform, baseline])]
    on = r[cols].astype(bool).to_numpy()
    mask = (on * (1 << np.arange(len(cols), dtype=np.int64))).sum(axis=1)  # the set as a bit mask
    frame = pd.DataFrame({"set": mask, "scenario": r["scenario"].to_numpy(), "seed": r["seed"].to_numpy(),
                          "y": r[outcome].to_numpy(float)})
    wide = frame.pivot_table(index=["set", "seed"], columns="scenario", values="y", aggfunc="mean")
    eff = (wide[reform] - wide[baseline]).dropna()
    by_set = {frozenset(i for i in range(len(cols)) if int(b) >> i & 1): g.droplevel(0)
              for b, g in eff.groupby(level=0)}
    seeds = sorted(set.intersection(*(set(g.index) for g in by_set.values()))) if by_set else []
    return {s: g.loc[seeds].to_numpy(float) for s, g in by_set.items()}


def _row(values: np.ndarray, level: float, mc: float = float("nan")) -> dict[str, float]:
    """Mean, interval, standard error (seeds) of per-seed values; Monte Carlo error in quadrature."""
    x = np.asarray(values, float)
    n = len(x)
    mean = float(x.mean()) if n else float("nan")
    se = float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * float(np.hypot(se, 0.0 if np.isnan(mc) else mc)) \
        if n > 1 else float("nan")
    return {"estimate": mean, "ci_low": mean - half, "ci_high": mean + half, "se": se, "mc_se": mc,
            "n_seeds": n}


def decompose(runs: pd.DataFrame, channels: Sequence[str], reform: str, baseline: str,
              outcomes: Sequence[str], method: str, permutations: Sequence[tuple[int, ...]] = (),
              level: float = 0.95) -> pd.DataFrame:
    """The explain table: effects, knockouts and Shapley shares of every outcome.

    Args:
        runs: the runs of every variant (see :func:`variant_effects`).
        channels: analysed channel names. reform, baseline: scenario names. outcomes: columns.
        method: ``"exact"``, ``"sampled"`` (with ``permutations``) or ``"knockout"`` (no Shapley).
        level: interval coverage.

    Returns:
        One row per (outcome, kind, channel) with the columns :data:`COLUMNS`; kinds: ``effect``
        (channel ``(all on)`` / ``(all off)``), ``effect_without`` (channel i alone off),
        ``knockout`` (all on minus i off), ``shapley`` (``share``: its share of the total, NaN when
        the total's interval includes 0), ``total``.

    Raises:
        ValueError: a variant the method needs is missing from ``runs``.
    """
    k = len(channels)
    full, none = frozenset(range(k)), frozenset()
    need = variant_sets(k, method, permutations)
    rows: list[dict] = []
    for o in outcomes:
        v = variant_effects(runs, channels, reform, baseline, o)
        missing = [s for s in need if s not in v]
        if missing:
            off = sorted(set(channels) - {channels[i] for i in missing[0]})
            raise ValueError(f"runs: the variant with {', '.join(off) or 'no channel'} off is missing")

        def add(kind: str, channel: str, stat: dict, share: float = float("nan")) -> None:
            rows.append({"reform": reform, "baseline": baseline, "outcome": o, "kind": kind, "channel": channel,
                         **stat, "share": share, "method": method, "permutations": len(permutations)})

        total = v[full] - v[none]
        add("effect", ALL_ON, _row(v[full], level))
        add("effect", ALL_OFF, _row(v[none], level))
        add("total", TOTAL, _row(total, level))
        for i, c in enumerate(channels):
            add("effect_without", c, _row(v[full - {i}], level))
            add("knockout", c, _row(v[full] - v[full - {i}], level))
        if method == "knockout":
            continue
        phi, mc = (shapley_exact(v, k), np.full(k, np.nan)) if method == "exact" \
            else shapley_sampled(v, k, permutations)
        t = _row(total, level)
        clear = t["ci_low"] > 0 or t["ci_high"] < 0  # a share of a total lost in noise means nothing
        for i, c in enumerate(channels):
            stat = _row(phi[i], level, float(mc[i]))
            add("shapley", c, stat, stat["estimate"] / t["estimate"] if clear else float("nan"))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def carriers(table: pd.DataFrame, reform: str, outcome: str, max_channels: int = 2,
             second_share: float = 0.2, alone_share: float = 0.75) -> pd.DataFrame:
    """The one or two channels that carry an effect: the largest Shapley value of the effect's sign; the
    second too when the first carries less than ``alone_share`` of the total and the second at least
    ``second_share`` (a channel whose value has the other sign works against the effect).
    Without a Shapley decomposition (``--shapley none``), the same rule over the knockouts whose
    interval excludes 0, each as a share of the effect with every channel on.

    Returns:
        The chosen ``shapley`` (or ``knockout``) rows (empty when the table has none for this reform and
        outcome, or when the total's interval includes 0: then no channel carries anything
        distinguishable from noise).
    """
    mine = table[(table["reform"] == reform) & (table["outcome"] == outcome)]
    s = mine[mine["kind"] == "shapley"]
    if s.empty:
        s = _knockout_shares(mine)
    if s.empty or not s["share"].notna().all():
        return s.head(0)
    s = s[s["share"] > 0]  # a channel that works against the effect does not carry it
    s = s.assign(_a=s["estimate"].abs()).sort_values("_a", ascending=False, kind="stable").drop(columns="_a")
    top = s.head(max_channels)
    if len(top) > 1 and (abs(top["share"].iloc[0]) >= alone_share or abs(top["share"].iloc[1]) < second_share):
        top = top.head(1)
    return top


def _knockout_shares(mine: pd.DataFrame) -> pd.DataFrame:
    """Knockouts clear of noise, with their share of the all-on effect (none when that effect is noise)."""
    on = mine[(mine["kind"] == "effect") & (mine["channel"] == ALL_ON)]
    k = mine[mine["kind"] == "knockout"]
    if on.empty or k.empty or not (on["ci_low"].iloc[0] > 0 or on["ci_high"].iloc[0] < 0):
        return k.head(0)
    k = k[(k["ci_low"] > 0) | (k["ci_high"] < 0)]
    return k.assign(share=k["estimate"] / on["estimate"].iloc[0])
