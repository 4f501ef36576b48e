"""Every documented example runs as written (issue 29).

The examples are extracted from the text, never copied here: the README's ```python blocks, the
`python -m experiments ...` commands of its ```bash blocks, its ```toml scenario example, and the
"Examples:" paragraph of every `python -m experiments <command> --help`. They run in a scratch
folder that looks like the repository root to them (`experiments/` linked, `results/` and
`docs/` empty), in document order, so an example may use what an earlier one of the same text
wrote. The only change made to a command is the one the documentation itself offers: the
dashboard gets a free `--port N` ("--port N to change it") and is stopped once it answers.

An example too slow for the test suite (minutes of CPU, gigabytes, or a Dask cluster) is listed
in ``NOT_RUN`` with its reason; it is still parsed by the real command-line parser, and its input
files must exist. An example that is neither run nor listed fails the test, and so does a listed
one that is no longer documented. The extractor and runner are themselves tested on a planted
text with a broken example.
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from model.param_tree import Params

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*$")
PREFIX = "python -m experiments"
TIMEOUT = 600  # seconds per example

NOT_RUN = {
    "python -m experiments bench": "the county for 10 years at every phase's floor: minutes",
    "python -m experiments bench --scale province": "a province year: 2 minutes, 2.5 GB (docs/PERFORMANCE.md)",
    "python -m experiments bench --scale 100 --scale 1000 --scale 10000 --years 2": "a scaling series: minutes",
    "python -m experiments bench --scale 600 --scale 6000 --years 2": "a scaling series: minutes",
    "python -m experiments calibrate experiments/calibration_targets.toml": "a calibration: hundreds of runs",
    "python -m experiments calibrate experiments/calibration_targets.toml --method abc --budget 40":
        "40 ABC rounds of the county",
    "python -m experiments calibrate experiments/calibration_targets.toml --identify":
        "a calibration of the default county and its identification check: about half an hour",
    "python -m experiments optimize experiments/policy_search.toml": "a policy search: hundreds of runs",
    "python -m experiments optimize experiments/policy_search.toml --trials 80 --executor processes":
        "80 trials of the county",
    "python -m experiments sensitivity experiments/sensitivity.toml": "a Sobol design: thousands of runs",
    "python -m experiments sensitivity experiments/sensitivity.toml --design morris --samples 10":
        "a Morris design of the county",
    "python -m experiments sensitivity experiments/sensitivity.toml --executor processes":
        "a Sobol design: thousands of runs",
    "python -m experiments run experiments/procurement_rules.toml --executor processes --workers 2":
        "a research-question experiment: minutes",
    "python -m experiments run EXP.toml --executor dask --scheduler tcp://host:8786":
        "needs a Dask cluster (EXP.toml and host are placeholders)",
    "python -m experiments run experiments/reform_package.toml --archetype mountain":
        "80 county decades: minutes",
    "python -m experiments run experiments/reform_package.toml --archetype $a": "4 × 80 county decades",
    "python -m experiments run experiments/reform_package.toml --report": "80 county decades: minutes",
    "python -m experiments archetypes results/reform_package_coastal_plain results/reform_package_mountain "
    "results/reform_package_periurban results/reform_package_island": "needs the four archetype runs",
    "python -m experiments brief results/reform_package": "needs the reform package's results",
    "python -m experiments brief results/reform_package --lang zh": "needs the reform package's results",
    "python -m experiments brief results/reform_package --baseline publicity": "needs the reform package's results",
    "python -m experiments report results/reform_package": "needs the reform package's results",
    "python -m experiments report results/no_bidder --outcomes no_bid_rate_village,coverage":
        "needs the no-bidder experiment's results",
    "python -m experiments report results/reform_package --lang zh": "needs the reform package's results",
    "python -m experiments report results/reform_package --robustness results/curated/robustness":
        "needs the reform package's results",
    "python -m experiments discover results/reform_discovery --outcome no_bid_rate_village --above 0":
        "needs the reform-discovery experiment's results",
    "python -m experiments discover results/reform_discovery --outcome quality_delivered --below 0 "
    "--inputs procurement.bid_cost_yuan,procurement.travel_cost_yuan_km":
        "needs the reform-discovery experiment's results",
    "python -m experiments discover results/sensitivity --outcome cost_per_quality --above 1.2":
        "needs the sensitivity experiment's results",
    "python -m experiments explain experiments/reform_package.toml --reform disclosure --outcome trust --reps 10 "
    "--executor processes --workers 2": "every channel of the county, 10 seeds: thousands of runs",
    "python -m experiments explain FILE.toml --reform R --outcome A --shapley sampled --permutations 32":
        "FILE.toml, R and A are placeholders",
}
"""Documented examples that the test only parses, with the reason they are not run."""


@dataclass(frozen=True)
class Example:
    """One documented example: where it is, its kind (``python``, ``command``, ``toml``) and text."""

    source: str
    kind: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.source}: {self.code.splitlines()[0][:90]}"


# ---------------------------------------------------------------------------- extraction
def fenced_blocks(text: str) -> list[tuple[str, str, int]]:
    """(language, code without the fence's indentation, first line number) of each fenced block."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group("lang"):
            indent, body, start = m.group("indent"), [], i + 1
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
                i += 1
            out.append((m.group("lang"), "\n".join(body) + "\n", start + 1))
        i += 1
    return out


def commands(shell: str) -> list[str]:
    """The `python -m experiments ...` commands of shell text: continuations joined, `&&` chains
    and `for ... do ... done` loops split, comments dropped, spaces normalised."""
    joined = re.sub(r"\\\n\s*", " ", shell)
    out = []
    for line in joined.splitlines():
        for part in re.split(r"&&|;", line):
            part = re.sub(r"\s+#.*$", "", part).strip()
            part = re.sub(r"^(do|then)\s+", "", part)
            if part.startswith(PREFIX + " ") or part == PREFIX:
                out.append(" ".join(part.split()))
    return out


def examples_paragraph(doc: str) -> str:
    """The text of a help's "Examples:" paragraph (up to the first blank line), or ""."""
    if "Examples:" not in doc:
        return ""
    return doc.split("Examples:", 1)[1].split("\n\n", 1)[0]


def text_examples(text: str, source: str) -> list[Example]:
    """A Markdown text's examples: python blocks, bash commands and toml scenario blocks."""
    out = []
    for lang, code, line in fenced_blocks(text):
        where = f"{source}:{line}"
        if lang == "python":
            out.append(Example(where, "python", code))
        elif lang in ("bash", "sh", "console"):
            out += [Example(where, "command", c) for c in commands(code)]
        elif lang == "toml":
            out.append(Example(where, "toml", code))
    return out


def help_examples() -> list[Example]:
    """Every command's `--help` examples, from the parser the CLI builds."""
    from experiments.__main__ import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return [Example(f"{name} --help", "command", c) for name, p in sub.choices.items()
            for c in commands(examples_paragraph(p.description or ""))]


def all_examples() -> list[Example]:
    return text_examples((ROOT / "README.md").read_text(encoding="utf-8"), "README.md") + help_examples()


# ---------------------------------------------------------------------------- running
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(argv: list[str], cwd: Path) -> tuple[bool, str]:
    """Start a server command with a free `--port`; True once it answers, then stop it."""
    argv = [a for i, a in enumerate(argv) if a != "--port" and (i == 0 or argv[i - 1] != "--port")]
    port = _free_port()
    proc = subprocess.Popen([*argv, "--port", str(port)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    return r.status == 200, ""
            except OSError:
                time.sleep(1)
        return False, f"did not answer on port {port} (exit {proc.poll()})"
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_example(ex: Example, cwd: Path) -> tuple[bool, str]:
    """Run one example in ``cwd``: (passed, what it printed when it failed)."""
    if ex.kind == "toml":
        from model.params import load_scenario

        path = cwd / "readme_example.toml"
        path.write_text(ex.code, encoding="utf-8")
        try:
            load_scenario(path)
        except ValueError as exc:
            return False, str(exc)
        return True, ""
    if ex.kind == "python":
        script = cwd / "readme_example.py"
        script.write_text(ex.code, encoding="utf-8")
        argv = [sys.executable, str(script)]
    else:
        argv = [sys.executable, *shlex.split(ex.code)[1:]]
        if argv[3:4] == ["dashboard"]:
            return _serve(argv, cwd)
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode == 0, (done.stdout[-2000:] + done.stderr[-3000:])


def parse_only(ex: Example) -> None:
    """A listed example still parses with the real parser (options exist, values have their types)."""
    from experiments.__main__ import build_parser

    argv = shlex.split(ex.code)[3:]
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{ex.id}: does not parse (exit {exc.code})")


def workspace(root: Path) -> Path:
    """A scratch folder that looks like the repository root to an example, with the OCDS files the
    `indicators` and `targets` examples name (the synthetic fixture of tests/data)."""
    import json

    (root / "experiments").symlink_to(ROOT / "experiments")
    (root / "results").mkdir()
    (root / "docs").mkdir()
    fixture = ROOT / "tests" / "data" / "ocds_synthetic.jsonl"
    (root / "county_releases.jsonl").write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    releases = [json.loads(line) for line in fixture.read_text(encoding="utf-8").splitlines() if line.strip()]
    flat = [r for item in releases for r in (item.get("releases") or [item])]
    (root / "county.json").write_text(json.dumps({"uri": "https://example.org/county.json",
                                                  "publishedDate": "2019-12-31T00:00:00+08:00",
                                                  "version": "1.1", "releases": flat}), encoding="utf-8")
    (root / "buyer_levels.csv").write_text((ROOT / "tests/data/ocds_synthetic_levels.csv").read_text(
        encoding="utf-8"), encoding="utf-8")
    return root


# ---------------------------------------------------------------------------- the tests
EXAMPLES = all_examples()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return workspace(tmp_path_factory.mktemp("examples"))


def test_examples_are_found_and_every_listed_one_is_documented():
    kinds = {ex.kind for ex in EXAMPLES}
    assert kinds == {"python", "command", "toml"}
    assert sum(ex.source.endswith("--help") for ex in EXAMPLES) >= 40
    documented = {ex.code for ex in EXAMPLES}
    assert not set(NOT_RUN) - documented, f"listed but no longer documented: {set(NOT_RUN) - documented}"


@pytest.mark.slow
@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_documented_example_runs_as_written(ex, scratch):
    if ex.code in NOT_RUN:
        parse_only(ex)
        for arg in shlex.split(ex.code)[4:5]:  # the input file or folder of the command
            if arg.startswith("experiments/"):
                assert (ROOT / arg).exists(), f"{ex.id}: {arg} does not exist"
        pytest.skip(f"not run: {NOT_RUN[ex.code]}")
    ok, out = run_example(ex, scratch)
    assert ok, f"{ex.id} failed:\n{out}"


# ---------------------------------------------------------------------------- the checker can fail
PLANTED = '''# A planted README

```bash
python -m venv .venv && python -m experiments params --markdown
```

- A list item with a block:

  ```python
  from ema_workbench import SequentialEvaluator
  from experiments.ema import ema_model
  with SequentialEvaluator(ema_model(years=2, overrides={"region.n_towns": 3})) as ev:
      ev.perform_experiments(scenarios=1, policies=1)
  ```

Examples:
    python -m experiments list     # fine
    python -m experiments run experiments/scenarios/baseline.toml --reps 1 --years 2 \\
        --set region.n_towns=3

A closing paragraph.
'''


def test_the_extractor_finds_blocks_commands_and_help_examples():
    blocks = fenced_blocks(PLANTED)
    assert [(lang, line) for lang, _, line in blocks] == [("bash", 4), ("python", 10)]
    assert blocks[1][1].startswith("from ema_workbench import SequentialEvaluator\n")  # indentation removed
    ex = text_examples(PLANTED, "planted.md")
    assert [(e.kind, e.code) for e in ex if e.kind == "command"] == [
        ("command", "python -m experiments params --markdown")]
    assert commands(examples_paragraph(PLANTED)) == [
        "python -m experiments list",
        "python -m experiments run experiments/scenarios/baseline.toml --reps 1 --years 2 --set region.n_towns=3"]
    assert commands("for a in x y; do\n    python -m experiments run f.toml --archetype $a\ndone\n") == [
        "python -m experiments run f.toml --archetype $a"]


@pytest.mark.slow
def test_a_planted_broken_example_fails(tmp_path):
    """The planted help's run (--years 2 against the 3-year warm-up) and python block (the README's
    old EMA snippet) fail as written; the planted `params` command runs."""
    root = workspace(tmp_path)
    good = Example("planted", "command", "python -m experiments params --markdown")
    assert run_example(good, root)[0]
    broken = Example("planted", "command", commands(examples_paragraph(PLANTED))[1])
    ok, out = run_example(broken, root)
    assert not ok and out.startswith("error: --years 2 on ") and "--set" not in out  # the option used
    assert f"must exceed burn_in_years = {Params().burn_in_years}" in out
    snippet = text_examples(PLANTED, "planted.md")[1]
    ok, out = run_example(snippet, root)
    assert not ok and "must exceed burn_in_years" in out
    bad_toml = Example("planted", "toml", '[scenario]\nname = "x"\ndescription = "y"\n[procurement]\naward_rul = "a"\n')
    ok, out = run_example(bad_toml, root)
    assert not ok and "award_rul" in out
