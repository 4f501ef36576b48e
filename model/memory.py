"""Sparse memory of (buyer, firm) pairs: private reputations and buyer-scope blacklists.

Keys are encoded as ``buyer * 2**32 + firm`` in a sorted int64 array, so look-ups for many
pairs at once are one ``searchsorted`` — no Python loop, and no dense buyers × firms matrix at
province scale.
"""

from __future__ import annotations

import numpy as np


def pair_key(buyer: np.ndarray, firm: np.ndarray) -> np.ndarray:
    """Encode (buyer, firm) pairs as int64 keys."""
    return np.asarray(buyer, np.int64) * (1 << 32) + np.asarray(firm, np.int64)


class PairMemory:
    """A float value per (buyer, firm) pair, with a default for pairs never set."""

    def __init__(self, default: float) -> None:
        self.default = float(default)
        self.keys = np.zeros(0, np.int64)
        self.values = np.zeros(0)

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, buyer: np.ndarray, firm: np.ndarray) -> np.ndarray:
        """Values of the pairs (the default where unset)."""
        k = pair_key(buyer, firm)
        out = np.full(len(k), self.default)
        if len(self.keys) and len(k):
            pos = np.minimum(np.searchsorted(self.keys, k), len(self.keys) - 1)
            hit = self.keys[pos] == k
            out[hit] = self.values[pos[hit]]
        return out

    def set(self, buyer: np.ndarray, firm: np.ndarray, values: np.ndarray) -> None:
        """Set pairs (the last value wins where a pair repeats)."""
        k = pair_key(buyer, firm)
        v = np.broadcast_to(np.asarray(values, float), k.shape)
        keys = np.r_[self.keys, k]
        vals = np.r_[self.values, v]
        # keep the last occurrence of every key
        order = np.argsort(keys, kind="stable")
        keys, vals = keys[order], vals[order]
        last = np.r_[keys[1:] != keys[:-1], True] if len(keys) else np.zeros(0, bool)
        self.keys, self.values = keys[last], vals[last]
