"""The papers printed for one grant, declared once: the CLI's `print KIND` choices and the grant
editor's document list both iterate `GRANT_PAPERS`, and `printing.print_grant_document_job` looks the
kind up here.

Adding a paper touches three places: its assembler in `papers.py` (a frozen DTO from the session), its
renderer in `documents/` (the DTO to a PDF), and one entry below. Assembler and renderer are named by
module so that listing the kinds loads neither ReportLab nor the number-to-words library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kaltim_desk.i18n import _


@dataclass(frozen=True)
class GrantPaper:
    kind: str  # `print KIND`, the file name's prefix
    label: Callable[[], str]  # the grant editor's list (translated when asked)
    help: str  # the CLI's one-line help
    assembler: str  # "module:function" (session, grant_id=..., [seq=tranche]) -> DTO
    renderer: str  # "module:function" (DTO, out) -> Path
    takes_tranche: bool = False
    description: str = ""
    # a numbered paper, issued once and reprinted unchanged (a SALINAN unless an original is asked)
    numbered: bool = True

    def assemble(
        self, session: Session, grant_id: int, tranche: int | None, *, original: bool = False
    ) -> Any:
        extra: dict[str, Any] = {"seq": tranche} if self.takes_tranche else {}
        if self.numbered:
            extra["original"] = original
        return _function(self.assembler)(session, grant_id=grant_id, **extra)

    def render(self, doc: Any, out: Path) -> Path:
        path: Path = _function(self.renderer)(doc, out)
        return path


def _function(ref: str) -> Callable[..., Any]:
    module, name = ref.split(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


GRANT_PAPERS: dict[str, GrantPaper] = {
    p.kind: p
    for p in (
        GrantPaper(
            "agreement",
            lambda: _("Perjanjian"),
            "perjanjian bantuan satu penerima",
            "kaltim_desk.services.aid.papers:agreement_document",
            "kaltim_desk.documents.agreement:render_agreement",
            description="Mencetak perjanjian pemberian bantuan (kop, nomor, para pihak, nilai, pasal, tanda "
            "tangan). Cetak pertama menerbitkan nomor dan menyimpan isinya; cetak ulang sama persis, bertanda "
            "SALINAN (--original: asli pengganti, hanya peran yang diizinkan).",
        ),
        GrantPaper(
            "handover",
            lambda: _("BAST (barang, atau tahap terpilih)"),
            "berita acara serah terima (BAST): barang, atau satu tahap bantuan uang yang dibayar",
            "kaltim_desk.services.aid.papers:handover_document",
            "kaltim_desk.documents.handover:render_handover",
            takes_tranche=True,
            description="Mencetak BAST. Bantuan barang: satu BAST setelah serah terima dicatat. Bantuan uang: "
            "satu BAST per tahap yang sudah dibayar (--tranche N; bawaan tahap terakhir dibayar); sebelum ada "
            "pembayaran BAST ditolak. Cetak pertama menerbitkan nomor dan menyimpan isinya; cetak ulang sama "
            "persis, bertanda SALINAN.",
        ),
        GrantPaper(
            "receipt",
            lambda: _("Kuitansi tahap terpilih"),
            "kuitansi satu tahap pembayaran",
            "kaltim_desk.services.aid.papers:receipt_document",
            "kaltim_desk.documents.receipt:render_receipt",
            takes_tranche=True,
        ),
        GrantPaper(
            "group-summary",
            lambda: _("Ringkasan kelompok"),
            "ringkasan satu halaman kelompok penerima bantuan",
            "kaltim_desk.services.aid.papers:group_summary_document",
            "kaltim_desk.documents.group_summary:render_group_summary",
            numbered=False,
        ),
    )
}
