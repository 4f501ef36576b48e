"""Fonts for Chinese figures: find an installed CJK font and draw with it as a fallback.

Used by the dashboard (model/app.py), the evidence report and brief (experiments/analysis) and
the notebooks (:func:`use_language`). Nothing here writes files.

Chinese figures need a font with the CJK Unified Ideographs. The project installs Noto Sans CJK
(Debian's ``fonts-noto-cjk``, Google's and Adobe's Pan-CJK family, covering GB 18030) with
``scripts/install_cjk_font.sh``, which ``.ci/run`` runs. Matplotlib reads the ``.ttc``
collection's first face (``Noto Sans CJK JP``: the same ideographs, Japanese-style shapes for a
few of them); where a simplified-Chinese face is registered (``Noto Sans CJK SC``, Source Han
Sans SC, WenQuanYi) it is preferred. Latin letters and digits stay in DejaVu Sans, so numbers look
the same in both languages; matplotlib falls back glyph by glyph along ``font.family``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Source Han Sans",
                "Droid Sans Fallback")
"""CJK font families in order of preference (simplified-Chinese faces first)."""

PROBE = "无人揭榜突击迎检综合评分法质量元份"
"""Characters a CJK font must cover to be used (the report's own terms)."""

INSTALL_HINT = "install one with: bash scripts/install_cjk_font.sh (Debian's fonts-noto-cjk)"


def covers(path: str, chars: str = PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``chars``."""
    from matplotlib.ft2font import FT2Font

    try:
        cmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in cmap for c in chars)


def _known(chars: str) -> str | None:
    from matplotlib import font_manager

    by_name: dict[str, list[str]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in CJK_FAMILIES:
        if any(covers(path, chars) for path in by_name.get(family, [])):
            return family
    return None


def cjk_family(chars: str = PROBE) -> str | None:
    """The first family of :data:`CJK_FAMILIES` that matplotlib knows and that covers ``chars``.

    Matplotlib caches its font list when first imported; a font installed afterwards (e.g. by
    ``scripts/install_cjk_font.sh`` on a machine that had already drawn a figure) is not in that
    cache. So when no listed family is known, the system font files that cover ``chars`` are
    registered with matplotlib's public ``FontManager.addfont`` (every face of a ``.ttc``
    collection) and the lookup is repeated.

    Returns:
        The family name, or None when no installed font qualifies.
    """
    found = _known(chars)
    if found is not None:
        return found
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if path.lower().endswith((".ttc", ".otf", ".ttf")) and covers(path, chars):
            font_manager.fontManager.addfont(path)
    return _known(chars)


@contextlib.contextmanager
def font_context(lang: str) -> Iterator[None]:
    """Figures made and saved inside this context render ``lang``'s script.

    English leaves matplotlib's defaults alone. Chinese sets the family list to DejaVu Sans
    followed by the CJK family, so Latin text and digits are unchanged and every ideograph comes
    from the CJK font.

    Raises:
        RuntimeError: ``lang`` is ``"zh"`` and no CJK font is installed (names the install step).
    """
    if lang != "zh":
        yield
        return
    family = cjk_family()
    if family is None:
        raise RuntimeError(f"--lang zh: no CJK font found for the figures; {INSTALL_HINT}")
    import matplotlib

    with matplotlib.rc_context({"font.family": ["DejaVu Sans", family],
                                "axes.unicode_minus": True}):
        yield


def use_language(lang: str) -> None:
    """For an interactive session (a notebook): draw every later figure in ``lang``'s script.

    Sets matplotlib's own ``rcParams`` for the rest of the session (what a notebook user would
    do by hand); English restores matplotlib's default family. Scripts and reports use
    :func:`font_context` instead.

    Raises:
        RuntimeError: ``lang`` is ``"zh"`` and no CJK font is installed (names the install step).
    """
    import matplotlib

    if lang != "zh":
        matplotlib.rcParams["font.family"] = matplotlib.rcParamsDefault["font.family"]
        return
    family = cjk_family()
    if family is None:
        raise RuntimeError(f"LANG = 'zh': no CJK font found for the figures; {INSTALL_HINT}")
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]
