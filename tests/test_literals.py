"""No bare behavioural numbers in the model (issue 20): every behavioural constant is a parameter
(unit, range, meaning, source) or a named, documented constant.

An AST lint over model/: a numeric literal other than 0, 1 or 2 fails the test unless it is

- in a docstring, or in a file that *declares* parameters or is not behaviour (:data:`EXEMPT_FILES`);
- the value of a named module-level constant (``UPPER_CASE = …``, documented where it is defined:
  calendar units, registries of policy variants, column tables, the golden angle);
- a numerical guard (|x| ≤ 1e-6: divisions by zero, float tolerances);
- an array or table size (``capacity=``, ``minlength=``) or a column default of a ``Table(...)``
  (overwritten when rows are added);
- an operand of a bit operation (hashing and packing of keys);
- listed in :data:`PENDING` with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

MODEL = Path(__file__).resolve().parents[1] / "model"
ALLOWED = {0, 1, 2}
GUARD = 1e-6
SIZE_KEYWORDS = {"capacity", "minlength"}
BIT_OPS = (ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)

EXEMPT_FILES = {
    "param_tree.py": "declares the parameters: defaults and ranges are the parameters",
    "param_delivery.py": "declares the parameters: defaults and ranges are the parameters",
    "param_market.py": "declares the parameters: defaults and ranges are the parameters",
    "param_people.py": "declares the parameters: defaults and ranges are the parameters",
    "param_costs.py": "declares the parameters: defaults and ranges are the parameters",
    "param_finance.py": "declares the parameters: defaults and ranges are the parameters",
    "param_award.py": "declares the parameters: defaults and ranges are the parameters",
    "param_channels.py": "declares the parameters: defaults and ranges are the parameters",
    "param_base.py": "the parameter machinery",
    "app.py": "dashboard layout (sizes, widths), not behaviour",
    "app_controls.py": "dashboard controls (slider ranges, milliseconds), not behaviour",
    "app_tenders.py": "dashboard table (rows shown), not behaviour",
    "rng.py": "SplitMix64 hashing constants of the random streams",
    "invariants.py": "tolerances of the run's self-checks, not behaviour",
}

#: Class attributes that declare a registered variant's data, not behaviour: a procurement
#: method's legal minimum of suppliers (named with its law in ``source``) and its priority order.
CLASS_DATA = {"legal_min", "priority"}

#: (file relative to model/, value) -> why it is still a literal (none left).
PENDING: dict[tuple[str, float], str] = {}


def _upper(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return target.id.isupper() or target.id.lstrip("_").isupper()
    if isinstance(target, ast.Tuple):
        return all(_upper(t) for t in target.elts)
    return False


def _exempt_nodes(tree: ast.Module) -> set[int]:
    """ids of the constant nodes the rules above allow."""
    out: set[int] = set()

    def mark(node: ast.AST) -> None:
        out.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))

    for node in tree.body:  # named module-level constants
        if isinstance(node, ast.Assign) and all(_upper(t) for t in node.targets):
            mark(node.value)
        if isinstance(node, ast.ClassDef):  # a registered method's declared data: the legal
            for stmt in node.body:          # minimum of suppliers of the law it cites, its order
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                if any(isinstance(t, ast.Name) and t.id in CLASS_DATA for t in targets):
                    mark(stmt.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None and _upper(node.target):
            mark(node.value)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            out.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.keyword) and node.arg in SIZE_KEYWORDS:
            mark(node.value)
        if isinstance(node, ast.arguments):
            names = [a.arg for a in node.args[len(node.args) - len(node.defaults):]]
            for name, default in zip(names, node.defaults):
                if name in SIZE_KEYWORDS:
                    mark(default)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Table":
            if node.args:
                mark(node.args[0])
        if isinstance(node, ast.BinOp) and isinstance(node.op, BIT_OPS):
            mark(node.left)
            mark(node.right)
    return out


def bare_literals() -> list[tuple[str, int, float]]:
    """(file relative to model/, line, value) of every literal no rule allows."""
    found = []
    for path in sorted(MODEL.rglob("*.py")):
        rel = path.relative_to(MODEL).as_posix()
        if path.name in EXEMPT_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ok = _exempt_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in ok:
                continue
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            if v in ALLOWED or abs(v) <= GUARD or (rel, v) in PENDING:
                continue
            found.append((rel, node.lineno, v))
    return found


def test_no_bare_behavioural_literals_in_the_model():
    bad = bare_literals()
    assert not bad, "bare numbers in model/ (make them parameters or named constants): " + "; ".join(
        f"model/{f}:{line}: {v!r}" for f, line, v in bad)


def test_the_lint_catches_a_bare_number(tmp_path):
    tree = ast.parse("RATE = 0.25\n\ndef f(x):\n    '''Doc 0.5.'''\n    return 0.25 * x + 1e-9 + (x << 32)\n")
    ok = _exempt_nodes(tree)
    bare = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in ok
            and isinstance(n.value, (int, float)) and n.value not in ALLOWED and abs(n.value) > GUARD]
    assert bare == [0.25]


def test_pending_entries_are_still_needed():
    """A PENDING entry whose literal is gone must be removed (the list only shrinks)."""
    present = set()
    for path in sorted(MODEL.rglob("*.py")):
        rel = path.relative_to(MODEL).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ok = _exempt_nodes(tree)
        present |= {(rel, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in ok
                    and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)}
    stale = [k for k in PENDING if k not in present]
    assert not stale, f"remove from PENDING: {stale}"
