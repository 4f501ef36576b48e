"""Figures and the evidence report, on synthetic tidy tables."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from experiments.analysis import plots, report, stats

OUTCOMES = ["quality_delivered", "spend", "no_bid_rate_village", "gaming_gap"]
META = {
    "quality_delivered": {"label": "Quality delivered", "unit": "0–1", "meaning": "true quality"},
    "spend": {"label": "Spend", "unit": "yuan", "meaning": "payments"},
    "no_bid_rate_village": {"label": "No-bid rate (village)", "unit": "share of tenders", "meaning": "0 bids"},
    "no_bid_rate_city": {"label": "No-bid rate (city)", "unit": "share of tenders", "meaning": "0 bids"},
    "no_bid_rate_town": {"label": "No-bid rate (town)", "unit": "share of tenders", "meaning": "0 bids"},
    "gaming_gap": {"label": "Gaming gap", "unit": "quality points", "meaning": "measured − true"},
    "admin_cost": {"label": "Admin cost", "unit": "yuan", "meaning": "staff"},
}


def synthetic(n_rep=5, months=24, seed=0):
    """runs, timeseries, tenders and manifest for 3 scenarios (incl. baseline) × n_rep replicates."""
    rng = np.random.default_rng(seed)
    effects = {"baseline": 0.0, "lots": 0.05, "reach": 0.1}
    runs, ts, tenders = [], [], []
    for sc, e in effects.items():
        for k in range(n_rep):
            rid = f"{sc}-{k}"
            noise = rng.normal(0, 0.01)
            runs.append({"run_id": rid, "experiment": "demo", "scenario": sc, "replicate": k, "seed": 10 + k,
                         "quality_delivered": 0.6 + e + noise, "spend": 1.2e7 * (1 + e) + rng.normal(0, 1e5),
                         "no_bid_rate_city": 0.05 - e / 4 + noise, "no_bid_rate_town": 0.15 - e / 2 + noise,
                         "no_bid_rate_village": 0.4 - e + noise, "gaming_gap": 0.1 - e / 2 + noise,
                         "admin_cost": 3e5 * (1 + 2 * e) + rng.normal(0, 5e3)})
            m = np.arange(1, months + 1)
            ts.append(pd.DataFrame({"run_id": rid, "month": m, "quality_delivered": 0.6 + e + 0.001 * m
                                    + rng.normal(0, 0.01, months), "spend": 1e6 + rng.normal(0, 1e4, months)}))
            d = rng.uniform(0, 60, 40)
            tenders.append(pd.DataFrame({"run_id": rid, "distance_km": d,
                                         "level": rng.choice(["city", "town", "village"], 40),
                                         "no_bid": rng.random(40) < 0.1 + d / 150 - e}))
    scen = {s: {"description": f"Scenario {s}.", "overrides": ({} if s == "baseline" else
                                                                {f"procurement.{s}": True})} for s in effects}
    manifest = {"name": "demo_experiment", "description": "A synthetic experiment for the tests.",
                "git_commit": "abc123", "versions": {"python": "3.12", "numpy": np.__version__},
                "start": "2024-01-01T00:00", "end": "2024-01-01T00:05", "n_runs": 3 * n_rep, "scenarios": scen}
    tend = pd.concat(tenders, ignore_index=True)
    tend["distance_band"] = pd.cut(tend["distance_km"], [0, 10, 20, 40, 60], right=False)
    return pd.DataFrame(runs), pd.concat(ts, ignore_index=True), tend, manifest


@pytest.fixture(scope="module")
def tables():
    return synthetic()


def _check(fig, n_series=None):
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    title = ax.get_title() or (fig._suptitle.get_text() if fig._suptitle else "")
    assert title
    for lab in (ax.get_xlabel(), ax.get_ylabel()):
        assert lab and "(" in lab and ")" in lab
    if n_series:
        leg = ax.get_legend()
        assert leg is not None and len(leg.get_texts()) >= n_series


def test_timeseries_plot(tables, tmp_path):
    runs, ts, _, _ = tables
    bands = stats.timeseries_bands(ts, runs, "quality_delivered")
    fig = plots.timeseries_plot(bands, "quality_delivered", "Quality delivered", "0–1")
    _check(fig, 3)
    assert "0–1" in fig.axes[0].get_ylabel() and "Month" in fig.axes[0].get_xlabel()
    p = plots.save(fig, tmp_path / "sub" / "ts")
    assert p.suffix == ".png" and p.stat().st_size > 1000


def test_forest_plot(tables):
    runs = tables[0]
    d = stats.paired_differences(runs, OUTCOMES, n_boot=200)
    fig = plots.forest_plot(d, META)
    assert len(fig.axes) == len(OUTCOMES)
    assert fig._suptitle.get_text()
    assert "yuan" in fig.axes[1].get_xlabel()
    _check(fig, 0)
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) >= 1  # 4 panels: 2 × 2, one legend
    one = plots.forest_plot(d, META, outcomes=OUTCOMES[:2])                  # a column: a legend per panel
    _check(one, 1)
    rel = plots.forest_plot(d, META, relative=True)
    assert "%" in rel.axes[0].get_xlabel()


def test_forest_plot_of_many_outcomes_is_a_grid():
    """17 outcomes (the reform package's report): 4 columns × 5 rows, not one column 17 high."""
    outs = [f"outcome_{i:02d}" for i in range(17)]
    rows = [{"scenario": s, "outcome": o, "diff": 0.1 * k - 0.05, "ci_low": 0.1 * k - 0.1,
             "ci_high": 0.1 * k, "significant": k % 2 == 0}
            for o in outs for k, s in enumerate(["publicity", "disclosure", "reform_package"])]
    fig = plots.forest_plot(pd.DataFrame(rows))
    assert plots.forest_columns(17) == 4 and plots.forest_columns(3) == 1 and plots.forest_columns(6) == 3
    assert len(fig.axes) == 17
    cols = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(cols) == 4
    width, height = fig.get_size_inches()
    assert height < 2 * width                       # the one-column figure was 7 × 57.6 inches
    first = [ax for ax in fig.axes if round(ax.get_position().x0, 3) == min(cols)]
    assert len(first) == 5 and [t.get_text() for t in first[0].get_yticklabels()][0] == "publicity"
    assert all(not t.get_text() for ax in fig.axes if ax not in first for t in ax.get_yticklabels())
    assert len(fig.legends) == 1


def test_heatmap_simplex_and_frontier():
    rng = np.random.default_rng(1)
    rows = [{"scenario": "grid", "procurement.price_weight": a, "evaluation.citizen_weight": b,
             "quality_delivered": 0.5 + 0.3 * b - 0.1 * a + rng.normal(0, 0.01),
             "spend": 1e6 * (1.2 - 0.3 * a) + rng.normal(0, 1e4)}
            for a in np.round(np.arange(0.1, 1.0, 0.2), 2) for b in np.round(np.arange(0.0, 1.0 - a, 0.2), 2)
            for _ in range(3)]
    df = pd.DataFrame(rows)
    fig = plots.heatmap(df, "procurement.price_weight", "evaluation.citizen_weight", "quality_delivered", META)
    _check(fig)
    assert "0–1" in fig.axes[1].get_ylabel()  # colour bar carries the unit
    _check(plots.simplex_heatmap(df, "spend", ("procurement.price_weight", "evaluation.citizen_weight"), META))
    by = ["procurement.price_weight", "evaluation.citizen_weight"]
    means = stats.scenario_means(df, ["spend", "quality_delivered"], by=by, n_boot=100)
    fig = plots.frontier_plot(means, "spend", "quality_delivered", outcome_meta=META, by=by)
    _check(fig, 2)
    assert "yuan" in fig.axes[0].get_xlabel()


def test_by_level_and_gaming_gap(tables):
    runs = tables[0]
    means = stats.scenario_means(runs, [*plots.level_outcomes("no_bid_rate"), "gaming_gap", "admin_cost"], n_boot=200)
    fig = plots.by_level_plot(means, outcome_meta=META)
    _check(fig, 3)
    assert "share of tenders" in fig.axes[0].get_ylabel()
    fig = plots.gaming_gap_plot(means, outcome_meta=META)
    _check(fig, 3)
    assert "yuan" in fig.axes[0].get_xlabel()


def test_distance_band_plot(tables):
    runs, _, tenders, _ = tables
    fig = plots.distance_band_plot(tenders, runs=runs)
    _check(fig, 3)
    # without a band column the bands are cut from distance_km; without scenarios one series
    _check(plots.distance_band_plot(tenders.drop(columns="distance_band")))


def test_distance_band_plot_from_counts(tables):
    """A table of counts per run and band draws the same points as the tender rows it counts."""
    runs, _, tenders, _ = tables
    t = tenders.assign(no_bid=tenders["no_bid"].astype(int))
    counts = (t.groupby(["run_id", "distance_band"], observed=True)["no_bid"]
              .agg(no_bid="sum", tenders="count").reset_index())
    rows = plots.distance_band_plot(t, runs=runs)
    counted = plots.distance_band_plot(counts, count="tenders", runs=runs)
    _check(counted, 3)
    for a, b in zip(rows.axes[0].lines, counted.axes[0].lines, strict=True):
        assert a.get_ydata() == pytest.approx(b.get_ydata())
    assert len(counted.axes[0].lines) >= 3


def test_outcome_label_fallbacks():
    assert plots.outcome_label("spend") == ("Spend", "yuan")
    assert plots.outcome_label("no_bid_rate_village")[1] == "share of tenders"
    assert plots.outcome_label("spend", {"spend": META["spend"]})[0] == "Spend"


def test_format_helpers():
    assert report.fmt_ci(0.41234, 0.40012, 0.42511) == "0.412 [0.400, 0.425]"
    assert report.fmt_ci(12_345_678, 12_000_000, 12_600_000) == "12,350,000 [12,000,000, 12,600,000]"
    assert report.fmt_ci(0.1, 0.05, 0.15, sign=True, pct=True) == "+10.0% [+5.0%, +15.0%]"
    assert "CI n/a" in report.fmt_ci(1.0, np.nan, np.nan, n=1)
    assert report.fmt_p(0.0001) == "<0.001" and report.stars(0.004) == "**" and report.stars(0.2) == "ns"


@pytest.mark.slow
def test_build_report(tables, tmp_path):
    runs, ts, tenders, manifest = tables
    paths = report.build_report(tmp_path / "rep", runs, timeseries=ts, tenders=tenders, manifest=manifest,
                                outcomes_meta=META, key_outcomes=OUTCOMES, n_boot=300)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    assert paths["markdown"].exists() and paths["html"].exists()
    assert len(paths["figures"]) >= 5 and all(p.exists() for p in paths["figures"])
    assert "# demo_experiment" in md and "A synthetic experiment" in md
    assert "| Scenario | Runs | Quality delivered (0–1), mean [95% CI]" in md
    assert "Spend (yuan)" in md
    assert "[" in md and "p (Holm)" in md
    assert "smallest Wilcoxon p-value possible" in md  # 5 pairs, 4 outcomes
    assert "Figure 1." in md and f"Figure {len(paths['figures'])}." in md
    assert "`procurement.lots`" in md and "abc123" in md and "How to read" in md
    assert "<table>" in html and "<img src=\"figures/" in html and "<figcaption>" in html
    for p in paths["figures"]:
        assert f"figures/{p.name}" in md
    # deterministic: same inputs, same report text
    again = report.build_report(tmp_path / "rep2", runs, timeseries=ts, tenders=tenders, manifest=manifest,
                                outcomes_meta=META, key_outcomes=OUTCOMES, n_boot=300)
    assert again["markdown"].read_text() == md


@pytest.mark.slow
def test_build_report_minimal(tables, tmp_path):
    runs = tables[0]
    only = runs[runs.scenario != "baseline"]
    paths = report.build_report(tmp_path, only)
    md = paths["markdown"].read_text()
    assert "No paired comparison" in md and "| Scenario | Runs |" in md
    diffs = {"lots": {"procurement.lots": (False, True)}}
    md2 = report.build_report(tmp_path / "b", runs, param_diffs=diffs)["markdown"].read_text()
    assert "| lots | `procurement.lots` | True | False |" in md2


@pytest.mark.slow
def test_build_report_includes_section_files(tables, tmp_path):
    runs = tables[0]
    out = tmp_path / "rep"
    out.mkdir()
    (out / "sensitivity.md").write_text("## Global sensitivity\n\nMorris mu* of `x1` is the largest.\n")
    paths = report.build_report(out, runs)
    md, page = paths["markdown"].read_text(), paths["html"].read_text()
    assert "## Global sensitivity" in md and "Morris mu* of `x1`" in md
    assert "<code>x1</code>" in page
    none = report.build_report(tmp_path / "plain", runs)["markdown"].read_text()
    assert "Global sensitivity" not in none
