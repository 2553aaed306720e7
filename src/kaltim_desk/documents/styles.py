"""Page geometry and paragraph styles shared by the aid documents (A4, embedded DejaVu fonts), plus
small helpers: escaping text for ReportLab paragraphs, titles that keep their last words together, and
writing a story to a PDF atomically with "Halaman N dari M" footers."""

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
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, PageTemplate, SimpleDocTemplate, TableStyle

from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kaltim_desk.documents.memo import MemoFrame
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


NBSP = "\u00a0"
FOOTER_SIZE = 7
FOOTER_GAP = 0.5 * cm


def keep_last_words(text: str) -> str:
    """`text` with its last two words joined by a no-break space, so a title never ends with one word
    (a year, "ANAK") alone on its line; "TAHUN ANGGARAN 2026" also stays on one line."""
    text = text.replace("TAHUN ANGGARAN ", f"TAHUN{NBSP}ANGGARAN{NBSP}")
    head, sep, tail = text.rstrip().rpartition(" ")
    return f"{head}{NBSP}{tail}" if sep and head else text


def fit_string(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits in `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@functools.lru_cache(maxsize=256)
def _sized(base: ParagraphStyle, size: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"{base.name}-{size:g}",
        parent=base,
        fontSize=size,
        leading=round(size * base.leading / base.fontSize, 1),
    )


def fitted_style(
    base: ParagraphStyle, text: str, width: float, *, max_lines: int = 2, min_size: float = 8, font: str = ""
) -> ParagraphStyle:
    """`base`, or a smaller size of it, at which `text` takes at most `max_lines` lines of `width`:
    a long name shrinks first, then wraps (below `min_size` it wraps to more lines instead)."""
    return _fitted_style(base, text, width, max_lines, min_size, font or base.fontName)


@functools.lru_cache(maxsize=1024)  # a batch asks again for every signatory, caption and address
def _fitted_style(
    base: ParagraphStyle, text: str, width: float, max_lines: int, min_size: float, font: str
) -> ParagraphStyle:
    size = float(base.fontSize)
    if stringWidth(text, font, size) <= width:  # the common case: one line at the normal size
        return base
    while size > min_size and len(simpleSplit(text, font, size, width)) > max_lines:
        size -= 0.5
    return base if size == base.fontSize else _sized(base, size)


class DocumentStart(Flowable):
    """An invisible mark at the start of each document of a PDF: the pages after it belong to that
    document, so a batch numbers "Halaman N dari M" per agreement and prints each one's own footer."""

    def __init__(self, footer: str, copy_mark: str = "") -> None:
        super().__init__()
        self.footer = footer
        self.copy_mark = copy_mark

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._kd_document = (id(self), self.footer, self.copy_mark)  # type: ignore[attr-defined]


class FooterCanvas(Canvas):
    """A canvas that holds its pages until the end so each footer can say "Halaman N dari M", M being
    the page count of the page's own document; the label is cut to leave room for the page number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kd_pages: list[tuple[dict[str, Any], tuple[int, str, str]]] = []
        self._kd_document: tuple[int, str, str] = (0, "", "")

    def showPage(self) -> None:
        self._kd_pages.append((dict(self.__dict__), self._kd_document))
        self._startPage()

    def save(self) -> None:
        counts: dict[int, int] = {}
        owners: list[int] = []
        group = -1
        previous = -1
        for _state, (serial, _label, _mark) in self._kd_pages:
            if serial != previous:
                group += 1
                previous = serial
            owners.append(group)
            counts[group] = counts.get(group, 0) + 1
        seen: dict[int, int] = {}
        for (state, (_serial, label, mark)), owner in zip(self._kd_pages, owners, strict=True):
            self.__dict__.update(state)
            seen[owner] = seen.get(owner, 0) + 1
            if mark:
                self._draw_copy_mark(mark)
            self._draw_footer(label, seen[owner], counts[owner])
            Canvas.showPage(self)
        Canvas.save(self)
        # each held page refers to the list of pages (a cycle the collector would walk much later): a
        # batch's pages and drawing memo are let go as soon as the file is written
        self._kd_pages = []
        self.__dict__.pop("_kd_draw_memo", None)

    def _draw_copy_mark(self, mark: str) -> None:
        """A reprint that is a copy: the mark in red at the top right, inside the margins."""
        self.saveState()
        self.setFont(SANS_BOLD, 12)
        self.setFillColor(colors.HexColor("#b00020"))
        self.drawRightString(PAGE_SIZE[0] - MARGIN_RIGHT, PAGE_SIZE[1] - MARGIN_TOP + 0.35 * cm, mark)
        self.restoreState()

    def _draw_footer(self, label: str, page: int, pages: int) -> None:
        self.saveState()
        self.setFont(SANS, FOOTER_SIZE)
        self.setFillColor(colors.HexColor("#666666"))
        right = f"Halaman {page} dari {pages}"
        room = FRAME_WIDTH - stringWidth(right, SANS, FOOTER_SIZE) - FOOTER_GAP
        self.drawString(MARGIN_LEFT, 1.1 * cm, fit_string(label, SANS, FOOTER_SIZE, room))
        self.drawRightString(PAGE_SIZE[0] - MARGIN_RIGHT, 1.1 * cm, right)
        self.restoreState()


class Deferred(Flowable):
    """A placeholder for flowables made only when the build reaches it: a batch of 500 agreements holds
    one agreement's flowables at a time instead of all of them, which keeps the garbage collector from
    walking tens of thousands of waiting flowables again and again."""

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.make = make

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0


class _Document(SimpleDocTemplate):
    """SimpleDocTemplate whose one frame is a `memo.MemoFrame`: content repeated at the same place (the
    letterhead and articles of every agreement of a batch) is laid out once and its drawing replayed."""

    def build(  # type: ignore[override]
        self, flowables: list[Flowable], canvasmaker: Callable[..., Canvas] = Canvas
    ) -> None:
        self._calc()
        frame = MemoFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="normal")
        self.addPageTemplates(
            [
                PageTemplate(id="First", frames=frame, pagesize=self.pagesize),
                PageTemplate(id="Later", frames=frame, pagesize=self.pagesize),
            ]
        )
        BaseDocTemplate.build(self, flowables, canvasmaker=canvasmaker)

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if isinstance(flowables[0], Deferred):
            flowables[0:1] = flowables[0].make()
            return
        super().handle_flowable(flowables)


def new_doc(path: Path | str, *, title: str, author: str) -> SimpleDocTemplate:
    register_fonts()
    doc = _Document(
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
        doc = new_doc(tmp, title=title, author=author)
        if after_flowable is not None:
            doc.afterFlowable = after_flowable  # type: ignore[method-assign]
        flowables = list(story)
        if not flowables or not isinstance(flowables[0], DocumentStart):
            flowables.insert(0, DocumentStart(footer))
        doc.build(flowables, canvasmaker=FooterCanvas)
    return target


def table_style(commands: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded sans font (ReportLab's default is a
    non-embedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])
