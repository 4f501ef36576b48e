"""The dashboard's sidebar controls in the page's language: Reset, ▶/❚❚, Step, the play interval
and the levers (model/app.py).

Mesa's ``SolaraViz`` writes its own controls in English only ("Controls", "Model Parameters",
"Step", "Reset", "Play Interval (ms)"), so the page builds the same controls here with its words
from ``model.app_text``; the lever widgets are Mesa's own ``ModelCreator`` (their labels are the
``model_params`` labels, already in the page's language). Like SolaraViz, *Reset* builds a new
model from the lever values and *Step* advances one month; after each step Mesa's
``update_counter`` is bumped so the views redraw.
"""

from __future__ import annotations

import time
from typing import Any

import solara
from mesa.visualization.solara_viz import ModelCreator
from mesa.visualization.utils import force_update, update_counter

from model.app_text import t

PLAY_INTERVAL_MS = 200
"""Default pause between months while playing (ms); the slider runs from 0 to 2,000."""


@solara.component
def Controls(model: solara.Reactive[Any], user_params: dict[str, Any], lang: str = "en"):
    """Reset / ▶ / Step, the play interval, the levers and the current month, labelled in ``lang``.

    Args:
        model: the reactive model; *Reset* replaces its value with a new model of the same class
            built from the levers' current values (keyword arguments).
        user_params: SolaraViz-style ``model_params`` (the levers and fixed arguments).
        lang: ``"en"`` or ``"zh"``.
    """
    playing = solara.use_reactive(False)
    running = solara.use_reactive(True)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    params = solara.use_reactive({})
    error = solara.use_reactive("")

    def do_step() -> None:
        model.value.step()
        running.value = model.value.running
        force_update()

    def play() -> None:
        while playing.value and running.value:
            time.sleep(interval.value / 1000)
            do_step()

    solara.lab.use_task(play, dependencies=[playing.value, running.value], prefer_threaded=True)

    def do_reset() -> None:
        playing.value, running.value, error.value = False, True, ""
        try:
            model.value = type(model.value)(**params.value)
        except (ValueError, TypeError) as exc:  # a lever combination the parameters refuse
            error.value = str(exc)

    with solara.Card(t("controls", lang)):
        with solara.Row(justify="space-between"):
            solara.Button(label=t("reset", lang), color="primary", on_click=do_reset)
            solara.Button(label="▶" if not playing.value else "❚❚", color="primary",
                          on_click=lambda: playing.set(not playing.value), disabled=not running.value)
            solara.Button(label=t("step", lang), color="primary", on_click=do_step,
                          disabled=playing.value or not running.value)
        solara.SliderInt(label=t("play_interval", lang), value=interval, min=0, max=2000, step=50)
        if error.value:
            solara.Error(error.value)
    with solara.Card(t("model_params_card", lang)):
        ModelCreator(model, user_params, model_parameters=params)
    with solara.Card(t("information", lang)):
        update_counter.get()
        solara.Text(t("month_now", lang, month=model.value.month), classes=["jiebang-month"])
