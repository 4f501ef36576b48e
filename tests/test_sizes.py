"""House limits over model/: no module above 400 lines, no function above 60 lines (issue 18)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parent.parent / "model"
MODULES = sorted(MODEL.rglob("*.py"))
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60


def function_lengths(source: str) -> dict[str, int]:
    """Lines of every function and method (from ``def`` to its last line), by qualified name."""
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    out[name] = child.end_lineno - child.lineno + 1
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return out


def test_the_limits_can_fail():
    long_fn = "def f():\n" + "    x = 1\n" * 70
    assert function_lengths(long_fn) == {"f": 71}
    assert function_lengths("class A:\n    def g(self):\n        pass\n") == {"A.g": 2}


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(MODEL)) for p in MODULES])
def test_module_and_function_sizes(path):
    source = path.read_text(encoding="utf-8")
    n = len(source.splitlines())
    assert n <= MAX_MODULE_LINES, f"model/{path.relative_to(MODEL)} has {n} lines (> {MAX_MODULE_LINES})"
    long = {k: v for k, v in function_lengths(source).items() if v > MAX_FUNCTION_LINES}
    assert not long, f"model/{path.relative_to(MODEL)}: functions above {MAX_FUNCTION_LINES} lines: {long}"


def module_imports(path: Path) -> set[str]:
    """``model.*`` modules a file imports anywhere — at import time or inside a function (a lazy
    import is a cycle too) — except under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    out: set[str] = set()
    for n in ast.walk(tree):
        if id(n) in skip:
            continue
        if isinstance(n, ast.ImportFrom) and n.module and n.module.split(".")[0] == "model":
            out.add(n.module)
            out.update(f"{n.module}.{a.name}" for a in n.names)
        elif isinstance(n, ast.Import):
            out.update(a.name for a in n.names if a.name.split(".")[0] == "model")
    return out


def test_no_import_cycles_in_model():
    """The import graph of model/ (module level) has no cycle, e.g. param_tree ↔ params."""
    mods = {".".join(("model", *p.relative_to(MODEL).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in MODULES}
    graph = {m: {d for d in module_imports(p) if d in mods and d != m} for m, p in mods.items()}
    graph["model"] = set()  # the package's __init__ only re-exports the public interface
    state: dict[str, int] = {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " → ".join(stack[stack.index(d):] + [m, d]))
            if d not in state:
                visit(d, stack + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    assert graph["model.param_tree"] and "model.params" not in graph["model.param_tree"]
