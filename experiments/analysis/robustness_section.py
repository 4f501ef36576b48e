"""The reform report's robustness section, read from the table ``python -m experiments validate`` saves
(``screen.csv`` and ``manifest.json`` under results/curated/robustness/): per reform and headline
outcome, the effect at the defaults and the share of a Latin-hypercube screen of the parameters that
drive the results where it keeps its sign with its interval clear of zero (experiments/studies/
robustness.py). Plain tables in (no Mesa)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis.zh_style import drivers_zh, scaled, screen_zh

COLUMNS = ("reform", "outcome", "effect", "effect_low", "effect_high", "same_sign", "kept", "kept_low",
           "kept_high", "reversed", "reversed_low", "reversed_high", "decided_by")
"""Columns the saved table must have."""


def load(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a saved robustness table: a folder holding ``screen.csv`` (and ``manifest.json``) or the CSV.

    Raises:
        ValueError: no such file or folder, unreadable, or a column missing (the message names it).
    """
    p = Path(path)
    csv = p / "screen.csv" if p.is_dir() else p
    if not csv.is_file():
        raise ValueError(f"--robustness {path}: no such file or folder with screen.csv; write it with "
                         "`python -m experiments validate` (results/curated/robustness)")
    try:
        table = pd.read_csv(csv)
        man = csv.with_name("manifest.json")
        meta = json.loads(man.read_text(encoding="utf-8")) if man.is_file() else {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"--robustness {path}: cannot read it: {exc}") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing or table.empty:
        raise ValueError(f"--robustness {path}: not a robustness table (missing column "
                         f"{missing[0] if missing else 'rows'}; expected {', '.join(COLUMNS)})")
    return table, meta


SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
"""Where a reform the results folder does not hold has its scenario file (its Chinese name)."""


def _reform_name(name: str, sname: Callable[[Any], str], zh: bool) -> str:
    """A reform's display name; in Chinese, for a reform the folder does not hold, its scenario file's
    ``name_zh`` (else its code)."""
    shown = sname(name)
    if not zh or shown != name:
        return shown
    try:
        return str(tomllib.loads((SCENARIOS / f"{name}.toml").read_text(encoding="utf-8"))["scenario"]["name_zh"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return f"`{name}`"


def _share(r: pd.Series, key: str) -> str:
    return f"{r[key]:.0%} [{r[f'{key}_low']:.0%}, {r[f'{key}_high']:.0%}]"


def blocks(table: pd.DataFrame, meta: dict[str, Any], t: Callable[..., str], sname: Callable[[Any], str],
           olabel: Callable[[str, Any], tuple[str, float]], fmt: Callable[..., str], lang: str = "en") -> list[tuple]:
    """The section as report blocks (heading, note with the command and design, table).

    Args:
        table: the saved table (``load``). meta: its manifest.
        t: the report's translator. sname: scenario display name.
        olabel: outcome and its figures -> (label with unit, divisor of the figures; 万元/亿元 in Chinese).
        fmt: the report's ``fmt_ci``. lang: ``"en"`` or ``"zh"`` (the screen's English phrases translated).
    """
    screen = meta.get("screen") or {}
    zh = lang == "zh"
    rows = []
    for _, r in table.iterrows():
        effect = (r["effect"], r["effect_low"], r["effect_high"])
        label, k = olabel(str(r["outcome"]), effect)
        rows.append([_reform_name(str(r["reform"]), sname, zh), label, fmt(*scaled(effect, k), sign=True), f"{r['same_sign']:.0%}",
                     _share(r, "kept"), _share(r, "reversed"),
                     drivers_zh(str(r["decided_by"])) if zh else str(r["decided_by"])])
    describe = str(screen.get("describe", "?"))
    return [("h", 2, t("rob_title")),
            ("p", t("rob_note", describe=screen_zh(describe) if zh else describe, command=meta.get("command", "?"),
                    commit=meta.get("git_commit") or "?")),
            ("table", t("rob_cols").split("|"), rows)]
