"""Page geometry and paragraph styles shared by the aid documents (A4, embedded DejaVu fonts), plus
small helpers: escaping text for ReportLab paragraphs and writing a story to a PDF atomically."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, SimpleDocTemplate, TableStyle

from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kaltim_desk.fileio import atomic_path

PAGE_SIZE = A4
MARGIN_LEFT = 2.5 * cm  # Permendagri 1/2023 leaves a wider left margin for binding
MARGIN_RIGHT = 2.0 * cm
MARGIN_TOP = 1.5 * cm
MARGIN_BOTTOM = 2.0 * cm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
GRID = colors.HexColor("#444444")
SHADE = colors.HexColor("#EEEEEE")


def esc(text: object) -> str:
    """Text safe inside a ReportLab Paragraph (which reads a little XML)."""
    return escape("" if text is None else str(text))


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=SERIF, fontSize=11, leading=15, alignment=TA_JUSTIFY)
    return {
        "body": base,
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=base, fontName=SERIF_BOLD, fontSize=13, leading=17, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName=SERIF_BOLD, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "article": ParagraphStyle(
            "article", parent=base, fontName=SERIF_BOLD, alignment=TA_CENTER, spaceBefore=8
        ),
        "indent": ParagraphStyle("indent", parent=base, leftIndent=14, firstLineIndent=-14),
        "role": ParagraphStyle("role", parent=base, leftIndent=0.6 * cm),
        "cell": ParagraphStyle("cell", fontName=SANS, fontSize=9, leading=11),
        "cell_bold": ParagraphStyle("cell_bold", fontName=SANS_BOLD, fontSize=9, leading=11),
        "cell_right": ParagraphStyle("cell_right", fontName=SANS, fontSize=9, leading=11, alignment=TA_RIGHT),
        "cell_center": ParagraphStyle(
            "cell_center", fontName=SANS, fontSize=9, leading=11, alignment=TA_CENTER
        ),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_CENTER, leading=14),
        "small": ParagraphStyle("small", parent=base, fontName=SERIF_ITALIC, fontSize=8, leading=10),
    }


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(SANS, 7)
    canvas.setFillColor(colors.HexColor("#666666"))
    label = getattr(doc, "footer_text", "")
    canvas.drawString(MARGIN_LEFT, 1.1 * cm, label)
    canvas.drawRightString(PAGE_SIZE[0] - MARGIN_RIGHT, 1.1 * cm, f"Halaman {canvas.getPageNumber()}")
    canvas.restoreState()


def new_doc(path: Path | str, *, title: str, author: str, footer: str = "") -> SimpleDocTemplate:
    register_fonts()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        creator="Kaltim Desk",
        lang="id-ID",
        initialFontName=SERIF,  # else every page references a non-embedded Helvetica
        initialFontSize=11,
    )
    doc.footer_text = footer  # type: ignore[attr-defined]
    return doc


def write_pdf(
    target: Path | str,
    story: Sequence[Flowable],
    *,
    title: str,
    author: str,
    footer: str = "",
    after_flowable: Callable[[Flowable], None] | None = None,
) -> Path:
    """Build `story` into `target` atomically (a crash or cancel leaves the old file or none)."""
    target = Path(target)
    with atomic_path(target, suffix=".pdf.part") as tmp:
        doc = new_doc(tmp, title=title, author=author, footer=footer)
        if after_flowable is not None:
            doc.afterFlowable = after_flowable  # type: ignore[method-assign]
        doc.build(list(story), onFirstPage=_footer, onLaterPages=_footer)
    return target


def table_style(commands: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded sans font (ReportLab's default is a
    non-embedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])
