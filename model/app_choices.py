"""The dashboard's choice levers in the page's language (model/app.py).

In Chinese a lever's choices are shown by their declared Chinese labels (a registry variant's
``label_zh``, a notice channel's ``CHANNELS_ZH``), never by their code names, and the lever changes
under the map are written with the parameters' Chinese labels (the tree's ``zh``). Mesa's
``ModelCreator`` passes the shown value back to :class:`model.app.DashboardModel`, which reads it back
to the name with :func:`name_of`; a name is accepted as it is, so English and Chinese pages build the
same model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS
from model.delivery.monitoring import REGIMES
from model.overrides import leaf_info, leaf_registries
from model.param_tree import Params
from model.procurement.award import AWARD_RULES
from model.procurement.notices import CHANNELS_ZH

JOIN = " + "
"""How the monitoring lever joins regimes (``model.app.monitoring_presets``)."""

_REGISTRIES = {"award_rule": AWARD_RULES, "blacklist_trigger": TRIGGERS, "blacklist_scope": SCOPES,
               "blacklist_duration": DURATIONS, "monitoring": REGIMES}


def labels(lever: str) -> dict[str, str]:
    """Name -> Chinese label of the choices of a lever ({} for a lever without choices)."""
    if lever == "notice_channel":
        return dict(CHANNELS_ZH)
    reg = _REGISTRIES.get(lever)
    return {n: reg[n].label_zh or n for n in reg.names()} if reg is not None else {}


def shown(lever: str, name: str, lang: str) -> str:
    """A choice as the page shows it: its name in English, its Chinese label in Chinese."""
    if lang != "zh":
        return name
    zh = labels(lever)
    return JOIN.join(zh.get(part, part) for part in name.split(JOIN))


def name_of(lever: str, value: Any) -> Any:
    """The name of a shown choice (the inverse of :func:`shown`; a name, None or a number stays)."""
    if not isinstance(value, str):
        return value
    back = {zh: n for n, zh in labels(lever).items()}
    return JOIN.join(back.get(part, part) for part in value.split(JOIN))


@cache
def _tree() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    info, regs = leaf_info(Params), leaf_registries(Params)
    values = {path: {n: getattr(reg[n], "label_zh", "") or n for n in reg.names()} for path, reg in regs.items()}
    return {path: row["zh"] for path, row in info.items()}, values


def change_text(path: str, value: Any, lang: str) -> str:
    """One lever change (``path = value``) as the page writes it: the parameter's Chinese label and the
    value's in Chinese (booleans 是/否, registry and channel names by their labels)."""
    if lang != "zh":
        return f"{path} = {value}"
    names, values = _tree()
    words = {**values.get(path, {}), **CHANNELS_ZH, **(labels("monitoring") if path == "monitoring.regimes" else {})}

    def one(v: Any) -> str:
        return ("是" if v else "否") if isinstance(v, bool) else str(words.get(v, v)) if isinstance(v, str) else str(v)

    shown_value = "、".join(map(one, value)) if isinstance(value, (list, tuple)) else one(value)
    return f"{names.get(path) or path} = {shown_value}"


def scenario_shown(choices: dict[str, str], lang: str, defaults_zh: str) -> dict[str, str]:
    """Scenario selector key -> what the selector shows: the key in English; in Chinese a file's ``name_zh``
    (its stem when it has none or shares it) and ``defaults_zh`` for the model defaults (no file)."""
    if lang != "zh":
        return {k: k for k in choices}
    out = {}
    for key, path in choices.items():
        try:
            name = tomllib.loads(Path(path).read_text(encoding="utf-8"))["scenario"].get("name_zh", "") if path else ""
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            name = ""
        out[key] = defaults_zh if not path else name if name and name not in out.values() else key
    return out
