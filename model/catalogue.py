"""The service catalogue (指导性目录, 6 categories, 59 items; seed S3) as arrays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data"
#: Place levels, by code: the one definition of the level names.
LEVEL_NAMES = ("city", "town", "village")
CITY, TOWN, VILLAGE = 0, 1, 2
#: The catalogue's ``mode`` column, by code: how an item is normally bought (competitively, by
#: commission, as posts); the method follows from it and the value band (model.procurement.method).
MODES = ("tender", "commission", "posts")
OPEN, COMMISSION, POSTS = 0, 1, 2


@dataclass(frozen=True)
class Catalogue:
    """Catalogue items as parallel arrays (index = item number).

    Attributes:
        ids: item ids.
        level: 0 city, 1 town, 2 village (which buyer level buys it).
        value: typical annual value for one location (yuan/year).
        specialisation, contractibility, visibility, demand, priority: 0–1.
        mode: 0 tender, 1 commission, 2 posts.
        hard_to_staff: the technical posts of reform R2.
        visits: site visits per month.
    """

    table: pd.DataFrame
    ids: np.ndarray
    level: np.ndarray
    value: np.ndarray
    specialisation: np.ndarray
    contractibility: np.ndarray
    visibility: np.ndarray
    demand: np.ndarray
    priority: np.ndarray
    mode: np.ndarray
    hard_to_staff: np.ndarray
    visits: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _bool(col: pd.Series) -> np.ndarray:
    return col.astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read ``model/data/catalogue.csv`` (or ``path``) into a :class:`Catalogue`."""
    df = pd.read_csv(path or DATA / "catalogue.csv")
    return Catalogue(
        table=df,
        ids=df["item_id"].to_numpy(str),
        level=df["level"].map({k: i for i, k in enumerate(LEVEL_NAMES)}).to_numpy(np.int8),
        value=df["annual_value_yuan"].to_numpy(float),
        specialisation=df["specialisation"].to_numpy(float),
        contractibility=df["contractibility"].to_numpy(float),
        visibility=df["visibility"].to_numpy(float),
        demand=df["demand"].to_numpy(float),
        priority=df["dept_priority"].to_numpy(float),
        mode=df["mode"].map({k: i for i, k in enumerate(MODES)}).to_numpy(np.int8),
        hard_to_staff=_bool(df["hard_to_staff"]),
        visits=df["visits_per_month"].to_numpy(float),
    )
