"""Text in the Python exports: the font, measuring, whitespace made visible, one-line
text and elision (the front end's rules: js/data/text.js, js/render/axes.js)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

FONT_SIZE = 12
TITLE_SIZE = 14
#: Longest label drawn, in px; longer ones are cut with an ellipsis (as in the widget).
LABEL_CAP = 180
ELLIPSIS = "\u2026"
#: Longest text measured: longer text is cut to this many characters (and an ellipsis)
#: first. No text this long fits in an export (the widest, the title, is about 1000 px),
#: and Pillow refuses to measure strings of a million characters.
MEASURE_CHARS = 1024

FONTS = Path(__file__).with_name("fonts")


@functools.lru_cache(maxsize=32)
def font(size: float, bold: bool = False):
    """The export font (a subset of DejaVu Sans shipped with tokenheat, so an image
    looks the same on every machine) at ``size`` px."""
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size=max(1, round(size)))


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Width of ``text`` in px, in the export font."""
    return font(size, size == TITLE_SIZE).getlength(text)


_GLYPHS = {
    " ": "\u2423",
    "\n": "\u21b5",
    "\r": "\u240d",
    "\t": "\u21e5",
    "\u00a0": "\u237d",
}
_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE = re.compile(f"[{_SPACE}]")
_BLANK = re.compile(f"[{_SPACE}]+")


def visible_whitespace(text: str) -> str:
    """Whitespace as visible glyphs, the front end's rule (js/data/text.js): space ␣,
    newline ↵ ("\\r\\n" too), tab ⇥, no-break space ⍽, other spaces ␣.

    >>> visible_whitespace(" the\\n")
    '␣the↵'
    """
    text = text.replace("\r\n", "\n")
    return _WHITESPACE.sub(lambda m: _GLYPHS.get(m.group(), "\u2423"), text)


def visible_if_blank(text: str) -> str:
    """A label made only of whitespace, made visible; other labels unchanged."""
    return visible_whitespace(text) if _BLANK.fullmatch(text) else text


_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]")
_UNDRAWABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """``text`` as one line of drawable text: line breaks and tabs become spaces;
    control characters (not allowed in SVG) and lone surrogates are dropped.

    >>> one_line("a\\nb\\x00c")
    'a bc'
    """
    return _UNDRAWABLE.sub("", _BREAKS.sub(" ", text))


def elide(text: str, cap: float = LABEL_CAP, size: int = FONT_SIZE) -> str:
    """``text`` cut to at most ``cap`` px with an ellipsis (as the widget does).

    >>> elide("short")
    'short'
    >>> elide("x" * 40, cap=60)
    'xxxxxx…'
    """
    if len(text) > MEASURE_CHARS:
        text = text[:MEASURE_CHARS] + ELLIPSIS
    if text_width(text, size) <= cap:
        return text
    lo, hi = 0, len(text) - 1
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + ELLIPSIS, size) <= cap:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + ELLIPSIS if lo else ""


def label_text(text: str, show_whitespace: bool) -> str:
    """A label as drawn: blank labels made visible (when ``show_whitespace``), one line,
    elided to :data:`LABEL_CAP`."""
    return elide(one_line(visible_if_blank(text) if show_whitespace else text))
