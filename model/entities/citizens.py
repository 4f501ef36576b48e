"""Citizens: households held as arrays per village (seed P8, R3, R5, R6).

Each month a household perceives the service quality where it lives — the visibility- and
demand-weighted quality index Q_v of its village, plus noise — and updates (all rates per month):

    perceived   p = Q_v + ε,  ε ~ N(0, perception_noise)
    satisfaction S ← S + α (clip(p + δ (p − E), 0, 1) − S)      (disconfirmation of expectations, δ = disconfirmation)
    expectation E ← E + β (p − E)
    complaint   when p < E − tolerance, with probability complaint_channel (independently; the
                count of each village is drawn at once, Binomial(households short, complaint_channel))
    trust       T ← clip(T + γ (S − T) − h_u · unserved_v − h_s · |Q_v − Q_v,prev| − h_x · scandals_town, 0, 1)

so trust falls with unserved months, campaign-style swings (一阵风) and published scandals.
The citizens' rating of a contract (民主测评) is v · q̄ + (1 − v) · Ē + N(0, noise/√raters):
citizens can judge only what they can see.
"""

from __future__ import annotations

import numpy as np

from model.entities import households
from model.param_tree import Citizens as CitizenParams
from model.units import PER_THOUSAND


def perceive(index: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Perceived quality of each household (index already mapped to households)."""
    seen = rng.standard_normal(len(index))
    seen *= noise
    seen += index  # in place: the same value as index + noise * z, without temporaries
    return np.clip(seen, 0, 1, out=seen)


def update_satisfaction(s: np.ndarray, perceived: np.ndarray, expect: np.ndarray, rate: float,
                        disconfirmation: float) -> np.ndarray:
    """Satisfaction moves towards the perceived quality adjusted by disconfirmation."""
    target = np.clip(perceived + disconfirmation * (perceived - expect), 0, 1)
    return s + rate * (target - s)


def update_expectation(expect: np.ndarray, perceived: np.ndarray, rate: float) -> np.ndarray:
    """Expectations adapt to what households perceive."""
    return expect + rate * (perceived - expect)


def complaints(perceived: np.ndarray, expect: np.ndarray, tolerance: float, channel: float,
               u: np.ndarray) -> np.ndarray:
    """Households that complain this month."""
    return (perceived < expect - tolerance) & (u < channel)


def update_trust(trust: np.ndarray, satisfaction: np.ndarray, rate: float, *hits: np.ndarray) -> np.ndarray:
    """Trust in government after one month: clip(T + rate (S − T) − Σ hits, 0, 1).

    Args:
        trust, satisfaction: per household (0–1). rate: per month.
        hits: per-household trust losses (0–1), subtracted in order (unserved, swing, scandals:
            ``unserved_hit · unserved``, ``swing_hit · swing``, ``scandal_hit · scandals``).

    Returns:
        A new array (``trust`` is not modified).
    """
    t = satisfaction - trust
    t *= rate
    t += trust
    for hit in hits:
        t -= hit
    return np.clip(t, 0, 1, out=t)


class Citizens:
    """All households of the region.

    Args:
        p: citizen parameters. village: village of every household. village_town: town of every
            village. rng: the ``citizens`` stream.
    """

    def __init__(self, p: CitizenParams, village: np.ndarray, village_town: np.ndarray,
                 rng: np.random.Generator) -> None:
        n = len(village)
        self.rng = rng
        self.village = village
        self.town = village_town[village]
        self.n_villages = len(village_town)
        self.per_village = np.bincount(village, minlength=self.n_villages).astype(float)
        self._village_town = village_town
        self.expect = np.full(n, p.expectation_init)
        self.satisfaction = np.full(n, p.satisfaction_init)
        self.trust = np.full(n, p.trust_init)
        self.prev_index: np.ndarray | None = None
        self.complaint_rate = np.zeros(self.n_villages)
        self.set_params(p)
        # the compiled month's buffers (model/entities/households.py)
        self._eligible_v = np.zeros(self.n_villages, np.int64)
        self._expect_sum_v = np.bincount(village, weights=self.expect, minlength=self.n_villages)

    def set_params(self, p: CitizenParams) -> None:
        """Use ``p`` from now on (also a reform switched on in a running county, model/switch.py)."""
        self.p = p
        # the compiled month's parameters (model/entities/households.py)
        self._rates = tuple(float(x) for x in (p.perception_noise, p.tolerance, p.satisfaction_rate,
                                               p.disconfirmation, p.expectation_rate, p.trust_rate))

    def step(self, index_v: np.ndarray, unserved_v: np.ndarray, scandals_town: np.ndarray) -> dict[str, float]:
        """One month of perception, satisfaction, complaints and trust (one compiled pass over the
        households, model/entities/households.py; the rules are the functions above).

        Args:
            index_v: quality index of each village (0–1).
            unserved_v: share of each village's demand left unserved this month.
            scandals_town: published scandals in each town this month.

        Returns:
            Means of the month: satisfaction, trust, complaints (per 1,000 households), perceived.
        """
        p = self.p
        swing = np.zeros_like(index_v) if self.prev_index is None else np.abs(index_v - self.prev_index)
        self.prev_index = index_v.copy()
        hit_v = np.column_stack([p.unserved_hit * unserved_v, p.swing_hit * swing,
                                 (p.scandal_hit * scandals_town)[self._village_town]])
        eligible = self._eligible_v
        seen = households.month(self.rng, self.village, np.ascontiguousarray(index_v, dtype=float), hit_v, self._rates,
                                self.expect, self.satisfaction, self.trust, eligible, self._expect_sum_v)
        # each eligible household complains with probability complaint_channel, independently, and
        # only the counts by village are used: one binomial draw per village (docs/PERFORMANCE.md, citizens)
        comp_v = self.rng.binomial(eligible, p.complaint_channel)
        self.complaint_rate = comp_v / np.maximum(self.per_village, 1)
        n = len(self.village)
        return {"satisfaction": float(self.satisfaction.mean()), "trust": float(self.trust.mean()),
                "complaints": float(comp_v.sum() / n * PER_THOUSAND), "perceived": seen / n}

    def expectation_by_village(self) -> np.ndarray:
        """Mean expectation of each village's households (summed in the month's pass)."""
        return self._expect_sum_v / np.maximum(self.per_village, 1)

    def rating(self, mean_q: np.ndarray, visibility: np.ndarray, prior: np.ndarray) -> np.ndarray:
        """Citizens' rating (民主测评) of contracts (0–1)."""
        noise = self.p.perception_noise / np.sqrt(self.p.raters)
        r = visibility * mean_q + (1 - visibility) * prior + noise * self.rng.standard_normal(len(mean_q))
        return np.clip(r, 0, 1)
