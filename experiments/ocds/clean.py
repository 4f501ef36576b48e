"""Checks and conversions of real OCDS values: amounts, tenderer counts, currencies, methods.

- An amount (``value.amount`` of a tender or an award) that is not a number, not finite,
  negative or above `MAX_AMOUNT`, or a ``numberOfTenderers`` that is a boolean, not a number,
  not whole, negative or above `MAX_TENDERERS`, drops its whole contracting process; each kind
  of drop is counted (`Tally`).
- ``numberOfTenderers``, when a notice does not state it, is the number of distinct tenderers
  of ``bids.details`` (bids with status ``invited`` left out; the number of bids when they name
  no tenderer), else of ``tender.tenderers``.
- Amounts in a currency other than the data's dominant one are converted with the value's
  ``exchangeRate`` (units of the dominant currency per unit of the value's currency, as the
  Mexico City portal publishes it; OCDS 1.1 has no such field), else the process is left out.
- ``--method-map FILE`` maps a publisher's ``procurementMethodDetails`` or non-standard
  ``procurementMethod`` strings to the model's method codes (`experiments.ocds.codes.METHODS`),
  and so to an OCDS method.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.ocds import codes
from experiments.ocds.read import OCDSReadError

MAX_AMOUNT = 1e15
"""Largest credible amount of one tender or award in any currency (above: a data error)."""
MAX_TENDERERS = 1_000_000
"""Largest credible number of tenderers for one notice (above: a data error)."""
OCDS_METHODS = ("open", "selective", "limited", "direct")
"""OCDS 1.1's closed procurementMethod codelist."""


def bad_amount(value: Any) -> str | None:
    """Why the ``amount`` of a value object cannot be used, or None (missing is fine)."""
    number = value.get("amount") if isinstance(value, dict) else None
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return "an amount that is not a number"
    if not math.isfinite(number):
        return "an amount that is not finite"
    if number < 0:
        return "a negative amount"
    return f"an amount above {MAX_AMOUNT:.0e}" if number > MAX_AMOUNT else None


def bad_count(n: Any) -> str | None:
    """Why a ``numberOfTenderers`` cannot be used, or None (missing is fine)."""
    if n is None:
        return None
    if isinstance(n, bool):
        return "numberOfTenderers a boolean"
    if not isinstance(n, (int, float)) or not math.isfinite(n):
        return "numberOfTenderers not a number"
    if n != int(n):
        return "numberOfTenderers not a whole number"
    if n < 0:
        return "numberOfTenderers negative"
    return f"numberOfTenderers above {MAX_TENDERERS:,}" if n > MAX_TENDERERS else None


def bad_release(rel: dict) -> str | None:
    """The first unusable value of a release (its tender's and awards' amounts and counts)."""
    tender = rel.get("tender") or {}
    problems = [bad_count(tender.get("numberOfTenderers")), bad_amount(tender.get("value"))]
    problems += [bad_amount(a.get("value")) for a in rel.get("awards") or []]
    return next((p for p in problems if p), None)


@dataclass(frozen=True)
class Money:
    """An amount with its currency and the exchange rate the data give (NaN amount when missing)."""

    amount: float
    currency: str | None
    rate: float | None

    @classmethod
    def of(cls, value: Any) -> Money:
        """The money of an OCDS value object (checked by `bad_amount` before)."""
        value = value if isinstance(value, dict) else {}
        number, cur, rate = value.get("amount"), value.get("currency"), value.get("exchangeRate")
        ok_rate = isinstance(rate, (int, float)) and not isinstance(rate, bool) and math.isfinite(rate) and rate > 0
        return cls(float(number) if isinstance(number, (int, float)) else math.nan,
                   cur if isinstance(cur, str) and cur else None, float(rate) if ok_rate else None)

    def to(self, currency: str | None) -> float | None:
        """The amount in `currency`; None when it is in another one and no exchange rate is given."""
        if math.isnan(self.amount) or self.currency is None or self.currency == currency:
            return self.amount
        return self.amount * self.rate if self.rate is not None else None


def tenderers(rel: dict) -> tuple[int | None, str]:
    """A notice's number of tenderers and where it comes from ("", "bids", "tenderers")."""
    tender = rel.get("tender") or {}
    if tender.get("numberOfTenderers") is not None:
        return int(tender["numberOfTenderers"]), ""
    details = (rel.get("bids") or {}).get("details")
    if isinstance(details, list):
        bids = [b for b in details if isinstance(b, dict) and b.get("status") != "invited"]
        names = {str(p.get("id") or p.get("name")) for b in bids for p in b.get("tenderers") or []
                 if isinstance(p, dict) and (p.get("id") or p.get("name"))}
        if bids:
            return len(names) or len(bids), "bids"
    listed = [p for p in tender.get("tenderers") or [] if isinstance(p, dict)] \
        if isinstance(tender.get("tenderers"), list) else []
    if listed:
        return len({str(p.get("id") or p.get("name") or i) for i, p in enumerate(listed)}), "tenderers"
    return None, ""


def method(tender: dict, method_map: dict[str, str]) -> tuple[str | None, str | None]:
    """The OCDS method of a tender (after the map), and the method string left unknown, if any."""
    for key in ("procurementMethodDetails", "procurementMethod"):
        text = tender.get(key)
        if isinstance(text, str) and text in method_map:
            return codes.METHODS[method_map[text]].ocds, None
    found = tender.get("procurementMethod")
    if found in OCDS_METHODS:
        return found, None
    text = found or tender.get("procurementMethodDetails")
    return None, (str(text) if text else None)


def load_method_map(path: Path) -> dict[str, str]:
    """Read a method map: a TOML or JSON table of publisher strings -> the model's method codes."""
    where = f"--method-map {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OCDSReadError(f"{where}: cannot read it ({exc})") from None
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise OCDSReadError(f"{where}: not {kind} ({str(exc).splitlines()[0]})") from None
    if isinstance(doc, dict) and set(doc) == {"methods"}:
        doc = doc["methods"]
    if not isinstance(doc, dict) or not doc:
        raise OCDSReadError(f'{where}: expected a table of "publisher method" = "model method", '
                            f"e.g. \"Licitación Pública\" = \"open_tender\"")
    for key, value in doc.items():
        if value not in codes.METHODS:
            raise OCDSReadError(f"{where}: {key!r} = {value!r}: not a method of the model; allowed: "
                                f"{', '.join(codes.METHODS)}")
    return dict(doc)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass
class Tally:
    """What happened to the data on the way in; `lines` summarises it in one block."""

    releases: int = 0
    processes: int = 0
    used: int = 0
    currency: str | None = None
    dropped: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)
    converted: Counter = field(default_factory=Counter)
    derived: Counter = field(default_factory=Counter)
    unknown_methods: Counter = field(default_factory=Counter)
    merge_warnings: Counter = field(default_factory=Counter)
    planning: int = 0
    still_open: int = 0

    def drops(self) -> str:
        """Each kind of drop counted, in one line ("" when nothing was dropped)."""
        parts = []
        if self.dropped["duplicate release"]:
            parts.append(f"{_n(self.dropped['duplicate release'], 'duplicate release')} (same ocid and release id)")
        parts += [f"{_n(n, 'process', 'processes')} with {why}" for why, n in sorted(self.dropped.items())
                  if why != "duplicate release"]
        return "; ".join(parts)

    def nothing_usable(self, path: Path) -> str:
        """The one-line refusal of a file with no usable contracting process."""
        why = [f"dropped: {self.drops()}"] if self.drops() else []
        why += [f"left out for their currency: {sum(self.left_out.values())}"] if self.left_out else []
        return f"{path}: no usable releases ({self.releases} read{'; ' if why else ''}{'; '.join(why)})"

    def lines(self, name: str) -> list[str]:
        """The summary block: a head line, then one line per kind of note (only the head when clean)."""
        out = [f"note: {name}: {_n(self.releases, 'release')} in {_n(self.processes, 'contracting process', 'contracting processes')}, "
               f"{self.used} used; amounts in {self.currency or 'no stated currency'}"]
        if self.drops():
            out.append(f"  dropped: {self.drops()}")
        if self.left_out:
            out.append(f"  left out: {_n(sum(self.left_out.values()), 'process', 'processes')} with amounts in "
                       f"{', '.join(sorted(self.left_out))} and no exchange rate in the data")
        if self.converted:
            out.append(f"  converted: {_n(sum(self.converted.values()), 'process', 'processes')} with amounts in "
                       f"{', '.join(sorted(self.converted))}, at the exchange rates the data give")
        if self.planning or self.still_open:
            out.append(f"  not counted as failures: {self.planning} planning-only (no tender), "
                       f"{self.still_open} with the tender still open (status active, no award)")
        if self.derived:
            out.append("  numberOfTenderers derived where absent: "
                       + ", ".join(f"{n} notice(s) from {'bids.details' if src == 'bids' else 'tender.tenderers'}"
                                   for src, n in sorted(self.derived.items())))
        if self.merge_warnings:
            out.append("  warnings of the OCDS merge (ocdsmerge): " + ", ".join(
                f"{n} {kind}" for kind, n in sorted(self.merge_warnings.items())))
        if self.unknown_methods:
            top = ", ".join(f"{m!r} ({n})" for m, n in self.unknown_methods.most_common(5))
            out.append(f"  methods not in OCDS's codelist (not counted as competitive or direct): {top}; "
                       "map them with --method-map FILE")
        return out
