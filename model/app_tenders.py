"""The dashboard's tender inspector: the latest procurements as a table, in English or Chinese
(model/app.py shows it under the map)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.app_text import FIRM_KINDS_ZH, REASONS_ZH, TENDER_COLUMNS_ZH, t
from model.catalogue import DATA
from model.core import ProcurementModel
from model.i18n import level_zh
from model.procurement.market import METHODS
from model.world import FIRM_KINDS

CATALOGUE_CSV = DATA / "catalogue.csv"
"""The service catalogue, whose ``name_zh`` column names the items in Chinese."""


def tender_table(m: ProcurementModel, n: int = 12, lang: str = "en") -> pd.DataFrame:
    """The latest ``n`` procurements: bids, winner and the reason a procurement failed.

    In Chinese (``lang="zh"``) the columns, levels, items (the catalogue's ``name_zh``), methods
    (their ``label_zh``), firm kinds and outcomes are shown in Chinese, and amounts in 万元 (four
    decimals, so the same digits as the yuan figure); the numbers are the same.
    """
    log = m.tender_log()
    cols = ["month", "level", "item", "mode", "value", "reserve", "notified", "eligible", "bids", "winner",
            "price", "outcome"]
    if log.empty:
        return pd.DataFrame(columns=[TENDER_COLUMNS_ZH[c] for c in cols] if lang == "zh" else cols)
    tab = log.tail(n).iloc[::-1].copy()
    kinds = [FIRM_KINDS_ZH[k] for k in FIRM_KINDS] if lang == "zh" else list(FIRM_KINDS)
    kind = np.array(kinds + [t("individual", lang)])
    left, right = ("（", "）") if lang == "zh" else (" (", ")")
    tab["winner"] = [f"#{w}{left}{kind[k]}{right}" if w >= 0 else (t("individual", lang) if w == -2 else "—")
                   for w, k in zip(tab["winner"], tab["winner_kind"])]
    for c in ("value", "reserve"):
        tab[c] = tab[c].round(0)
    tab["price"] = [f"{x:.0f}" if np.isfinite(x) else "—" for x in tab["price"]]
    for c in ("level", "mode", "outcome"):
        tab[c] = tab[c].astype(str)
    tab = tab[cols].reset_index(drop=True)
    if lang != "zh":
        return tab
    items = pd.read_csv(CATALOGUE_CSV, usecols=["item_id", "name_zh"]).set_index("item_id")["name_zh"]
    tab["level"] = tab["level"].map(level_zh)
    tab["item"] = tab["item"].map(items).fillna(tab["item"])
    tab["mode"] = tab["mode"].map({name: METHODS[name].label_zh or name for name in METHODS.names()})
    tab["outcome"] = tab["outcome"].map(REASONS_ZH).fillna(tab["outcome"])
    for c in ("value", "reserve", "price"):  # yuan -> 万元, four decimals: the same digits as the yuan figure
        tab[c] = [f"{float(x) / 1e4:,.4f}" if x != "—" else x for x in tab[c]]
    return tab.rename(columns=TENDER_COLUMNS_ZH)
