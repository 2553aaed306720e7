"""The letterhead (kop surat, Permendagri 1/2023): the logo at the left, the government and agency
names, address, phone, e-mail and web centred, and a thick-thin rule underneath. It is a flowable, so
a batch of agreements in one PDF starts every agreement with its own letterhead."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from kaltim_desk.documents.fonts import SERIF, SERIF_BOLD, register_fonts
from kaltim_desk.documents.styles import FRAME_WIDTH

log = logging.getLogger(__name__)
LOGO_SIZE = 2.2 * cm


class LetterheadFlowable(Flowable):
    def __init__(self, letterhead: Any, width: float = FRAME_WIDTH) -> None:
        super().__init__()
        register_fonts()
        self.lh = letterhead
        self.width = width
        self.height = 3.0 * cm
        self._logo = None
        path = (getattr(letterhead, "logo_path", "") or "").strip()
        if path:
            try:
                if Path(path).is_file():
                    self._logo = ImageReader(path)
            except Exception:  # a broken image must not stop the printing; the kop prints without it
                log.warning("logo %s could not be read", path)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        lh = self.lh
        centre = self.width / 2
        text_left = 0.0
        if self._logo is not None:
            iw, ih = self._logo.getSize()
            scale = LOGO_SIZE / max(iw, ih)
            c.drawImage(
                self._logo, 0, self.height - LOGO_SIZE - 0.1 * cm, iw * scale, ih * scale, mask="auto"
            )
            text_left = LOGO_SIZE
            centre = text_left + (self.width - text_left) / 2
        y = self.height - 0.55 * cm
        c.setFont(SERIF_BOLD, 13)
        c.drawCentredString(centre, y, lh.government_name.upper())
        y -= 0.6 * cm
        c.setFont(SERIF_BOLD, 15)
        c.drawCentredString(centre, y, lh.agency_name.upper())
        y -= 0.5 * cm
        c.setFont(SERIF, 9)
        if lh.address:
            c.drawCentredString(centre, y, lh.address)
            y -= 0.4 * cm
        contact = "   ".join(
            part
            for part in (
                f"Telepon {lh.phone}" if lh.phone else "",
                f"Pos-el {lh.email}" if lh.email else "",
                f"Laman {lh.web}" if lh.web else "",
            )
            if part
        )
        if contact:
            c.drawCentredString(centre, y, contact)
        c.setLineWidth(2)
        c.line(0, 0.12 * cm, self.width, 0.12 * cm)
        c.setLineWidth(0.6)
        c.line(0, 0.02 * cm, self.width, 0.02 * cm)
