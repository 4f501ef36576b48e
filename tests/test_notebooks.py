"""The notebooks in notebooks/ are committed with current outputs, and execute.

Notebooks are found by glob, so new ones are picked up. Each starts with the `FULL = False` and
`LANG = "en"` switches as its first code cell. They are committed WITH their outputs, computed by
`python scripts/curate_notebooks.py` from the curated full-size tables in results/curated/; each
records in `metadata.jiebang.curated` the SHA-256 of the curated files it read, and those must
equal the files on disk (a regenerated table without re-executed notebooks fails here).
Re-executing a notebook must reproduce its committed text outputs.

To keep the suite fast, the executed notebooks share one kernel (kernel "python3", whose argv[0]
"python" jupyter_client maps to this interpreter): before each notebook `%reset -f` empties
the namespace and the working directory is set to notebooks/, so a notebook cannot use
another's variables; imported modules stay loaded, which saves their import time.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from experiments import curate
from experiments.analysis.curated import curated_hashes, stale_files

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
FULL_SWITCH = "FULL = False  # True: the full-size experiment (slow)"
LANG_SWITCH = 'LANG = "en"  # "zh": 中文 labels and figures (its font, Noto Sans CJK SC, comes with the install)'


def test_there_are_notebooks():
    names = {p.stem for p in FILES}
    assert {"overview", "procurement_rules", "evaluation_weights", "blacklist_policies",
            "no_bidder", "monitoring", "reform_package"} <= names


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _texts(nb) -> list[str]:
    """Per code cell, its printed text (stdout, however the kernel split it into stream outputs)
    followed by its text/plain results; images and stderr (warnings are printed once per
    process, and the test's kernel is shared) left out."""
    cells = []
    for c in (c for c in nb.cells if c.cell_type == "code"):
        outs = c.get("outputs", [])
        printed = "".join(o.get("text", "") for o in outs if o.get("name") == "stdout")
        cells.append("\n".join([printed, *(str(o.get("data", {}).get("text/plain", "")) for o in outs
                                            if o["output_type"] != "stream")]))
    return cells


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_starts_with_the_switches(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name}: no code cells"
    assert code[0].source.strip() == f"{FULL_SWITCH}\n{LANG_SWITCH}", (
        f"{path.name}: the first code cell must be exactly {FULL_SWITCH!r} and {LANG_SWITCH!r}")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_is_stored_with_its_outputs(path: Path):
    """Every code cell ran, nothing failed, figures are images, no machine's paths are shown."""
    nb = nbformat.read(path, as_version=4)
    regen = "run python scripts/curate_notebooks.py"
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        assert cell.get("execution_count") is not None, f"{path.name}: a cell was not executed; {regen}"
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"], f"{path.name}: stored with an error"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 1, f"{path.name}: no figure"
    bare = [o for o in outputs if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure")
            and "image/png" not in o["data"]]
    assert not bare, f"{path.name}: a figure is stored as text ({bare[0]['data']['text/plain']})"
    text = "\n".join(_texts(nb))
    assert str(curate.ROOT) not in text and "/tmp/" not in text, f"{path.name}: shows a local path"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_outputs_are_current(path: Path):
    """The hashes recorded at execution equal the curated files now on disk, and cover them all."""
    nb = nbformat.read(path, as_version=4)
    recorded = nb.metadata.get("jiebang", {}).get("curated", {})
    assert recorded, f"{path.name}: no record of the curated files it read; run python scripts/curate_notebooks.py"
    assert stale_files(recorded, curate.ROOT) == [], (
        f"{path.name}: outputs older than the curated tables; run python scripts/curate_notebooks.py")
    folders = [curate.folder(n) for n in curate.NOTEBOOKS[path.stem]]
    assert recorded == curated_hashes(folders, curate.ROOT)


def test_the_currency_check_can_fail(tmp_path: Path):
    """A curated table rewritten after execution (one digit) or removed is reported as stale."""
    nb = nbformat.read(NOTEBOOKS / "monitoring.ipynb", as_version=4)
    recorded = nb.metadata["jiebang"]["curated"]
    copy = tmp_path / "results" / "curated" / "monitoring"
    shutil.copytree(curate.folder("monitoring"), copy)
    assert stale_files(recorded, tmp_path) == []
    runs = copy / "runs.csv"
    text = runs.read_text()
    digit = next(i for i, ch in enumerate(text) if ch.isdigit() and i > text.index("\n"))
    runs.write_text(text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1:])
    assert stale_files(recorded, tmp_path) == ["results/curated/monitoring/runs.csv: changed since the notebook was executed"]
    (copy / "tables.json").unlink()
    assert len(stale_files(recorded, tmp_path)) == 2


def test_curated_tables_are_small():
    """Kilobytes, not megabytes: what git tracks under results/curated/ for the notebooks."""
    for name in curate.CURATIONS:
        index = json.loads((curate.folder(name) / "tables.json").read_text())
        size = sum((curate.folder(name) / f).stat().st_size for f in index["files"])
        assert size < 400_000, f"results/curated/{name}: {size} bytes"


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
    committed = _texts(nbformat.read(path, as_version=4))
    assert _texts(nb)[1:] == committed, (  # [1:]: the cell inserted above
        f"{path.name}: re-executing changes its text outputs; run python scripts/curate_notebooks.py")
    print(f"{path.name}: {elapsed:.1f} s")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_notebook_finds_the_project_from_the_package(path: Path):
    """A notebook copied anywhere finds experiments/ through the installed package, not the cwd."""
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "Path.cwd()" not in source and "curate.load(" in source  # experiments.curate.ROOT


def test_overview_runs_outside_the_repository(tmp_path: Path):
    (tmp_path / "overview.ipynb").write_bytes((NOTEBOOKS / "overview.ipynb").read_bytes())
    nb = nbformat.read(tmp_path / "overview.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images
