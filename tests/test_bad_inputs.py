"""A catalogue of bad inputs at the CLI, run against a folder that already holds a finished sweep.

Every case must give exactly one line on stderr starting with ``error:``, exit status 2, create
nothing, and leave the earlier results byte-identical. The argument-level cases of
tests/test_cli_run.py (BAD_ARGS on the fake model, REAL_BAD on the real one) are reused here for
the "earlier results intact" guarantee rather than copied.
"""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from experiments.__main__ import main
from test_cli_run import BAD_ARGS, REAL_BAD

TINY = "[region]\nn_towns = 1\nvillages_per_town = 2\nhouseholds_per_village = 5\n"
FILES = {
    "good.toml": 'burn_in_years = 0\n[scenario]\nname = "tiny"\ndescription = "d"\n' + TINY,
    "malformed.toml": '[scenario]\nname = "x"\ndescription = "d"\n[region\n',
    "not_utf8.toml": b'[scenario]\nname = "\xff\xfe"\n',
    "empty.toml": "",
    "no_name.toml": '[scenario]\ndescription = "d"\n',
    "unknown_key.toml": '[scenario]\nname = "u"\ndescription = "d"\n[procurement]\nnosuch = 1\n',
    "unknown_section.toml": '[scenario]\nname = "u"\ndescription = "d"\n[nosuch]\nx = 1\n',
    "wrong_type.toml": '[scenario]\nname = "w"\ndescription = "d"\n[region]\nn_towns = "two"\n',
    "wrong_bool.toml": '[scenario]\nname = "w"\ndescription = "d"\n[procurement]\nlots = "yes"\n',
    "out_of_range.toml": '[scenario]\nname = "r"\ndescription = "d"\n[fraud]\naudit_prob = 1.5\n',
    "bad_choice.toml": '[scenario]\nname = "c"\ndescription = "d"\n[blacklist]\nscope = "galaxy"\n',
    "weights.toml": '[scenario]\nname = "s"\ndescription = "d"\n[scoring]\nprice_weight = 0.4\n',
    "eval_weights.toml": '[scenario]\nname = "e"\ndescription = "d"\n[evaluation]\nkpi_weight = 0.9\n',
    "floor.toml": ('[scenario]\nname = "f"\ndescription = "d"\n[scoring]\nprice_weight = 0.05\n'
                   "technical_weight = 0.75\n"),
    "exp_missing_scenario.toml": ('[experiment]\nname = "m"\nreplications = 1\nyears = 1\n'
                                  'scenarios = ["nope.toml"]\n'),
    "exp_bad_factor.toml": ('[experiment]\nname = "bf"\nreplications = 1\nyears = 1\nscenarios = ["good.toml"]\n'
                            '[factors]\n"region.n_towns" = { values = [0, 1] }\n'),
    "exp_unknown_key.toml": '[experiment]\nname = "k"\nreplication = 1\nscenarios = ["good.toml"]\n',
    "exp_escape.toml": ('[experiment]\nname = "../../escape"\nreplications = 1\nyears = 1\n'
                        'scenarios = ["good.toml"]\n'),
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: (case id, argv after "run"; {d} is the folder, {out} the pre-populated results, {port} closed).
CATALOGUE = [
    ("malformed TOML", ["{d}/malformed.toml", "--out", "{out}"], "TOML"),
    ("not UTF-8", ["{d}/not_utf8.toml", "--out", "{out}"], "not_utf8.toml"),
    ("empty file", ["{d}/empty.toml", "--out", "{out}"], "empty.toml"),
    ("scenario without name", ["{d}/no_name.toml", "--out", "{out}"], "name"),
    ("unknown key in file", ["{d}/unknown_key.toml", "--out", "{out}"], "procurement.nosuch"),
    ("unknown section in file", ["{d}/unknown_section.toml", "--out", "{out}"], "nosuch"),
    ("wrong type in file", ["{d}/wrong_type.toml", "--out", "{out}"], "region.n_towns"),
    ("wrong bool in file", ["{d}/wrong_bool.toml", "--out", "{out}"], "procurement.lots"),
    ("out of range in file", ["{d}/out_of_range.toml", "--out", "{out}"], "fraud.audit_prob"),
    ("bad choice in file", ["{d}/bad_choice.toml", "--out", "{out}"], "blacklist.scope"),
    ("weights not summing to 1", ["{d}/weights.toml", "--out", "{out}"], "must sum to 1"),
    ("evaluation weights", ["{d}/eval_weights.toml", "--out", "{out}"], "must sum to 1"),
    ("price weight below floor", ["{d}/floor.toml", "--out", "{out}"], "legal floor"),
    ("missing scenario file", ["{d}/nope.toml", "--out", "{out}"], "not found"),
    ("scenario file is a folder", ["{d}", "--out", "{out}"], ""),
    ("experiment names a missing scenario", ["{d}/exp_missing_scenario.toml", "--out", "{out}"], "not found"),
    ("factor out of range", ["{d}/exp_bad_factor.toml", "--out", "{out}"], "region.n_towns"),
    ("unknown experiment key", ["{d}/exp_unknown_key.toml", "--out", "{out}"], "replication"),
    ("--set out of range", ["{d}/good.toml", "--out", "{out}", "--set", "fraud.audit_prob=-1"],
     "fraud.audit_prob"),
    ("--set malformed value", ["{d}/good.toml", "--out", "{out}", "--set", "region.n_towns=[1"],
     "region.n_towns"),
    ("output is a file", ["{d}/good.toml", "--out", "{d}/afile"], "is a file"),
    ("output parent is a file", ["{d}/good.toml", "--out", "{d}/afile/sub"], ""),
    # As root, chmod does not stop writes: a folder under /proc stands in for a read-only one.
    ("output not writable (/proc)", ["{d}/good.toml", "--out", "/proc/jiebang-results"],
     "cannot create folder"),
    ("dask scheduler not answering", ["{d}/good.toml", "--out", "{d}/dask_out", "--executor", "dask",
                                      "--scheduler", "tcp://127.0.0.1:{port}", "--connect-timeout", "1"],
     "cannot reach the Dask scheduler"),
]


def _snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (and the list of folders), by relative path."""
    snap = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        snap[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return snap


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Bad files, a file named ``afile``, and ``done/``: a finished real-model sweep."""
    d = tmp_path_factory.mktemp("bad")
    for name, body in FILES.items():
        (d / name).write_bytes(body if isinstance(body, bytes) else body.encode())
    (d / "afile").write_text("precious")
    assert main(["run", str(d / "good.toml"), "--reps", "2", "--years", "1", "--quiet",
                 "--executor", "serial", "--out", str(d / "done")]) == 0
    assert (d / "done/runs.parquet").is_file()
    return d


def _check(folder: Path, capsys, argv: list[str], message: str) -> None:
    before = _snapshot(folder)
    code = main(["run", *argv, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert _snapshot(folder) == before  # nothing written, earlier results byte-identical


@pytest.mark.parametrize("argv,message", [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_bad_input_one_line_exit_2_nothing_written_results_intact(folder, capsys, argv, message):
    fmt = {"d": folder, "out": folder / "done", "port": _closed_port()}
    _check(folder, capsys, [a.format(**fmt) for a in argv], message)


@pytest.mark.parametrize("extra,message", REAL_BAD, ids=[m for _, m in REAL_BAD])
def test_bad_parameters_leave_a_finished_sweep_intact(folder, capsys, extra, message):
    _check(folder, capsys, [str(folder / "good.toml"), "--out", str(folder / "done"), *extra], message)


ARG_CASES = [(a, m) for a, m in BAD_ARGS if a[0] == "run" and "{d}/exp.toml" in a and m != "is a factor"]


@pytest.mark.parametrize("argv,message", ARG_CASES, ids=[m for _, m in ARG_CASES])
def test_bad_arguments_leave_a_finished_sweep_intact(folder, capsys, argv, message):
    argv = [a.replace("{d}/exp.toml", str(folder / "good.toml")) for a in argv[1:]]
    _check(folder, capsys, [*argv, "--out", str(folder / "done")], message)



# ------------------------------------------------------------------ safety

ROOT = Path(__file__).resolve().parent.parent
#: Calls that execute or unpickle data. Allowed only where listed, with the reason.
DANGEROUS = {"eval", "exec", "compile", "pickle.load", "pickle.loads", "yaml.load", "marshal.load",
             "marshal.loads", "shelve.open", "pd.read_pickle", "dill.load", "dill.loads",
             "importlib.import_module", "__import__"}
ALLOWED = {
    # --backend is a hidden developer flag (tests' fake model), never read from a user's file
    ("experiments/engine/backend.py", "importlib.import_module"),
    # bench imports the project's own modules by fixed names
    ("experiments/analysis/bench.py", "importlib.import_module"),
    # the docs test imports the project's own modules to check their docstrings
    ("tests/test_docs.py", "importlib.import_module"),
    # the import test imports every module of model/ and experiments/ by its file's name
    ("tests/test_imports.py", "importlib.import_module"),
}


def _calls(path: Path):
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                yield f.id
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                yield f"{f.value.id}.{f.attr}"
            if any(k.arg == "allow_pickle" for k in node.keywords):
                yield "allow_pickle"


def test_no_code_execution_or_unpickling_of_files_in_the_source_tree():
    """Scenario and experiment files are TOML data: nothing evaluates, executes or unpickles."""
    found = []
    for folder in ("model", "experiments", "tests", "notebooks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            found += [(rel, c) for c in _calls(path) if c in DANGEROUS | {"allow_pickle"}]
    assert [f for f in found if f not in ALLOWED] == []


@pytest.mark.parametrize("name", ["../../escaped", "{tmp}/absolute-escaped", "a/../../b"])
def test_a_scenario_name_cannot_write_outside_the_results_folder(tmp_path, capsys, monkeypatch, name):
    work = tmp_path / "work"
    work.mkdir()
    name = name.format(tmp=tmp_path)
    (work / "s.toml").write_text(f'[scenario]\nname = "{name}"\ndescription = "d"\n' + TINY)
    monkeypatch.chdir(work)
    code = main(["run", "s.toml", "--reps", "1", "--years", "1", "--quiet", "--executor", "serial"])
    err = capsys.readouterr().err
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(work)]
    assert code == 2 and err.startswith("error: ") and "name" in err, err
    assert outside == [] and not (work / "results").exists()


def test_dashboard_listens_on_localhost_by_default():
    dash = ROOT / "experiments/commands/dashboard.py"
    if not dash.is_file():
        pytest.fail("experiments/commands/dashboard.py does not exist yet")
    import argparse

    from experiments.commands import dashboard

    parser = argparse.ArgumentParser()
    dashboard.add_arguments(parser)
    args = parser.parse_args([])
    assert args.host == "127.0.0.1"
    assert dashboard.command(Path("app.py"), args.host, args.port)[-7:-5] == ["--host", "127.0.0.1"]
