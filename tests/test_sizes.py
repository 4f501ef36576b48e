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
