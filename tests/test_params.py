"""Parameter validation: every kind of bad input gives one clear ParamError; the reference is complete
and docs/parameters.md is current; the CLI reports bad parameters in one line with exit status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from model import ParamError, Params, load_params, load_scenario
from model.params import DEFAULTS, reference_markdown, reference_rows

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "experiments/scenarios/baseline.toml"
PYTHON = sys.executable


def error_of(overrides: dict) -> str:
    with pytest.raises(ParamError) as info:
        load_params(None, overrides)
    message = str(info.value)
    assert "\n" not in message, "a ParamError is one line"
    return message


# ---------------------------------------------------------------- bad overrides

def test_unknown_key_names_path_and_suggests():
    msg = error_of({"procurement.award_rul": "scoring"})
    assert "procurement.award_rul" in msg and "unknown parameter" in msg
    assert "did you mean 'procurement.award_rule'" in msg
    assert "award_rule" in msg.split("keys allowed in procurement:")[1]


def test_unknown_section_names_path():
    msg = error_of({"procurment.award_rule": "scoring"})
    assert "procurment" in msg and "did you mean 'procurement'" in msg


def test_wrong_type():
    msg = error_of({"region.n_towns": "3"})
    assert "region.n_towns = '3'" in msg and "valid integer" in msg and "int in [1, 5000]" in msg


def test_wrong_type_bool():
    msg = error_of({"fraud.disclosure": "yes"})
    assert "fraud.disclosure = 'yes'" in msg and "bool" in msg


def test_out_of_range():
    msg = error_of({"region.n_towns": 0})
    assert "region.n_towns = 0" in msg and "greater than or equal to 1" in msg
    assert "allowed: int in [1, 5000]" in msg
    msg = error_of({"fraud.audit_prob": 1.5})
    assert "fraud.audit_prob = 1.5" in msg and "float in [0, 1]" in msg


def test_literal_not_allowed():
    msg = error_of({"procurement.award_rule": "cheapest"})
    assert "procurement.award_rule = 'cheapest'" in msg
    assert '"lowest_price" | "scoring"' in msg


def test_list_of_literals_not_allowed():
    msg = error_of({"monitoring.regimes": ["announced", "bogus"]})
    assert "monitoring.regimes" in msg and "'bogus'" in msg and "project_officer" in msg


def test_scoring_weights_must_sum_to_one():
    msg = error_of({"scoring.price_weight": 0.5})
    assert "scoring" in msg and "sum to 1" in msg and "1.2" in msg


def test_evaluation_weights_must_sum_to_one():
    msg = error_of({"evaluation.kpi_weight": 0.5})
    assert "evaluation" in msg and "sum to 1" in msg and "1.1" in msg


def test_price_weight_below_legal_floor():
    msg = error_of({"scoring.price_weight": 0.05, "scoring.technical_weight": 0.75})
    assert "scoring" in msg and "price_weight 0.05" in msg and "legal floor" in msg
    assert "price_weight_floor = 0.1" in msg
    # at the floor is legal
    p = load_params(None, {"scoring.price_weight": 0.1, "scoring.technical_weight": 0.7})
    assert p.scoring.price_weight == 0.1


def test_section_given_a_value():
    msg = error_of({"procurement": 3})
    assert "procurement = 3" in msg and "is a section, not a value" in msg and "award_rule" in msg


def test_section_given_a_table_is_applied():
    p = load_params(None, {"procurement": {"award_rule": "scoring"}})
    assert p.procurement.award_rule == "scoring"


# ---------------------------------------------------------------- scenario files

def write(tmp_path: Path, text: str, name: str = "sc.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def scenario_error(path: Path) -> str:
    with pytest.raises(ParamError) as info:
        load_params(path)
    message = str(info.value)
    assert str(path) in message, "the message names the file"
    assert "\n" not in message
    return message


def test_missing_file(tmp_path):
    msg = scenario_error(tmp_path / "nope.toml")
    assert "not found" in msg


def test_folder_is_not_a_file(tmp_path):
    msg = scenario_error(tmp_path)
    assert "folder" in msg


def test_malformed_toml(tmp_path):
    msg = scenario_error(write(tmp_path, '[scenario]\nname = "x\n'))
    assert "malformed TOML" in msg


def test_missing_scenario_table(tmp_path):
    msg = scenario_error(write(tmp_path, '[procurement]\naward_rule = "scoring"\n'))
    assert "missing [scenario] table" in msg


def test_unknown_key_in_scenario_table(tmp_path):
    msg = scenario_error(write(tmp_path, '[scenario]\nname = "x"\nauthor = "me"\n'))
    assert "scenario.author" in msg and "unknown key" in msg and "name, description" in msg


def test_scenario_name_must_be_a_string(tmp_path):
    msg = scenario_error(write(tmp_path, '[scenario]\nname = 3\n'))
    assert "scenario.name" in msg and "3" in msg


@pytest.mark.parametrize("body, expected", [
    ('[region]\nn_towns = 0\n', "region.n_towns = 0"),
    ('[region]\nn_town = 3\n', "did you mean 'region.n_towns'"),
    ('procurement.award_rule = "cheapest"\n', "procurement.award_rule = 'cheapest'"),
    ('[scoring]\nprice_weight = 0.5\n', "sum to 1"),
])
def test_bad_override_in_file_names_the_file(tmp_path, body, expected):
    # dotted keys must come before the first table header (TOML), so the overrides go first
    path = write(tmp_path, body + '[scenario]\nname = "bad"\n' if not body.startswith("[")
                 else '[scenario]\nname = "bad"\n' + body)
    msg = scenario_error(path)
    assert expected in msg
    with pytest.raises(ParamError):  # the error is raised at load time
        load_scenario(path)


def test_nested_tables_and_dotted_keys_are_equivalent(tmp_path):
    nested = write(tmp_path, '[scenario]\nname = "n"\n[procurement]\naward_rule = "scoring"\n'
                   '[procurement.channels.notice_board]\nreach = 0.5\n[region]\nn_towns = 4\n',
                   "nested.toml")
    dotted = write(tmp_path, 'procurement.award_rule = "scoring"\n'
                   'procurement.channels.notice_board.reach = 0.5\nregion.n_towns = 4\n'
                   '[scenario]\nname = "d"\n', "dotted.toml")
    a, b = load_params(nested), load_params(dotted)
    assert a == b and a.flat() == b.flat()
    assert a.procurement.award_rule == "scoring" and a.region.n_towns == 4
    assert a.procurement.channels.notice_board.reach == 0.5
    sa, sb = load_scenario(nested), load_scenario(dotted)
    assert sa.overrides == sb.overrides == {"procurement.award_rule": "scoring",
                                            "procurement.channels.notice_board.reach": 0.5,
                                            "region.n_towns": 4}


def test_overrides_apply_after_the_file(tmp_path):
    path = write(tmp_path, '[scenario]\nname = "s"\n[procurement]\naward_rule = "scoring"\n'
                 '[region]\nn_towns = 4\n')
    p = load_params(path, overrides={"region.n_towns": 7})
    assert p.region.n_towns == 7 and p.procurement.award_rule == "scoring"
    p = load_params(path, overrides={"procurement.award_rule": "lowest_price"})
    assert p.procurement.award_rule == "lowest_price" and p.region.n_towns == 4
    # an override that is bad only in combination with the file is still caught
    path = write(tmp_path, '[scenario]\nname = "s"\n[scoring]\nprice_weight = 0.2\n'
                 'technical_weight = 0.6\n', "w.toml")
    assert load_params(path).scoring.price_weight == 0.2
    with pytest.raises(ParamError, match="sum to 1"):
        load_params(path, overrides={"scoring.technical_weight": 0.5})


def test_baseline_scenario_is_the_defaults():
    sc = load_scenario(BASELINE)
    assert sc.name == "baseline" and sc.description
    assert load_params(BASELINE) == Params() == load_params()


# ---------------------------------------------------------------- immutability

def test_params_are_immutable():
    p = load_params()
    with pytest.raises(Exception) as info:
        p.region.n_towns = 5
    assert "frozen" in str(info.value).lower()
    with pytest.raises(Exception):
        p.years = 3
    assert p.region.n_towns == DEFAULTS["region.n_towns"]


def test_with_overrides_returns_a_new_tree():
    p = load_params()
    q = p.with_overrides({"region.n_towns": 3})
    assert q.region.n_towns == 3 and p.region.n_towns == DEFAULTS["region.n_towns"]
    with pytest.raises(ParamError, match="region.n_towns = -3"):
        p.with_overrides({"region.n_towns": -3})


# ---------------------------------------------------------------- the reference

RANGE = re.compile(r"^(int|float) in \[(\S+), (\S+)\]$")


def test_every_leaf_is_documented():
    rows = reference_rows()
    assert rows
    assert [r["path"] for r in rows] == list(DEFAULTS) or set(r["path"] for r in rows) == set(DEFAULTS)
    assert set(r["path"] for r in rows) == set(Params().flat())
    undocumented = [r["path"] for r in rows if not str(r["unit"]).strip() or not str(r["meaning"]).strip()]
    assert not undocumented, f"parameters without a unit or a meaning: {undocumented}"
    assert all(r["allowed"] for r in rows)


def test_defaults_lie_in_range():
    checked = 0
    for row in reference_rows():
        m = RANGE.match(row["allowed"])
        if m:
            lo, hi = float(m.group(2)), float(m.group(3))
            assert lo <= row["default"] <= hi, f"{row['path']} default {row['default']} not in [{lo}, {hi}]"
            checked += 1
        elif row["allowed"].startswith('"'):
            choices = re.findall(r'"([^"]+)"', row["allowed"])
            assert row["default"] in choices, row["path"]
            checked += 1
        elif row["allowed"].startswith("list of"):
            choices = re.findall(r'"([^"]+)"', row["allowed"])
            assert set(row["default"]) <= set(choices), row["path"]
    assert checked > 100
    # and the defaults validate as a whole (cross-field rules included)
    assert Params.model_validate(Params().model_dump()) == Params()


def test_parameters_doc_is_current():
    doc = ROOT / "docs/parameters.md"
    fix = "regenerate it with: python -m experiments params --write docs/parameters.md"
    assert doc.is_file(), f"docs/parameters.md is missing; {fix}"
    assert doc.read_text(encoding="utf-8") == reference_markdown(), f"docs/parameters.md is stale; {fix}"


# ---------------------------------------------------------------- CLI

def cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "experiments", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_params_command_prints_table(capsys):
    from experiments.__main__ import COMMANDS, main

    assert "params" in COMMANDS
    assert main(["params"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:6] == ["PATH", "DEFAULT", "ALLOWED", "UNIT", "MEANING", "SOURCE"]
    assert len(out) == len(reference_rows()) + 2
    line = next(x for x in out if x.startswith("procurement.award_rule "))
    assert '"lowest_price" | "scoring"' in line and "lowest_price" in line


def test_params_command_markdown_and_write(tmp_path, capsys):
    from experiments.__main__ import main

    assert main(["params", "--markdown"]) == 0
    assert capsys.readouterr().out == reference_markdown()
    target = tmp_path / "parameters.md"
    target.write_text("old")
    assert main(["params", "--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == reference_markdown()
    assert [p.name for p in tmp_path.iterdir()] == ["parameters.md"], "no temporary file left"
    assert target.stat().st_mode & 0o044 == 0o044 or os.umask(os.umask(0)) & 0o044, \
        "the written file is readable by others like any file (not mkstemp's 0600)"
    assert main(["params", "--write", str(tmp_path / "missing/p.md")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def run_in_process(capsys, argv: list[str]) -> tuple[int, list[str]]:
    from experiments.__main__ import main

    code = main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("extra, expected", [
    (["--set", "region.n_towns=0"], "region.n_towns = 0"),
    (["--set", "region.n_town=3"], "did you mean 'region.n_towns'"),
    (["--set", "procurement.award_rule=cheapest"], "'cheapest'"),
    (["--set", "procurement.fallback=public_tender"], 'allowed: "unit_self" | "village_committee" | "in_house"'),
])
def test_run_with_bad_set_exits_2(tmp_path, capsys, extra, expected):
    code, lines = run_in_process(capsys, ["run", str(BASELINE), "--years", "1", "--reps", "1",
                                          "--quiet", "--out", str(tmp_path / "out"), *extra])
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert expected in lines[0] and "baseline.toml" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("body, expected", [
    ('[scenario]\nname = "bad"\n[region]\nn_towns = -1\n', "region.n_towns = -1"),
    ('[scenario]\nname = "bad\n', "TOML"),
    ('[procurement]\naward_rule = "scoring"\n', "[scenario]"),
])
def test_run_with_bad_scenario_file_exits_2(tmp_path, capsys, body, expected):
    path = write(tmp_path, body, "bad.toml")
    code, lines = run_in_process(capsys, ["run", str(path), "--years", "1", "--reps", "1",
                                          "--quiet", "--out", str(tmp_path / "out")])
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert expected in lines[0] and "bad.toml" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_run_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    path = write(tmp_path, '[scenario]\nname = "bad"\n[region]\nn_towns = -1\n', "bad.toml")
    r = cli("run", str(path), "--years", "1", "--reps", "1", "--quiet",
            "--set", "procurement.award_rule=scoring", "--out", str(tmp_path / "out"))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr and "region.n_towns = -1" in lines[0]
    assert "bad.toml" in lines[0] and r.stdout == ""
    assert not (tmp_path / "out").exists()


def test_run_with_missing_scenario_file_exits_2(tmp_path):
    from experiments.__main__ import main

    import io
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["run", str(tmp_path / "nope.toml"), "--years", "1", "--quiet",
                     "--out", str(tmp_path / "out")])
    assert code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "nope.toml" in lines[0]


def test_dotted_key_inside_scenario_table_is_reported(tmp_path):
    """A dotted override written after [scenario] belongs to that table in TOML: say so."""
    msg = scenario_error(write(tmp_path, '[scenario]\nname = "x"\nprocurement.award_rule = "scoring"\n'))
    assert "scenario.procurement" in msg and "unknown key" in msg


def test_numpy_scalars_of_the_right_kind_are_accepted():
    """Samplers (EMA Workbench, numpy designs) pass np.int64, np.float64, np.bool_, np.str_."""
    import numpy as np

    p = load_params(None, {"procurement.legal_min_bidders": np.int64(2), "procurement.lots": np.bool_(True),
                           "procurement.bid_cost_yuan": np.float64(750.0),
                           "procurement.award_rule": np.str_("scoring")})
    assert (p.procurement.legal_min_bidders, p.procurement.lots, p.procurement.bid_cost_yuan,
            p.procurement.award_rule) == (2, True, 750.0, "scoring")
    assert type(p.procurement.legal_min_bidders) is int and type(p.procurement.lots) is bool
    with pytest.raises(ParamError, match="legal_min_bidders.*valid integer"):
        load_params(None, {"procurement.legal_min_bidders": np.float64(2.0)})  # the kind still matters
    with pytest.raises(ParamError, match="lots.*valid boolean"):
        load_params(None, {"procurement.lots": np.int64(1)})
