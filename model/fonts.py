"""Fonts for Chinese figures: find a CJK font and draw with it as a fallback.

Used by the dashboard (model/app.py), the evidence report and brief (experiments/analysis) and
the notebooks (:func:`use_language`). Nothing here writes files.

Chinese figures need a font with the CJK Unified Ideographs. The project's default install brings
one from the package index: ``mplfonts`` (a dependency in pyproject.toml, pinned in
requirements.lock) ships Noto Sans CJK SC (Google's and Adobe's Pan-CJK family, the same design as
Source Han Sans, simplified-Chinese face, SIL Open Font License) as a file inside its package
folder. At first use :func:`cjk_family` registers that one file with matplotlib
(``font_manager.fontManager.addfont``, in memory: no system folder, no matplotlib folder and no
rc file is touched; mplfonts' own ``init`` command, which copies fonts into matplotlib's folder,
is not used). A simplified-Chinese face that the system already has (``Noto Sans CJK SC``,
Source Han Sans SC, WenQuanYi) is used before it; the pip font is preferred to other system
faces (Debian's ``fonts-noto-cjk`` collection exposes ``Noto Sans CJK JP`` to matplotlib:
the same ideographs, Japanese-style shapes for a few). ``scripts/install_cjk_font.sh`` (Debian,
root) stays as an option. Latin letters and digits stay in DejaVu Sans, so numbers look the same
in both languages; matplotlib falls back glyph by glyph along ``font.family``.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Source Han Sans",
                "Droid Sans Fallback")
"""CJK font families in order of preference (simplified-Chinese faces first)."""

SC_FAMILIES = CJK_FAMILIES[:6]
"""The simplified-Chinese faces: a system font of one of these is used before the pip font."""

PIP_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
"""The pip font: (package, file inside the package folder), family ``Noto Sans CJK SC``."""

PROBE = "无人揭榜突击迎检综合评分法质量元份"
"""Characters a CJK font must cover to be used (the report's own terms)."""

INSTALL_HINT = ("reinstall the project, whose dependency mplfonts ships Noto Sans CJK SC: "
                "pip install -c requirements.lock -e . (or, as root on Debian: bash scripts/install_cjk_font.sh)")


def covers(path: str, chars: str = PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``chars``."""
    from matplotlib.ft2font import FT2Font

    try:
        cmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in cmap for c in chars)


def pip_font_file() -> Path | None:
    """The Noto Sans CJK SC file that the ``mplfonts`` package ships, or None when it is absent.

    Located through the package's import spec, without importing it.
    """
    package, relative = PIP_FONT
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def _known(chars: str, families: tuple[str, ...] = CJK_FAMILIES) -> str | None:
    from matplotlib import font_manager

    by_name: dict[str, list[str]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in families:
        if any(covers(path, chars) for path in by_name.get(family, [])):
            return family
    return None


def cjk_family(chars: str = PROBE) -> str | None:
    """The CJK family that Chinese figures use: one that matplotlib knows and that covers ``chars``.

    In order: a simplified-Chinese face matplotlib already knows (:data:`SC_FAMILIES`); else the
    pip font (:func:`pip_font_file`), registered with matplotlib's public
    ``FontManager.addfont`` in memory; else system font files that cover ``chars`` (matplotlib
    caches its font list when first imported, so a font installed afterwards is registered the
    same way, every face of a ``.ttc`` collection) and the first of :data:`CJK_FAMILIES` known.

    Returns:
        The family name, or None when no installed font qualifies.
    """
    found = _known(chars, SC_FAMILIES)
    if found is not None:
        return found
    from matplotlib import font_manager

    pip_file = pip_font_file()
    if pip_file is not None and covers(str(pip_file), chars):
        font_manager.fontManager.addfont(str(pip_file))
        return _known(chars)
    found = _known(chars)
    if found is not None:
        return found
    for path in font_manager.findSystemFonts():
        if path.lower().endswith((".ttc", ".otf", ".ttf")) and covers(path, chars):
            font_manager.fontManager.addfont(path)
    return _known(chars)


def family_files(family: str) -> list[str]:
    """The font files matplotlib has registered under ``family`` (to show where a face came from)."""
    from matplotlib import font_manager

    return [entry.fname for entry in font_manager.fontManager.ttflist if entry.name == family]


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
