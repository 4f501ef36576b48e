"""Read OCDS data: release or record packages, as JSON or JSON Lines, gzipped or not.

The format is detected from the content, not the file name: gzip by its magic bytes, then UTF-8
text holding one JSON document (a release or record package, a release, a record) or JSON Lines
(one such document per line, as `.jsonl` or `.ndjson`, or named `.json`). Anything else is an
`OCDSReadError` with one line naming the file (and the line, for JSON Lines): UTF-16, binary,
a top-level number, string or null, a release that is not an object or has no `ocid`, a
`tender` that is not an object, JSON nested too deeply.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OBJECTS = ("tender", "bids", "planning", "buyer")
"""Release fields that must be objects when present."""
LISTS = ("awards", "parties")
"""Release fields that must be arrays of objects when present."""


class OCDSReadError(ValueError):
    """A file that is not OCDS data we can read."""


def _describe(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise OCDSReadError(f"{path}: a damaged gzip file ({exc})") from None
    starts = [raw[i:i + 1] for i in range(2)]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or any(
            starts[i] == b"\x00" and starts[1 - i] in JSON_STARTS for i in range(2)):
        raise OCDSReadError(f"{path}: UTF-16 or UTF-32 text; OCDS data must be UTF-8 "
                            "(convert it, e.g. iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in raw[:4096]:
        raise OCDSReadError(f"{path}: binary data, not JSON text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OCDSReadError(f"{path}: not UTF-8 text (byte {exc.start}): binary data or another "
                            "encoding; OCDS data must be UTF-8 JSON") from None


JSON_STARTS = tuple(bytes([c]) for c in b'{[ \t\r\n"')
"""The bytes a JSON text starts with (after which a NUL byte means UTF-16)."""


def _parse(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise OCDSReadError(f"{where}: JSON nested too deeply to be OCDS data") from None


def documents(path: Path) -> Iterator[tuple[Any, str]]:
    """The JSON documents of a file (one, or one per line of JSON Lines), each with where it is."""
    text = _text(path)
    if not text.strip():
        raise OCDSReadError(f"{path}: an empty file; expected OCDS JSON")
    try:
        yield _parse(text, str(path)), str(path)
        return
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise OCDSReadError(f"{path}: not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    for i, line in enumerate(io.StringIO(text), 1):  # JSON Lines (lines end at "\n" only)
        if line.strip():
            try:
                yield _parse(line.rstrip("\r\n"), f"{path}, line {i}"), f"{path}, line {i}"
            except json.JSONDecodeError as exc:
                raise OCDSReadError(f"{path}, line {i}: not JSON ({exc.msg}, column {exc.colno})") from None


def check_release(rel: Any, where: str) -> dict:
    """`rel` if it is a release object with an ocid and well-shaped blocks, else `OCDSReadError`."""
    if not isinstance(rel, dict):
        raise OCDSReadError(f"{where} is {_describe(rel)}; expected a release object")
    if not isinstance(rel.get("ocid"), str) or not rel["ocid"]:
        raise OCDSReadError(f"{where} has no ocid (the contracting process's id)")
    for key in OBJECTS:
        if rel.get(key) is not None and not isinstance(rel[key], dict):
            raise OCDSReadError(f"{where} ({rel['ocid']}): {key} is {_describe(rel[key])}; expected an object")
    for key in LISTS:
        items = rel.get(key)
        if items is not None and not (isinstance(items, list) and all(isinstance(x, dict) for x in items)):
            raise OCDSReadError(f"{where} ({rel['ocid']}): {key} is not an array of objects")
    return rel


def _items(obj: Any, where: str) -> Iterator[tuple[str, dict]]:
    if not isinstance(obj, dict):
        raise OCDSReadError(f"{where}: the JSON is {_describe(obj)}; expected an OCDS release package, "
                            "record package, release or record (an object)")
    for key, kind in (("releases", "release"), ("records", "record")):
        if key in obj and "ocid" not in obj:
            if not isinstance(obj[key], list):
                raise OCDSReadError(f"{where}: {key} is {_describe(obj[key])}; expected an array")
            for k, item in enumerate(obj[key]):
                yield kind, _check_record(item, f"{where}: {key}[{k}]") if kind == "record" else \
                    check_release(item, f"{where}: {key}[{k}]")
            return
    if "ocid" in obj and ("compiledRelease" in obj or "releases" in obj):
        yield "record", _check_record(obj, where)
    elif "ocid" in obj:
        yield "release", check_release(obj, where)
    else:
        raise OCDSReadError(f"{where}: not an OCDS release, record or package (no releases, records or ocid)")


def _check_record(rec: Any, where: str) -> dict:
    if not isinstance(rec, dict):
        raise OCDSReadError(f"{where} is {_describe(rec)}; expected a record object")
    if not isinstance(rec.get("ocid"), str) or not rec["ocid"]:
        raise OCDSReadError(f"{where} has no ocid (the contracting process's id)")
    if "compiledRelease" in rec:
        check_release(rec["compiledRelease"], f"{where}.compiledRelease")
    if not isinstance(rec.get("releases", []), list):
        raise OCDSReadError(f"{where}: releases is {_describe(rec['releases'])}; expected an array")
    return rec


def read(path: str | Path) -> Iterator[tuple[str, dict]]:
    """Yield ("release", release) and ("record", record) items of an OCDS file."""
    path = Path(path)
    if not path.is_file():
        raise OCDSReadError(f"{path}: no such file")
    try:
        for doc, where in documents(path):
            yield from _items(doc, where)
    except OSError as exc:
        raise OCDSReadError(f"{path}: cannot read it ({exc.strerror or exc})") from None
