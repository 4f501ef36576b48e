"""What made a run: the code, the locked dependencies and the numeric platform.

A results folder only ever holds runs of one identity. Each part file the store writes carries
the identity that computed it (Parquet schema metadata), and a rerun into a folder whose runs
were made by another identity refuses (`experiments.engine.store.Store.open`), so a resumed
sweep never mixes model versions.

The identity has three parts, each a short sha256:

- ``code``: the content of every file of the model package (``model/``, or the module of a test
  backend) and of the engine (``experiments/engine/``). A content hash rather than the git commit:
  it covers committed and uncommitted edits alike, works for an installed package that is not a git
  checkout, and does not change for a commit that touches neither (docs, analysis commands). The
  commit and whether those files had uncommitted changes are kept beside it for people to read.
- ``lock``: the sha256 of ``requirements.lock`` (the versions installed), "none" without it.
- ``platform``: the numeric platform's key (numpy/scipy versions, CPU dispatch targets, BLAS
  kernels, libc; `experiments.engine.manifest.numeric_platform`).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from experiments.engine import manifest as mf

ENGINE = Path(__file__).resolve().parent
PARTS = ("code", "lock", "platform")
"""The components compared between a folder's runs and a rerun."""
SHORT = 16
"""Hex digits kept of each sha256 (64 bits: collisions are not a concern for a few versions)."""


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo")  # compiled caches
                  and not any(x.startswith(".") for x in p.relative_to(root).parts))  # editors' files


def tree_hash(roots: list[Path]) -> str:
    """sha256 of the relative paths and contents of every file under `roots` (sorted)."""
    digest = hashlib.sha256()
    for root in roots:
        base = root.parent if root.is_file() else root
        for path in _files(root):
            digest.update(f"{root.name}/{path.relative_to(base).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:SHORT]


def code_roots(backend: Any) -> list[Path]:
    """The engine folder and the code behind `backend.simulate`: the `model` package for the real
    backend, else the module (or package) that defines the backend's simulate function."""
    module = sys.modules[backend.simulate.__module__]  # loaded: it defines the function
    if module.__name__ == "experiments.engine.backend":
        import model

        module = model
    path = Path(module.__file__ or ENGINE).resolve()
    return [ENGINE, path.parent if path.name == "__init__.py" else path]


def identity(backend: Any) -> dict[str, Any]:
    """The identity of runs computed here with `backend` (``key`` joins the compared parts)."""
    lock = mf.sha256_of(mf.LOCK_FILE)
    key = mf.numeric_platform()["key"]
    out: dict[str, Any] = {
        "code": tree_hash(code_roots(backend)),
        "lock": lock[:SHORT] if lock else "none",
        "platform": hashlib.sha256(key.encode()).hexdigest()[:SHORT],
        "platform_key": key,
        "git_commit": mf.git_commit(ENGINE),
        "git_dirty": bool(mf.git_modified(ENGINE)),
    }
    out["key"] = " ".join(f"{p}={out[p]}" for p in PARTS)
    return out


def differences(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """What changed between two identities, in words (for a one-line refusal)."""
    if not old:
        return "runs made before the engine recorded the code that made them"
    names = {"code": "model or engine code", "lock": "locked package versions (requirements.lock)",
             "platform": "numeric platform (numpy/scipy, CPU kernels)"}
    changed = [f"{names[p]} {old.get(p)} -> {new.get(p)}" for p in PARTS if old.get(p) != new.get(p)]
    commits = (old.get("git_commit") or "?")[:10], (new.get("git_commit") or "?")[:10]
    if "code" in {p for p in PARTS if old.get(p) != new.get(p)} and commits[0] != commits[1]:
        changed.append(f"commit {commits[0]} -> {commits[1]}")
    return "; ".join(changed) or "same identity"
