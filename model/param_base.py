"""The building blocks of the parameter tree (model/param_tree.py): a leaf with its unit, range,
meaning and source (``P``), a strict section, and flattening to dotted paths."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EST = "illustrative estimate"


#: Legal status of a lever's values: what a non-default value would mean in law.
CURRENT, PRACTICE, COUNTERFACTUAL = "current law", "the article's 2019 practice", "counterfactual (needs a rule change)"


def P(default: Any, unit: str, desc: str, *, ge: float | None = None, le: float | None = None,
      source: str = EST, zh: str = "", status: str = "") -> Any:
    """Declare one parameter leaf (a pydantic Field carrying unit, source, Chinese label and, for a
    lever that encodes law, the legal status of its non-default values).

    Args:
        default: the default value (Penglai's status quo).
        unit: the unit (its Chinese form is in ``model.i18n.UNITS_ZH``).
        desc: one-line meaning.
        ge: smallest allowed value (the unit's).
        le: largest allowed value (the unit's).
        source: where the value comes from (``EST`` when an illustrative estimate).
        zh: the parameter's Chinese label (the article's term where it has one); the label lint
            test requires it on every leaf.
        status: legal status of the lever's non-default values (current law, the article's 2019
            practice, or a counterfactual needing a rule change); empty for behavioural values.
    """
    return Field(default, ge=ge, le=le, description=desc,
                 json_schema_extra={"unit": unit, "source": source, "zh": zh, "status": status})


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts into ``{dotted.path: value}``."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


class Section(BaseModel):
    """A strict section of the tree: unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)
