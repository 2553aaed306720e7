"""Kuitansi (receipt) for one paid tranche: number, who paid (the office's paying treasurer, in title
case as a sentence reads), the amount in words and in figures, what for, the receiver's signature over a
meterai box when the office's rules ask for one (above Rp5.000.000 by default), the approving officer
("Setuju dibayar") and the paying treasurer ("Lunas dibayar"), kept on one page with the amount.
Text from `resources/templates/receipt.json`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from kaltim_desk.documents.agreement import _sign_cell, signatory_lines, signature_table, template_values
from kaltim_desk.documents.letterhead import LetterheadFlowable
from kaltim_desk.documents.styles import (
    FRAME_WIDTH,
    GRID,
    SHADE,
    DocumentStart,
    esc,
    styles,
    table_style,
    write_pdf,
)
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.domain.terbilang import terbilang_rupiah


def receipt_story(doc: Any, tpl: dict[str, Any] | None = None) -> list[Flowable]:
    tpl = tpl or load_template("receipt")
    st = styles()
    t = doc.tranche
    if t is None:
        raise ValueError("a receipt needs the DTO's tranche")
    amount = t.paid_amount if t.paid_amount is not None else t.planned_amount
    when = t.paid_on or doc.document_date or date.today()
    values = template_values(doc, when)
    values.update(
        seq=t.seq,
        share=t.planned_share_pct,
        bank_reference=t.bank_reference or "-",
        amount=format_rupiah(amount),
    )
    name = "receipt"
    rows = [
        ("Nomor", doc.document_number),
        ("Sudah terima dari", fill(tpl["received_from"], values, template=name)),
        ("Uang sejumlah", terbilang_rupiah(amount, capitalize=True)),
        ("Untuk pembayaran", fill(tpl["purpose"], values, template=name)),
        ("Rekening tujuan", values["bank"]),
        ("Referensi bank", t.bank_reference or "-"),
    ]
    data = [
        [Paragraph(esc(k), st["left"]), Paragraph(":", st["left"]), Paragraph(esc(v), st["left"])]
        for k, v in rows
    ]
    table = Table(data, colWidths=[4.2 * cm, 0.4 * cm, FRAME_WIDTH - 4.6 * cm])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (1, 0), (1, -1), 1),
                ("RIGHTPADDING", (1, 0), (1, -1), 1),
                ("BACKGROUND", (2, 2), (2, 2), SHADE),
                ("FONTNAME", (2, 2), (2, 2), "KDSerif-Italic"),
            ]
        )
    )
    figure = Table(
        [[Paragraph(f"<b>{esc(format_rupiah(amount))}</b>", st["left"])]], colWidths=[5.5 * cm], hAlign="LEFT"
    )
    figure.setStyle(
        table_style([("BOX", (0, 0), (-1, -1), 1.2, GRID), ("BACKGROUND", (0, 0), (-1, -1), SHADE)])
    )
    approver = doc.signatory(tpl["signatories"].get("approver", "head"))
    receiver = doc.party2
    treasurer = doc.signatory(tpl["signatories"].get("treasurer", "treasurer"))
    left = _sign_cell(
        [tpl.get("approver_caption", "Setuju dibayar,"), approver.position],
        approver.name,
        signatory_lines(approver),
        stamp=False,
    )
    right = _sign_cell(
        [
            f"{doc.city}, {format_date_id(when)}",
            tpl.get("receiver_caption", "Yang menerima,"),
            receiver.position,
        ],
        receiver.name,
        [f"NIK {receiver.nik}" if receiver.nik else ""],
        stamp=doc.needs_duty_stamp,
    )
    paid = _sign_cell(
        [tpl.get("treasurer_caption", "Lunas dibayar,"), treasurer.position],
        treasurer.name,
        signatory_lines(treasurer),
        stamp=False,
    )
    return [
        DocumentStart(receipt_footer(doc), doc.copy_mark),
        LetterheadFlowable(doc.letterhead),
        Spacer(1, 12),
        Paragraph(f"<u>{esc(fill(tpl['title'], values, template=name))}</u>", st["title"]),
        Spacer(1, 10),
        table,
        Spacer(1, 10),
        signature_table(left, right, paid, closing=[figure, Spacer(1, 14)]),
    ]


def receipt_footer(doc: Any) -> str:
    return f"Kuitansi {doc.document_number}"


def render_receipt(doc: Any, target: Path | str, *, tpl: dict[str, Any] | None = None) -> Path:
    return write_pdf(
        target,
        receipt_story(doc, tpl),
        title=f"Kuitansi {doc.document_number}",
        author=doc.letterhead.agency_name,
        footer=receipt_footer(doc),
    )
