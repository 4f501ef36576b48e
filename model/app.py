"""The interactive dashboard (Solara, Mesa's ModelCreator): watch one run of the region, month by month.

Start it with ``python -m experiments dashboard [SCENARIO.toml]`` (serves on 127.0.0.1) or
``solara run model/app.py``. The page shows a map of the region (places coloured by the state
of their services this month, firms' bases sized by active contracts, the prefecture city),
live plots of the main outcomes, the policy levers, a scenario selector and a tender inspector.
A language selector (or ``dashboard --lang zh``) shows the page in Chinese: the texts from
``model.app_text``, outcome labels and units from their declarations, figures in the CJK font.

*Reset* rebuilds the model from keyword arguments, as Mesa's SolaraViz does (the controls are
model/app_controls.py: SolaraViz's own are English-only), so :class:`DashboardModel` maps those
keywords (the levers) to parameter overrides on top of the chosen scenario file. Lever changes take effect at the next *Reset*; choosing another scenario
rebuilds the page with that file's values. Nothing here writes files.
"""

from __future__ import annotations

import os
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mesa.visualization.utils import update_counter

from model.app_choices import change_text, name_of, scenario_shown, shown
from model.app_controls import Controls
from model.app_tenders import tender_table
from model.app_text import LANG_CHOICES, LANG_ENV, STATES_ZH, t
from model.core import ProcurementModel
from model.delivery.blacklist import DURATIONS, SCOPES, TRIGGERS
from model.delivery.monitoring import REGIMES
from model.fonts import font_context
from model.i18n import unit_zh
from model.metrics import OUTCOMES
from model.param_tree import Params
from model.params import ParamError, load_params, load_scenario
from model.procurement.award import AWARD_RULES
from model.procurement.notices import CHANNELS
from model.world import CITY, SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, SLOT_WAITING, TOWN, VILLAGE

SCENARIO_ENV = "JIEBANG_DASHBOARD_SCENARIO"
"""Environment variable naming the scenario file the page starts with (set by the CLI)."""
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "experiments" / "scenarios"
DEFAULTS_LABEL = "(model defaults)"
DEFAULT_SEED = 1

STATES = ("served", "tender open", "failed", "no bidder", "in-house")
"""Display states of a service slot, in legend order (codes 0..4)."""
STATE_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#9e9e9e")
SEVERITY = np.array([0.0, 0.1, 0.2, 0.3]) * 1e-3  # ties between bought states go to the worse one
DPI = 80  # dots per inch of the figures sent to the browser


def monitoring_presets() -> tuple[str, ...]:
    """Choices of the monitoring lever: every combination of up to three registered regimes
    (model.delivery.monitoring.REGIMES), joined by " + " in registry order."""
    names = REGIMES.names()
    return tuple(" + ".join(c) for k in range(1, min(3, len(names)) + 1) for c in combinations(names, k))


# ---------------------------------------------------------------------------- levers -> params
def lever_values(p: Params) -> dict[str, Any]:
    """The levers' values in a parameter tree (what the controls show for it)."""
    return {"award_rule": p.procurement.award_rule, "price_weight": p.scoring.price_weight,
            "citizen_weight": p.evaluation.citizen_weight, "blacklist_trigger": p.blacklist.trigger,
            "blacklist_scope": p.blacklist.scope, "blacklist_duration": p.blacklist.duration,
            "monitoring": " + ".join(p.monitoring.regimes), "lots": p.procurement.lots,
            "notice_channel": p.procurement.channel_village, "publicity": p.buyers.publicity}


def _rescale(total: float, parts: dict[str, float]) -> dict[str, float]:
    """Share ``total`` among ``parts`` in proportion to their values (equally if all are 0)."""
    s = sum(parts.values())
    return {k: total * (v / s if s > 0 else 1 / len(parts)) for k, v in parts.items()}


def lever_overrides(base: Params, levers: dict[str, Any]) -> dict[str, Any]:
    """Dotted-path overrides that set ``levers`` on top of ``base``; levers equal to base add nothing.

    Args:
        base: the scenario's parameter tree.
        levers: lever name -> value (the keys of :func:`lever_values`; None or missing keeps the base).
            ``price_weight`` (share) rescales the technical and reputation weights so the
            scoring weights still sum to 1 (and the citizen weight too if they cannot absorb it);
            ``citizen_weight`` (share, year-end evaluation, 民主测评) rescales the inspection
            and KPI weights; ``monitoring`` is regimes joined by " + ".

    Returns:
        ``{dotted.path: value}`` for the parameters that change.
    """
    now = lever_values(base)
    want = {k: v for k, v in levers.items() if v is not None and k in now}
    out: dict[str, Any] = {}
    simple = {"award_rule": "procurement.award_rule", "blacklist_trigger": "blacklist.trigger",
              "blacklist_scope": "blacklist.scope", "blacklist_duration": "blacklist.duration",
              "lots": "procurement.lots", "notice_channel": "procurement.channel_village",
              "publicity": "buyers.publicity"}
    for name, path in simple.items():
        if name in want and want[name] != now[name]:
            value = want[name]
            out[path] = round(float(value), 4) if name == "publicity" else value
    if "monitoring" in want and want["monitoring"] != now["monitoring"]:
        out["monitoring.regimes"] = [r.strip() for r in str(want["monitoring"]).split("+") if r.strip()]
    s = base.scoring
    if "price_weight" in want and abs(float(want["price_weight"]) - s.price_weight) > 1e-9:
        pw = round(float(want["price_weight"]), 4)
        rest = 1.0 - pw - s.citizen_weight
        parts = {"technical_weight": s.technical_weight, "reputation_weight": s.reputation_weight}
        if rest < 0:
            rest, parts = 1.0 - pw, {**parts, "citizen_weight": s.citizen_weight}
        out["scoring.price_weight"] = pw
        out.update({f"scoring.{k}": v for k, v in _rescale(rest, parts).items()})
    e = base.evaluation
    if "citizen_weight" in want and abs(float(want["citizen_weight"]) - e.citizen_weight) > 1e-9:
        cw = round(float(want["citizen_weight"]), 4)
        out["evaluation.citizen_weight"] = cw
        parts = {"inspection_weight": e.inspection_weight, "kpi_weight": e.kpi_weight}
        out.update({f"evaluation.{k}": v for k, v in _rescale(1.0 - cw, parts).items()})
    return out


class DashboardModel(ProcurementModel):
    """ProcurementModel built from keyword arguments, as SolaraViz builds models.

    Args:
        scenario_file: a scenario TOML file ("" for the model defaults).
        seed: the run's seed.
        extra: dotted-path overrides applied to the scenario before the levers (e.g. a small
            region for tests).
        **levers: the levers of :func:`lever_values` (see :func:`lever_overrides`); None keeps the
            scenario's value.

    Raises:
        ParamError: a bad scenario file or lever value.
    """

    def __init__(self, scenario_file: str = "", seed: int = DEFAULT_SEED, extra: dict[str, Any] | None = None,
                 award_rule: str | None = None, price_weight: float | None = None,
                 citizen_weight: float | None = None, blacklist_trigger: str | None = None,
                 blacklist_scope: str | None = None, blacklist_duration: str | None = None,
                 monitoring: str | None = None, lots: bool | None = None, notice_channel: str | None = None,
                 publicity: float | None = None) -> None:
        levers = dict(award_rule=award_rule, price_weight=price_weight, citizen_weight=citizen_weight,
                      blacklist_trigger=blacklist_trigger, blacklist_scope=blacklist_scope,
                      blacklist_duration=blacklist_duration, monitoring=monitoring, lots=lots,
                      notice_channel=notice_channel, publicity=publicity)
        levers = {k: name_of(k, x) for k, x in levers.items()}  # a Chinese page passes the choices' labels
        base = load_params(scenario_file or None, extra or {})
        self.scenario_file = str(scenario_file or "")
        self.scenario_zh = load_scenario(scenario_file).name_zh if scenario_file else ""
        self.lever_changes = lever_overrides(base, levers)
        super().__init__(base.with_overrides(self.lever_changes, "dashboard levers"), seed=int(seed))


def model_params(base: Params, scenario_file: str, seed: int = DEFAULT_SEED, lang: str = "en") -> dict[str, Any]:
    """SolaraViz ``model_params``: the seed and lever controls at ``base``'s values, labelled in
    ``lang`` (``"en"`` or ``"zh"``)."""
    v = lever_values(base)
    presets = monitoring_presets()
    regimes = presets if v["monitoring"] in presets else (v["monitoring"], *presets)

    def select(name: str, values) -> dict[str, Any]:  # in Chinese the choices by their labels (app_choices)
        return {"type": "Select", "label": t(name, lang), "value": shown(name, v[name], lang),
                "values": [shown(name, x, lang) for x in values]}

    def slider(name: str, lo: float) -> dict[str, Any]:
        return {"type": "SliderFloat", "label": t(name, lang), "value": v[name], "min": lo, "max": 1.0, "step": 0.05}

    return {
        "scenario_file": scenario_file,
        "seed": {"type": "SliderInt", "label": t("seed", lang), "value": seed, "min": 0, "max": 999, "step": 1},
        "award_rule": select("award_rule", AWARD_RULES.names()),
        "price_weight": slider("price_weight", base.scoring.price_weight_floor),
        "citizen_weight": slider("citizen_weight", 0.0),
        "blacklist_trigger": select("blacklist_trigger", TRIGGERS.names()),
        "blacklist_scope": select("blacklist_scope", SCOPES.names()),
        "blacklist_duration": select("blacklist_duration", DURATIONS.names()),
        "monitoring": select("monitoring", regimes),
        "lots": {"type": "Checkbox", "label": t("lots", lang), "value": v["lots"]},
        "notice_channel": select("notice_channel", CHANNELS),
        "publicity": {"type": "SliderFloat", "label": t("publicity", lang), "value": v["publicity"], "min": 0.0,
                      "max": 1.0, "step": 0.1},
    }


# ---------------------------------------------------------------------------- what the page shows
def slot_display_state(m: ProcurementModel) -> np.ndarray:
    """Display state code (index into ``STATES``) of every service slot this month.

    An unserved slot is "no bidder" when the latest procurement of its order drew no bid
    (无人揭榜), else "failed" (void tender, failed commission or terminated contract).
    """
    code = np.full(len(m.slots), 4, np.int8)
    code[m.slot_state == SLOT_SERVED] = 0
    code[m.slot_state == SLOT_WAITING] = 1
    unserved = np.flatnonzero(m.slot_state == SLOT_UNSERVED)
    code[unserved] = 2
    log = m.tender_log()
    if len(unserved) and len(log):
        last = log.drop_duplicates("order", keep="last").set_index("order")["bids"]
        bids = last.reindex(m.slot_order[unserved]).to_numpy(dtype=float)
        code[unserved[bids == 0]] = 3
    code[m.slot_state == SLOT_INHOUSE] = 4
    return code


def place_states(m: ProcurementModel) -> dict[str, np.ndarray]:
    """State code of each place: the most common state of its own bought services (ties go to
    the worse state), or in-house when it buys none. Keys: city (1,), towns (T,), villages (V,)."""
    code, s, geo = slot_display_state(m), m.slots, m.world.geo
    out = {}
    for key, lvl, place, n in (("city", CITY, np.zeros(len(s), np.int64), 1), ("towns", TOWN, s.town, geo.n_towns),
                               ("villages", VILLAGE, s.village, geo.n_villages)):
        sel = s.level == lvl
        counts = np.bincount(place[sel] * 5 + code[sel], minlength=5 * n).reshape(n, 5)[:, :4].astype(float)
        out[key] = np.where(counts.sum(1) > 0, np.argmax(counts + SEVERITY, axis=1), 4).astype(np.int8)
    return out


def map_figure(m: ProcurementModel, lang: str = "en") -> Figure:
    """The region this month: places coloured by state, firms' bases sized by active contracts (km),
    with its texts in ``lang`` (``"en"`` or ``"zh"``)."""
    with font_context(lang):
        return _map_figure(m, lang)


def _map_figure(m: ProcurementModel, lang: str) -> Figure:
    geo, st, f = m.world.geo, place_states(m), m.firms
    counts = np.bincount(slot_display_state(m), minlength=5)
    fig = Figure(figsize=(7.5, 5.2), dpi=DPI)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.09, right=0.98, top=0.93, bottom=0.1)
    colours = np.array(STATE_COLOURS)
    act = np.flatnonzero(f.active)
    ax.scatter(f.x[act], f.y[act], s=12 + 14 * f.load[act], marker="^", facecolors="none",
               edgecolors="#37474f", linewidths=0.7, label=t("firm_base", lang))
    ax.scatter(geo.village_xy[:, 0], geo.village_xy[:, 1], s=9, c=colours[st["villages"]], linewidths=0)
    ax.scatter(geo.town_xy[:, 0], geo.town_xy[:, 1], s=70, marker="s", c=colours[st["towns"]],
               edgecolors="black", linewidths=0.6)
    ax.scatter([0], [0], s=220, marker="*", c=colours[st["city"]], edgecolors="black", linewidths=0.8)
    ax.annotate(t("city_centre", lang), (0, 0), xytext=(4, 4), textcoords="offset points", fontsize=8)
    px, py = geo.prefecture_xy
    ax.scatter([px], [py], s=160, marker="P", c="#1565c0", edgecolors="black", linewidths=0.6)
    ax.annotate(t("prefecture", lang), (px, py), xytext=(-20, 8), textcoords="offset points", fontsize=8)
    for i, (name, colour) in enumerate(zip(STATES_ZH if lang == "zh" else STATES, STATE_COLOURS)):
        ax.scatter([], [], s=30, c=colour, label=t("services", lang, state=name, n=counts[i]))
    ax.legend(loc="lower right", fontsize=7, framealpha=0.85, title=t("map_legend", lang), title_fontsize=7)
    year, month = (m.month - 1) // 12 + 1 if m.month else 0, m.month_of_year if m.month else 0
    ax.set_title(t("map_title", lang, month=m.month, year=year, moy=month), fontsize=10)
    ax.set_xlabel(t("km_east", lang))
    ax.set_ylabel(t("km_north", lang))
    ax.set_aspect("equal", adjustable="datalim")
    return fig


PANELS = (("panel_quality", ("quality_delivered", "quality_measured")),
          ("panel_no_bid", ("no_bid_rate_city", "no_bid_rate_town", "no_bid_rate_village")),
          ("panel_spend", ("spend",)), ("panel_trust", ("trust",)),
          ("panel_firms", ("active_contractors",)), ("panel_blacklist", ("blacklisted",)))
"""(title key of model.app_text.TEXT, outcomes) of each panel of the live plots."""


def plots_figure(m: ProcurementModel, lang: str = "en") -> Figure:
    """Monthly outcomes so far, one panel per topic, labelled with units in ``lang``."""
    with font_context(lang):
        return _plots_figure(m, lang)


def _plots_figure(m: ProcurementModel, lang: str) -> Figure:
    zh = lang == "zh"
    df = m.timeseries() if m.month else pd.DataFrame(columns=["month", *OUTCOMES])
    fig = Figure(figsize=(9, 5.2), dpi=DPI)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.94, bottom=0.09, wspace=0.38, hspace=0.5)
    for ax, (title, names) in zip(fig.subplots(2, 3).ravel(), PANELS):
        for name in names:
            o = OUTCOMES[name]
            scale = (1e-4 if zh else 1e-6) if o.unit.startswith("yuan") else 1.0  # 万元 in Chinese
            ax.plot(df["month"], df[name].astype(float) * scale, ".-", ms=3, lw=1,
                    label=o.label_zh if zh else o.label)
        unit = OUTCOMES[names[0]].unit
        ax.set_title(t(title, lang), fontsize=9)
        ax.set_ylabel(t("million_yuan", lang) if unit.startswith("yuan") else unit_zh(unit) if zh else unit,
                      fontsize=8)
        ax.set_xlabel(t("month", lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0.5, max(m.month, 2) + 0.5)
        if not m.month:
            ax.text(0.5, 0.5, t("press_step", lang), transform=ax.transAxes, ha="center", color="grey")
        elif len(names) > 1:
            ax.legend(fontsize=6)
    return fig


def describe_levers(m: DashboardModel, lang: str = "en") -> str:
    """One line: the scenario file and the parameters the levers changed."""
    name = Path(m.scenario_file).stem if m.scenario_file else DEFAULTS_LABEL
    if lang == "zh":
        name = m.scenario_zh or (name if m.scenario_file else t("defaults_name", lang))
    changed = t("sep", lang).join(change_text(k, v, lang) for k, v in m.lever_changes.items()) or t("none", lang)
    return t("levers", lang, name=name, seed=m.seed, changed=changed)


# ---------------------------------------------------------------------------- solara page
@solara.component
def Views(m: DashboardModel, lang: str = "en"):
    """The map, the plots and the tender inspector of model ``m``, redrawn after every step.

    Rendered directly rather than through SolaraViz's draggable grid, which does not display
    with the Vue 3 front end of current ipyvuetify.
    """
    update_counter.get()  # SolaraViz bumps this counter after each step
    with solara.Columns([5, 6]):
        with solara.Column(classes=["jiebang-map"]):
            solara.FigureMatplotlib(map_figure(m, lang), dependencies=[id(m), m.month, lang], format="png")
            solara.Text(describe_levers(m, lang), classes=["jiebang-levers"])
        with solara.Column(classes=["jiebang-plots"]):
            solara.FigureMatplotlib(plots_figure(m, lang), dependencies=[id(m), m.month, lang], format="png")
    with solara.Column(classes=["jiebang-tenders"]):
        solara.Markdown(t("inspector", lang, month=m.month))
        solara.DataFrame(tender_table(m, lang=lang), items_per_page=12)


def scenario_choices(start: str = "") -> dict[str, str]:
    """Scenario label -> file: the model defaults, ``start`` (if any), then experiments/scenarios/."""
    out = {DEFAULTS_LABEL: ""}
    if start:
        out[Path(start).stem] = str(start)
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        out.setdefault(path.stem, str(path))
    return out


@solara.component
def Dashboard(path: str, chosen: solara.Reactive[str], choices: dict[str, str], language: solara.Reactive[str]):
    """SolaraViz (controls, levers, step/play/reset) and the views for one scenario file."""

    def build() -> tuple[Any, Any, Any, str]:
        try:
            sc = load_scenario(path) if path else None
            return sc, (sc.params() if sc else load_params()), DashboardModel(scenario_file=path), ""
        except ParamError as exc:
            return None, None, None, str(exc)

    sc, base, first, error = solara.use_memo(build, [path])
    model = solara.use_reactive(first)  # SolaraViz's Reset replaces model.value
    lang = LANG_CHOICES.get(language.value, "en")
    with solara.Sidebar(), solara.Card(t("scenario_card", lang)):
        solara.Select(label=t("language", lang), value=language, values=list(LANG_CHOICES))
        names = solara.use_memo(lambda: scenario_shown(choices, lang, t("defaults_name", lang)), [lang])
        back = {v: k for k, v in names.items()}  # the selector shows Chinese names; `chosen` keeps the key
        solara.Select(label=t("scenario_file", lang), value=names.get(chosen.value, chosen.value),
                      values=list(names.values()), on_value=lambda v: chosen.set(back.get(v, v)))
        text = (sc.description_zh or sc.description) if sc and lang == "zh" else sc.description if sc else ""
        solara.Markdown(text if sc else "" if error else t("defaults_text", lang))
        solara.Text(t("on_reset", lang))
    if error:
        solara.Error(f"error: {error}")
        return
    solara.Title(t("page_name", lang))  # the browser tab (Solara's default is "App")
    with solara.AppBar():
        solara.AppBarTitle(t("page_name", lang))
    with solara.Sidebar():
        Controls(model, model_params(base, path, lang=lang), lang)
    Views(model.value, lang)


@solara.component
def Page():
    """The page: choosing a scenario rebuilds the dashboard with that file's values."""
    start = os.environ.get(SCENARIO_ENV, "")
    choices = solara.use_memo(lambda: scenario_choices(start), [start])
    first = Path(start).stem if start else ("baseline" if "baseline" in choices else DEFAULTS_LABEL)
    chosen = solara.use_reactive(first)
    start_lang = os.environ.get(LANG_ENV, "en")
    language = solara.use_reactive(next((k for k, v in LANG_CHOICES.items() if v == start_lang), "English"))
    path = choices.get(chosen.value, "")
    Dashboard(path, chosen, choices, language).key(f"{path or '-'}:{language.value}")
