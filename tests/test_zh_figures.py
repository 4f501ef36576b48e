"""Chinese figures really show Chinese glyphs (no tofu boxes), with the project's CJK font.

Tofu is what a font without the glyph draws: the same empty box for every missing character.
So two different ideographs rendered alone give two different images only when a CJK font
supplies them. The test renders them inside ``font_context("zh")`` (must differ, no "Glyph
missing" warning) and, as the control that shows the check can fail, with DejaVu Sans only
(identical boxes and the warning).
"""

from __future__ import annotations

import copy
import io
import sysconfig
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from experiments.analysis import plots
from model import fonts
from model.fonts import PROBE, cjk_family, font_context


def _render(text: str) -> tuple[np.ndarray, list[str]]:
    """RGBA pixels of ``text`` drawn large on a small figure, and the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(1.2, 1.2), dpi=60)
        fig.text(0.5, 0.5, text, fontsize=40, ha="center", va="center")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    buf.seek(0)
    return matplotlib.image.imread(buf), [str(w.message) for w in caught]


def test_a_cjk_font_covering_the_reports_terms_is_installed():
    family = cjk_family()
    assert family is not None, "no CJK font: the project's install brings mplfonts (Noto Sans CJK SC)"
    assert "CJK" in family or "Han" in family or "WenQuanYi" in family


def test_the_pip_font_is_installed_by_the_project_and_covers_the_reports_terms():
    path = fonts.pip_font_file()
    assert path is not None, "mplfonts is a dependency of the default install (pyproject.toml)"
    assert fonts.covers(str(path), PROBE + "万亿元比例月份")
    assert sysconfig.get_paths()["purelib"] in str(path)  # inside the environment, not a system folder


def test_without_a_system_sc_face_the_pip_font_draws_the_chinese(monkeypatch):
    """Hermetic: matplotlib's font list without any CJK face, and no system font files."""
    from matplotlib import font_manager

    bare = copy.copy(font_manager.fontManager)
    bare.ttflist = [e for e in font_manager.fontManager.ttflist
                    if not any(name in e.name for name in ("CJK", "Han", "WenQuanYi", "Droid", "Noto Sans SC"))]
    monkeypatch.setattr(font_manager, "fontManager", bare)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    assert fonts.cjk_family() == "Noto Sans CJK SC"
    assert fonts.family_files("Noto Sans CJK SC") == [str(fonts.pip_font_file())]


def test_on_this_machine_the_font_used_is_a_simplified_chinese_face():
    """With no system SC face (as in CI, which installs no font), it is the pip file."""
    family = cjk_family()
    system_sc = [f for f in fonts.family_files(family) if sysconfig.get_paths()["purelib"] not in f]
    assert family in fonts.SC_FAMILIES
    if not system_sc:
        assert fonts.family_files(family) and all(str(fonts.pip_font_file()) == f
                                                  for f in fonts.family_files(family))


def test_chinese_glyphs_render_with_the_cjk_font_and_are_tofu_without_it():
    with font_context("zh"):
        a, warn_a = _render("无")
        b, warn_b = _render("榜")
    assert not [w for w in warn_a + warn_b if "missing" in w.lower()]
    assert not np.array_equal(a, b), "two different ideographs drew the same image (tofu)"
    assert (a[..., :3] < 0.5).any(), "nothing was drawn"
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        ta, warn_ta = _render("无")
        tb, _ = _render("榜")
    assert any("missing" in w.lower() for w in warn_ta)
    assert np.array_equal(ta, tb)  # the control: without the font both are the same box


def test_a_report_figure_in_chinese_has_its_labels_in_the_cjk_font():
    import pandas as pd

    bands = pd.DataFrame({"scenario": ["基线"] * 3 + ["R1 营造舆论氛围、加强宣传"] * 3, "month": [1, 2, 3] * 2,
                          "outcome": "no_bid_rate", "mean": [0.4, 0.5, 0.45, 0.3, 0.2, 0.25],
                          "low": [0.3] * 6, "high": [0.6] * 6})
    meta = {"no_bid_rate": {"label": "No-bid rate", "unit": "share", "label_zh": "无人揭榜率"}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with font_context("zh"):
            fig = plots.timeseries_plot(bands, "no_bid_rate", outcome_meta=meta, lang="zh")
            fig.savefig(io.BytesIO(), format="png")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "无人揭榜率 (比例, 0–1)"
    assert ax.get_xlabel().startswith("月份")
    assert not [w for w in caught if "missing" in str(w.message).lower()]
    assert ax.get_title().startswith("无人揭榜率")


def test_english_figures_do_not_change_fonts():
    before = list(matplotlib.rcParams["font.family"])
    with font_context("en"):
        assert list(matplotlib.rcParams["font.family"]) == before


def test_without_a_cjk_font_chinese_figures_are_refused(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_family", lambda chars=PROBE: None)
    with pytest.raises(RuntimeError, match="mplfonts"):
        with fonts.font_context("zh"):
            pass
