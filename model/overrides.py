"""Overriding parameters by dotted path, with one clear error for any bad input, and describing
what each leaf of a parameter tree allows. Works on any tree class (``type(params)``), so the
tree (model/param_tree.py) and the loader (model/params.py) both use it without importing each
other.
"""

from __future__ import annotations

import difflib
from typing import Any, get_args

import numpy as np
from pydantic import BaseModel, ValidationError

from model.param_base import flatten
from model.registry import Registry


class ParamError(ValueError):
    """A bad parameter file, path or value; ``str()`` is one line meant for a person."""


def apply_overrides(params: BaseModel, overrides: dict[str, Any], origin: str = "overrides") -> Any:
    """A new validated tree: ``params`` with ``overrides`` (dotted paths) applied."""
    return apply_to(type(params), params.model_dump(mode="python"), overrides, origin)

def _allowed(tree: type[BaseModel], path: str) -> str:
    """Describe what a leaf accepts: its type, choices or range."""
    info = leaf_info(tree).get(path)
    if info is None:
        return ""
    return info["allowed"]


def _describe_error(err: dict[str, Any]) -> tuple[str, str]:
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    msg = err["msg"]
    if err["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    return loc, msg


def apply_to(cls: type[BaseModel], base: dict[str, Any], overrides: dict[str, Any], origin: str) -> Any:
    """Validate ``base`` (a dumped tree of class ``cls``) with ``overrides`` applied.

    Raises:
        ParamError: naming ``origin``, the dotted path, the bad value and what is allowed.
    """
    tree = _deepcopy(base)
    for path, value in overrides.items():
        _set(tree, path, value, origin)
    try:
        return cls.model_validate(tree)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc, msg = _describe_error(err)
        value = err.get("input")
        allowed = _allowed(cls, loc)
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
                node[part] = _plain(value)
        else:
            node = node[part]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value of the same kind (np.int64 -> int, np.float64 -> float,
    np.bool_ -> bool, np.str_ -> str), as samplers such as EMA Workbench's pass them; a list
    element-wise. The kind is kept, so the strict tree still rejects np.float64 for an int."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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


def leaf_info(tree: type[BaseModel]) -> dict[str, dict[str, str]]:
    """Allowed values, unit, source and meaning of every leaf of ``tree`` (computed on each call,
    so the choices of a registry are always the registry's current names)."""
    out: dict[str, dict[str, str]] = {}
    for path, f in _walk(tree):
        lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
        reg = next((m for m in f.metadata if isinstance(m, Registry)), None)  # pydantic moves it here
        tname = reg.describe() if reg is not None else _type_name(f.annotation)
        rng = f"{tname} in [{lo:g}, {hi:g}]" if lo is not None and hi is not None else tname
        extra = f.json_schema_extra or {}
        status = extra.get("status", "")
        if reg is not None and not status:
            status = "; ".join(f"{n}: {reg[n].status}" for n in reg.names() if getattr(reg[n], "status", ""))
        out[path] = {"allowed": rng, "unit": extra.get("unit", ""), "source": extra.get("source", ""),
                     "meaning": f.description or "", "zh": extra.get("zh", ""), "status": status}
    return out


def leaf_registries(tree: type[BaseModel]) -> dict[str, Registry]:
    """Dotted path -> the registry of a leaf whose values are a registry's names (award rule, regime …)."""
    out: dict[str, Registry] = {}
    for path, f in _walk(tree):
        reg = next((m for m in f.metadata if isinstance(m, Registry)), None)
        if reg is not None:
            out[path] = reg
    return out
