"""County archetypes: region presets applied under every scenario, and whether effects keep their sign.

An archetype is a scenario file ``experiments/scenarios/archetype_<name>.toml`` that sets only
the region's scale (towns, villages, households, firms, distances, travel cost). ``run FILE
--archetype NAME`` applies its overrides under every scenario of the experiment (they replace
the experiment's own ``[overrides]`` for the keys they set; each scenario's reform overrides and
``--set`` still apply on top). ``sign_table`` then compares the paired reform effects across
archetypes; it works on plain tables and imports neither Mesa nor ``model``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.engine.spec_checks import SpecError

if TYPE_CHECKING:
    import pandas as pd

ARCHETYPES = ("coastal_plain", "mountain", "periurban", "island")
"""The archetype names, in display order (``coastal_plain`` is the default region)."""
SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"


def archetype_file(name: str) -> Path:
    """The scenario file of archetype ``name`` (``mountain`` or ``archetype_mountain``).

    Raises:
        SpecError: an unknown name, listing the allowed ones.
    """
    short = name.removeprefix("archetype_")
    if short not in ARCHETYPES:
        raise SpecError(f"--archetype: unknown archetype {name!r}; allowed: "
                        f"{', '.join(ARCHETYPES)}")
    return SCENARIO_DIR / f"archetype_{short}.toml"


def with_archetype(exp: Any, name: str, backend: Any) -> Any:
    """The experiment with archetype ``name``'s region overrides under every scenario.

    Args:
        exp: An `experiments.engine.spec.Experiment`.
        name: Archetype name (see `ARCHETYPES`).
        backend: Model backend (loads the archetype's scenario file).

    Returns:
        A copy whose ``overrides`` hold the archetype's (winning over the file's own for the
        keys the archetype sets), whose name gets the suffix ``_<archetype>`` (the default
        output folder) and whose recorded spec carries ``archetype`` = {name, file, overrides}.
    """
    path = archetype_file(name)
    short = name.removeprefix("archetype_")
    info = backend.load_scenario(path)
    raw = {**exp.raw, "archetype": {"name": short, "file": str(path),
                                    "overrides": dict(info.overrides)}}
    return dataclasses.replace(
        exp, name=f"{exp.name}_{short}", overrides={**exp.overrides, **info.overrides},
        description=f"{exp.description} County archetype: {info.description}".strip(), raw=raw)


def paired_effects(runs: "pd.DataFrame", baseline: str, outcomes: list[str],
                   ci: float = 0.95) -> "pd.DataFrame":
    """Paired effect of every scenario against the baseline, with a t-interval.

    Args:
        runs: Tidy runs table (scenario, replicate, outcomes); replicate k of every scenario
            shares its seed with the baseline's (common random numbers).
        baseline: Baseline scenario.
        outcomes: Outcomes compared.
        ci: Coverage of the intervals.

    Returns:
        One row per (scenario, outcome), scenarios in order of appearance: ``diff`` (mean
        of scenario − baseline over replicate pairs, outcome's unit), ``ci_low``,
        ``ci_high`` (Student t-interval; with a handful of pairs a percentile bootstrap
        would be too narrow), ``n_pairs``.
    """
    import pandas as pd

    from experiments.analysis.stats import t_interval

    base = runs[runs["scenario"] == baseline].set_index("replicate")
    rows = []
    for sc in [s for s in dict.fromkeys(runs["scenario"]) if s != baseline]:
        mine = runs[runs["scenario"] == sc].set_index("replicate")
        for o in outcomes:
            d = (mine[o] - base[o]).dropna()
            mean, low, high = t_interval(d.to_numpy(), ci)
            rows.append({"scenario": sc, "outcome": o, "diff": mean, "ci_low": low, "ci_high": high,
                         "n_pairs": len(d)})
    return pd.DataFrame(rows)


def _sign(low: float, high: float) -> str:
    return "+" if low > 0 else "−" if high < 0 else "0"


def sign_table(effects: "pd.DataFrame") -> "pd.DataFrame":
    """Does each reform's effect keep its sign across archetypes?

    Args:
        effects: One row per (archetype, scenario, outcome): ``diff`` (scenario − baseline,
            outcome's unit) with its interval ``ci_low``, ``ci_high``.

    Returns:
        One row per (scenario, outcome): ``signs`` (per archetype, ``+`` / ``−`` when the
        interval excludes 0, ``0`` when it covers 0, in the archetypes' order), ``n_archetypes``
        and ``verdict``: "same sign, all clear" (every interval on one side of 0), "same
        direction, not clear everywhere" (point estimates agree, some intervals cover 0),
        "reverses" (intervals on both sides of 0) or "direction differs, unclear" (point
        estimates disagree but no two intervals exclude 0 in opposite directions).
    """
    import pandas as pd

    order = {a: i for i, a in enumerate(dict.fromkeys(effects["archetype"]))}
    rows = []
    for (sc, out), g in effects.groupby(["scenario", "outcome"], sort=False):
        g = g.sort_values("archetype", key=lambda s: s.map(order))
        signs = [_sign(lo, hi) for lo, hi in zip(g["ci_low"], g["ci_high"], strict=True)]
        clear = {s for s in signs if s != "0"}
        points = {(d > 0) - (d < 0) for d in g["diff"]}
        if clear == {"+", "−"}:
            verdict = "reverses"
        elif len(clear) == 1 and "0" not in signs:
            verdict = "same sign, all clear"
        elif len(points) == 1:
            verdict = "same direction, not clear everywhere"
        else:
            verdict = "direction differs, unclear"
        rows.append({"scenario": sc, "outcome": out,
                     "signs": " ".join(f"{a}:{s}" for a, s in zip(g["archetype"], signs,
                                                                  strict=True)),
                     "n_archetypes": len(g), "verdict": verdict})
    return pd.DataFrame(rows)


def section_markdown(effects: "pd.DataFrame", signs: "pd.DataFrame", *,
                     labels: dict[str, str] | None = None, ci: float = 0.95,
                     figure: str | None = "figures/archetypes.png") -> str:
    """The archetype section of a report (Markdown, level-2 heading).

    Args:
        effects: Per (archetype, scenario, outcome): diff, ci_low, ci_high, n_pairs.
        signs: What `sign_table` returned for ``effects``.
        labels: Outcome -> "label (unit)" for the table.
        ci: Coverage of the intervals (for the text).
        figure: Figure path relative to the results folder, or None.
    """
    from experiments.analysis.report import fmt_ci

    labels = labels or {}
    names = list(dict.fromkeys(effects["archetype"]))
    lines = ["## Reform effects across county archetypes", "",
             f"Paired effect of each scenario against the baseline (scenario − baseline, same "
             f"seeds) in each county archetype, mean over replicate pairs with its {ci:.0%} "
             "t-interval. Sign: `+`/`−` when the interval excludes 0, `0` when it "
             "covers 0. The archetypes set only the region's scale (orders of magnitude, "
             "estimates; see experiments/scenarios/archetype_*.toml), so a sign that holds across "
             "them is robust to scale within the model, not a forecast for a real county.", "",
             "| Scenario | Outcome | " + " | ".join(names) + " | Verdict |",
             "|---|---|" + "---|" * len(names) + "---|"]
    for r in signs.itertuples():
        g = effects[(effects["scenario"] == r.scenario) & (effects["outcome"] == r.outcome)]
        cells = []
        for a in names:
            e = g[g["archetype"] == a]
            cells.append(fmt_ci(*e[["diff", "ci_low", "ci_high"]].iloc[0], sign=True,
                                n=int(e["n_pairs"].iloc[0])) if len(e) else "—")
        lines.append(f"| {r.scenario} | {labels.get(r.outcome, r.outcome)} | "
                     + " | ".join(cells) + f" | {r.verdict} |")
    counts = signs["verdict"].value_counts()
    lines += ["", "Verdicts (count of scenario × outcome rows): "
              + "; ".join(f"{v}: {n}" for v, n in counts.items()) + "."]
    if figure:
        lines += ["", f"![Effects across archetypes]({figure})"]
    return "\n".join(lines) + "\n"


def effects_plot(effects: "pd.DataFrame", outcomes: list[str],
                 labels: dict[str, str] | None = None, ci: float = 0.95):
    """Effect per scenario (rows) and archetype (colours) with intervals, one panel per outcome.

    Returns:
        A matplotlib Figure.
    """
    import numpy as np

    from experiments.analysis.plots import _fig

    labels = labels or {}
    scen = list(dict.fromkeys(effects["scenario"]))
    names = list(dict.fromkeys(effects["archetype"]))
    fig, axes = _fig(1, len(outcomes), size=(4.2 * len(outcomes) + 1.5, 0.5 * len(scen) + 2.2))
    for ax, o in zip(axes[0], outcomes, strict=True):
        for j, a in enumerate(names):
            g = effects[(effects["outcome"] == o) & (effects["archetype"] == a)]
            g = g.set_index("scenario").reindex(scen)
            yy = np.arange(len(scen)) + (j - (len(names) - 1) / 2) * 0.15
            ax.errorbar(g["diff"], yy, xerr=[g["diff"] - g["ci_low"], g["ci_high"] - g["diff"]],
                        fmt="o", ms=4, capsize=2, label=a, color=f"C{j}")
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_yticks(range(len(scen)), scen)
        ax.set_xlabel(f"{labels.get(o, o)}\nscenario − baseline")
        ax.invert_yaxis()
        ax.set_ylabel("scenario")
    axes[0][0].legend(fontsize="small", title="archetype")
    fig.suptitle(f"Paired effects by county archetype, {ci:.0%} t-intervals")
    return fig
