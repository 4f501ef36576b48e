"""The report's outcomes by place: quality delivered, coverage, satisfaction and the
no-bid rate by level (city, town, village) and by distance band from the county centre, with
the far-minus-centre gaps, beside the aggregate.

Plain tables in, report blocks out (``("h", ...)``, ``("p", ...)``, ``("table", head, rows)``,
see ``experiments.analysis.report.to_markdown``); nothing here imports Mesa or ``model``. The
columns are the model's declared outcomes (model/metrics.py): ``<outcome>_<level>``,
``<outcome>_band<k>`` and ``place_gap_*``; a column a run table lacks is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from experiments.analysis.i18n import translator
from experiments.analysis.stats import paired_differences, scenario_means

#: The outcomes shown by place and the gap outcome of each (far band minus band 1).
PLACE_OUTCOMES: dict[str, str] = {"quality_delivered": "place_gap_quality", "coverage": "place_gap_coverage",
                                  "satisfaction": "place_gap_satisfaction", "no_bid_rate": "place_gap_no_bid"}
#: The same for the village level's services alone (their bands and gaps).
VILLAGE_GAPS: dict[str, str] = {"quality_delivered": "place_gap_village_quality",
                                "coverage": "place_gap_village_coverage"}
LEVELS = ("city", "town", "village")
MAX_BANDS = 16


def band_label(b: int, n: int, width_km: float | None, lang: str) -> str:
    """``"band 2 (10–20 km)"``; the last band open-ended; without km when the width is unknown."""
    t = translator(lang)
    if width_km is None:
        return t("place_band", b=b, km="")
    lo, hi, unit = (b - 1) * width_km, b * width_km, t("place_km")
    km = f" ({lo:g}+ {unit})" if b == n else f" ({lo:g}–{hi:g} {unit})"
    return t("place_band", b=b, km=km)


def place_rows(runs: pd.DataFrame, width_km: float | None = None, lang: str = "en") -> list[tuple[str, dict]]:
    """The rows of the by-place tables: (label, {outcome: column}) for the aggregate, each level,
    each distance band and the gap, then the village services by band and their gap, keeping only
    rows with at least one column in ``runs``."""
    t = translator(lang)
    n = max((b for b in range(1, MAX_BANDS) if any(f"{o}_band{b}" in runs for o in PLACE_OUTCOMES)), default=0)
    rows = [(t("place_all"), {o: o for o in PLACE_OUTCOMES})]
    rows += [(t(f"place_{lvl}"), {o: f"{o}_{lvl}" for o in PLACE_OUTCOMES}) for lvl in LEVELS]
    rows += [(band_label(b, n, width_km, lang), {o: f"{o}_band{b}" for o in PLACE_OUTCOMES})
             for b in range(1, n + 1)]
    rows.append((t("place_gap", n=n), dict(PLACE_OUTCOMES)))
    rows += [(t("place_village_band", band=band_label(b, n, width_km, lang)),
              {o: f"{o}_village_band{b}" for o in VILLAGE_GAPS}) for b in range(1, n + 1)]
    rows.append((t("place_village_gap", n=n), dict(VILLAGE_GAPS)))
    return [(label, {o: c for o, c in cols.items() if c in runs}) for label, cols in rows
            if any(c in runs for c in cols.values())]


def place_blocks(runs: pd.DataFrame, olabel: Callable[[str], str], sname: Callable[[Any], str],
                 fmt_ci: Callable[..., str], baseline: str = "baseline", width_km: float | None = None,
                 lang: str = "en", stats_kw: Mapping[str, Any] | None = None, by: Sequence[str] = ("scenario",)) -> list[tuple]:
    """The by-place section: the mean of every place in each scenario, and every scenario's paired
    difference from the baseline, with confidence intervals.

    Args:
        runs: the tidy ``runs`` table (one row per run).
        olabel: outcome name -> its label with unit.
        sname: scenario name -> its display name.
        fmt_ci: the report's number format, ``fmt_ci(mean, low, high, sign=, n=)``
            (``experiments.analysis.report.fmt_ci``).
        baseline: the baseline scenario.
        width_km: width of the distance bands (``region.distance_band_km``, km), for the labels.
        lang: ``"en"`` or ``"zh"``.
        stats_kw: ``ci``, ``n_boot``, ``seed`` and ``test`` of the report.
        by: grouping columns (``scenario`` and any factors).

    Returns:
        Report blocks; none when ``runs`` holds no by-place outcome.
    """
    t = translator(lang)
    rows = place_rows(runs, width_km, lang)
    if len(rows) <= 1:
        return []
    kw = {"ci": 0.95, "n_boot": 2000, "seed": 0, "test": "wilcoxon", **(stats_kw or {})}
    cols = list(dict.fromkeys(c for _, m in rows for c in m.values()))
    outs = [o for o in PLACE_OUTCOMES if any(o in m for _, m in rows)]
    head = [t("place_col"), *[olabel(o) for o in outs]]
    pct = f"{kw['ci']:.0%}"
    blocks: list[tuple] = [("h", 2, t("place_title")), ("p", t("place_note", pct=pct, baseline=sname(baseline)))]

    def table(frame: pd.DataFrame, value: str, low: str, high: str, n: str, sign: bool) -> list[list[str]]:
        cell = {r["outcome"]: fmt_ci(r[value], r[low], r[high], sign=sign, n=int(r[n])) for _, r in frame.iterrows()}
        return [[label, *[cell.get(m.get(o), "") for o in outs]] for label, m in rows]

    means = scenario_means(runs, cols, by=list(by), ci=kw["ci"], n_boot=kw["n_boot"], seed=kw["seed"])
    for key, g in means.groupby(list(by), sort=False, dropna=False):
        blocks += [("h", 3, t("place_means", scenario=_group(key, by, sname))),
                   ("table", head, table(g, "mean", "ci_low", "ci_high", "n", False))]
    if baseline not in set(runs["scenario"]) or runs["scenario"].nunique() < 2:
        return blocks
    try:
        diffs = paired_differences(runs, cols, baseline=baseline, by=list(by), ci=kw["ci"], n_boot=kw["n_boot"],
                                   seed=kw["seed"], test=kw["test"])
    except ValueError as e:
        return blocks + [("p", t("no_pair_error", error=e))]
    for key, g in diffs.groupby(list(by), sort=False, dropna=False):
        blocks += [("h", 3, t("place_diffs", scenario=_group(key, by, sname), baseline=sname(baseline))),
                   ("table", head, table(g, "diff", "ci_low", "ci_high", "n_pairs", True))]
    return blocks


def _group(key: Any, by: Sequence[str], sname: Callable[[Any], str]) -> str:
    """A group's name: the scenario's display name, then any factor settings."""
    key = key if isinstance(key, tuple) else (key,)
    parts = [sname(v) if c == "scenario" else f"`{c}` = {v}" for c, v in zip(by, key, strict=True)]
    return ", ".join(parts)
