"""A growable table of numpy columns (struct of arrays) for bulk agent state.

Buyers, firms, contracts and orders are rows of such tables (there are no per-row Mesa agent
objects): the state that hot paths update for thousands of rows at once lives here, one numpy
array per column, indexed by row.
"""

from __future__ import annotations

import numpy as np


class Table:
    """Columns of equal length that grow by appending rows.

    Args:
        columns: ``{name: (dtype, fill)}`` — the dtype of each column and the value of
            unset cells.
        capacity: initial allocated rows.
    """

    def __init__(self, columns: dict[str, tuple[type | str, object]], capacity: int = 64) -> None:
        self._spec = dict(columns)
        self.n = 0
        self._cap = max(1, capacity)
        # rows are written when appended (their value or the column's fill), never before: memory
        # the table has reserved but not used is never touched, so it costs no resident memory
        self._data = {k: np.empty(self._cap, dtype=dt) for k, (dt, _) in self._spec.items()}

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.n]
        raise AttributeError(name)

    def col(self, name: str) -> np.ndarray:
        """A writable view of column ``name`` over the used rows."""
        return self._data[name][: self.n]

    def append(self, count: int, **values: np.ndarray | float | int) -> np.ndarray:
        """Append ``count`` rows; unspecified columns take their fill value.

        Returns:
            The row indices of the new rows.
        """
        unknown = values.keys() - self._spec.keys()
        if unknown:
            raise KeyError(f"no column {sorted(unknown)} in the table")
        need = self.n + count
        if need > self._cap:
            cap = max(need, 2 * self._cap)
            for k, (dt, _) in self._spec.items():
                grown = np.empty(cap, dtype=dt)
                grown[: self.n] = self._data[k][: self.n]
                self._data[k] = grown
            self._cap = cap
        rows = np.arange(self.n, need)
        for k, (_, fill) in self._spec.items():
            self._data[k][self.n:need] = values[k] if k in values else fill
        self.n = need
        return rows
