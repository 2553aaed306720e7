"""The fonts every document embeds: DejaVu Serif (letters, agreements, certificates) and DejaVu Sans
(tables), shipped in `resources/fonts` with their licence (free, Bitstream Vera derived). Embedding
them means a PDF looks the same on every office PC and its text is extractable (pdftotext)."""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kaltim_desk.config import resource

SERIF = "KDSerif"
SERIF_BOLD = "KDSerif-Bold"
SERIF_ITALIC = "KDSerif-Italic"
SERIF_BOLD_ITALIC = "KDSerif-BoldItalic"
SANS = "KDSans"
SANS_BOLD = "KDSans-Bold"

_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "DejaVuSerif-BoldItalic.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
}
_registered = False


def register_fonts() -> None:
    """Register the shipped fonts with ReportLab once per process (idempotent, cheap after the first)."""
    global _registered
    if _registered:
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    _registered = True
