"""Explicit registries of policy variants: a policy lever is a parameter, never a code edit
(docs/internals.md, "How to add a variant").

A :class:`Registry` maps a variant's name to the object that implements it (an award rule, a
bidding strategy, a monitoring regime, a blacklist trigger, scope or duration). Each registry
is written down once, in the module of its mechanism, listing its variants explicitly — no
scanning, nothing registered as a side effect of an import. The parameter tree uses a registry
as the validator of the parameter that names a variant (``Annotated[str, REGISTRY]``), so the
allowed values, their documentation (docs/parameters.md) and the dashboard's choices all come
from the registry; adding a variant to it is the only edit a new variant needs.

Tests add a toy variant for the duration of a ``with REGISTRY.added(variant):`` block.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic_core import core_schema

V = TypeVar("V")


class Registry(Mapping[str, V], Generic[V]):
    """Named variants of one kind of policy, in display order.

    Args:
        kind: what the variants are, in words (e.g. "award rule"), for error messages.
        variants: the variants; each has a ``name`` attribute.
    """

    def __init__(self, kind: str, *variants: V) -> None:
        self.kind = kind
        self._items: dict[str, V] = {}
        for v in variants:
            self._add(v)

    def _add(self, variant: V) -> None:
        name = getattr(variant, "name", None)
        if not isinstance(name, str) or not name:
            raise TypeError(f"a {self.kind} needs a non-empty string name, got {name!r}")
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._items[name] = variant

    def __getitem__(self, name: str) -> V:
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {name!r}; allowed: {self.describe()}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> tuple[str, ...]:
        """The variants' names, in order."""
        return tuple(self._items)

    def describe(self) -> str:
        """The allowed names as the parameter reference shows them: ``"a" | "b"``."""
        return " | ".join(f'"{n}"' for n in self._items)

    def check(self, name: str) -> str:
        """``name`` if it is registered.

        Raises:
            ValueError: naming the unknown value and the allowed names.
        """
        if name not in self._items:
            raise ValueError(f"unknown {self.kind} {name!r}; allowed: {self.describe()}")
        return name

    @contextlib.contextmanager
    def added(self, variant: V) -> Iterator[V]:
        """Register ``variant`` for the duration of the block (tests of new variants)."""
        self._add(variant)
        try:
            yield variant
        finally:
            del self._items[variant.name]  # type: ignore[attr-defined]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        """Validate a parameter that names a variant: a string that is registered."""
        return core_schema.no_info_after_validator_function(self.check, handler(str))
