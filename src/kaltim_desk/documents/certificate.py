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
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kaltim_desk.core.progress import Cancelled
from kaltim_desk.documents.agreement import title_id
from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kaltim_desk.documents.letterhead import Line, fit_lines
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


NAME_SIZES_ONE_LINE = (22, 21, 20, 19, 18, 17, 16, 15, 14)
NAME_SIZES_TWO_LINES = (16, 15, 14, 13, 12, 11, 10, 9.5, 9, 8.5, 8)


@functools.lru_cache(maxsize=4096)
def name_lines(name: str, width: float) -> tuple[Line, ...]:
    """The participant's name: one line shrunk from 22 pt down to 14, then two lines (up to the
    database's 150 characters of the widest letters), never cut at the page edge."""
    one = fit_lines(name, SERIF_BOLD, NAME_SIZES_ONE_LINE, width, 1)
    if len(one) == 1 and one[0].size >= NAME_SIZES_ONE_LINE[-1]:
        return tuple(one)
    return tuple(fit_lines(name, SERIF_BOLD, NAME_SIZES_TWO_LINES, width, 2))


SIGNER_WIDTH = 250


@functools.lru_cache(maxsize=64)
def _signer_lines(name: str) -> tuple[Line, ...]:
    """The signing officer's name under the signature: shrunk, then wrapped within its block."""
    return tuple(fit_lines(name, SERIF_BOLD, (11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7), SIGNER_WIDTH, 2))


@functools.lru_cache(maxsize=32)
def _head_lines(government: str, agency: str, width: float) -> tuple[Line, ...]:
    """The institution at the top: the government on one line (two if it must), the agency shrunk and
    wrapped to up to three lines."""
    lines = fit_lines(government, SERIF_BOLD, (12, 11.5, 11, 10.5, 10), width, 2)
    lines += fit_lines(agency, SERIF_BOLD, (15, 14.5, 14, 13.5, 13, 12.5, 12, 11.5, 11), width, 3)
    return tuple(lines)


def _fields(doc: CertificateDoc) -> dict[str, str]:
    return {
        "training_title": doc.training_title,
        "organiser": doc.organiser or title_id(doc.agency_name),
        "place": doc.place or doc.city,
        "dates": date_range_id(doc.start_date, doc.end_date),
        "hours": str(doc.hours),
        "result": result_text(doc),
        "number": doc.number,
        "city": doc.city,
        "agency_name": doc.agency_name,
    }


def _ident(doc: CertificateDoc, tpl: CertificateTemplate) -> str:
    ident = []
    if tpl.show_nik and doc.nik_masked:
        ident.append(f"NIK {doc.nik_masked}")
    if tpl.show_birth and doc.birth_date:
        born = format_date_id(doc.birth_date)
        ident.append(f"lahir di {doc.birth_place.title()}, {born}" if doc.birth_place else f"lahir {born}")
    return ", ".join(ident)


def draw_preprinted(c: Canvas, doc: CertificateDoc, tpl: CertificateTemplate) -> None:
    """Only the variable fields, at the office's positions, for printing on pre-printed blanks (the
    frame, emblem, institution and title are on the paper already)."""
    w, h = page_size(tpl)
    at = {k: (x * mm, h - y * mm) for k, x, y in tpl.positions}
    fields = _fields(doc)
    text_w = w - 2 * 40 * mm if tpl.orientation == "landscape" else w - 2 * 25 * mm
    x, y = at["number"]
    c.setFont(SERIF, 12)
    c.drawCentredString(x, y, tpl.subtitle.format(**fields))
    x, y = at["name"]
    for n, line in enumerate(name_lines(doc.name, text_w)):
        if n:
            y -= line.size * 1.15
        c.setFont(line.font, line.size)
        c.drawCentredString(x, y, line.text)
    ident = _ident(doc, tpl)
    if ident:
        x, y = at["ident"]
        c.setFont(SERIF, 11)
        c.drawCentredString(x, y, ident)
    x, y = at["body"]
    _centred_lines(c, tpl.body.format(**fields), SERIF, 12, x, y, text_w, 16)
    x, y = at["result"]
    c.setFont(SERIF_BOLD, 12)
    c.drawCentredString(x, y, tpl.result.format(**fields))
    x, y = at["place_date"]
    c.setFont(SERIF, 11)
    c.drawCentredString(x, y, f"{doc.city}, {format_date_id(doc.issued_on)}")
    sig = doc.signatory
    x, y = at["signatory"]
    for line in _signer_lines(sig.name):
        c.setFont(line.font, line.size)
        c.drawCentredString(x, y, line.text)
        y -= line.size * 1.2
    c.setFont(SERIF, 10)
    if sig.nip:
        c.drawCentredString(x, y - 1, f"NIP. {sig.nip}")
    x, y = at["qr"]
    qs = 22 * mm
    c.drawImage(ImageReader(io.BytesIO(qr_png(doc.qr_payload))), x, y - qs, qs, qs)
    c.setFont(SANS_BOLD, 8)
    c.drawString(x, y - qs - 10, doc.verification_code)
    if doc.is_copy:
        c.setFillColor(COPY_RED)
        c.setFont(SANS_BOLD, 12)
        c.drawRightString(w - 15 * mm, h - 15 * mm, tpl.copy_mark)
        c.setFillColor(black)


def draw_calibration(c: Canvas, tpl: CertificateTemplate) -> None:
    """A test page for pre-printed blanks: a millimetre ruler along the edges and a labelled cross at
    each field's position. Print it on a blank, hold it to the light, and move the positions in the
    settings (mm from the left and top edges) until every cross sits where its text belongs."""
    w, h = page_size(tpl)
    c.setStrokeColor(GREY)
    c.setFillColor(GREY)
    c.setLineWidth(0.3)
    c.setFont(SANS, 6)
    for n in range(0, int(w / mm) + 1, 5):
        tick = 4 * mm if n % 10 == 0 else 2 * mm
        c.line(n * mm, h, n * mm, h - tick)
        c.line(n * mm, 0, n * mm, tick)
        if n % 20 == 0 and 0 < n < w / mm - 5:
            c.drawCentredString(n * mm, h - 7 * mm, str(n))
    for n in range(0, int(h / mm) + 1, 5):
        tick = 4 * mm if n % 10 == 0 else 2 * mm
        c.line(0, h - n * mm, tick, h - n * mm)
        c.line(w, h - n * mm, w - tick, h - n * mm)
        if n % 20 == 0 and 0 < n < h / mm - 5:
            c.drawString(5 * mm, h - n * mm - 2, str(n))
    c.setStrokeColor(COPY_RED)
    c.setFillColor(COPY_RED)
    c.setLineWidth(0.6)
    for key, x, y in tpl.positions:
        px, py = x * mm, h - y * mm
        c.line(px - 4 * mm, py, px + 4 * mm, py)
        c.line(px, py - 4 * mm, px, py + 4 * mm)
        c.setFont(SANS_BOLD, 8)
        c.drawString(px + 1.5 * mm, py + 1.5 * mm, f"{key} ({x:g}, {y:g} mm)")
    c.setFillColor(black)
    c.setFont(SANS_BOLD, 11)
    # the heading at the top, clear of every field's default position (the first is 62 mm down)
    c.drawCentredString(w / 2, h - 25 * mm, "HALAMAN KALIBRASI BLANGKO SERTIFIKAT")
    c.setFont(SANS, 9)
    c.drawCentredString(
        w / 2,
        h - 32 * mm,
        "Cetak pada blangko, terawang ke cahaya; geser posisi di Pelatihan > Pengaturan (mm dari kiri, atas).",
    )


def render_calibration(tpl: CertificateTemplate, target: Path | str) -> Path:
    """The calibration page of `tpl`'s positions as a one-page PDF (atomically)."""
    target = Path(target)
    with atomic_path(target) as tmp:
        c = new_canvas(tmp, tpl, "Kalibrasi blangko sertifikat")
        draw_calibration(c, tpl)
        c.showPage()
        c.save()
    return target


def draw_certificate(c: Canvas, doc: CertificateDoc, tpl: CertificateTemplate) -> None:
    """Draw one certificate on the canvas's current page (the caller ends the page)."""
    if tpl.preprinted:
        draw_preprinted(c, doc, tpl)
        return
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

    fields = _fields(doc)
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
    head = _head_lines(doc.government_name, doc.agency_name, text_w)
    for n, line in enumerate(head):
        if n:
            y -= max(line.size, head[n - 1].size) * 1.15
        c.setFont(line.font, line.size)
        c.drawCentredString(cx, y, line.text)
    y -= 13
    c.setFillColor(black)
    if doc.address:
        for line in fit_lines(doc.address, SERIF, (8.5, 8, 7.5, 7), text_w, 2):
            c.setFont(line.font, line.size)
            c.drawCentredString(cx, y, line.text)
            y -= 9
        y += 1
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
    for n, line in enumerate(name_lines(doc.name, text_w)):
        if n:
            y -= line.size * 1.15
        c.setFont(line.font, line.size)
        c.drawCentredString(cx, y, line.text)
    y -= 18
    ident = _ident(doc, tpl)
    if ident:
        c.setFont(SERIF, 11)
        c.drawCentredString(cx, y, ident)
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
    sy: float = margin + (150 if land else 170)
    c.setFont(SERIF, 11)
    c.drawCentredString(sx, sy, f"{doc.city}, {format_date_id(doc.issued_on)}")
    sy -= 14
    for line in simpleSplit(sig.position, SERIF, 11, 240):
        c.drawCentredString(sx, sy, line)
        sy -= 14
    sy -= 52
    c.setLineWidth(0.6)
    for n, line in enumerate(_signer_lines(sig.name)):
        if n:
            sy -= line.size * 1.2
        c.setFont(line.font, line.size)
        c.drawCentredString(sx, sy, line.text)
        nw = c.stringWidth(line.text, line.font, line.size)
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
