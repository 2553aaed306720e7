"""Certificates one file per participant (to e-mail or to archive), each written atomically, with
progress and cancel. A cancel keeps the files already finished and never leaves a half-written one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from kaltim_desk.documents.certificate import (
    IsCancelled,
    Progress,
    RenderCancelled,
    draw_certificate,
    new_canvas,
)
from kaltim_desk.documents.model import CertificateDoc, CertificateTemplate
from kaltim_desk.fileio import atomic_path


def file_name(doc: CertificateDoc) -> str:
    """`0007-STTP-DINSOS-2026_SITI-AMINAH.pdf`: the number first, so the folder sorts like the register."""
    number = re.sub(r"[^0-9A-Za-z]+", "-", doc.number).strip("-")
    name = re.sub(r"[^0-9A-Za-z]+", "-", doc.name).strip("-")[:60]
    return f"{number}_{name}.pdf"


def render_per_participant(
    docs: Sequence[CertificateDoc],
    tpl: CertificateTemplate,
    folder: Path | str,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = len(docs)
    for i, doc in enumerate(docs):
        if is_cancelled and is_cancelled():
            raise RenderCancelled()
        target = folder / file_name(doc)
        with atomic_path(target) as tmp:
            c = new_canvas(tmp, tpl, f"STTP {doc.number} {doc.name}")
            draw_certificate(c, doc, tpl)
            c.showPage()
            c.save()
        written.append(target)
        if progress:
            progress(i + 1, total, doc.name)
    return written
