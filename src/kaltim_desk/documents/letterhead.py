"""The letterhead (kop surat, Permendagri 1/2023): the logo at the left, the government and agency
names, address, phone, e-mail and web centred in the space right of the logo, and a thick-thin rule
underneath. It is a flowable, so a batch of agreements in one PDF starts every agreement with its own
letterhead.

Names of any length fit: each line shrinks, then wraps (the agency name to up to three lines), and the
text never runs under the emblem; the letterhead grows taller when it needs to. A logo that is set but
missing or unreadable prints the letterhead without it, and `logo_problem` says why so the GUI, the CLI
and `check` can warn before an officer signs a page without the emblem."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kaltim_desk.documents.fonts import SERIF, SERIF_BOLD, register_fonts
from kaltim_desk.documents.styles import FRAME_WIDTH

log = logging.getLogger(__name__)
LOGO_SIZE = 2.2 * cm
LOGO_GAP = 0.3 * cm
RULE_SPACE = 0.3 * cm


@dataclass(frozen=True)
class Line:
    text: str
    font: str
    size: float


def fit_lines(text: str, font: str, sizes: tuple[float, ...], width: float, max_lines: int) -> list[Line]:
    """`text` on as few lines as fit at the largest size that fits: one line from the largest size
    down, then two lines, then up to `max_lines`; at the smallest size it wraps as it must."""
    text = " ".join(text.split())
    if not text:
        return []
    for n in range(1, max_lines + 1):
        for size in sizes:
            lines = simpleSplit(text, font, size, width)
            if len(lines) <= n and all(stringWidth(x, font, size) <= width for x in lines):
                return [Line(x, font, size) for x in lines]
    size = sizes[-1]
    out: list[Line] = []
    for x in simpleSplit(text, font, size, width):
        while stringWidth(x, font, size) > width and size > 5:  # one word wider than the line
            size -= 0.5
        out.append(Line(x, font, size))
    return out


def letterhead_lines(lh: Any, width: float) -> tuple[Line, ...]:
    """The letterhead's lines, top to bottom, fitted to `width` (the space right of the logo)."""
    contact = "   ".join(
        part
        for part in (
            f"Telepon {lh.phone}" if lh.phone else "",
            f"Pos-el {lh.email}" if lh.email else "",
            f"Laman {lh.web}" if lh.web else "",
        )
        if part
    )
    return _fitted(lh.government_name or "", lh.agency_name or "", lh.address or "", contact, width)


@functools.lru_cache(maxsize=32)
def _fitted(government: str, agency: str, address: str, contact: str, width: float) -> tuple[Line, ...]:
    """Cached: a batch of 500 agreements lays out the same letterhead once, not 500 times."""
    lines = fit_lines(government.upper(), SERIF_BOLD, (13, 12.5, 12, 11.5, 11, 10.5, 10), width, 2)
    lines += fit_lines(
        agency.upper(), SERIF_BOLD, (15, 14.5, 14, 13.5, 13, 12.5, 12, 11.5, 11, 10.5, 10), width, 3
    )
    for small in (address, contact):
        lines += fit_lines(small, SERIF, (9, 8.5, 8, 7.5, 7), width, 2)
    return tuple(lines)


def logo_problem(path: str) -> str | None:
    """Why the logo set in the office profile will not print, or None when it will (or none is set)."""
    path = (path or "").strip()
    if not path:
        return None
    p = Path(path)
    if not p.is_file():
        return f"Berkas logo {path} tidak ditemukan; kop surat dan sertifikat tercetak tanpa lambang."
    if _read_logo(str(p), p.stat().st_mtime) is None:
        return f"Berkas logo {path} tidak dapat dibaca sebagai gambar; kop surat tercetak tanpa lambang."
    return None


@functools.lru_cache(maxsize=8)
def _read_logo(path: str, mtime: float) -> ImageReader | None:
    try:
        reader = ImageReader(path)
        reader.getSize()
        return reader
    except Exception:  # a broken image must not stop the printing; the kop prints without it
        log.warning("logo %s could not be read", path)
        return None


def logo_image(path: str) -> ImageReader | None:
    """The decoded logo (cached per file and modification time), or None when unset or unreadable."""
    path = (path or "").strip()
    if not path:
        return None
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        log.warning("logo %s not found", path)
        return None
    return _read_logo(str(p), mtime)


def _lead(line: Line) -> float:
    return line.size * 1.22


class LetterheadFlowable(Flowable):
    def __init__(self, letterhead: Any, width: float = FRAME_WIDTH) -> None:
        super().__init__()
        register_fonts()
        self.lh = letterhead
        self.width = width
        self._logo = logo_image(getattr(letterhead, "logo_path", "") or "")
        self.text_left = LOGO_SIZE + LOGO_GAP if self._logo is not None else 0.0
        self._layout(width)

    def _layout(self, width: float) -> None:
        self.width = width
        self.lines = letterhead_lines(self.lh, width - self.text_left)
        text_height = sum(_lead(x) for x in self.lines) + 0.15 * cm
        self.height = max(text_height, LOGO_SIZE + 0.1 * cm) + RULE_SPACE

    @property
    def memo_key(self) -> tuple[Any, ...]:
        """What this letterhead draws (documents/memo.py): the same lines at the same size and logo."""
        return (self.lines, self.width, self.height, self.text_left, self._logo)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width < self.width:  # the frame's padding: never wider than the text column
            self._layout(avail_width)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        centre = self.text_left + (self.width - self.text_left) / 2
        if self._logo is not None:
            iw, ih = self._logo.getSize()
            scale = LOGO_SIZE / max(iw, ih)
            c.drawImage(self._logo, 0, self.height - LOGO_SIZE, iw * scale, ih * scale, mask="auto")
        y = self.height
        for line in self.lines:
            y -= _lead(line)
            c.setFont(line.font, line.size)
            c.drawCentredString(centre, y + line.size * 0.22, line.text)
        c.setLineWidth(2)
        c.line(0, 0.12 * cm, self.width, 0.12 * cm)
        c.setLineWidth(0.6)
        c.line(0, 0.02 * cm, self.width, 0.02 * cm)
