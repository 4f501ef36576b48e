"""The interactive dashboard (model/app.py) and `python -m experiments dashboard`.

Fast tests check how the levers map to parameters, what the page shows and that the page
renders; the browser test (marked `browser`) drives the real page in headless Chromium.

`python tests/test_dashboard.py docs/dashboard.png` retakes the README screenshot with the
same tooling (default region, 14 months).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

solara = pytest.importorskip("solara")

from model import load_params  # noqa: E402
from model.app import (  # noqa: E402
    SCENARIO_ENV, STATES, DashboardModel, Page, lever_overrides, lever_values, map_figure, model_params,
    place_states, plots_figure, slot_display_state, tender_table,
)
from model.procurement.orders import SLOT_INHOUSE, SLOT_SERVED, SLOT_WAITING  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "experiments" / "scenarios"
SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SMALL_TOML = """burn_in_years = 0
[scenario]
name = "small"
description = "A small region for the dashboard test."

[region]
n_towns = 3
villages_per_town = 8
households_per_village = 20
"""


# ---------------------------------------------------------------------------- levers -> parameters
def _scoring_sum(p) -> float:
    s = p.scoring
    return s.price_weight + s.technical_weight + s.reputation_weight + s.citizen_weight


def test_price_weight_rescales_technical_and_reputation():
    base = load_params()
    out = lever_overrides(base, {"price_weight": 0.6})
    p = base.with_overrides(out)
    assert p.scoring.price_weight == pytest.approx(0.6)
    assert _scoring_sum(p) == pytest.approx(1.0)
    assert p.scoring.citizen_weight == base.scoring.citizen_weight
    ratio = base.scoring.technical_weight / base.scoring.reputation_weight
    assert p.scoring.technical_weight / p.scoring.reputation_weight == pytest.approx(ratio)


def test_price_weight_that_leaves_no_room_also_rescales_the_citizen_weight():
    base = load_params(SCENARIOS / "citizen_rating.toml")
    assert base.scoring.citizen_weight > 0
    p = base.with_overrides(lever_overrides(base, {"price_weight": 0.95}))
    assert p.scoring.price_weight == pytest.approx(0.95)
    assert _scoring_sum(p) == pytest.approx(1.0)
    assert 0 <= p.scoring.citizen_weight < base.scoring.citizen_weight


def test_levers_equal_to_the_scenario_change_nothing():
    for name in ("baseline.toml", "reform_package.toml", "random_inspections.toml", "wide_notice.toml"):
        base = load_params(SCENARIOS / name)
        assert lever_overrides(base, lever_values(base)) == {}, name


def test_every_lever_reaches_its_parameter():
    base = load_params()
    levers = {"award_rule": "scoring", "price_weight": 0.45, "citizen_weight": 0.5, "blacklist_trigger": "both",
              "blacklist_scope": "public", "blacklist_duration": "permanent", "monitoring": "random + complaints",
              "lots": True, "notice_channel": "provincial_platform", "publicity": 0.7}
    p = base.with_overrides(lever_overrides(base, levers))
    got = lever_values(p)
    for name, value in levers.items():
        assert got[name] == (pytest.approx(value) if isinstance(value, float) else value), name
    e = p.evaluation
    assert e.inspection_weight + e.kpi_weight + e.citizen_weight == pytest.approx(1.0)
    assert p.monitoring.regimes == ["random", "complaints"]


def test_controls_start_at_the_scenario_values():
    base = load_params(SCENARIOS / "lots.toml")
    mp = model_params(base, str(SCENARIOS / "lots.toml"), seed=7)
    assert mp["lots"]["value"] is True and mp["seed"]["value"] == 7
    assert mp["price_weight"]["min"] == base.scoring.price_weight_floor
    for name, options in mp.items():
        if isinstance(options, dict) and options.get("type") == "Select":
            assert options["value"] in options["values"], name


# ---------------------------------------------------------------------------- the model behind the page
def test_dashboard_model_loads_the_scenario_then_the_levers():
    m = DashboardModel(scenario_file=str(SCENARIOS / "lots.toml"), seed=3, extra=SMALL, award_rule="scoring")
    assert m.p.procurement.lots is True                      # from the file
    assert m.p.procurement.award_rule == "scoring"           # from the lever
    assert m.lever_changes == {"procurement.award_rule": "scoring"}
    assert m.p.region.n_towns == 3 and m.seed == 3


def test_dashboard_model_matches_the_plain_model_when_no_lever_moves():
    from model import ProcurementModel

    a = DashboardModel(seed=5, extra=SMALL)
    b = ProcurementModel(load_params(None, SMALL), seed=5)
    for _ in range(3):
        a.step()
        b.step()
    assert a.timeseries().equals(b.timeseries())


def test_what_the_page_shows_is_consistent_with_the_model():
    m = DashboardModel(seed=2, extra=SMALL)
    for _ in range(3):
        m.step()
    code = slot_display_state(m)
    assert code.shape == (len(m.slots),) and set(np.unique(code)) <= set(range(len(STATES)))
    assert np.all((code == 0) == (m.slot_state == SLOT_SERVED))
    assert np.all((code == 1) == (m.slot_state == SLOT_WAITING))
    assert np.all((code == 4) == (m.slot_state == SLOT_INHOUSE))
    st = place_states(m)
    geo = m.world.geo
    assert st["villages"].shape == (geo.n_villages,) and st["towns"].shape == (geo.n_towns,)
    s = m.slots
    for v in range(geo.n_villages):
        own = code[(s.level == 2) & (s.village == v)]
        bought = own[own < 4]
        if len(bought) == 0:
            assert st["villages"][v] == 4
        else:
            assert np.sum(bought == st["villages"][v]) == np.bincount(bought, minlength=4).max()
    table = tender_table(m)
    log = m.tender_log()
    assert 0 < len(table) <= 12 and len(log) >= len(table)
    assert table["month"].iloc[0] == log["month"].iloc[-1] == table["month"].max()
    assert set(table["outcome"]) <= set(log["outcome"].astype(str))
    assert len(map_figure(m).axes) == 1 and len(plots_figure(m).axes) == 6


def test_page_renders_map_plots_and_controls(monkeypatch, tmp_path):
    import ipyvue
    import ipywidgets

    small = tmp_path / "small.toml"
    small.write_text(SMALL_TOML, encoding="utf-8")
    monkeypatch.setenv(SCENARIO_ENV, str(small))
    box, rc = solara.render(Page(), handle_error=False)
    try:
        assert len(rc.find(ipywidgets.Image).widgets) == 2     # the map and the plots
        levers = rc.find(ipyvue.Html, class_="jiebang-levers").widget.children
        assert levers == ["Scenario: small · seed 1 · levers changed: none"]
    finally:
        rc.close()


def test_page_in_chinese(monkeypatch, tmp_path):
    """`dashboard --lang zh` (the language variable): controls, figures and texts in Chinese."""
    import warnings

    import ipyvue
    import ipywidgets

    from model.app_text import LANG_ENV

    base = load_params()
    mp = model_params(base, "", lang="zh")
    assert mp["award_rule"]["label"] == "评标方法" and mp["award_rule"]["values"] == ["最低价法", "综合评分法"]
    m = DashboardModel(seed=2, extra=SMALL)
    m.step()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig_map, fig_plots = map_figure(m, "zh"), plots_figure(m, "zh")
        for fig in (fig_map, fig_plots):
            fig.savefig(io.BytesIO(), format="png")
    assert not [w for w in caught if "missing" in str(w.message).lower()]
    assert fig_map.axes[0].get_title().startswith("本月服务状态")
    assert [ax.get_title() for ax in fig_plots.axes][:2] == ["实际质量与检查所测质量", "各层级无人揭榜率"]
    small = tmp_path / "small.toml"
    small.write_text(SMALL_TOML, encoding="utf-8")
    monkeypatch.setenv(SCENARIO_ENV, str(small))
    monkeypatch.setenv(LANG_ENV, "zh")
    box, rc = solara.render(Page(), handle_error=False)
    try:
        assert len(rc.find(ipywidgets.Image).widgets) == 2
        levers = rc.find(ipyvue.Html, class_="jiebang-levers").widget.children
        assert levers == ["情景：small · 随机种子 1 · 调整的措施：无"]
    finally:
        rc.close()


def test_controls_inspector_and_title_in_chinese(monkeypatch, tmp_path):
    """Chinese mode: the sidebar's controls (not Mesa's English SolaraViz ones), the tender
    inspector's columns and words, and the browser tab's title (Solara's default is "App")."""
    import ipyvue
    import ipyvuetify as v
    from solara.components.title import TitleWidget

    from model.app_controls import Controls
    from model.app_text import FIRM_KINDS_ZH, REASONS_ZH, TENDER_COLUMNS_ZH, t
    from model.procurement.batch import REASONS
    from model.world import FIRM_KINDS

    assert set(REASONS_ZH) == set(REASONS) and set(FIRM_KINDS_ZH) == set(FIRM_KINDS)
    model = solara.reactive(DashboardModel(extra=SMALL))
    params = {**model_params(load_params(), "", lang="zh"), "extra": SMALL}
    box, rc = solara.render(Controls(model, params, "zh"), handle_error=False)
    try:
        assert [b.children for b in rc.find(v.Btn).widgets] == [["重置"], ["▶"], ["单步"]]
        assert [c.children for c in rc.find(v.CardTitle).widgets] == [["运行控制"], ["政策措施"], ["运行信息"]]
        assert rc.find(v.Slider).widgets[0].label == "连续运行时每月间隔（毫秒）"
        rc.find(v.Btn, children=["单步"]).widget.click()
        assert model.value.month == 1
        assert rc.find(ipyvue.Html, class_="jiebang-month").widget.children == ["第 1 月"]
        rc.find(v.Btn, children=["重置"]).widget.click()             # a new model from the levers
        assert model.value.month == 0 and model.value.world.geo.n_towns == 3
    finally:
        rc.close()
    m = model.value
    for _ in range(3):
        m.step()
    en, zh = tender_table(m), tender_table(m, lang="zh")
    assert list(zh.columns) == [TENDER_COLUMNS_ZH[c] for c in en.columns]
    assert (zh["投标数"].to_numpy() == en["bids"].to_numpy()).all()        # same numbers
    assert set(zh["结果"]) == {REASONS_ZH[r] for r in en["outcome"]}
    assert set(zh["层级"]) <= {"市级", "镇级", "村级"} and not zh["服务项目"].str.contains("_").any()
    assert not zh["采购方式"].str.contains("_").any()
    small = tmp_path / "small.toml"
    small.write_text(SMALL_TOML, encoding="utf-8")
    monkeypatch.setenv(SCENARIO_ENV, str(small))
    for lang in ("zh", "en"):
        monkeypatch.setenv("JIEBANG_DASHBOARD_LANG", lang)
        box, rc = solara.render(Page(), handle_error=False)
        try:
            assert [w.title for w in rc.find(TitleWidget).widgets] == [t("page_name", lang)]
        finally:
            rc.close()


def test_chinese_page_shows_no_english_and_amounts_in_wan_yuan():
    """Chinese mode (issue 29): every lever's label and choices, the lever changes under the map and the
    inspector are Chinese; a Chinese choice builds the same model as its name; amounts are in 万元."""
    import re

    from model.app import describe_levers

    english = re.compile(r"[A-Za-z]{2,}")
    mp = model_params(load_params(), "", lang="zh")
    for name, spec in mp.items():
        if isinstance(spec, dict):
            shown = [spec["label"], *map(str, spec.get("values", []))]
            assert not [x for x in shown if english.search(x)], (name, shown)
            assert not [x for x in shown if re.search(r"[(（][^)）]*[(（]", x)], (name, shown)  # no nesting
    zh = dict(award_rule="综合评分法", blacklist_scope="公开（公示平台）", monitoring="随机抽查 + 项目专管员",
              notice_channel="市政府网站", lots=True)
    names = dict(award_rule="scoring", blacklist_scope="public", monitoring="random + project_officer",
                 notice_channel="city_website", lots=True)
    a, b = DashboardModel(extra=SMALL, **zh), DashboardModel(extra=SMALL, **names)
    assert a.lever_changes == b.lever_changes and a.lever_changes["procurement.award_rule"] == "scoring"
    line = describe_levers(a, "zh")
    assert "评标方法 = 综合评分法" in line and "模型默认值" in line and not english.search(line), line
    assert describe_levers(b, "en") == describe_levers(a, "en")  # English unchanged
    for _ in range(3):
        a.step()
    en, cn = tender_table(a), tender_table(a, lang="zh")
    assert len(en) and "预算（万元/年）" in cn.columns
    assert np.allclose(cn["预算（万元/年）"].str.replace(",", "").astype(float) * 1e4, en["value"].astype(float))
    assert [ax.get_ylabel() for ax in plots_figure(a, "zh").axes][2] == "万元/月"


def test_scenario_selector_in_chinese_shows_names():
    """The Chinese page lists the scenario files by their name_zh (模型默认值 for none), each name once, and a
    scenario's levers start at its values shown in Chinese."""
    from model.app import scenario_choices
    from model.app_choices import scenario_shown

    choices = scenario_choices()
    zh = scenario_shown(choices, "zh", "模型默认值")
    assert zh["baseline"] == "蓬莱现状（基线）" and zh["(model defaults)"] == "模型默认值"
    assert zh["disclosure"] == "R5 公示平台、媒体监督" and len(set(zh.values())) == len(choices)
    assert scenario_shown(choices, "en", "") == {k: k for k in choices}
    base = load_params(SCENARIOS / "disclosure.toml")
    assert model_params(base, str(SCENARIOS / "disclosure.toml"), lang="zh")["blacklist_scope"]["value"] == "公开（公示平台）"


# ---------------------------------------------------------------------------- the command
def test_cli_rejects_bad_input_in_one_line(tmp_path, capsys):
    from experiments.__main__ import main

    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "bad"\n[procurement]\naward_rule = "cheapest"\n', encoding="utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        cases = {(str(tmp_path / "missing.toml"),): "missing.toml", (str(bad),): "procurement.award_rule",
                 ("--port", "70000"): "--port", ("--port", port): port, ("--host", "no-such-host.invalid"): "--host",
                 ("--lang", "fr"): "--lang"}
        for args, named in cases.items():
            assert main(["dashboard", *args]) == 2, args
            out, err = capsys.readouterr()
            lines = err.strip().splitlines()
            assert out == "" and len(lines) == 1 and lines[0].startswith("error: ") and named in lines[0], (args, err)


# ---------------------------------------------------------------------------- the real page in Chromium
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(scenario: Path | None, port: int, log: Path) -> subprocess.Popen:
    """Start `python -m experiments dashboard` in its own process group, logging to ``log``."""
    args = [sys.executable, "-m", "experiments", "dashboard", "--port", str(port)]
    args += [str(scenario)] if scenario else []
    with open(log, "wb") as out:
        return subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(proc: subprocess.Popen, url: str, log: Path, timeout: float = 180.0) -> None:
    """Wait until ``url`` answers 200; fail with the server's log if it exits or times out."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"dashboard exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"dashboard did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server's process group (the command execs the server, so it is the same process)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


def step(page, times: int) -> None:
    """Press Step ``times`` times, waiting for the tender inspector to show each new month."""
    for _ in range(times):
        page.locator(".jiebang-tenders").get_by_text("up to month").wait_for()
        text = page.locator(".jiebang-tenders").inner_text()
        month = int(text.split("up to month ")[1].split()[0])
        page.get_by_role("button", name="Step").click()
        page.locator(".jiebang-tenders").get_by_text(f"up to month {month + 1} ").wait_for(timeout=90_000)


def open_page(browser, url: str):
    """A page showing the dashboard's map."""
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.set_default_timeout(90_000)
    page.goto(url, wait_until="domcontentloaded")
    page.locator(".jiebang-map img").wait_for()
    return page


@pytest.mark.browser
@pytest.mark.slow
def test_browser_lever_reset_and_step_change_the_map_and_plots(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: run scripts/install_browser_deps.sh (CI does)")
    cdn = Path(sys.prefix) / "share" / "solara" / "cdn" / "@widgetti" / "solara-vuetify3-app@5.2.0"
    if not cdn.is_dir():
        pytest.skip(f"Solara's front-end files are absent ({cdn}): run scripts/install_browser_deps.sh (CI does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    small = tmp_path / "small.toml"
    small.write_text(SMALL_TOML, encoding="utf-8")
    port, log = _free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}/"
    proc = start_server(small, port, log)
    page = None
    try:
        wait_until_up(proc, url, log)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = open_page(browser, url)
                assert "levers changed: none" in page.locator(".jiebang-levers").inner_text()
                map0 = page.locator(".jiebang-map img").screenshot()
                plots0 = page.locator(".jiebang-plots img").screenshot()
                page.get_by_label("Village lots (bundle by town)").check()
                page.get_by_role("button", name="Reset").click()
                sync_api.expect(page.locator(".jiebang-levers")).to_contain_text("procurement.lots = True")
                step(page, 3)
                assert page.locator(".jiebang-map img").screenshot() != map0
                assert page.locator(".jiebang-plots img").screenshot() != plots0
                assert "month 3" in page.locator(".jiebang-tenders").inner_text()
                assert "No data available" not in page.locator(".jiebang-tenders").inner_text()
            except BaseException:
                if page is not None:
                    (ROOT / "results").mkdir(exist_ok=True)
                    page.screenshot(path=str(ROOT / "results" / "dashboard_test_failure.png"), full_page=True)
                raise
            finally:
                browser.close()
    finally:
        stop_server(proc)
    assert proc.poll() is not None


def take_screenshot(path: Path, months: int = 14) -> None:
    """Serve the baseline, press Step ``months`` times and save a screenshot to ``path``."""
    from playwright.sync_api import sync_playwright

    port, log = _free_port(), Path(path).with_suffix(".server.log")
    proc = start_server(None, port, log)
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/", log)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = open_page(browser, f"http://127.0.0.1:{port}/")
            step(page, months)
            page.screenshot(path=str(path), full_page=True)
            browser.close()
    finally:
        stop_server(proc)
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    take_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png"))
