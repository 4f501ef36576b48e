"""What each firm has learned about each kind of tender (seed P3; docs/ODD.md §7.5, entry and bidding).

A kind of tender is a catalogue item (village cleaning, town greenbelt upkeep, legal advice …).
For every firm and item the model keeps

- ``win``: the win probability the firm infers from the competition it has seen at that item's
  tenders — the mean over the notices it saw of 1/(1 + others who bid), smoothed with
  ``bidding.belief_rate`` per month in which it saw one. Averaging the win chance rather than the
  number of rivals matters when bids bunch: a firm that saw half the tenders draw nobody and half
  draw nine bidders expects to win 55% of the time, not 1/(1 + 4.5) = 18%. The step of the k-th
  month seen is max(``belief_rate``, 1/(k + 1)): a firm first averages what it has seen with its
  prior, worth one month's observation (the sample mean), and then tracks the recent past at
  ``belief_rate`` — so a kind of tender seen once a year is learned in a few years, not decades.
- ``markup``: the learning strategy's markup at that item, +``markup_step`` after a month with a
  win and no loss at that item, −``markup_step`` after a month with a loss and no win there
  (losses count at valid tenders only), within [``markup_min``, ``markup_max``]. Competition on one kind of tender
  therefore does not set the price of another.

New firms start at the priors: win = 1/(1 + ``bidding.prior_rivals``), markup =
``bidding.markup_init``. Rows follow the firm table's rows; they are added as firms enter.
"""

from __future__ import annotations

import numpy as np

from model.procurement import kernels

#: Fewest firm rows a belief table grows to (it doubles beyond, so a growing market is not
#: copied firm by firm).
MIN_ROWS = 64


class Beliefs:
    """Per firm × item win-probability beliefs and markups (arrays grow with the firm table)."""

    def __init__(self, n_items: int, prior_win: float, markup_init: float, learning: bool = True) -> None:
        self.n_items = n_items
        self.learning = learning  # channels.entry_learning: off keeps win beliefs at the prior
        self.prior_win = prior_win
        self.markup_init = markup_init
        self.win = np.full((0, n_items), prior_win)
        self.markup = np.full((0, n_items), markup_init)
        self.seen = np.zeros((0, n_items), np.int32)  # months in which the firm saw the item's tenders

    def fit(self, n_firms: int) -> None:
        """Give every firm row up to ``n_firms`` a row of beliefs (new rows at the priors)."""
        have = len(self.win)
        if n_firms <= have:
            return
        size = max(n_firms, 2 * have, MIN_ROWS)
        self.win = np.vstack([self.win, np.full((size - have, self.n_items), self.prior_win)])
        self.markup = np.vstack([self.markup, np.full((size - have, self.n_items), self.markup_init)])
        self.seen = np.vstack([self.seen, np.zeros((size - have, self.n_items), np.int32)])

    def rivals(self, firm: np.ndarray, item: np.ndarray) -> np.ndarray:
        """Expected rivals implied by the inferred win probability: 1/win − 1."""
        return 1.0 / self.win[firm, item] - 1.0

    def observe(self, firm: np.ndarray, item: np.ndarray, others: np.ndarray, rate: float) -> None:
        """Every (firm, item) seen this month moves max(``rate``, 1/(k + 1)) of the way to its mean
        1/(1 + others), k the months in which it has now seen the item (nothing moves when learning
        is off: ``channels.entry_learning``)."""
        self.observe_parts([(firm, item, others)], rate)

    def observe_parts(self, parts, rate: float) -> None:
        """:meth:`observe` for a month's pairs given in parts (an iterable of ``(firm, item,
        others)``, e.g. block by block, each made only when it is read): the per-(firm, item) sums
        add the parts' pairs in order (one sequential sum, compiled:
        :func:`model.procurement.kernels.add_pairs`, what ``np.bincount`` with weights adds), so the
        result is bit-identical to one call over the parts joined."""
        if not self.learning:
            return
        size = self.win.size
        cnt = total = None
        for firm, item, others in parts:
            if cnt is None:
                cnt, total = np.zeros(size, np.int64), np.zeros(size)
            kernels.add_pairs(_keys(firm, item, self.n_items), np.ascontiguousarray(others, float), cnt, total)
        if cnt is None:
            return
        seen = np.flatnonzero(cnt)
        seen_win = total[seen] / cnt[seen]
        n_seen = self.seen.reshape(-1)
        n_seen[seen] += 1
        step = np.maximum(rate, 1.0 / (n_seen[seen] + 1.0))
        win = self.win.reshape(-1)
        win[seen] = (1 - step) * win[seen] + step * seen_win

    def learn_markup(self, firm: np.ndarray, item: np.ndarray, won: np.ndarray, lost: np.ndarray,
                     step: float, lo: float, hi: float) -> None:
        """Markup per (firm, item) bid at this month: +step for a win, −step for a loss, nothing for
        both (``won``/``lost`` are per bid; a bid at a void tender is neither)."""
        key = _keys(firm, item, self.n_items)
        size = self.markup.size
        seen = np.flatnonzero(np.bincount(key, minlength=size))
        w = (np.bincount(key, weights=won, minlength=size)[seen] > 0).astype(float)
        lo_ = (np.bincount(key, weights=lost, minlength=size)[seen] > 0).astype(float)
        markup = self.markup.reshape(-1)
        markup[seen] = np.clip(markup[seen] + step * (w - lo_), lo, hi)


def _keys(firm: np.ndarray, item: np.ndarray, n_items: int) -> np.ndarray:
    """Flat position of each (firm, item) in the firm × item tables (row-major). The tables are
    small (firms × items), so per-pair sums are dense ``bincount``s: each (firm, item)'s sum adds
    its pairs in the same order as grouping by ``np.unique`` would, with no sort of the pairs."""
    return firm.astype(np.int64) * n_items + item
