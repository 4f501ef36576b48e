"""Every notebook in notebooks/ executes at its small size (FULL = False) without error.

Notebooks are found by glob, so new ones are picked up. They must be stored without
outputs and start with the `FULL = False` and `LANG = "en"` switches as their first code cell;
one notebook is also executed in Chinese.

To keep the suite fast, the notebooks share one kernel (kernel "python3", whose argv[0]
"python" jupyter_client maps to this interpreter): before each notebook `%reset -f` empties
the namespace and the working directory is set to notebooks/, so a notebook cannot use
another's variables; imported modules stay loaded, which saves their import time.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
FULL_SWITCH = "FULL = False  # True: the full-size experiment (slow)"
LANG_SWITCH = 'LANG = "en"  # "zh": 中文 labels and figures (the CJK font: bash scripts/install_cjk_font.sh)'


def test_there_are_notebooks():
    names = {p.stem for p in FILES}
    assert {"overview", "procurement_rules", "evaluation_weights", "blacklist_policies",
            "no_bidder", "monitoring", "reform_package"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_is_stored_clean_with_full_switch(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name}: no code cells"
    assert code[0].source.strip() == f"{FULL_SWITCH}\n{LANG_SWITCH}", (
        f"{path.name}: the first code cell must be exactly {FULL_SWITCH!r} and {LANG_SWITCH!r}")
    for cell in code:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, (
            f"{path.name}: stored with outputs; clear them before committing")


@pytest.fixture(scope="module")
def kernel():
    """A running python3 kernel shared by the notebooks of this module."""
    boot = NotebookClient(nbformat.v4.new_notebook(), timeout=120, kernel_name="python3",
                          resources={"metadata": {"path": str(NOTEBOOKS)}})
    boot.execute(cleanup_kc=False)  # starts the kernel and leaves it running
    yield boot.km
    if boot.kc is not None:
        boot.kc.stop_channels()
    run_sync(boot.km.shutdown_kernel)(now=True)


def _execute(nb, kernel) -> None:
    client = NotebookClient(nb, km=kernel, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()  # raises CellExecutionError naming the failing cell
    finally:
        if client.kc is not None:
            client.kc.stop_channels()


@pytest.mark.slow
def test_reform_package_notebook_in_chinese(kernel):
    nb = nbformat.read(NOTEBOOKS / "reform_package.ipynb", as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = first.source.replace('LANG = "en"', 'LANG = "zh"')
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"%reset -f\nimport os\nos.chdir({str(NOTEBOOKS)!r})"))
    nb.cells.append(nbformat.v4.new_code_cell("use_language('en')"))  # the shared kernel goes back to English
    _execute(nb, kernel)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "实际服务质量（0–1）：情景 − 基线" in text and "Holm 校正 p" in text
    assert sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])) >= 2


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
@pytest.mark.slow  # executes the notebook in a kernel
def test_notebook_executes(path: Path, kernel):
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        f"%reset -f\nimport os\nos.chdir({str(NOTEBOOKS)!r})"))
    client = NotebookClient(nb, km=kernel, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError naming the failing cell
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    bare = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure") and "image/png" not in o["data"]]
    assert not bare, f"{path.name}: a figure is printed as text ({bare[0]['data']['text/plain']}), not shown"
    print(f"{path.name}: {elapsed:.1f} s")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_finds_the_project_from_the_package(path: Path):
    """A notebook copied anywhere finds experiments/ through the installed package, not the cwd."""
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "Path.cwd()" not in source and "experiments.__file__" in source


def test_overview_runs_outside_the_repository(tmp_path: Path):
    (tmp_path / "overview.ipynb").write_bytes((NOTEBOOKS / "overview.ipynb").read_bytes())
    nb = nbformat.read(tmp_path / "overview.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images
