"""Berita Acara Serah Terima (BAST, hand-over minutes): opens with the date spelled out in words
("Pada hari ini Senin tanggal ... bulan ... tahun ..."), names PIHAK PERTAMA (the office) and PIHAK KEDUA
(the recipient), lists the goods (or the tranches paid), states the total in figures and words, and
carries the signatures of both parties and of the acknowledging officer. Text from
`resources/templates/handover.json`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from kaltim_desk.documents.agreement import (
    _sign_cell,
    detail_table,
    parties,
    signatory_lines,
    signature_table,
    template_values,
)
from kaltim_desk.documents.letterhead import LetterheadFlowable
from kaltim_desk.documents.styles import esc, styles, write_pdf
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.domain.terbilang import terbilang_rupiah


def handover_story(doc: Any, tpl: dict[str, Any] | None = None) -> list[Flowable]:
    tpl = tpl or load_template("handover")
    st = styles()
    when = doc.document_date or date.today()
    values = template_values(doc, when)
    name = "handover"
    total = doc.amount if doc.form == "goods" else sum(t.paid_amount or 0 for t in doc.tranches if t.paid_on)
    story: list[Flowable] = [
        LetterheadFlowable(doc.letterhead),
        Spacer(1, 10),
        Paragraph(esc(fill(tpl["title"], values, template=name)), st["title"]),
        Paragraph(esc(fill(tpl["subtitle"], values, template=name)), st["subtitle"]),
        Paragraph(f"Nomor: {esc(doc.document_number)}", st["number"]),
        Paragraph(esc(fill(tpl["opening"], values, template=name)), st["body"]),
        Spacer(1, 4),
        *parties(doc, tpl, values, name),
        Paragraph(esc(fill(tpl["statement"], values, template=name)), st["body"]),
        Spacer(1, 4),
        detail_table(doc, paid_only=doc.form == "cash"),
        Spacer(1, 4),
        Paragraph(
            f"Jumlah yang diserahterimakan: <b>{esc(format_rupiah(total))}</b> "
            f"({esc(terbilang_rupiah(total))}).",
            st["body"],
        ),
        Spacer(1, 4),
    ]
    for text in tpl["closing"]:
        story.append(Paragraph(esc(fill(text, values, template=name)), st["body"]))
    story += [CondPageBreak(7 * cm), Spacer(1, 8)]
    p1 = doc.signatory(tpl["signatories"].get("party1", "section_head"))
    p2 = doc.party2
    left = _sign_cell(["PIHAK KEDUA,", "Yang menerima,"], p2.name, [p2.position], stamp=False)
    right = _sign_cell(
        [f"{doc.city}, {format_date_id(when)}", "PIHAK PERTAMA,", "Yang menyerahkan,"],
        p1.name,
        [p1.position, *signatory_lines(p1)],
        stamp=False,
    )
    below = None
    if tpl.get("show_acknowledger"):
        ack = doc.signatory(tpl["signatories"].get("acknowledger", "head"))
        below = _sign_cell(["Mengetahui,", ack.position], ack.name, signatory_lines(ack), stamp=False)
    story.append(signature_table(left, right, below))
    return story


def render_handover(doc: Any, target: Path | str, *, tpl: dict[str, Any] | None = None) -> Path:
    return write_pdf(
        target,
        handover_story(doc, tpl),
        title=f"Berita Acara Serah Terima {doc.document_number}",
        author=doc.letterhead.agency_name,
        footer=f"BAST {doc.document_number} — {doc.party2.group_name or doc.party2.name}",
    )
