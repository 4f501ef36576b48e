"""Tender notices and who hears of them (seed P2, reform R1).

A notice on channel ``c`` reaches an attentive firm at distance ``d`` (km) with probability

    p = min(1, reach_c · exp(−d / range_c) · (1 + publicity · publicity_reach))

and a firm pays no attention to contracts worth less than its ``min_value`` (strong prefecture
firms ignore grassroots items, seed P3). Candidate pairs are pruned with a KD-tree: a firm
farther than the break-even distance of a contract (where travel alone costs its reserve) could
never bid, so it is never considered.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from model.param_tree import Params


def candidates(tx: np.ndarray, ty: np.ndarray, radius: np.ndarray, fx: np.ndarray, fy: np.ndarray,
               alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (tender, firm) pairs within each tender's radius.

    Args:
        tx, ty: tender places (km). radius: per-tender search radius (km).
        fx, fy: firm bases (km). alive: firms in business.

    Returns:
        ``(ti, fi, dist)`` sorted by tender then firm.
    """
    rows = np.flatnonzero(alive)
    if len(tx) == 0 or len(rows) == 0:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0)
    tree = cKDTree(np.c_[fx[rows], fy[rows]])
    hits = tree.query_ball_point(np.c_[tx, ty], r=radius, return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), np.int64, len(hits))
    ti = np.repeat(np.arange(len(tx)), counts)
    fi = rows[np.fromiter((j for h in hits for j in h), np.int64, counts.sum())] if counts.sum() else \
        np.zeros(0, np.int64)
    dist = np.hypot(fx[fi] - tx[ti], fy[fi] - ty[ti])
    return ti, fi, dist


def reach(p: Params, channel: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Probability that a notice on ``channel`` (names) reaches a firm at ``dist`` km."""
    ch = p.procurement.channels
    base = np.array([getattr(ch, c).reach for c in CHANNELS])
    rng_km = np.array([getattr(ch, c).range_km for c in CHANNELS])
    boost = 1 + p.buyers.publicity * p.buyers.publicity_reach
    return np.minimum(1.0, base[channel] * np.exp(-dist / rng_km[channel]) * boost)


CHANNELS = ("notice_board", "city_website", "provincial_platform")


def channel_of_level(p: Params, level: np.ndarray) -> np.ndarray:
    """Channel index used by tenders of each level (city, town, village)."""
    pr = p.procurement
    by_level = np.array([CHANNELS.index(pr.channel_city), CHANNELS.index(pr.channel_town),
                         CHANNELS.index(pr.channel_village)])
    return by_level[level]


def notified(p: Params, level: np.ndarray, value: np.ndarray, ti: np.ndarray, dist: np.ndarray,
             min_value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which candidate pairs learn of the tender (attention × channel reach)."""
    attentive = value[ti] >= min_value
    prob = reach(p, channel_of_level(p, level)[ti], dist)
    return attentive & (rng.random(len(ti)) < prob)
