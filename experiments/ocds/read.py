"""Read OCDS data: release or record packages, as JSON or JSON Lines, and compile processes.

Accepted files: a release package or record package (``.json``), or JSON Lines (``.jsonl``)
whose lines are release packages, record packages, releases or records. Compiling a
contracting process's releases uses ocdsmerge (the OCDS merge routine behind `ocdskit
compile`) with the release schema shipped in `experiments/ocds/standard/` (offline).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from experiments.ocds.validate import STANDARD_DIR


def amount(obj: Any) -> float:
    """The ``value.amount`` of an OCDS object (a tender, an award), NaN when missing."""
    value = obj.get("value") if isinstance(obj, dict) else None
    number = value.get("amount") if isinstance(value, dict) else None
    return float(number) if isinstance(number, (int, float)) else math.nan


class OCDSReadError(ValueError):
    """A file that is not OCDS data we can read."""


def _items(obj: dict, where: str) -> Iterator[tuple[str, dict]]:
    if "releases" in obj and isinstance(obj["releases"], list):
        for rel in obj["releases"]:
            yield "release", rel
    elif "records" in obj and isinstance(obj["records"], list):
        for rec in obj["records"]:
            yield "record", rec
    elif "ocid" in obj and ("compiledRelease" in obj or "releases" in obj):
        yield "record", obj
    elif "ocid" in obj:
        yield "release", obj
    else:
        raise OCDSReadError(f"{where}: not an OCDS release, record or package (no releases, records or ocid)")


def read(path: str | Path) -> Iterator[tuple[str, dict]]:
    """Yield ("release", release) and ("record", record) items of an OCDS file."""
    path = Path(path)
    if not path.is_file():
        raise OCDSReadError(f"{path}: no such file")
    try:
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as fh:
                for i, line in enumerate(fh, 1):
                    if line.strip():
                        yield from _items(json.loads(line), f"{path}:{i}")
        else:
            yield from _items(json.loads(path.read_text(encoding="utf-8")), str(path))
    except json.JSONDecodeError as exc:
        raise OCDSReadError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None


def compiled_releases(path: str | Path) -> Iterator[tuple[dict, list[dict]]]:
    """One compiled release per contracting process, with its releases (date order).

    Records contribute their `compiledRelease` when they have one, else their releases are
    compiled; loose releases are grouped by ocid and compiled in date order.
    """
    from ocdsmerge import Merger

    merger = Merger(str(STANDARD_DIR / "schema/release-schema.json"))
    by_ocid: dict[str, list[dict]] = defaultdict(list)
    for kind, item in read(path):
        if kind == "record":
            rels = [r for r in item.get("releases", []) if isinstance(r, dict) and "ocid" in r]
            if "compiledRelease" in item:
                yield item["compiledRelease"], rels
            else:
                by_ocid[item["ocid"]].extend(rels)
        else:
            by_ocid[item["ocid"]].append(item)
    for rels in by_ocid.values():
        rels.sort(key=lambda r: str(r.get("date", "")))
        yield merger.create_compiled_release(rels), rels
