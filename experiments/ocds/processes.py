"""Contracting processes of OCDS data: releases merged per ocid, notices per tender, values checked.

Releases are grouped by ``ocid``; a repeated release ``id`` within an ocid is dropped (counted).
Each process is compiled with ocdsmerge (the OCDS merge routine behind `ocdskit compile`) and
the release schema shipped in `experiments/ocds/standard/` (offline); a record's
``compiledRelease`` is used when it has one. A process's *notices* are its tenders as OCDS
identifies them, by ``tender.id``: releases that update one tender (an amendment, an award, a
correction) are one notice, a new ``tender.id`` in the same process is a new notice (a
re-tender); releases without a ``tender.id`` belong to the notice before them. Each notice is
the merge of its releases.

A process is *planning-only* when it has no tender (no tender object, or only releases tagged
planning) and no award; it has *an open tender* when its tender's status is ``active`` and it
has no award. Neither has an outcome yet, so neither counts as a failure. Values are checked
and converted by `experiments.ocds.clean`.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from experiments.ocds import clean
from experiments.ocds.read import OCDSReadError, check_release, read
from experiments.ocds.validate import STANDARD_DIR

PLANNING_TAGS = {"planning", "planningUpdate"}


@dataclass
class Notice:
    """One tender (one ``tender.id``) of a process, merged over its releases."""

    method: str | None
    tenderers: int | None
    value: float
    award_value: float
    awarded: bool


@dataclass
class Process:
    """One contracting process: its compiled release, notices and outcome."""

    ocid: str
    release: dict
    notices: list[Notice]
    method: str | None
    tenderers: int | None
    value: float
    award_value: float
    awarded: bool
    planning_only: bool
    still_open: bool


def _active(rel: dict) -> list[dict]:
    return [a for a in rel.get("awards") or [] if a.get("status") in (None, "active")]


def _by_tender(rels: list[dict]) -> list[list[dict]]:
    """The releases of each tender id, in order (releases without one join the notice before)."""
    groups: dict[str, list[dict]] = {}
    pending: list[dict] = []
    current = None
    for rel in rels:
        tid = (rel.get("tender") or {}).get("id")
        if tid is None:
            (groups[current] if current is not None else pending).append(rel)
            continue
        current = str(tid)
        groups.setdefault(current, []).extend(pending)
        pending = []
        groups[current].append(rel)
    return list(groups.values()) or [pending]


class _Reader:
    """Compiles the processes of one file, counting what it drops (`tally`)."""

    def __init__(self, method_map: dict[str, str]):
        from ocdsmerge import Merger

        self.merger = Merger(str(STANDARD_DIR / "schema/release-schema.json"))
        self.method_map = method_map
        self.tally = clean.Tally()

    def compile(self, ocid: str, rels: list[dict]) -> dict:
        """Merge releases of one process with the OCDS merge rules (one release: itself)."""
        from ocdsmerge.exceptions import OCDSMergeError

        if len(rels) == 1:
            return rels[0]
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                merged = self.merger.create_compiled_release(rels)
            self.tally.merge_warnings.update(type(w.message).__name__ for w in caught)
            return merged
        except OCDSMergeError as exc:
            raise OCDSReadError(f"{ocid}: cannot merge its releases ({exc})") from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # e.g. an `id` that is an array
            raise OCDSReadError(f"{ocid}: cannot merge its releases (a field of an unexpected type: "
                                f"{type(exc).__name__}: {exc})") from None

    def group(self, path: Path) -> tuple[dict[str, list[dict]], dict[str, dict]]:
        """The releases of each ocid (repeated release ids dropped) and the records' compiled releases."""
        by_ocid: dict[str, list[dict]] = defaultdict(list)
        given: dict[str, dict] = {}
        seen: set[tuple[str, str]] = set()
        for kind, item in read(path):
            if kind == "record":
                if "compiledRelease" in item:
                    given[item["ocid"]] = item["compiledRelease"]
                rels = [check_release(r, f"{path}: {item['ocid']}: a release") for r in item.get("releases") or []
                        if not (isinstance(r, dict) and "url" in r and "ocid" not in r)]  # linked releases
            else:
                rels = [item]
            for rel in rels:
                self.tally.releases += 1
                key = (rel["ocid"], str(rel.get("id")))
                if rel.get("id") is not None and key in seen:
                    self.tally.dropped["duplicate release"] += 1
                    continue
                seen.add(key)
                by_ocid[rel["ocid"]].append(rel)
        return by_ocid, given

    def notice(self, rel: dict, count: bool = True) -> tuple[Notice, list[clean.Money]]:
        """A notice from a (compiled) release, with its tender value and active awards' money."""
        tender = rel.get("tender") or {}
        n, source = clean.tenderers(rel)
        meth, _ = clean.method(tender, self.method_map)
        if count and source and meth in ("open", "selective"):
            self.tally.derived[source] += 1
        awards = _active(rel)
        money = [clean.Money.of(tender.get("value")), *(clean.Money.of(a.get("value")) for a in awards)]
        return Notice(meth, n, math.nan, math.nan, bool(awards)), money

    def process(self, ocid: str, rels: list[dict], compiled: dict | None) -> tuple[Process, list] | None:
        """The process of `ocid` and the money of it and its notices (None when a value drops it)."""
        rels = sorted(rels, key=lambda r: str(r.get("date", "")))
        release = compiled if compiled is not None else self.compile(ocid, rels)
        problem = next((p for p in map(clean.bad_release, [*rels, release]) if p), None)
        if problem:
            self.tally.dropped[problem] += 1
            return None
        groups = _by_tender(rels) if rels else [[release]]
        parts = [self.notice(release if len(groups) == 1 else self.compile(ocid, g)) for g in groups
                 if any("tender" in r for r in g)]
        head, money = self.notice(release, count=False)
        tender = release.get("tender") or {}
        tags = {t for r in rels if isinstance(r.get("tag"), list) for t in r["tag"] if isinstance(t, str)}
        planning = (not tender or (bool(tags) and tags <= PLANNING_TAGS)) and not head.awarded
        unknown = clean.method(tender, self.method_map)[1]
        if unknown and not planning:
            self.tally.unknown_methods[unknown] += 1
        proc = Process(ocid, release, [p for p, _ in parts] if not planning else [], head.method, head.tenderers,
                       math.nan, math.nan, head.awarded, planning,
                       tender.get("status") == "active" and not head.awarded)
        return proc, [money, *(m for _, m in parts)]


def _convert(proc: Process, money: list[list[clean.Money]], currency: str | None) -> set[str] | None:
    """Set the values of a process in `currency`; the currencies it could not convert, if any."""
    missing = {m.currency for ms in money for m in ms if m.to(currency) is None}
    if missing:
        return missing
    for target, ms in zip([proc, *proc.notices], money):
        target.value = ms[0].to(currency)
        target.award_value = sum(m.to(currency) for m in ms[1:]) if len(ms) > 1 else math.nan
    return set()


def _dominant(money: Iterable[list[list[clean.Money]]]) -> str | None:
    found = Counter(v.currency for m in money for v in m[0] if v.currency)
    return found.most_common(1)[0][0] if found else None


def load(path: str | Path, method_map: dict[str, str] | None = None) -> tuple[list[Process], clean.Tally]:
    """The usable processes of an OCDS file, and the tally of what was dropped or left out."""
    path = Path(path)
    reader = _Reader(method_map or {})
    try:
        by_ocid, given = reader.group(path)
        built = [reader.process(ocid, by_ocid.get(ocid, []), given.get(ocid))
                 for ocid in [*by_ocid, *(o for o in given if o not in by_ocid)]]
    except OCDSReadError as exc:
        raise OCDSReadError(str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}") from None
    tally = reader.tally
    tally.processes = len(built)
    built = [b for b in built if b is not None]
    tally.currency = _dominant(m for _, m in built)
    out = []
    for proc, money in built:
        missing = _convert(proc, money, tally.currency)
        if missing:
            tally.left_out[min(c or "" for c in missing)] += 1
            continue
        others = {m.currency for ms in money for m in ms if m.currency and m.currency != tally.currency}
        if others:
            tally.converted[min(others)] += 1
        tally.planning += proc.planning_only
        tally.still_open += proc.still_open
        out.append(proc)
    tally.used = len(out)
    return out, tally
