"""One page per KUBE group: its identity (village, business, bank), its members with their roles (NIK
masked: the page may leave the office) and every grant it received (money paid or goods handed over,
at the amount that reached it), with the total."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from kaltim_desk.documents.agreement import _kv_table, _sign_cell, signatory_lines
from kaltim_desk.documents.fonts import SANS_BOLD
from kaltim_desk.documents.letterhead import LetterheadFlowable
from kaltim_desk.documents.styles import (
    FRAME_WIDTH,
    GRID,
    SHADE,
    DocumentStart,
    esc,
    keep_last_words,
    styles,
    table_style,
    write_pdf,
)
from kaltim_desk.documents.templates import load_template
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah


def _grid(rows: list[list[Any]], widths: list[float], *, total_row: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    if total_row:
        style.append(("FONTNAME", (0, -1), (-1, -1), SANS_BOLD))
    table.setStyle(table_style(style))
    return table


def group_summary_story(doc: Any, tpl: dict[str, Any] | None = None) -> list[Flowable]:
    tpl = tpl or load_template("group_summary")
    st = styles()

    def c(text: object, style: str = "cell") -> Paragraph:
        return Paragraph(esc(text), st[style])

    identity = _kv_table(
        [
            ("Nama kelompok", doc.group_name),
            ("Desa/Kelurahan", doc.village or "-"),
            ("Kecamatan", doc.district or "-"),
            ("Kabupaten/Kota", doc.regency or "-"),
            ("Jenis usaha", doc.business_type or "-"),
            ("Tgl. pembentukan", format_date_id(doc.formed_on) if doc.formed_on else "-"),
            ("Status", doc.status),
            ("Rekening", doc.bank or "-"),
        ],
        indent=0,
        key_width=3.8 * cm,
    )
    members = [[c(h, "cell_bold") for h in ("No", "Nama", "NIK", "Jabatan", "Jenis usaha")]]
    for n, m in enumerate(doc.members, start=1):
        members.append([c(n, "cell_center"), c(m.name), c(m.nik), c(m.role), c(m.business_type)])
    aid = [[c(h, "cell_bold") for h in ("Program", "Bentuk", "Diterima", "Status")]]
    for programme, form, amount, status in doc.grants:
        aid.append([c(programme), c(form), c(format_rupiah(amount), "cell_right"), c(status)])
    total = sum(g[2] for g in doc.grants)
    aid.append([c("Jumlah", "cell_bold"), "", c(format_rupiah(total), "cell_right"), ""])
    signer = doc.signatory(tpl["signatories"].get("signer", "section_head"))
    sign = _sign_cell(
        [f"{doc.city}, {format_date_id(doc.printed_on)}", signer.position],
        signer.name,
        signatory_lines(signer),
        stamp=False,
    )
    sign_table = Table([["", sign]], colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2])
    sign_table.setStyle(table_style())
    return [
        DocumentStart(f"Ringkasan kelompok {doc.group_name}"),
        LetterheadFlowable(doc.letterhead),
        Spacer(1, 8),
        Paragraph(esc(keep_last_words(tpl["title"])), st["title"]),
        Spacer(1, 8),
        identity,
        Spacer(1, 8),
        Paragraph(f"<b>Anggota ({len(doc.members)} orang)</b>", st["left"]),
        _grid(members, [1.1 * cm, 6.4 * cm, 3.4 * cm, 2.2 * cm, 3.4 * cm]),
        Spacer(1, 8),
        KeepTogether(
            [
                Paragraph("<b>Bantuan yang diterima</b>", st["left"]),
                _grid(aid, [7.0 * cm, 2.2 * cm, 3.4 * cm, 3.9 * cm], total_row=True),
                Spacer(1, 6),
                sign_table,
            ]
        ),
    ]


def render_group_summary(doc: Any, target: Path | str, *, tpl: dict[str, Any] | None = None) -> Path:
    return write_pdf(
        target,
        group_summary_story(doc, tpl),
        title=f"Ringkasan {doc.group_name}",
        author=doc.letterhead.agency_name,
        footer=f"Ringkasan kelompok {doc.group_name}",
    )
