"""Named random streams: common random numbers for every mechanism.

One seed per run; every stochastic mechanism draws from its own stream, spawned from the
run's seed and the stream's name (as Starsim does). Changing a policy that alters how much
one mechanism draws leaves every other mechanism's draws untouched, so differences between
scenarios that share a seed are low-noise and paired comparisons are valid.

Never use global random state (``np.random.*`` or ``random.*``) in the model.
"""

from __future__ import annotations

import zlib

import numpy as np

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
)


def stream_key(name: str) -> int:
    """Stable 32-bit key of a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


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
