"""Every module of `model/` and `experiments/` imports, and the project's own modules import each
other without cycles (issue 18).

The import graph is read from the source with `ast`: every ``import`` counts, also those inside
functions and those under ``if TYPE_CHECKING`` that only name a type for annotations — a cycle
through a lazy or an annotation import is still two modules that cannot be understood (or moved)
one without the other. The cycles are the graph's strongly connected components with more than
one module (networkx). The month's phases annotate ``m: State`` (model/state.py), never the model
class: only the modules that build models import ``model.core``.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "experiments")

#: Cycles known and being removed elsewhere; each entry must still be a cycle (the test fails
#: when one is gone, so that its entry is deleted here and the cycle cannot come back unseen).
KNOWN_CYCLES: set[frozenset[str]] = set()  # none allowed

#: The modules that may import ``model.core``: the package (its public name), the runner, the
#: dashboard, and drivers of experiments/ that build models. Phases and mechanisms use ``model.state``.
CORE_IMPORTERS = {"model", "model.simulate", "model.app", "model.app_tenders", "experiments.analysis.bench",
                  "experiments.studies.theory"}


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> source file, for every ``.py`` file of ``packages`` under ``root``."""
    out = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules an import statement loads (``from a import b``: ``a.b`` if it is a
    module, else ``a``; ``import a.b``: ``a.b``); relative imports resolved against ``module``."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & known
    if not isinstance(node, ast.ImportFrom):
        return set()
    base = node.module or ""
    if node.level:  # relative import: resolve against this module's package
        pkg = module.split(".") if is_package else module.split(".")[:-1]
        pkg = pkg[:len(pkg) - (node.level - 1)]
        base = ".".join([*pkg, base] if base else pkg)
    found = {f"{base}.{alias.name}" for alias in node.names} & known
    return found or ({base} & known)


def import_graph(root: Path, packages: tuple[str, ...]) -> nx.DiGraph:
    """Directed graph of the imports between the modules of ``packages`` (edge: importer → imported)."""
    files = module_files(root, packages)
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            graph.add_edges_from((name, t) for t in _imported(node, name, is_package, set(files)) if t != name)
    return graph


def import_cycles(root: Path, packages: tuple[str, ...]) -> list[frozenset[str]]:
    """The sets of modules that import each other in a cycle (strongly connected components)."""
    graph = import_graph(root, packages)
    return [frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]


@pytest.mark.parametrize("name", sorted(module_files(ROOT, PACKAGES)))
def test_every_module_imports(name):
    assert importlib.import_module(name).__name__ == name


def test_no_import_cycles():
    cycles = import_cycles(ROOT, PACKAGES)
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert not new, f"import cycles among the project's modules: {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert not gone, f"no longer cycles, delete them from KNOWN_CYCLES: {gone}"


#: Part of the project -> the parts it may import (docs/internals.md, "The parts of experiments/").
MAY_IMPORT = {
    "model": {"model"},
    "experiments.engine": {"experiments.engine", "model"},
    "experiments.analysis": {"experiments.analysis", "experiments.engine", "model"},
    "experiments.studies": {"experiments.studies", "experiments.analysis", "experiments.engine", "model"},
}


def _part(module: str) -> str:
    head = module.split(".")
    return "model" if head[0] == "model" else ".".join(head[:2])


def wrong_way(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """The imports that break MAY_IMPORT (importer, imported)."""
    return [(a, b) for a, b in graph.edges if _part(a) in MAY_IMPORT and _part(b) not in MAY_IMPORT[_part(a)]]


def test_graph_sees_the_project_imports():
    """The graph holds real edges (a graph with none would find no cycle either)."""
    graph = import_graph(ROOT, PACKAGES)
    assert graph.has_edge("experiments.engine.sweep", "experiments.engine.runner")
    assert graph.has_edge("experiments.engine.sweep", "experiments.engine.manifest")  # from pkg import mod
    assert graph.has_edge("experiments.commands.run", "experiments.engine.spec")  # inside a function
    assert graph.has_edge("experiments.engine.backend", "model")  # from model import load_params


def test_imports_go_one_way():
    """engine/ imports no other part of experiments/, analysis/ neither studies/ nor the commands,
    and `model` never imports experiments/."""
    assert wrong_way(import_graph(ROOT, PACKAGES)) == []
    planted = nx.DiGraph([("experiments.engine.spec", "experiments.analysis.stats"),
                          ("model.core", "experiments.engine.store"),
                          ("experiments.commands.run", "experiments.analysis.report")])
    assert wrong_way(planted) == [("experiments.engine.spec", "experiments.analysis.stats"),
                                  ("model.core", "experiments.engine.store")]


def _package(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_planted_cycle_is_caught(tmp_path):
    """Lazy, relative, ``from pkg import mod`` and TYPE_CHECKING imports all close a cycle."""
    _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "def f():\n    from pkg.sub import b\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "from . import c\n",
        "pkg/sub/c.py": "from .. import a\n",
        "pkg/d.py": "import pkg.a\n",
    })
    assert import_cycles(tmp_path, ("pkg",)) == [frozenset({"pkg.a", "pkg.sub.b", "pkg.sub.c"})]
    (tmp_path / "pkg/sub/c.py").write_text("import pkg.d\n")  # still a cycle: a → b → c → d → a
    assert import_cycles(tmp_path, ("pkg",)) == [frozenset({"pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.d"})]
    (tmp_path / "pkg/sub/c.py").write_text("import json\n")  # broken: no cycle
    assert import_cycles(tmp_path, ("pkg",)) == []
    (tmp_path / "pkg/sub/c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                           "    from .. import a\n")  # annotations only: still a cycle
    assert import_cycles(tmp_path, ("pkg",)) == [frozenset({"pkg.a", "pkg.sub.b", "pkg.sub.c"})]


def test_only_model_builders_import_the_model_class():
    """No phase or mechanism module imports ``model.core``, not even for an annotation."""
    graph = import_graph(ROOT, PACKAGES)
    importers = {a for a, b in graph.edges if b == "model.core"}
    assert importers <= CORE_IMPORTERS, sorted(importers - CORE_IMPORTERS)
    assert "model.simulate" in importers  # the graph sees the runner's import


def state_names_used(root: Path) -> dict[str, set[str]]:
    """Per module of model/ that annotates ``m: State``: the names it reads or writes on ``m``."""
    out: dict[str, set[str]] = {}
    for name, path in module_files(root, ("model",)).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and any(a.arg == "m" and isinstance(a.annotation, ast.Name) and a.annotation.id == "State"
                         for a in f.args.args)]
        used = {n.attr for f in funcs for n in ast.walk(f)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "m"}
        if used:
            out[name] = used
    return out


def test_phases_use_only_the_declared_state():
    """Every ``m.<name>`` of a function taking ``m: State`` is declared in ``model.state.State``, and
    the model class provides every declared name."""
    from model import ProcurementModel, load_params
    from model.state import State

    declared = {n for n in dir(State) if not n.startswith("_")} | set(State.__annotations__)
    used = state_names_used(ROOT)
    assert len(used) >= 15, "the scan sees the phase modules"
    undeclared = {mod: sorted(names - declared) for mod, names in used.items() if names - declared}
    assert not undeclared, f"names used on m but not declared in model/state.py: {undeclared}"
    m = ProcurementModel(load_params(None, {"region.n_towns": 2, "region.villages_per_town": 4}), seed=1)
    assert isinstance(m, State)
    missing = sorted(n for n in declared if not hasattr(m, n))
    assert not missing, f"declared in State but not on the model: {missing}"
