"""requirements.lock pins every dependency and extra of pyproject.toml, at versions pyproject allows,
and a manifest records the lock's sha256 and the numeric platform (issue 17)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from experiments.manifest import LOCK_FILE, numeric_platform, sha256_of

ROOT = Path(__file__).resolve().parent.parent


def pinned(text: str) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` line of a lock file."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)", line)
        if m:
            found[canonicalize_name(m.group(1))] = m.group(2)
    return found


def declared() -> list[Requirement]:
    """Every requirement of pyproject.toml: dependencies and all extras (the project's own
    extras, e.g. ``jiebang[viz]`` inside ``all``, excluded)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [Requirement(r) for r in extra]
    return [r for r in reqs if canonicalize_name(r.name) != canonicalize_name(project["name"])]


def missing_or_outside(lock_text: str) -> list[str]:
    """Declared requirements the lock does not pin, or pins at a version they exclude."""
    pins = pinned(lock_text)
    bad = []
    for req in declared():
        version = pins.get(canonicalize_name(req.name))
        if version is None or (req.specifier and version not in req.specifier):
            bad.append(f"{req} (lock: {version})")
    return bad


def test_lock_pins_every_declared_requirement_within_its_range():
    assert LOCK_FILE == ROOT / "requirements.lock"
    assert missing_or_outside(LOCK_FILE.read_text()) == [], "run scripts/lock.sh"


def test_the_check_catches_a_stale_lock():
    text = LOCK_FILE.read_text()
    stale = re.sub(r"(?m)^mesa==\S+", "mesa==3.4.0", text)
    assert any(m.startswith("mesa") for m in missing_or_outside(stale))
    assert any(m.startswith("numpy") for m in missing_or_outside(re.sub(r"(?m)^numpy==.*$", "", text)))


def test_numeric_platform_names_what_decides_the_last_bits():
    info = numeric_platform()
    assert {"machine", "libc", "numpy", "scipy", "simd", "key"} <= set(info)
    assert info["numpy"] in info["key"] and all(t in info["key"] for t in info["simd"])
    assert sha256_of(LOCK_FILE) is not None and len(sha256_of(LOCK_FILE)) == 64
