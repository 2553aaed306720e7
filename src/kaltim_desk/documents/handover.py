"""Berita Acara Serah Terima (BAST, hand-over minutes) of one event: the goods handed over, or one
paid tranche of a cash grant. Opens with the date spelled out in words ("Pada hari ini Senin tanggal
... bulan ... tahun ..."), names PIHAK PERTAMA (the office) and PIHAK KEDUA (the recipient), lists the
goods (or the tranche paid), states the amount in figures and words and how the money was handed over
(a transfer or cash), and carries the signatures of both parties and of the acknowledging officer, kept
on one page with the closing sentences. Text from `resources/templates/handover.json`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Spacer

from kaltim_desk.documents.agreement import (
    _sign_cell,
    detail_table,
    document_header,
    parties,
    signatory_lines,
    signature_table,
    template_values,
)
from kaltim_desk.documents.styles import esc, styles, write_pdf
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.domain.terbilang import terbilang_rupiah


def handover_amount(doc: Any) -> int:
    """What this BAST hands over: the goods' value, or the amount of its tranche as paid."""
    if doc.form == "goods":
        return int(doc.amount)
    t = doc.tranche
    if t is not None:
        return int(t.paid_amount if t.paid_amount is not None else t.planned_amount)
    return sum(t.paid_amount or 0 for t in doc.tranches if t.paid_on)


def handover_footer(doc: Any) -> str:
    return f"BAST {doc.document_number} — {doc.party2.group_name or doc.party2.name}"


def handover_story(doc: Any, tpl: dict[str, Any] | None = None) -> list[Flowable]:
    tpl = tpl or load_template("handover")
    st = styles()
    when = doc.document_date or date.today()
    values = template_values(doc, when)
    name = "handover"
    cash = doc.form == "cash"
    total = handover_amount(doc)

    def text(key: str) -> str:
        chosen = tpl.get(f"{key}_cash", tpl[key]) if cash else tpl[key]
        if isinstance(chosen, list):
            return "\n".join(chosen)
        return str(chosen)

    story: list[Flowable] = [
        *document_header(
            doc,
            handover_footer(doc),
            fill(tpl["title"], values, template=name),
            fill(tpl["subtitle"], values, template=name),
            doc.document_number,
        ),
        Paragraph(esc(fill(tpl["opening"], values, template=name)), st["body"]),
        Spacer(1, 4),
        *parties(doc, tpl, values, name),
        Paragraph(esc(fill(text("statement"), values, template=name)), st["body"]),
        Spacer(1, 4),
        detail_table(doc, paid_only=cash),
        Spacer(1, 4),
    ]
    amount = Paragraph(
        f"Jumlah yang diserahterimakan: <b>{esc(format_rupiah(total))}</b> ({esc(terbilang_rupiah(total))}).",
        st["body"],
    )
    closing_texts = tpl.get("closing_cash", tpl["closing"]) if cash else tpl["closing"]
    closing: list[Flowable] = [
        Paragraph(esc(fill(t, values, template=name)), st["body"]) for t in closing_texts
    ]
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
    # the amount handed over, the closing sentences, place and date and signatures: one page
    story.append(signature_table(left, right, below, closing=[amount, Spacer(1, 4), *closing, Spacer(1, 8)]))
    return story


def render_handover(doc: Any, target: Path | str, *, tpl: dict[str, Any] | None = None) -> Path:
    return write_pdf(
        target,
        handover_story(doc, tpl),
        title=f"Berita Acara Serah Terima {doc.document_number}",
        author=doc.letterhead.agency_name,
        footer=handover_footer(doc),
    )
