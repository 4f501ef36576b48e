"""Attack catalogue (issue 35): each test replays one attack a hostile user made on a results folder
and checks the defect it found is gone. Each failed on the code before its fix.

The docstring of every test is structured (a title line, then ``Attack:``, ``Before:``, ``Now:``);
docs/RELIABILITY.md's catalogue table is generated from them (``python scripts/attack_catalogue.py``)
and `test_the_reliability_catalogue_is_current` checks it is.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FAKE = ["--backend", "fakemodel:BACKEND"]


def cli(*args: str, cwd: Path, path: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m experiments ARGS` in a subprocess (PYTHONPATH: `path`, then tests/)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (path, TESTS) if p)}
    return subprocess.run([sys.executable, "-m", "experiments", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def one_line_exit_2(proc: subprocess.CompletedProcess | tuple[int, str]) -> str:
    """The single `error:` line of a refused command (asserts exit 2 and one line)."""
    code, err = (proc.returncode, proc.stderr) if hasattr(proc, "returncode") else proc
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def closed_after_one_line(*args: str, small: bool = False) -> None:
    """`python -m experiments ARGS | head -1`: asserts one error line, exit 2, no traceback (``small``:
    the output may fit in the pipe before it closes, and then the command ends normally)."""
    proc = subprocess.Popen([sys.executable, "-m", "experiments", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err, err
    if small and code == 0:  # the whole output fitted in the pipe before it closed: nothing lost
        return
    assert code == 2, err
    assert err.strip().splitlines()[-1:] == ["error: the output was closed before it was all written (broken pipe)"]


@pytest.fixture()
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nname = "s"\ndescription = "d"\n')
    return path


def test_defect_1_a_rerun_after_a_model_change_never_mixes_model_versions(tmp_path, scenario):
    """Defect 1 — a rerun after a model change silently mixed model versions.

    Attack: `run --reps 2`, change a model constant, `run --reps 3` into the same folder.
    Before: exit 0, "1 run now, 2 already done"; 2 of the 3 rows came from the old model.
    Now: one line, exit 2, naming what changed (code hash, commit) and `--fresh`; `--fresh`
    reruns all 3 with the new code; each `run` is recorded with its code and the run ids it made.
    """
    shutil.copy(TESTS / "fakemodel.py", tmp_path / "fake35.py")
    args = ["run", str(scenario), "--years", "1", "--quiet", "--out", "o",
            "--backend", "fake35:BACKEND"]
    first = cli(*args, "--reps", "2", cwd=tmp_path, path=tmp_path)
    assert first.returncode == 0, first.stderr
    model = tmp_path / "fake35.py"
    model.write_text(model.read_text().replace("0.5 + 0.3 *", "0.55 + 0.3 *"))  # the change
    again = cli(*args, "--reps", "3", cwd=tmp_path, path=tmp_path)
    line = one_line_exit_2(again)
    assert "2 of its 2 runs were made by something else" in line and "model or engine code" in line
    assert "--fresh" in line and "already done" not in again.stdout
    assert len(pd.read_parquet(tmp_path / "o/runs.parquet")) == 2  # untouched
    fresh = cli(*args, "--reps", "3", "--fresh", cwd=tmp_path, path=tmp_path)
    assert fresh.returncode == 0 and "3 run now, 0 already done" in fresh.stdout, fresh.stderr
    old = pd.read_parquet(next(tmp_path.glob("o.old-*")) / "runs.parquet")
    new = pd.read_parquet(tmp_path / "o/runs.parquet").set_index("run_id")
    shift = new.loc[old["run_id"], "quality_delivered"].to_numpy() / old["quality_delivered"].to_numpy()
    assert shift == pytest.approx((0.55 + 0.09) / (0.5 + 0.09))  # every row from the new code
    manifest = json.loads((tmp_path / "o/manifest.json").read_text())
    session = manifest["sessions"][-1]
    assert session["run_ids"] == sorted(new.index) and session["identity"] == manifest["identity"]
    assert set(manifest["identity"]) >= {"code", "lock", "platform", "git_commit", "key"}


def test_defect_1_the_identity_covers_model_code_lock_and_platform(tmp_path, monkeypatch, scenario,
                                                                   capsys):
    """Defect 1 — the run id hashed scenario, parameters, seed and years, not what computed them.

    Attack: resume after a changed lock file or numeric platform (simulated by patching the
    identity), and after a change to any file of `model/` (a committed change included).
    Before: the resume reported the old runs "already done".
    Now: the real model's identity hashes every file of `model/` and `experiments/engine/`; a
    changed lock or platform is refused in one line naming it.
    """
    from experiments.engine import identity as ident
    from experiments.engine.backend import REAL

    roots = ident.code_roots(REAL)
    assert ROOT / "model" in roots and ROOT / "experiments/engine" in roots
    tree = tmp_path / "pkg"
    tree.mkdir()
    (tree / "a.py").write_text("X = 1\n")
    before = ident.tree_hash([tree])
    (tree / "a.py").write_text("X = 2\n")
    changed = ident.tree_hash([tree])
    assert changed != before
    (tree / ".a.py.swp").write_text("an editor's file")
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__/a.cpython-312.pyc").write_bytes(b"compiled")
    assert ident.tree_hash([tree]) == changed
    args = ["run", str(scenario), "--years", "1", "--quiet", "--out", str(tmp_path / "o"), *FAKE]
    assert main([*args, "--reps", "2"]) == 0
    real = ident.identity
    for part, words in (("lock", "locked package versions"), ("platform", "numeric platform")):
        monkeypatch.setattr("experiments.engine.sweep.identity",
                            lambda b, p=part: {**real(b), p: "0" * 16, "key": f"{p} changed"})
        capsys.readouterr()
        assert words in one_line_exit_2((main([*args, "--reps", "3"]), capsys.readouterr().err))
    assert len(pd.read_parquet(tmp_path / "o/runs.parquet")) == 2


def _foreign_lock(out: Path, renewed_ago: float, host: str = "another-host", pid: int = 4242) -> None:
    import time

    (out / "parts").mkdir(parents=True, exist_ok=True)  # the other sweep has started writing
    (out / ".lock").write_text(json.dumps({"host": host, "pid": pid, "started": "2026-01-01T00:00:00",
                                           "token": "f" * 32, "renewed": time.time() - renewed_ago}))


def test_defect_4_the_writer_lock_holds_across_hosts_and_explains_stale_locks(tmp_path, scenario, capsys):
    """Defect 4 — the writer lock held only within one PID namespace.

    Attack: a second writer in another container or host (its lock names a pid this host cannot
    see); a lock left by pid 1; two writers starting at the same moment.
    Before: both wrote (a pid checked with `kill(pid, 0)`, check and write separate steps; 4 runs
    lost); pid 1's lock refused with no hint.
    Now: `.lock` is created atomically (O_EXCL) with host, pid, start time and a lease renewed while
    the sweep runs; a live lock is refused naming its holder, the lease's age and how to clear it;
    an expired lease is taken over; of two simultaneous writers exactly one gets the folder.
    """
    out = tmp_path / "o"
    args = ["run", str(scenario), "--years", "1", "--reps", "2", "--quiet", "--out", str(out), *FAKE]
    _foreign_lock(out, renewed_ago=5)
    line = one_line_exit_2((main(args), capsys.readouterr().err))
    assert "pid 4242 on host another-host" in line and "renewed 5 s ago" in line
    assert "expires 120 s after its last renewal" in line and str(out / ".lock") in line
    assert not list((out / "parts").iterdir())
    _foreign_lock(out, renewed_ago=1, host=socket.gethostname(), pid=1)
    assert "pid 1 on host" in one_line_exit_2((main(args), capsys.readouterr().err))
    _foreign_lock(out, renewed_ago=600)  # its holder died on another host ten minutes ago
    assert main(args) == 0 and not (out / ".lock").exists()
    race = ("import sys, time; from pathlib import Path; from experiments.engine.lock import "
            "FolderLock, LockHeld\nlock = FolderLock(Path(sys.argv[1]))\ntime.sleep(max(0, float("
            "sys.argv[2]) - time.time()))\ntry:\n    lock.acquire(); print('got'); time.sleep(1.5)\n"
            "except LockHeld:\n    print('refused')\n")
    import time

    start = str(time.time() + 1.0)
    procs = [subprocess.Popen([sys.executable, "-c", race, str(tmp_path), start], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True) for _ in range(3)]
    assert sorted(p.communicate(timeout=30)[0].strip() for p in procs) == ["got", "refused", "refused"]


def test_defect_4_a_holder_renews_its_lease_and_stops_when_it_loses_the_lock(tmp_path):
    """Defect 4 (lease) — a lock must expire when its holder dies, and only then.

    Attack: hold a folder past the lease; overwrite the holder's lock as a taker would.
    Before: no lease (a pid only).
    Now: the holder renews its lease while running (another writer sees it live); a holder whose
    lock was taken over stops writing with one line.
    """
    import time

    from experiments.engine.lock import FolderLock, LockHeld
    from experiments.engine.store import OutputError, Store

    holder = FolderLock(tmp_path, lease=1.0, renew=0.2)
    holder.acquire()
    first = json.loads((tmp_path / ".lock").read_text())["renewed"]
    time.sleep(1.5)  # longer than the lease: alive only because it renews
    assert json.loads((tmp_path / ".lock").read_text())["renewed"] > first + 1.0
    other = FolderLock(tmp_path, lease=1.0)
    other.me["pid"] = os.getpid() + 100000  # as if another process on another host
    other.me["host"] = "elsewhere"
    with pytest.raises(LockHeld, match="renewed 0 s ago"):
        other.acquire()
    holder.release()
    store = Store(tmp_path / "o", flush_runs=1)
    store.open(set())
    _foreign_lock(tmp_path / "o", renewed_ago=0)  # a taker overwrote our lock
    store._lock.renew = 0.05
    store._lock._stop.wait(0.01)
    store._lock._renew_loop()
    assert store._lock.lost
    store._buffer = [object()]
    with pytest.raises(OutputError, match="took over this folder's lock"):
        store.flush()


SCEN = ROOT / "experiments/scenarios"
TINY = ["--years", "1", "--quiet", "--set", "region.n_towns=2", "--set", "region.villages_per_town=4",
        "--set", "region.households_per_village=10", "--set", "burn_in_years=0"]


@pytest.fixture()
def two_scenarios(tmp_path: Path) -> Path:
    path = tmp_path / "two.toml"
    path.write_text(f'[experiment]\nname = "two"\nseed = 1\nreplications = 2\nyears = 1\nscenarios = '
                    f'["{SCEN / "baseline.toml"}", "{SCEN / "lowest_price.toml"}"]\n')
    return path


def test_defect_2_partial_or_stale_ocds_exports_are_never_used_silently(tmp_path, two_scenarios, capsys):
    """Defect 2 — partial or stale OCDS exports were used silently.

    Attack: kill `ocds DIR` after its first file lands, then `indicators DIR`; `run --reps 2
    --ocds`, then `run --reps 3 --tenders`, then `indicators`; resume with `--tenders` runs made
    without it.
    Before: exit 0 with one of two scenarios (a `.tmp` left behind); 2 runs reported for a 3-run
    folder; tender logs for 1 of 3 runs, exported without a word.
    Now: the export is stamped with the runs it covers (`ocds/export.json`, written last); a
    partial or stale export is named on stderr and written again, so the indicators cover every
    run; a `--tenders` resume over runs without logs is refused in one line.
    """
    pytest.importorskip("libcoveocds")
    out = tmp_path / "res"
    run = ["run", str(two_scenarios), "--out", str(out), *TINY]
    assert main([*run, "--reps", "2", "--ocds"]) == 0
    (out / "ocds/export.json").unlink(missing_ok=True)  # the export was killed after its first file landed:
    (out / "ocds/lowest_price.json").rename(out / "ocds/.lowest_price.json.999.tmp")
    capsys.readouterr()
    assert main(["indicators", str(out)]) == 0
    io = capsys.readouterr()
    assert "was partial" in io.err and "exporting again" in io.err
    table = pd.read_csv(out / "ocds/indicators.csv")
    assert set(table["scenario"]) == {"baseline", "lowest_price"} and set(table["runs"]) == {2}
    assert main([*run, "--reps", "3", "--tenders"]) == 0
    capsys.readouterr()
    assert main(["indicators", str(out)]) == 0
    assert "was stale (covers 4 runs, the folder holds 6)" in capsys.readouterr().err
    assert set(pd.read_csv(out / "ocds/indicators.csv")["runs"]) == {3}
    assert not list((out / "ocds").glob(".*.tmp"))
    plain = ["run", str(SCEN / "baseline.toml"), "--out", str(tmp_path / "plain"), *TINY]
    assert main([*plain, "--reps", "1"]) == 0
    capsys.readouterr()
    line = one_line_exit_2((main([*plain, "--reps", "3", "--tenders"]), capsys.readouterr().err))
    assert "1 of the 1 runs" in line and "without tender logs" in line and "--fresh" in line


def test_defect_7_commands_refuse_an_interrupted_sweep(tmp_path, capsys):
    """Defect 7 — `report` on an interrupted sweep (12 of 40 runs) gave a full report.

    Attack: interrupt a sweep, then `report`, `brief`, `ocds` and `indicators` on its folder.
    Before: `report` exit 0 with a full report; `brief` blamed "one scenario only".
    Now: each refuses in one line, exit 2, naming how many of the planned runs the folder holds
    and how to finish it.
    """
    import fakemodel
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.sweep import run_sweep

    path = tmp_path / "e.toml"
    path.write_text(f'[experiment]\nname = "e"\nreplications = 20\nyears = 1\nscenarios = '
                    f'["{SCEN / "baseline.toml"}", "{SCEN / "lowest_price.toml"}"]\n')
    (tmp_path / "scen").mkdir()
    for name in ("baseline", "lowest_price"):
        (tmp_path / "scen" / f"{name}.toml").write_text(f'[scenario]\nname = "{name}"\n')
    path.write_text(path.read_text().replace(str(SCEN), str(tmp_path / "scen")))
    plan = make_plan(load_experiment(path, fakemodel.BACKEND), fakemodel.BACKEND)
    seen = {"n": 0}

    def stop(n: int) -> None:
        seen["n"] += n
        if seen["n"] >= 12:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, tmp_path / "o", backend=fakemodel.BACKEND, on_progress=stop, tenders=True)
    for command in ("report", "brief", "ocds", "indicators"):
        capsys.readouterr()
        line = one_line_exit_2((main([command, str(tmp_path / "o")]), capsys.readouterr().err))
        assert "holds 12 of 40 planned runs (sweep interrupted)" in line and f"`{command}`" in line
    assert not (tmp_path / "o/report.md").exists() and not (tmp_path / "o/ocds").exists()


def test_defect_5_workers_die_with_the_sweep(tmp_path, scenario):
    """Defect 5 — orphans: workers outlived a killed sweep.

    Attack: `kill -9` of the main process (only it, not its group) of a `--executor processes` sweep.
    Before: its workers ran on indefinitely (5 kills: 20 processes, 2.6 GB).
    Now: each worker watches the sweep's process and exits within a second of its death.
    """
    psutil = pytest.importorskip("psutil")
    import signal
    import time

    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    proc = subprocess.Popen([sys.executable, "-m", "experiments", "run", str(scenario), "--reps", "400",
                             "--years", "1", "--executor", "processes", "--workers", "2", "--quiet",
                             "--set", "fake.sleep=0.05", "--out", str(tmp_path / "o"), *FAKE],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "o/parts").glob("*.runs.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert len(children) >= 2 and proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=5)
    for p in alive:  # clean up before failing
        p.kill()
    assert alive == [], f"{len(alive)} of {len(children)} workers outlived the sweep"


def test_defect_8_a_plan_is_costed_and_bounded_before_it_runs(tmp_path, scenario, monkeypatch, capsys):
    """Defect 8 — no resource guard.

    Attack: `--reps 1000000000`; `--workers 32` on 2 cores; a region the machine cannot hold; a
    100,000-character description; a province run with no idea of its cost.
    Before: planned silently for days (+4.5 MB/s); 35 processes; a MemoryError traceback after the
    sweep started; the description copied three times into the manifest; no estimate.
    Now: `--reps` above 100,000 and descriptions above 20,000 characters are one line, exit 2;
    `--workers` is capped at the cores with a note; `run --dry-run` prints runs, CPU time and
    peak memory per run from the region (fit to docs/PERFORMANCE.md: the county decade 0.79 s,
    0.37 GB; the province year 45 s and 2.37 GB); a plan needing more memory than is available
    is refused in one line before anything is written.
    """
    base = ["run", str(SCEN / "baseline.toml"), "--quiet"]
    assert main([*base, "--dry-run", "--years", "10", "--reps", "3", "--executor", "serial"]) == 0
    out = capsys.readouterr().out
    assert "plan: 3 runs (1 scenario)" in out and "CPU 0.79 s, peak memory 0.365 GB" in out
    province = ["--set", "region.n_towns=1800", "--set", "region.villages_per_town=39",
                "--set", "region.radius_km=220", "--set", "burn_in_years=0"]
    assert main([*base, "--dry-run", "--years", "1", "--reps", "1", *province]) == 0
    assert "CPU 45 s, peak memory 2.37 GB" in capsys.readouterr().out
    huge = cli(*base, "--reps", "1000000000", "--out", "o", cwd=tmp_path)
    assert "--reps: expected at most 100,000" in one_line_exit_2(huge)
    monkeypatch.setattr("experiments.engine.cost.available_mb", lambda: 500.0)
    line = one_line_exit_2((main([*base, "--reps", "2", "--executor", "serial", "--years", "1",
                                  "--set", "burn_in_years=0", "--set", "region.n_towns=200",
                                  "--out", str(tmp_path / "m")]),
                            capsys.readouterr().err))
    assert "needs about" in line and "0.5 GB available" in line and not (tmp_path / "m").exists()
    monkeypatch.undo()
    assert main(["run", str(scenario), "--reps", "4", "--years", "1", "--executor", "processes",
                 "--workers", "32", "--quiet", "--out", str(tmp_path / "w"), *FAKE]) == 0
    assert "--workers 32: capped at this machine's" in capsys.readouterr().err
    cores = len(os.sched_getaffinity(0))
    assert json.loads((tmp_path / "w/manifest.json").read_text())["run"]["workers"] == cores
    long = tmp_path / "long.toml"
    long.write_text(f'[experiment]\nname = "l"\ndescription = "{"x" * 100_000}"\nscenarios = ["s.toml"]\n')
    line = one_line_exit_2((main(["run", str(long), *FAKE]), capsys.readouterr().err))
    assert "experiment.description" in line and "20000 characters" in line



def test_later_years_cost_the_fraction_of_the_runs_size():
    """A run's later years cost the fraction of its first measured at its size: the county's (0.85)
    for the default region, the province's (0.52) at 70,200 villages, in between by log villages."""
    from experiments.engine import cost
    county = {"region.n_towns": 12, "region.villages_per_town": 50, "region.radius_km": 30.0}
    province = {"region.n_towns": 1800, "region.villages_per_town": 39, "region.radius_km": 220.0}
    mid = {"region.n_towns": 130, "region.villages_per_town": 50, "region.radius_km": 100.0}
    (_, f_county), (_, f_province) = cost.LATER_YEARS
    for flat, fraction in ((county, f_county), (province, f_province)):
        ratio = cost.run_cost(flat, 10).cpu_s / cost.run_cost(flat, 1).cpu_s
        assert ratio == pytest.approx(1 + 9 * fraction)
    assert 1 + 9 * f_province < cost.run_cost(mid, 10).cpu_s / cost.run_cost(mid, 1).cpu_s < 1 + 9 * f_county


def test_a_dask_cluster_whose_workers_cannot_hold_a_run_is_refused(tmp_path, capsys):
    """With ``--scheduler``, a plan is checked against the cluster's workers before anything is
    written: a run's estimated peak (the county: 0.36 GB) above every worker's memory limit is one
    line, exit 2; workers that hold it run the sweep, and the dry run states the memory per worker."""
    distributed = pytest.importorskip("dask.distributed")
    import dask
    base = ["run", str(SCEN / "baseline.toml"), "--quiet", "--executor", "dask", "--reps", "1", "--years", "6"]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, memory_limit="100MB",
                                  dashboard_address=None) as small:
        line = one_line_exit_2((main([*base, "--scheduler", small.scheduler_address, "--out", str(tmp_path / "s")]),
                                capsys.readouterr().err))
    assert "0.359 GB" in line and "largest worker" in line and "0.1 GB" in line and "--memory-limit" in line
    assert not (tmp_path / "s").exists()
    assert main([*base, "--dry-run"]) == 0
    assert "Dask: each worker needs about 0.359 GB for every run it holds at once" in capsys.readouterr().out
    # in-process workers measure the test runner's own memory (hundreds of MB by now): Dask's memory
    # manager would pause them above 80% of the limit and the sweep would wait for ever; the check
    # under test is the plan's, against the declared limit, so the manager is switched off here
    no_manager = {f"distributed.worker.memory.{k}": False for k in ("target", "spill", "pause", "terminate")}
    with dask.config.set(no_manager), distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, memory_limit="500MB", dashboard_address=None) as big:
        assert main([*base, "--scheduler", big.scheduler_address, "--set", "region.n_towns=2",
                     "--out", str(tmp_path / "b")]) == 0
    assert "1 of 1 Dask workers may run more runs at once" in capsys.readouterr().err
    assert (tmp_path / "b" / "runs.parquet").exists()

def test_defect_9_damaged_folders_and_closed_outputs_are_one_line(tmp_path, scenario, monkeypatch, capsys):
    """Defect 9 — tracebacks despite the one-line promise.

    Attack: a zero-byte part file; a manifest that is a JSON list; an analysis command whose output
    folder is read-only; `python -m experiments params | head -1` (the reader closes the pipe).
    Before: a traceback on every resume (the zero-byte part), on the list manifest and on the
    read-only folder; a BrokenPipeError traceback.
    Now: each is one line, exit 2 (the part named, with how to recover); a resume over a list
    manifest rebuilds it.
    """
    out = tmp_path / "o"
    args = ["run", str(scenario), "--years", "1", "--quiet", "--out", str(out), *FAKE]
    assert main([*args, "--reps", "2"]) == 0
    (out / "manifest.json").write_text("[1, 2]")
    assert main([*args, "--reps", "3"]) == 0  # the resume writes a new manifest
    assert json.loads((out / "manifest.json").read_text())["counts"]["done"] == 3
    (out / "manifest.json").write_text("[1, 2]")
    capsys.readouterr()
    assert "expected a JSON object" in one_line_exit_2((main(["report", str(out)]), capsys.readouterr().err))
    part = next((out / "parts").glob("*.runs.parquet"))
    part.write_bytes(b"")
    line = one_line_exit_2((main([*args, "--reps", "3"]), capsys.readouterr().err))
    assert part.name in line and "unreadable" in line and "--fresh" in line

    def read_only(*_a, **_k):
        raise PermissionError(13, "Permission denied", str(out / "report.md"))

    monkeypatch.setattr("experiments.commands.report.write_report", read_only)
    monkeypatch.setattr("experiments.engine.folder.require_complete", lambda *a: None)
    line = one_line_exit_2((main(["report", str(out)]), capsys.readouterr().err))
    assert "cannot write" in line and "report.md: Permission denied" in line
    closed_after_one_line("params")


def test_defect_6_fresh_inside_the_folder_is_refused_before_moving_anything(tmp_path, scenario):
    """Defect 6 — `--out . --fresh` from inside the results folder.

    Attack: `cd DIR; run … --out . --fresh` (also with another plan).
    Before: the folder was renamed and the new results were written into the renamed copy; with
    another plan, exit 2 after the folder had been moved.
    Now: one line, exit 2, before anything is moved.
    """
    out = tmp_path / "o"
    assert cli("run", str(scenario), "--reps", "2", "--years", "1", "--quiet", "--out", str(out),
               *FAKE, cwd=tmp_path).returncode == 0
    before = sorted(p.name for p in out.iterdir())
    for reps in ("3", "2"):
        again = cli("run", str(scenario), "--reps", reps, "--years", "1", "--quiet", "--out", ".",
                    "--fresh", *FAKE, cwd=out)
        assert "while it holds the current folder" in one_line_exit_2(again)
    assert sorted(p.name for p in out.iterdir()) == before and not list(tmp_path.glob("o.old-*"))


def test_the_reliability_catalogue_is_current():
    """docs/RELIABILITY.md §8 is generated from this module's docstrings, and is up to date."""
    check = subprocess.run([sys.executable, "scripts/attack_catalogue.py", "--check"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    doc = (ROOT / "docs/RELIABILITY.md").read_text(encoding="utf-8")
    names = [line.split("`")[-2] for line in doc.splitlines() if line.startswith("| Defect ")]
    here = sorted(n for n in globals() if n.startswith("test_defect_"))
    assert sorted(names) == here and len(here) >= 9


def test_defect_9_a_full_disk_is_one_line_and_the_manifest_says_failed(tmp_path, scenario, monkeypatch,
                                                                      capsys):
    """Defect 9 (disk full) — a full disk mid-sweep.

    Attack: the disk fills while a sweep writes its parts.
    Before: a traceback, and manifest.json left "running".
    Now: one line, exit 2, naming the file and the error; the manifest says "failed" with the runs
    whose parts landed, no temporary file is left behind, and a rerun (with space) resumes.
    """
    import errno

    import pyarrow.parquet as pq

    from experiments.engine import store as store_mod

    real, calls = pq.write_table, {"n": 0}

    def fill_up(table, where, *a, **k):
        calls["n"] += 1
        if calls["n"] > 3:  # the first batch (tenders, ts, runs parts) lands, then the disk is full
            Path(where).write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device", str(where))
        return real(table, where, *a, **k)

    monkeypatch.setattr(store_mod.pq, "write_table", fill_up)
    out = tmp_path / "o"
    args = ["run", str(scenario), "--reps", "6", "--years", "1", "--quiet", "--out", str(out), *FAKE]
    monkeypatch.setattr(store_mod.Store, "__init__", _flush_every_run(store_mod.Store.__init__))
    line = one_line_exit_2((main(args), capsys.readouterr().err))
    assert "cannot write" in line and "No space left on device" in line
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["counts"]["done"] == 1
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert main(args) == 0 and "5 run now, 1 already done" in capsys.readouterr().out


def _flush_every_run(init):
    def wrapped(self, *a, **k):
        init(self, *a, **{**k, "flush_runs": 1})
    return wrapped


@pytest.mark.parametrize("opts, words", [
    (["--scheduler", "foo"], "not a Dask scheduler address"),
    (["--scheduler", "tcp://127.0.0.1:notaport"], "not a Dask scheduler address"),
    (["--scheduler", "http://127.0.0.1:1"], "unknown address scheme 'http'"),
    (["--connect-timeout", "-1"], "--connect-timeout: expected seconds in (0, 3600], got -1.0"),
    (["--connect-timeout", "nan"], "got nan"),
    (["--connect-timeout", "inf", "--scheduler", "tcp://127.0.0.1:1"], "got inf"),
])
def test_defect_9_bad_dask_options_are_one_line(tmp_path, scenario, capsys, opts, words):
    """Defect 9 (Dask options) — five Dask options gave tracebacks.

    Attack: `--executor dask` with `--scheduler foo`, a port that is not a number, an `http://`
    address, `--connect-timeout` of -1, nan or inf.
    Before: ValueError or KeyError tracebacks from distributed.
    Now: one line, exit 2, naming the option; nothing written.
    """
    pytest.importorskip("distributed")
    args = ["run", str(scenario), "--reps", "2", "--years", "1", "--executor", "dask", "--quiet",
            "--out", str(tmp_path / "o"), *opts, *FAKE]
    assert words in one_line_exit_2((main(args), capsys.readouterr().err))
    assert not (tmp_path / "o").exists()


def test_defect_1_with_the_real_model_a_changed_model_file_is_refused(tmp_path):
    """Defect 1 (real model) — the same attack on a copy of the real `model` package.

    Attack: `run --reps 2` on a tiny region, change one file of `model/` (a line that changes no
    parameter, so the run ids stay the same), `run --reps 3`.
    Before: exit 0, "1 run now, 2 already done".
    Now: one line, exit 2, naming the model code hash that changed.
    """
    copy = tmp_path / "src"
    copy.mkdir()
    shutil.copytree(ROOT / "model", copy / "model", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "experiments", copy / "experiments", ignore=shutil.ignore_patterns("__pycache__"))
    args = ["run", str(SCEN / "baseline.toml"), "--out", "o", *TINY]
    first = cli(*args, "--reps", "2", cwd=tmp_path, path=copy)
    assert first.returncode == 0 and "2 run now" in first.stdout, first.stderr
    with open(copy / "model/core.py", "a", encoding="utf-8") as fh:
        fh.write("\nCHANGED_BY_THE_TEST = 1\n")
    line = one_line_exit_2(cli(*args, "--reps", "3", cwd=tmp_path, path=copy))
    assert "2 of its 2 runs were made by something else (model or engine code" in line


def test_defect_9_bands_that_are_not_finite_and_a_closed_pipe_are_one_line(tmp_path, capsys):
    """Defect 9 (bands, pipe) — `targets --bands inf` and `indicators | head`.

    Attack: `targets FILE --bands` with inf, nan, -inf, a negative, an unsorted list; `python -m
    experiments indicators FILE | head -1`.
    Before: inf and nan gave ValueError tracebacks from pandas (the others were refused).
    Now: one line, exit 2, naming --bands and what it allows, nothing written; the closed pipe is
    one line, no traceback.
    """
    fixture = TESTS / "data/ocds_synthetic.jsonl"
    out = tmp_path / "t.toml"
    for bands in ("inf", "nan", "-inf", "100000,inf", "1e5,nan", "-5", "5,3"):
        line = one_line_exit_2((main(["targets", str(fixture), f"--bands={bands}", "--out", str(out)]),
                                capsys.readouterr().err))
        assert line.startswith(f"error: --bands '{bands}': expected increasing positive finite numbers")
    assert list(tmp_path.iterdir()) == []
    closed_after_one_line("indicators", str(fixture), small=True)


def test_defect_10_errors_name_the_posterior_file_and_years(tmp_path, scenario):
    """Defect 10 (labels) — errors blamed the wrong input.

    Attack: `run s.toml --parameter-draws P.parquet` whose draw names an unknown parameter; `run
    experiments/procurement_rules.toml --years 2` (an experiment whose reforms start in a later
    year).
    Before: "s.toml: overrides (scenario 's'): foo.bar: unknown parameter" (the scenario file
    blamed for the posterior's column); "--set on …/baseline.toml: … years = 2 must exceed
    burn_in_years = 5" (no --set was given).
    Now: "--parameter-draws P.parquet: draw 0 (row 1): foo.bar: unknown parameter"; "--years 2
    on …/baseline.toml (scenario 'baseline'): …"; one line, exit 2, nothing written.
    """
    posterior = tmp_path / "P.parquet"
    pd.DataFrame({"draw": [0, 1], "foo.bar": [1.0, 2.0]}).to_parquet(posterior)
    line = one_line_exit_2(cli("run", str(scenario), "--parameter-draws", str(posterior), "--years", "1",
                               "--out", "o", *FAKE, cwd=tmp_path))
    assert line == f"error: --parameter-draws {posterior}: draw 0 (row 1): foo.bar: unknown parameter"
    line = one_line_exit_2(cli("run", str(ROOT / "experiments/procurement_rules.toml"), "--years", "2",
                               "--out", "p", "--dry-run", cwd=tmp_path))
    assert line.startswith(f"error: --years 2 on {SCEN / 'baseline.toml'} (scenario 'baseline'): ")
    assert "--set" not in line and "years = 2 must exceed burn_in_years" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["P.parquet", "s.toml"]


def test_defect_10_discover_says_what_is_wrong_in_its_own_words(tmp_path, capsys):
    """Defect 10 (discover) — scikit-learn's message, with advice that did not apply.

    Attack: `discover` on a folder of 5 design points with the default --mass-min 0.05, and with
    --mass-min 0.9.
    Before: "--above 0: The 'min_samples_leaf' parameter of DecisionTreeClassifier must be an int in
    the range [1, inf) … Got 0 instead … choose another threshold" (the threshold was fine); with
    0.9, "can only convert an array of size 1 to a Python scalar … choose another threshold".
    Now: one line naming --mass-min and what it allows (at least one point: 0.2 to 0.5 for 5
    points; at most 0.5, since a leaf over half the points cannot be split); nothing written.
    """
    pytest.importorskip("ema_workbench")
    from test_discovery import results_folder

    out = results_folder(tmp_path / "r", n=5)
    args = ["discover", str(out), "--outcome", "no_bid_rate_village", "--above", "0"]
    line = one_line_exit_2((main(args), capsys.readouterr().err))
    assert line == ("error: --mass-min 0.05: a PRIM box or CART leaf would hold less than one of the 5 "
                    "design points; allowed with 5 design points: 0.2 to 0.5")
    line = one_line_exit_2((main([*args, "--mass-min", "0.9"]), capsys.readouterr().err))
    assert line.startswith("error: --mass-min: expected a share in (0, 0.5]")
    assert "threshold" not in line and not (out / "discovery.md").exists()
    assert main([*args, "--mass-min", "0.2"]) == 0 and (out / "discovery.md").is_file()


def test_defect_10_archetypes_refuses_folders_run_without_an_archetype(tmp_path, capsys):
    """Defect 10 (archetypes) — two ordinary folders compared as archetypes.

    Attack: `archetypes A B` on two results folders of the same experiment run without
    `--archetype`.
    Before: exit 0, a comparison of "archetypes" named after the folders.
    Now: one line, exit 2, naming the folder and --archetype with the names allowed; nothing written.
    """
    for name in ("baseline", "reform"):
        (tmp_path / f"{name}.toml").write_text(f'[scenario]\nname = "{name}"\ndescription = "d"\n')
    exp = tmp_path / "e.toml"
    exp.write_text('[experiment]\nname = "e"\nbaseline = "baseline"\nscenarios = ["baseline.toml", '
                   '"reform.toml"]\n')
    for folder in ("a", "b"):
        assert main(["run", str(exp), "--reps", "2", "--years", "1", "--quiet", "--out",
                     str(tmp_path / folder), *FAKE]) == 0
    capsys.readouterr()
    line = one_line_exit_2((main(["archetypes", str(tmp_path / "a"), str(tmp_path / "b"), "--outcomes",
                                  "quality_delivered"]), capsys.readouterr().err))
    assert line.startswith(f"error: {tmp_path / 'a'}: was not run with --archetype") and "mountain" in line
    assert not (tmp_path / "a/archetypes.md").exists()


def test_defect_10_the_reliability_table_agrees_with_section_7():
    """Defect 10 (docs) — docs/RELIABILITY.md's summary table contradicted its §7 and the tests.

    Attack: read the summary table's safety row and §7 against `tests/test_bad_inputs.py`, and its
    attack row against this module.
    Before: "3 allow-listed imports" in the table and "an allow-list of three" in §7, while the test
    allows 4; "10 attacks of issue 35" while the catalogue held 13.
    Now: the table, §7 and the test's allow-list give the same number; the attack row names no
    count that can drift (the catalogue in §8 is generated).
    """
    import re

    from test_bad_inputs import ALLOWED

    doc = (ROOT / "docs/RELIABILITY.md").read_text(encoding="utf-8")
    words = {"three": 3, "four": 4, "five": 5, "six": 6}
    row = next(line for line in doc.splitlines() if line.startswith("| Files are data"))
    section = doc.split("## 7. Safety", 1)[1].split("## 8.", 1)[0]
    in_table = int(row.split(" allow-listed", 1)[0].rsplit("(", 1)[1])
    in_section = words[section.split("allow-list of ", 1)[1].split()[0]]
    assert in_table == in_section == len(ALLOWED)
    attacks = next(line for line in doc.splitlines() if line.startswith("| A folder never mixes"))
    assert not re.search(r"\d+ attacks", attacks) and "§8" in attacks.split("|")[3]


def test_defect_10_two_run_intervals_of_a_count_stay_at_or_above_0():
    """Defect 10 (intervals) — the console's interval of a count went below 0.

    Attack: two runs with 0 and 0.5 detected fraud cases a year (`fraud_detected`, a count).
    Before: "fraud_detected 0.25 [-2.927, 3.427]": a negative number of cases.
    Now: the interval is truncated at the count's bound, 0, marked "*", with a footnote saying so
    (shares were already truncated to [0, 1]; money is left alone).
    """
    from experiments.commands._table import CLIPPED_NOTE, format_summary, summarise

    runs = pd.DataFrame({"scenario": ["s", "s"], "fraud_detected": [0.0, 0.5], "spend": [1.0, 2.0]})
    table = summarise(runs, ["fraud_detected", "spend"], []).set_index("outcome")
    assert table.loc["fraud_detected", "low"] == 0.0 and table.loc["fraud_detected", "clipped"]
    assert table.loc["fraud_detected", "high"] == pytest.approx(0.25 + 12.706 * 0.25, abs=1e-3)
    assert table.loc["spend", "low"] == pytest.approx(1.5 - 12.706 * 0.5, abs=1e-3)  # not a count
    text = format_summary(table.reset_index())
    assert "[0, 3.427]*" in text and text.endswith(CLIPPED_NOTE)


def _release(ocid: str, tenderers: object = 2, tender: object = 100, award: object | None = 80,
             rid: str = "1") -> dict:
    rel = {"ocid": ocid, "id": rid, "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
           "tender": {"id": f"{ocid}-t", "procurementMethod": "open", "numberOfTenderers": tenderers,
                      "value": {"amount": tender, "currency": "CNY"}}}
    if award is not None:
        rel["awards"] = [{"id": "a", "status": "active", "value": {"amount": award, "currency": "CNY"}}]
    return rel


def test_defect_3_nonsense_real_data_is_dropped_and_counted(tmp_path, capsys):
    """Defect 3 — nonsense real data accepted into calibration.

    Attack: an OCDS package with a negative award amount, an amount given as a string,
    numberOfTenderers of −5, `true`, 10^12 and 2.5, a release repeated; then a package with no
    releases.
    Before: price/reserve −0.67 as a target; bids per tender 3.2e11 (`true` counted as one bid);
    the repeated release counted twice; the empty package a NaN table with exit 0 from `indicators`.
    Now: each such process is dropped, every kind of drop counted in one `dropped:` line on
    stderr; the repeated release (same ocid and release id) is dropped once; the indicators and
    targets come from the 3 sound processes; the empty package is one line, exit 2.
    """
    from experiments.analysis.calibrate import load_calibration

    good = [_release("a-1"), _release("a-2", 1, 100, 90), _release("a-9", 0, 100, None)]
    bad = [_release("a-3", award=-67), _release("a-4", -5), _release("a-5", True),
           _release("a-6", 10**12), _release("a-7", 2.5), _release("a-8", tender="100")]
    data = tmp_path / "county.json"
    data.write_text(json.dumps({"releases": [*good, *bad, good[0]]}))
    capsys.readouterr()
    assert main(["indicators", str(data), "--out", str(tmp_path / "i.csv")]) == 0
    err = capsys.readouterr().err
    dropped = [line for line in err.splitlines() if "dropped:" in line]
    assert dropped == ["  dropped: 1 duplicate release (same ocid and release id); 1 process with a negative "
                       "amount; 1 process with an amount that is not a number; 1 process with numberOfTenderers "
                       "a boolean; 1 process with numberOfTenderers above 1,000,000; 1 process with "
                       "numberOfTenderers negative; 1 process with numberOfTenderers not a whole number"], err
    assert "note: county: 10 releases in 9 contracting processes, 3 used; amounts in CNY" in err
    table = pd.read_csv(tmp_path / "i.csv").set_index("code")
    assert table.loc["R018", "units"] == 3 and table.loc["R018", "mean"] == pytest.approx(1 / 3)
    assert table.loc["PRICE", "mean"] == pytest.approx(0.85)
    assert main(["targets", str(data), "--out", str(tmp_path / "t.toml")]) == 0
    found = {t.name: t for t in load_calibration(tmp_path / "t.toml").targets}
    assert found["bids_per_tender"].value == pytest.approx(1.0)      # (2 + 1 + 0) / 3
    assert found["price_to_reserve"].value == pytest.approx(0.85)
    assert found["no_bid_rate"].source.endswith(": 3 competitive tender notices")
    empty = tmp_path / "empty.json"
    empty.write_text('{"releases": []}')
    capsys.readouterr()
    line = one_line_exit_2((main(["indicators", str(empty)]), capsys.readouterr().err))
    assert "no usable releases (0 read)" in line
    data.write_text(json.dumps({"releases": bad}))
    line = one_line_exit_2((main(["indicators", str(data)]), capsys.readouterr().err))
    assert "no usable releases (6 read; dropped: 1 process with a negative amount;" in line


def test_defect_3_calibrate_refuses_a_target_outside_its_range(tmp_path, capsys):
    """Defect 3 (calibration) — a target no simulation can reach was fitted.

    Attack: a targets file whose price_to_reserve is −0.67 (from negative award amounts), another
    whose no_bid_rate is 1.4.
    Before: `calibrate` fitted it, exit 0.
    Now: one line, exit 2, naming the target and the range its moment can take, before any
    simulation.
    """
    data = tmp_path / "county.json"
    data.write_text(json.dumps({"releases": [_release("a-1"), _release("a-2", 1, 100, 90),
                                             _release("a-9", 0, 100, None)]}))
    targets = tmp_path / "t.toml"
    assert main(["targets", str(data), "--out", str(targets)]) == 0
    text = targets.read_text()
    for name, value, words in (("price_to_reserve", "-0.67", "price_to_reserve can be ([0, inf])"),
                               ("no_bid_rate", "1.4", "no_bid_rate can be ([0, 1])")):
        start = text.index(f"\n{name} = {{ value = ") + len(f"\n{name} = {{ value = ")
        bad = text[:start] + value + text[text.index(",", start):]
        targets.write_text(bad)
        capsys.readouterr()
        line = one_line_exit_2((main(["calibrate", str(targets), "--out", str(tmp_path / "c")]),
                                capsys.readouterr().err))
        assert f"value {float(value)!r} is outside what {words}" in line
        assert not (tmp_path / "c").exists()


OCDS_SHAPES = {
    "utf16.json": ('{"releases": []}'.encode("utf-16"), "UTF-16"),
    "binary.json": (bytes(range(256)) * 4, "binary data"),
    "number.json": (b"1", "the JSON is a number"),
    "null.json": (b"null", "the JSON is null"),
    "string.json": (b'"releases"', "the JSON is a string"),
    "one.json": (b'{"releases": [1]}', "releases[0] is a number; expected a release object"),
    "noocid.json": (b'{"releases": [{"id": "1", "date": "2024-01-01T00:00:00Z"}]}', "releases[0] has no ocid"),
    "tender.json": (b'{"releases": [{"ocid": "o-1", "id": "1", "tender": "open"}]}', "tender is a string"),
    "deep.json": (b"[" * 100_000, "nested too deeply"),
    "records.json": (b'{"records": [1]}', "records[0] is a number"),
    "object.json": (b'{"releases": {}}', "releases is an object; expected an array"),
    "awards.json": (b'{"releases": [{"ocid": "o-1", "id": "1", "awards": "x"}]}', "awards is not an array"),
    "gzip.json": (b"\x1f\x8b\x08\x00broken", "a damaged gzip file"),
    "empty.json": (b"", "an empty file"),
}


@pytest.mark.parametrize("name", sorted(OCDS_SHAPES))
def test_defect_9_malformed_ocds_files_are_one_line(tmp_path, name):
    """Defect 9 (OCDS shapes) — 14 OCDS files gave tracebacks.

    Attack: `indicators` and `targets` on UTF-16, binary, a top-level number, null or string,
    `releases: [1]`, a release with no `ocid`, `tender` as a string, 100,000 nested `[`, `records:
    [1]`, `releases` an object, `awards` a string, a broken gzip file, an empty file.
    Before: 11 tracebacks (UnicodeDecodeError, TypeError, KeyError, AttributeError,
    RecursionError); the top-level string, the `releases` object and the empty file one vague line.
    Now: one line, exit 2, naming the file and what is wrong; nothing written.
    """
    data, words = OCDS_SHAPES[name]
    (tmp_path / name).write_bytes(data)
    for command, out in (("indicators", "i.csv"), ("targets", "t.toml")):
        proc = cli(command, name, "--out", out, cwd=tmp_path)
        line = one_line_exit_2(proc)
        assert name in line and words in line and "Traceback" not in proc.stderr, line
        assert not (tmp_path / out).exists()


def test_defect_10_json_lines_errors_name_the_file_line(tmp_path, capsys):
    """Defect 10 (JSON Lines) — a JSON Lines error gave the line inside the object ("at at").

    Attack: a JSON Lines file (`.jsonl`, and the same named `.json`) whose third line is broken.
    Before: "not JSON (Expecting value at line 1)" for the `.jsonl` (the line inside the object,
    read "at at" in the message); the `.json` refused as "Extra data".
    Now: one line, exit 2, naming the file's line 3 and the column.
    """
    text = '{"ocid": "o-1", "id": "1"}\n{"ocid": "o-2", "id": "1"}\n{"ocid": \n'
    for name in ("bad.jsonl", "bad.json"):
        (tmp_path / name).write_text(text)
        capsys.readouterr()
        line = one_line_exit_2((main(["indicators", str(tmp_path / name)]), capsys.readouterr().err))
        assert f"{name}, line 3: not JSON (Expecting value, column 10)" in line and "at at" not in line
