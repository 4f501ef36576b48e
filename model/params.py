"""Loading, validating and documenting parameters.

A scenario file is TOML: a ``[scenario]`` table with ``name`` and ``description``, and
overrides of the defaults either as nested tables (``[procurement]`` ``award_rule = "scoring"``)
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

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from model.param_tree import Params, flatten
from model.registry import Registry

__all__ = ["Params", "ParamError", "apply_overrides", "Scenario", "load_params", "load_scenario", "flatten", "reference_rows",
           "reference_markdown", "DEFAULTS"]


class ParamError(ValueError):
    """A bad parameter file, path or value; ``str()`` is one line meant for a person."""


def apply_overrides(params: Params, overrides: dict[str, Any], origin: str = "overrides") -> Params:
    """A new validated tree: ``params`` with ``overrides`` (dotted paths) applied."""
    return _apply(params.model_dump(mode="python"), overrides, origin)

DEFAULTS: dict[str, Any] = flatten(Params().model_dump(mode="python"))


def _allowed(path: str) -> str:
    """Describe what a leaf accepts: its type, choices or range."""
    info = _leaf_info().get(path)
    if info is None:
        return ""
    return info["allowed"]


def _describe_error(err: dict[str, Any]) -> tuple[str, str]:
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    msg = err["msg"]
    if err["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    return loc, msg


def _apply(base: dict[str, Any], overrides: dict[str, Any], origin: str) -> Params:
    tree = _deepcopy(base)
    for path, value in overrides.items():
        _set(tree, path, value, origin)
    try:
        return Params.model_validate(tree)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc, msg = _describe_error(err)
        value = err.get("input")
        allowed = _allowed(loc)
        shown = "" if isinstance(value, dict) else f" = {value!r}"
        extra = f"; allowed: {allowed}" if allowed and err["type"] != "value_error" else ""
        where = f"{loc}{shown}" if loc else "parameters"
        raise ParamError(f"{origin}: {where}: {msg}{extra}") from None


def _deepcopy(tree: dict[str, Any]) -> dict[str, Any]:
    return {k: _deepcopy(v) if isinstance(v, dict) else (list(v) if isinstance(v, list) else v)
            for k, v in tree.items()}


def _set(tree: dict[str, Any], path: str, value: Any, origin: str) -> None:
    parts = path.split(".")
    node = tree
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        if not isinstance(node, dict) or part not in node:
            keys = sorted(node) if isinstance(node, dict) else []
            close = difflib.get_close_matches(part, keys, n=1)
            hint = f" (did you mean {'.'.join(parts[:i] + close)!r}?)" if close else ""
            parent = ".".join(parts[:i]) or "the top level"
            raise ParamError(f"{origin}: {here}: unknown parameter{hint}; keys allowed in {parent}: "
                             f"{', '.join(keys)}")
        if i == len(parts) - 1:
            if isinstance(node[part], dict):
                if not isinstance(value, dict):
                    raise ParamError(f"{origin}: {here} = {value!r}: is a section, not a value; "
                                     f"set one of its keys: {', '.join(sorted(node[part]))}")
                for sub, v in flatten(value).items():
                    _set(tree, f"{here}.{sub}", v, origin)
            else:
                node[part] = value
        else:
            node = node[part]


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides read from a scenario file."""

    name: str
    description: str
    path: Path | None
    overrides: dict[str, Any] = field(default_factory=dict)

    def params(self, extra: dict[str, Any] | None = None) -> Params:
        """Resolve the scenario (plus ``extra`` overrides) on top of the defaults."""
        merged = {**self.overrides, **(extra or {})}
        return _apply(Params().model_dump(mode="python"), merged, str(self.path or self.name))


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
    unknown = set(meta) - {"name", "description"}
    if unknown:
        raise ParamError(f"{p}: scenario.{sorted(unknown)[0]}: unknown key; allowed: name, description")
    name, desc = meta.get("name"), meta.get("description", "")
    if not isinstance(name, str) or not name.strip():
        raise ParamError(f"{p}: scenario.name: must be a non-empty string, got {name!r}")
    if not isinstance(desc, str):
        raise ParamError(f"{p}: scenario.description: must be a string, got {desc!r}")
    overrides = flatten(data)
    sc = Scenario(name=name.strip(), description=desc.strip(), path=p, overrides=overrides)
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
        return _apply(Params().model_dump(mode="python"), overrides or {}, "overrides")
    return load_scenario(path).params(overrides)


def _type_name(ann: Any) -> str:
    choices = next((m for m in getattr(ann, "__metadata__", ()) if isinstance(m, Registry)), None)
    if choices is not None:  # a parameter that names a registered variant
        return choices.describe()
    args = get_args(ann)
    if getattr(ann, "__origin__", None) is list:
        return "list of " + _type_name(args[0])
    if args and all(isinstance(a, str) for a in args):
        return " | ".join(f'"{a}"' for a in args)
    return getattr(ann, "__name__", str(ann))


def _walk(model: type[BaseModel], prefix: str = ""):
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _walk(ann, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", f


def _leaf_info() -> dict[str, dict[str, str]]:
    """Allowed values, unit, source and meaning of every leaf (computed on each call, so the
    choices of a registry are always the registry's current names)."""
    out: dict[str, dict[str, str]] = {}
    for path, f in _walk(Params):
        lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
        reg = next((m for m in f.metadata if isinstance(m, Registry)), None)  # pydantic moves it here
        tname = reg.describe() if reg is not None else _type_name(f.annotation)
        rng = f"{tname} in [{lo:g}, {hi:g}]" if lo is not None and hi is not None else tname
        extra = f.json_schema_extra or {}
        out[path] = {"allowed": rng, "unit": extra.get("unit", ""), "source": extra.get("source", ""),
                     "meaning": f.description or ""}
    return out


def reference_rows() -> list[dict[str, Any]]:
    """One row per parameter: path, default, allowed values, unit, meaning, source."""
    info = _leaf_info()
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
            lines += ["", f"## {section}", "", "| parameter | default | allowed | unit | meaning | source |",
                      "|---|---|---|---|---|---|"]
        default = row["default"]
        shown = f'"{default}"' if isinstance(default, str) else str(default).lower() if isinstance(
            default, bool) else repr(default)
        cells = [f"`{row['path']}`", shown, row["allowed"], row["unit"], row["meaning"], row["source"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
