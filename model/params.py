"""Loading, validating and documenting parameters.

A scenario file is TOML: a ``[scenario]`` table with ``name`` and ``description`` (and, for
the Chinese reports and the policy brief, ``name_zh``, ``description_zh``, ``legal_status`` — one of
``model.i18n.LEGAL_STATUS`` — and ``legal_source`` with its Chinese ``legal_source_zh``), and overrides of the defaults either as nested tables (``[procurement]`` ``award_rule = "scoring"``)
or as dotted keys (``procurement.award_rule = "scoring"``)::

    [scenario]
    name = "scoring30"
    description = "Comprehensive scoring with a 30% price weight (seed S7)."

    [procurement]
    award_rule = "scoring"

Every error is a :class:`ParamError` with one message naming the file, the dotted path, the bad
value and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.i18n import LEGAL_STATUS
from model.overrides import ParamError, apply_overrides, apply_to, leaf_info
from model.param_tree import Params, flatten
from model.procurement.market import SELECTORS, check_roles, role_choices

__all__ = ["Params", "ParamError", "apply_overrides", "Scenario", "load_params", "load_scenario", "flatten", "reference_rows",
           "reference_markdown", "DEFAULTS"]


DEFAULTS: dict[str, Any] = flatten(Params().model_dump(mode="python"))

SCENARIO_KEYS = ("name", "description", "name_zh", "description_zh", "legal_status", "legal_source",
                 "legal_source_zh")
"""Keys of a scenario file's ``[scenario]`` table (only ``name`` is required)."""


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides read from a scenario file."""

    name: str
    description: str
    path: Path | None
    overrides: dict[str, Any] = field(default_factory=dict)
    name_zh: str = ""
    description_zh: str = ""
    legal_status: str = ""
    legal_source: str = ""
    legal_source_zh: str = ""

    def params(self, extra: dict[str, Any] | None = None) -> Params:
        """Resolve the scenario (plus ``extra`` overrides) on top of the defaults."""
        merged = {**self.overrides, **(extra or {})}
        return _resolved(merged, str(self.path or self.name))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file.

    Args:
        path: the scenario file.

    Raises:
        ParamError: missing file, malformed TOML, missing or bad ``[scenario]`` table, or an
            override that is not a valid parameter value.
    """
    p = Path(path)
    if not p.is_file():
        raise ParamError(f"{p}: scenario file not found" + (" (it is a folder)" if p.is_dir() else ""))
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ParamError(f"{p}: malformed TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ParamError(f"{p}: not UTF-8 text: {exc}") from None
    meta = data.pop("scenario", None)
    if not isinstance(meta, dict):
        raise ParamError(f"{p}: scenario: missing [scenario] table with name and description")
    unknown = set(meta) - set(SCENARIO_KEYS)
    if unknown:
        raise ParamError(f"{p}: scenario.{sorted(unknown)[0]}: unknown key; allowed: {', '.join(SCENARIO_KEYS)}")
    name = meta.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ParamError(f"{p}: scenario.name: must be a non-empty string, got {name!r}")
    for key in SCENARIO_KEYS[1:]:
        if not isinstance(meta.get(key, ""), str):
            raise ParamError(f"{p}: scenario.{key}: must be a string, got {meta[key]!r}")
    status = meta.get("legal_status", "")
    if status and status not in LEGAL_STATUS:
        raise ParamError(f"{p}: scenario.legal_status: got {status!r}; allowed: {', '.join(LEGAL_STATUS)}")
    text = {k: meta.get(k, "").strip() for k in SCENARIO_KEYS[1:]}
    sc = Scenario(name=name.strip(), path=p, overrides=flatten(data), **text)
    sc.params()  # validate now: a bad scenario fails at load time, naming the file
    return sc


def load_params(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Params:
    """Defaults, then a scenario file's overrides, then ``overrides`` (dotted paths).

    Args:
        path: a scenario TOML file, or None for the defaults (the Penglai baseline).
        overrides: ``{"procurement.award_rule": "scoring", ...}`` applied last.

    Returns:
        The validated, immutable parameter tree.

    Raises:
        ParamError: one clear message for any bad input.
    """
    if path is None:
        return _resolved(overrides or {}, "overrides")
    return load_scenario(path).params(overrides)


def _resolved(overrides: dict[str, Any], origin: str) -> Params:
    """The defaults with ``overrides``, validated, the method selectors included (ParamError)."""
    p = apply_to(Params, Params().model_dump(mode="python"), overrides, origin)
    check_roles(p, origin)
    return p


def reference_rows() -> list[dict[str, Any]]:
    """One row per parameter: path, default, allowed values, unit, meaning, source, legal status,
    Chinese label (zh)."""
    info = leaf_info(Params)
    for role, leaf in SELECTORS.items():  # the methods declaring the role (model.procurement.market)
        info[f"procurement.{leaf}"]["allowed"] = " | ".join(f'"{n}"' for n in role_choices(role))
    return [{"path": p, "default": DEFAULTS[p], **info[p]} for p in info]


def reference_markdown() -> str:
    """The parameter reference (docs/parameters.md), generated from the tree."""
    lines = ["# Parameter reference", "",
             "Generated from `model/param_tree.py` by `python -m experiments params --markdown`; "
             "do not edit by hand (a test fails when this file is stale).",
             "Defaults are the Penglai baseline. Set any of them in a scenario file by its dotted path.", ""]
    section = None
    for row in reference_rows():
        top = row["path"].rsplit(".", 1)[0] if "." in row["path"] else "(run)"
        if top != section:
            section = top
            lines += ["", f"## {section}", "", "| parameter | 中文 | default | allowed | unit | meaning | source | legal status |",
                      "|---|---|---|---|---|---|---|---|"]
        default = row["default"]
        shown = f'"{default}"' if isinstance(default, str) else str(default).lower() if isinstance(
            default, bool) else repr(default)
        cells = [f"`{row['path']}`", row["zh"], shown, row["allowed"], row["unit"], row["meaning"], row["source"],
                 row["status"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
