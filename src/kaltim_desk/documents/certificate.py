"""The training certificate (Surat Tanda Tamat Pelatihan, STTP; Permensos 9/2019): A4, landscape or
portrait as the office's template says, with the office logo, institution, number, the participant's
name and masked NIK, the training, its dates, place and hours, the result, the signature block and a QR
code carrying the verification code (also printed as text, to be typed in when no scanner is at hand).

Speed matters: a 500-participant batch must take seconds. So the fonts are registered once per
process, the logo is decoded once per file path, one canvas takes every page, text is laid out with
ReportLab's string-width metrics (no Platypus frames), and the QR code is made with the `qrcode` library
(a PNG in memory, ~7 ms a page, against ~34 ms for ReportLab's own QR widget).

DTOs in (`CertificateDoc`, `CertificateTemplate`), a file out, written atomically.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kaltim_desk.core.progress import Cancelled
from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kaltim_desk.documents.model import CertificateDoc, CertificateTemplate
from kaltim_desk.domain.dates import MONTH_NAMES_ID, format_date_id
from kaltim_desk.fileio import atomic_path

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]

WATERMARK = HexColor("#e6e6e6")
COPY_RED = HexColor("#b00020")
GREY = HexColor("#444444")


class RenderCancelled(Cancelled):
    """The person pressed Cancel; no file was left behind (or, one per file: no half-written file)."""


def date_range_id(start: date, end: date) -> str:
    """`2 s.d. 6 Maret 2026`, `28 Februari s.d. 3 Maret 2026`, or one date when start == end."""
    if start == end:
        return format_date_id(start)
    if start.year == end.year and start.month == end.month:
        return f"{start.day} s.d. {format_date_id(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTH_NAMES_ID[start.month]} s.d. {format_date_id(end)}"
    return f"{format_date_id(start)} s.d. {format_date_id(end)}"


def result_text(doc: CertificateDoc) -> str:
    parts = []
    if doc.attendance_percent is not None:
        parts.append(f"kehadiran {doc.attendance_percent}%")
    if doc.post_score is not None:
        parts.append(f"nilai akhir {doc.post_score}")
    return "LULUS" + (f" ({', '.join(parts)})" if parts else "")


@functools.lru_cache(maxsize=8)
def _logo(path: str, mtime: float) -> ImageReader | None:
    try:
        return ImageReader(path)
    except Exception:
        return None  # an unreadable logo never stops printing; the page is printed without it


def logo_reader(path: str) -> ImageReader | None:
    if not path:
        return None
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        return None
    return _logo(str(p), mtime)


def qr_png(payload: str) -> bytes:
    """The QR code as a small black-and-white PNG (medium error correction survives a stamp or a fold)."""
    # A fixed mask pattern: every mask is valid QR, and choosing "the best" one makes qrcode build the
    # symbol nine times (~80% of a page's time). Our payload is upper case and digits, so qrcode picks
    # the compact alphanumeric mode; two pixels a module keep the PNG tiny (drawn unsmoothed).
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=2, border=1, mask_pattern=2)
    qr.add_data(payload)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def page_size(template: CertificateTemplate) -> tuple[float, float]:
    return landscape(A4) if template.orientation == "landscape" else portrait(A4)


def _centred_lines(
    c: Canvas, text: str, font: str, size: float, x: float, y: float, width: float, lead: float
) -> float:
    """Draw `text` wrapped to `width`, each line centred on x; returns the y below the last line."""
    for line in simpleSplit(text, font, size, width):
        c.setFont(font, size)
        c.drawCentredString(x, y, line)
        y -= lead
    return y


def draw_certificate(c: Canvas, doc: CertificateDoc, tpl: CertificateTemplate) -> None:
    """Draw one certificate on the canvas's current page (the caller ends the page)."""
    w, h = page_size(tpl)
    land = tpl.orientation == "landscape"
    border = HexColor(tpl.border_color)
    cx = w / 2
    margin = 28
    # frame
    c.setStrokeColor(border)
    c.setLineWidth(3)
    c.rect(margin, margin, w - 2 * margin, h - 2 * margin)
    c.setLineWidth(0.8)
    c.rect(margin + 6, margin + 6, w - 2 * margin - 12, h - 2 * margin - 12)
    c.setStrokeColor(black)

    if doc.is_copy:  # behind everything: a large diagonal mark, and a red label in the corner
        c.saveState()
        c.setFillColor(WATERMARK)
        c.setFont(SANS_BOLD, 110 if land else 90)
        c.translate(cx, h / 2)
        c.rotate(28 if land else 50)
        c.drawCentredString(0, -30, tpl.copy_mark)
        c.restoreState()
        c.setFillColor(COPY_RED)
        c.setFont(SANS_BOLD, 14)
        c.drawRightString(w - margin - 18, h - margin - 28, tpl.copy_mark)
        c.setFillColor(black)

    fields = {
        "training_title": doc.training_title,
        "organiser": doc.organiser or doc.agency_name.title(),
        "place": doc.place or doc.city,
        "dates": date_range_id(doc.start_date, doc.end_date),
        "hours": str(doc.hours),
        "result": result_text(doc),
        "number": doc.number,
        "city": doc.city,
        "agency_name": doc.agency_name,
    }
    text_w = w - 2 * margin - (120 if land else 70)
    y = h - margin - 24
    logo = logo_reader(doc.logo_path) if tpl.show_logo else None
    if logo is not None:
        lw, lh = logo.getSize()
        size = 54
        scale = size / max(lw, lh)
        c.drawImage(logo, cx - lw * scale / 2, y - lh * scale, lw * scale, lh * scale, mask="auto")
        y -= size + 14
    else:
        y -= 14
    c.setFillColor(border)
    c.setFont(SERIF_BOLD, 12)
    c.drawCentredString(cx, y, doc.government_name)
    y -= 17
    c.setFont(SERIF_BOLD, 15)
    c.drawCentredString(cx, y, doc.agency_name)
    c.setFillColor(black)
    y -= 13
    if doc.address:
        c.setFont(SERIF, 8.5)
        c.drawCentredString(cx, y, doc.address)
        y -= 8
    c.setStrokeColor(border)
    c.setLineWidth(1.2)
    c.line(margin + 40, y, w - margin - 40, y)
    c.setStrokeColor(black)
    y -= 38 if land else 90

    c.setFont(SERIF_BOLD, 24 if land else 21)
    c.setFillColor(border)
    c.drawCentredString(cx, y, tpl.title.format(**fields))
    c.setFillColor(black)
    y -= 20
    c.setFont(SERIF, 12)
    c.drawCentredString(cx, y, tpl.subtitle.format(**fields))
    y -= 32 if land else 60
    c.setFont(SERIF_ITALIC, 12)
    c.drawCentredString(cx, y, tpl.given_to.format(**fields))
    y -= 30
    name_size = 22
    while name_size > 14 and c.stringWidth(doc.name, SERIF_BOLD, name_size) > text_w:
        name_size -= 1
    c.setFont(SERIF_BOLD, name_size)
    c.drawCentredString(cx, y, doc.name)
    y -= 18
    ident = []
    if tpl.show_nik and doc.nik_masked:
        ident.append(f"NIK {doc.nik_masked}")
    if tpl.show_birth and doc.birth_date:
        born = format_date_id(doc.birth_date)
        ident.append(f"lahir di {doc.birth_place.title()}, {born}" if doc.birth_place else f"lahir {born}")
    if ident:
        c.setFont(SERIF, 11)
        c.drawCentredString(cx, y, ", ".join(ident))
        y -= 26
    y = _centred_lines(c, tpl.body.format(**fields), SERIF, 12.5, cx, y, text_w, 17)
    y -= 4
    c.setFont(SERIF_BOLD, 12.5)
    c.drawCentredString(cx, y, tpl.result.format(**fields))
    y -= 18
    if tpl.show_topics and doc.topics:
        _centred_lines(c, "Materi: " + ", ".join(doc.topics), SERIF_ITALIC, 10, cx, y, text_w, 13)

    # signature block, bottom right
    sig = doc.signatory
    sx = w - margin - (150 if land else 130)
    sy = margin + (150 if land else 170)
    c.setFont(SERIF, 11)
    c.drawCentredString(sx, sy, f"{doc.city}, {format_date_id(doc.issued_on)}")
    sy -= 14
    for line in simpleSplit(sig.position, SERIF, 11, 240):
        c.drawCentredString(sx, sy, line)
        sy -= 14
    sy -= 52
    c.setFont(SERIF_BOLD, 11)
    c.drawCentredString(sx, sy, sig.name)
    nw = c.stringWidth(sig.name, SERIF_BOLD, 11)
    c.setLineWidth(0.6)
    c.line(sx - nw / 2, sy - 2, sx + nw / 2, sy - 2)
    sy -= 13
    c.setFont(SERIF, 10)
    if sig.rank:
        c.drawCentredString(sx, sy, sig.rank)
        sy -= 12
    if sig.nip:
        c.drawCentredString(sx, sy, f"NIP. {sig.nip}")

    # QR code with the verification code, bottom left
    qx, qy, qs = margin + 30, margin + 40, 78
    c.drawImage(ImageReader(io.BytesIO(qr_png(doc.qr_payload))), qx, qy, qs, qs)
    c.setFont(SANS, 7.5)
    c.setFillColor(GREY)
    c.drawString(qx, qy - 10, tpl.qr_caption.format(**fields) + ":")
    c.setFont(SANS_BOLD, 9)
    c.drawString(qx, qy - 21, doc.verification_code)
    c.setFillColor(black)


def new_canvas(target: Path | str, tpl: CertificateTemplate, title: str) -> Canvas:
    register_fonts()
    c = Canvas(str(target), pagesize=page_size(tpl))
    c.setTitle(title)
    c.setAuthor("Kaltim Desk")
    c.setSubject("Surat Tanda Tamat Pelatihan")
    return c


def render_certificates(
    docs: Sequence[CertificateDoc],
    tpl: CertificateTemplate,
    target: Path | str,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> Path:
    """All certificates into one PDF (for the printer). Cancel leaves no file behind."""
    target = Path(target)
    total = len(docs)
    title = f"STTP {docs[0].training_title}" if docs else "STTP"
    with atomic_path(target) as tmp:
        c = new_canvas(tmp, tpl, title)
        for i, doc in enumerate(docs):
            if is_cancelled and is_cancelled():
                raise RenderCancelled()
            draw_certificate(c, doc, tpl)
            c.showPage()
            if progress and (i % 10 == 0 or i == total - 1):
                progress(i + 1, total, doc.name)
        c.save()
    return target
