"""Named random streams: common random numbers for every mechanism.

One seed per run; every stochastic mechanism draws from its own stream, spawned from the
run's seed and the stream's name (as Starsim does). Changing a policy that alters how much
one mechanism draws leaves every other mechanism's draws untouched, so differences between
scenarios that share a seed are low-noise and paired comparisons are valid.

Never use global random state (``np.random.*`` or ``random.*``) in the model.
"""

from __future__ import annotations

import zlib

import numba
import numpy as np
from scipy.special import ndtri

#: Every stream the model uses, written down once. A mechanism asks for its stream by name.
STREAMS: tuple[str, ...] = (
    "world",  # region geometry, firm and buyer attributes, households
    "catalogue",  # buyers' yearly item choices and ad-hoc needs
    "reserve",  # reserve-price estimation error
    "notices",  # who hears of a tender
    "bidding",  # bid noise, technical-score inflation
    "commission",  # directed commission and favouritism
    "posts",  # post outsourcing: applicants and their skill
    "delivery",  # monthly quality noise
    "monitoring",  # inspections and their measurement noise
    "audit",  # audits and media detection of fraud
    "citizens",  # perception noise and complaints
    "market",  # firm entry
    "market_city",  # entry of local and strong firms (apart, so grassroots entry draws stay put)
)


def stream_key(name: str) -> int:
    """Stable 32-bit key of a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)
_S1, _S2, _S3, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)

#: 2⁵³: a uniform's 53 bits scaled into (0, 1).
_TWO_53 = 9007199254740992.0


@numba.njit(cache=True)
def _mix(h):
    """splitmix64 finaliser: a bijection of uint64 that scatters nearby inputs (wrapping arithmetic)."""
    h = h ^ (h >> _S1)
    h = h * _M1
    h = h ^ (h >> _S2)
    h = h * _M2
    return h ^ (h >> _S3)


@numba.njit(cache=True)
def _keyed_uniform(start, keys, n):
    """``n`` uniforms in (0, 1), the i-th from ``start`` mixed with each key's i-th value (a key of
    length 1 is the same for every i); 53 bits each."""
    out = np.empty(n)
    for i in range(n):
        h = start
        for k in keys:
            h = _mix(h ^ (k[i if len(k) > 1 else 0] + _GOLD))
        out[i] = (np.float64(h >> _S11) + 0.5) / _TWO_53
    return out


def keyed_normal(seed: int, name: str, *keys: np.ndarray) -> np.ndarray:
    """Standard normal draws indexed by integer ``keys`` rather than by draw order.

    A counter-based generator (splitmix64 over the run's seed, the stream ``name`` and the keys):
    the draw for a key is the same whichever other keys are drawn and in whatever order, so a
    policy that changes which pairs are considered (a wider notice channel, say) leaves the draw of
    every pair that both arms consider unchanged — common random numbers pair by pair. The keys
    broadcast against each other (at least one); the mixing is compiled (numba), the inverse normal
    CDF is scipy's ``ndtri``.

    Example:
        >>> a = keyed_normal(1, "bidding", np.array([5, 7]), np.array([0, 3]))
        >>> bool(a[1] == keyed_normal(1, "bidding", np.array([7]), np.array([3]))[0])
        True
    """
    if name not in STREAMS:
        raise KeyError(f"unknown random stream {name!r}; declared streams: {', '.join(STREAMS)}")
    if not keys:
        raise ValueError("keyed_normal needs at least one key array")
    with np.errstate(over="ignore"):
        start = np.uint64(_mix(np.uint64(seed) + _GOLD * np.uint64(stream_key(name))))  # numba returns an int
        cols = [np.asarray(k).astype(np.uint64) for k in keys]
    shape = np.broadcast(*cols).shape
    cols = tuple(c.reshape(1) if c.size == 1 else c.reshape(-1) if c.shape == shape
                 else np.broadcast_to(c, shape).flatten() for c in cols)
    n = int(np.prod(shape, dtype=np.int64))
    return ndtri(_keyed_uniform(start, cols, n).reshape(shape))


class Streams:
    """The named random streams of one run.

    Args:
        seed: the run's seed (a non-negative integer).

    Example:
        >>> s = Streams(42)
        >>> x = s["notices"].random(3)
    """

    def __init__(self, seed: int) -> None:
        if int(seed) < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.seed = int(seed)
        self._gens: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in STREAMS:
            raise KeyError(f"unknown random stream {name!r}; declared streams: {', '.join(STREAMS)}")
        gen = self._gens.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(stream_key(name),))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._gens[name] = gen
        return gen
