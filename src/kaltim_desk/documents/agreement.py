"""The grant agreement (perjanjian): letterhead, title and number, the two parties, the amount in
figures and words, the items or tranches, the articles and obligations from the office's template
(`resources/templates/agreement.json`), the duty-stamp (meterai) box the office's rules ask for (on every
agreement by default, UU 10/2020), and signatures kept on one page with the closing article.

Takes an `AidDoc` DTO (built by `services.aid.papers.agreement_document`), never a session. The building
blocks (parties, detail table, signature table, meterai box) are shared with the BAST and the receipt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from kaltim_desk.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD
from kaltim_desk.documents.letterhead import LetterheadFlowable
from kaltim_desk.documents.memo import MemoKeepTogether, MemoParagraph, MemoTable
from kaltim_desk.documents.styles import (
    FRAME_WIDTH,
    GRID,
    SHADE,
    DocumentStart,
    esc,
    fitted_style,
    keep_last_words,
    styles,
    table_style,
    write_pdf,
)
from kaltim_desk.documents.templates import fill, load_template
from kaltim_desk.domain.dates import date_in_words, format_date_id
from kaltim_desk.domain.money import format_number, format_rupiah

DETAIL_MARKER = "[[RINCIAN]]"
CAPTION_LINES = 3
# words an Indonesian title keeps in lower case ("Dinas Sosial, Pemberdayaan Perempuan dan ...")
_SMALL_WORDS = frozenset({"dan", "di", "ke", "dari", "untuk", "yang", "pada", "serta", "atau", "c.q."})


def title_id(text: str) -> str:
    """An upper-case name in title case as it reads inside a sentence: "DINAS SOSIAL DAN
    PEMBERDAYAAN" -> "Dinas Sosial dan Pemberdayaan" (short words lower, the first word capitalised)."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if i and low.strip(",.") in _SMALL_WORDS:
            out.append(low)
            continue
        lead = len(low) - len(low.lstrip("(\"'"))  # "(KANTOR DEMO)" -> "(Kantor Demo)"
        out.append(low[:lead] + low[lead : lead + 1].upper() + low[lead + 1 :])
    return " ".join(out)


def region_of(government_name: str) -> str:
    """ "PEMERINTAH PROVINSI KALIMANTAN TIMUR" -> "Provinsi Kalimantan Timur"."""
    name = government_name.strip()
    if name.upper().startswith("PEMERINTAH "):
        name = name[len("PEMERINTAH ") :]
    return title_id(name)


class DutyStampBox(Flowable):
    """The place for the Rp10.000 meterai: a dashed box the signature goes across."""

    def __init__(self, width: float = 2.8 * cm, height: float = 1.7 * cm) -> None:
        super().__init__()
        self.width, self.height = width, height

    @property
    def memo_key(self) -> tuple[float, float]:
        return self.width, self.height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setDash(3, 2)
        c.setStrokeColor(colors.HexColor("#777777"))
        c.rect(0, 0, self.width, self.height)
        c.setFont(SANS, 7)
        c.setFillColor(colors.HexColor("#777777"))
        c.drawCentredString(self.width / 2, self.height / 2 + 2, "METERAI")
        c.drawCentredString(self.width / 2, self.height / 2 - 7, "Rp10.000")
        c.restoreState()


def template_values(doc: Any, when: date) -> dict[str, Any]:
    """The fields every aid template may use, filled from the DTO."""
    p2 = doc.party2
    cash = doc.form == "cash"
    shares = "/".join(f"{t.planned_share_pct}%" for t in doc.tranches)
    bank = " ".join(x for x in (p2.bank_name, p2.bank_account) if x)
    if p2.bank_holder:
        bank = f"{bank} atas nama {p2.bank_holder}" if bank else p2.bank_holder
    agency_title = title_id(doc.letterhead.agency_name)
    region = region_of(doc.letterhead.government_name)
    payment = getattr(doc, "payment_wording", "") or (f"melalui transfer ke rekening {bank}" if bank else "")
    tranche = getattr(doc, "tranche", None)
    return {
        "programme": doc.programme_name.upper(),
        "programme_name": doc.programme_name,
        "year": doc.budget_year,
        "source": doc.funding_source,
        "amount": format_rupiah(doc.amount),
        "amount_words": doc.amount_words,
        "form": "uang" if cash else "barang",
        "form_upper": "UANG" if cash else "BARANG",
        "form_goods_or_cash": "uang" if cash else "barang",
        "payment": payment,
        "treasury": getattr(doc, "treasury", "") or "Kas Daerah",
        "agency_title": f"{agency_title} {region}".strip(),
        "government_title": title_id(doc.letterhead.government_name),
        "tranche_seq": tranche.seq if tranche is not None else "",
        "recipient": p2.name,
        "group": p2.group_name,
        "agency": doc.letterhead.agency_name,
        "government": doc.letterhead.government_name,
        "city": doc.city,
        "number": doc.agreement_number,
        "agreement_number": doc.agreement_number,
        "date": format_date_id(when),
        "date_words": date_in_words(when).sentence(),
        "tranche_count": len(doc.tranches),
        "tranche_plan": shares,
        "bank": bank or "PIHAK KEDUA",
        "duty_stamp": "",
    }


def _cell(text: object, style: str = "cell") -> Paragraph:
    return MemoParagraph(esc(text), styles()[style])


def detail_table(doc: Any, *, paid_only: bool = False, plan: bool = False) -> Table:
    """Goods: no, description, quantity, unit, unit price, total. Cash: tranche, share, amount, paid;
    `plan`: tranche, share and planned amount only (an agreement states the plan, never the payments
    made after it was signed); `paid_only`: the BAST's tranche(s) as paid.

    Short cells are plain strings (no paragraph parsing: batches of hundreds stay fast); only text that
    may wrap (an item's description, a bank reference) is a Paragraph."""
    if doc.form == "goods":
        rows: list[list[Any]] = [["No", "Uraian barang", "Jumlah", "Satuan", "Harga satuan", "Nilai"]]
        for n, item in enumerate(doc.items, start=1):
            rows.append(
                [
                    str(n),
                    _cell(item.description),
                    format_number(item.quantity),
                    item.unit,
                    format_rupiah(item.unit_price),
                    format_rupiah(item.quantity * item.unit_price),
                ]
            )
        total = sum(i.quantity * i.unit_price for i in doc.items)
        rows.append(["", "Jumlah", "", "", "", format_rupiah(total)])
        widths = [1.0 * cm, 6.1 * cm, 1.7 * cm, 1.8 * cm, 2.6 * cm, 2.9 * cm]
        align = [
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (2, -1), "RIGHT"),
            ("ALIGN", (4, 1), (5, -1), "RIGHT"),
        ]
    elif plan:
        rows = [["Tahap", "Porsi", "Nilai"]]
        for t in doc.tranches:
            rows.append([f"Tahap {t.seq}", f"{t.planned_share_pct}%", format_rupiah(t.planned_amount)])
        rows.append(["Jumlah", "", format_rupiah(sum(t.planned_amount for t in doc.tranches))])
        widths = [4.0 * cm, 3.0 * cm, 5.0 * cm]
        align = [("ALIGN", (0, 1), (1, -2), "CENTER"), ("ALIGN", (2, 1), (2, -1), "RIGHT")]
    else:
        rows = [["Tahap", "Porsi", "Nilai", "Tanggal dibayar", "Referensi bank"]]
        only = getattr(doc, "tranche", None)
        if only is not None:
            tranches = [only]
        else:
            tranches = [t for t in doc.tranches if t.paid_on] if paid_only else list(doc.tranches)
        for t in tranches:
            amount = t.paid_amount if t.paid_amount is not None else t.planned_amount
            rows.append(
                [
                    f"Tahap {t.seq}",
                    f"{t.planned_share_pct}%",
                    format_rupiah(amount),
                    format_date_id(t.paid_on) if t.paid_on else "-",
                    _cell(t.bank_reference or "-"),
                ]
            )
        total = sum((t.paid_amount if t.paid_amount is not None else t.planned_amount) for t in tranches)
        rows.append(["Jumlah", "", format_rupiah(total), "", ""])
        widths = [2.2 * cm, 1.8 * cm, 3.6 * cm, 3.6 * cm, 4.9 * cm]
        align = [
            ("ALIGN", (0, 1), (1, -2), "CENTER"),
            ("ALIGN", (2, 1), (2, -1), "RIGHT"),
            ("ALIGN", (3, 1), (3, -1), "CENTER"),
        ]
    table = MemoTable(rows, colWidths=widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LEADING", (0, 0), (-1, -1), 11),
                ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD),
                ("FONTNAME", (0, -1), (-1, -1), SANS_BOLD),
                *align,
            ]
        )
    )
    return table


def _kv_table(rows: list[tuple[str, str]], indent: float = 0.6 * cm, key_width: float = 3.0 * cm) -> Table:
    st = styles()
    value_width = FRAME_WIDTH - indent - key_width - 0.4 * cm
    text_width = value_width - 12  # the cell's padding
    data = [[k, ":", MemoParagraph(esc(v), fitted_style(st["left"], str(v), text_width))] for k, v in rows]
    table = MemoTable(data, colWidths=[indent + key_width, 0.4 * cm, value_width], hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("FONTNAME", (0, 0), (1, -1), SERIF),
                ("FONTSIZE", (0, 0), (1, -1), 11),
                ("LEADING", (0, 0), (1, -1), 15),
                ("LEFTPADDING", (0, 0), (0, -1), indent),
                ("LEFTPADDING", (1, 0), (1, -1), 1),
                ("RIGHTPADDING", (1, 0), (1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def parties(doc: Any, tpl: dict[str, Any], values: dict[str, Any], name: str) -> list[Flowable]:
    """The two parties: the office's signatory (name, NIP, position) and the recipient (name, NIK...)."""
    st = styles()
    p1 = doc.signatory(tpl["signatories"].get("party1", "head"))
    p2 = doc.party2
    role2 = tpl["party2_role_group"] if p2.group_name else tpl["party2_role_person"]
    p1_rows = [
        ("Nama", p1.name),
        ("NIP", p1.nip or "-"),
        ("Pangkat/Gol.", p1.rank or "-"),
        ("Jabatan", p1.position),
    ]
    p2_rows = [("Nama", p2.name), ("NIK", p2.nik)]
    if p2.position:  # a group's chair; a woman receiving for herself has no position to state
        p2_rows.append(("Jabatan", p2.position))
    p2_rows.append(("Alamat", p2.address or "-"))
    return [
        MemoParagraph("I.", st["left"]),
        _kv_table(p1_rows),
        MemoParagraph(esc(fill(tpl["party1_role"], values, template=name)), st["role"]),
        Spacer(1, 4),
        MemoParagraph("II.", st["left"]),
        _kv_table(p2_rows),
        MemoParagraph(esc(fill(role2, values, template=name)), st["role"]),
        Spacer(1, 6),
    ]


SIGN_TEXT_WIDTH = FRAME_WIDTH / 2 - 12  # a signature column less its cell padding


def _sign_line(text: str, *, bold: bool = False) -> Paragraph:
    """One line of a signature block: a long name or position shrinks, then wraps to a second line."""
    st = styles()["sign"]
    style = fitted_style(st, text, SIGN_TEXT_WIDTH, min_size=7, font=SERIF_BOLD if bold else SERIF)
    return MemoParagraph(f"<b><u>{esc(text)}</u></b>" if bold else esc(text), style)


def _sign_cell(caption: list[str], name: str, lines: list[str], *, stamp: bool) -> list[Flowable]:
    # pad the captions at the top so that side-by-side signatures line up (names on one line)
    caption = [c for c in caption if c]  # an individual has no position line
    lead = styles()["sign"].leading
    out: list[Flowable] = [Spacer(1, lead) for _ in range(CAPTION_LINES - len(caption))]
    out += [_sign_line(c) for c in caption]
    if stamp:
        box = MemoTable([[DutyStampBox()]], colWidths=[3.0 * cm], rowHeights=[2.0 * cm])
        box.setStyle(
            table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        )
        out.append(box)
    else:
        out.append(Spacer(1, 2.0 * cm))
    unset = not name or (name.startswith("(") and name.endswith(")"))  # "(nama Kepala Dinas)": not set up
    out.append(_sign_line("(..............................)" if unset else name, bold=True))
    out += [_sign_line(line) for line in lines if line]
    return out


def signatory_lines(s: Any) -> list[str]:
    return [s.rank, f"NIP. {s.nip}" if s.nip else ""]


def signature_table(
    left: list[Flowable],
    right: list[Flowable],
    below: list[Flowable] | None = None,
    *,
    closing: list[Flowable] | None = None,
) -> Flowable:
    """The signature blocks side by side (and one below, centred), kept on one page together with
    `closing` (the closing sentence before them): a signature page never stands alone."""
    half = FRAME_WIDTH / 2
    rows: list[list[Any]] = [[left, right]]
    if below:
        rows.append([below, ""])
    table = MemoTable(rows, colWidths=[half, half])
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
    ]
    if below:
        style.append(("SPAN", (0, 1), (1, 1)))
    table.setStyle(table_style(style))
    return MemoKeepTogether([*(closing or []), table])


def document_header(doc: Any, footer: str, title: str, subtitle: str, number: str) -> list[Flowable]:
    """Start of a document: its footer and copy mark, the letterhead, the title (its last words kept
    together), subtitle and number."""
    st = styles()
    return [
        DocumentStart(footer, getattr(doc, "copy_mark", "")),
        LetterheadFlowable(doc.letterhead),
        Spacer(1, 10),
        MemoParagraph(esc(keep_last_words(title)), st["title"]),
        MemoParagraph(esc(keep_last_words(subtitle)), st["subtitle"]),
        MemoParagraph(f"Nomor: {esc(number)}", st["number"]),
    ]


def agreement_footer(doc: Any) -> str:
    return f"Perjanjian {doc.agreement_number} — {doc.party2.group_name or doc.party2.name}"


def _article_paragraphs(doc: Any, article: dict[str, Any]) -> list[str]:
    if doc.form == "goods":
        return list(article.get("paragraphs_goods", article.get("paragraphs", [])))
    if len(doc.tranches) == 1 and "paragraphs_cash_single" in article:
        return list(article["paragraphs_cash_single"])
    return list(article.get("paragraphs_cash", article.get("paragraphs", [])))


def agreement_story(
    doc: Any, tpl: dict[str, Any] | None = None, *, when: date | None = None
) -> list[Flowable]:
    """The flowables of one agreement (a batch concatenates several with page breaks)."""
    tpl = tpl or load_template("agreement")
    st = styles()
    when = when or doc.agreement_date or date.today()
    values = template_values(doc, when)
    if doc.needs_duty_stamp:
        values["duty_stamp"] = tpl.get("duty_stamp_text", "")
    name = "agreement"
    story: list[Flowable] = [
        *document_header(
            doc,
            agreement_footer(doc),
            fill(tpl["title"], values, template=name),
            fill(tpl["subtitle"], values, template=name),
            doc.agreement_number or "....................",
        ),
        MemoParagraph(esc(fill(tpl["opening"], values, template=name)), st["body"]),
        Spacer(1, 4),
        *parties(doc, tpl, values, name),
        MemoParagraph(esc(fill(tpl["preamble"], values, template=name)), st["body"]),
    ]
    last: list[Flowable] = []
    articles = tpl["articles"]
    for i, article in enumerate(articles):
        block: list[Flowable] = [
            MemoParagraph(esc(article.get("title", "")), st["article"]),
            MemoParagraph(esc(article.get("heading", "")), st["subtitle"]),
        ]
        for text in _article_paragraphs(doc, article):
            if text.strip() == DETAIL_MARKER:
                block += [Spacer(1, 4), detail_table(doc, plan=True), Spacer(1, 4)]
                continue
            filled = fill(text, values, template=name)
            style = st["indent"] if filled[:2].rstrip(".").isdigit() else st["body"]
            block.append(MemoParagraph(esc(filled), style))
        if i == len(articles) - 1:
            last = block  # the closing article stays with the signatures
            break
        story.append(MemoKeepTogether(block[:3]) if len(block) > 3 else MemoKeepTogether(block))
        story += block[3:]
    p1 = doc.signatory(tpl["signatories"].get("party1", "head"))
    p2 = doc.party2
    left = _sign_cell(["PIHAK KEDUA,", p2.position], p2.name, [], stamp=doc.needs_duty_stamp)
    right = _sign_cell(
        [f"{doc.city}, {format_date_id(when)}", "PIHAK PERTAMA,", p1.position],
        p1.name,
        signatory_lines(p1),
        stamp=False,
    )
    below = None
    if tpl.get("show_acknowledger"):
        ack = doc.signatory(tpl["signatories"].get("acknowledger", "section_head"))
        below = _sign_cell(["Mengetahui,", ack.position], ack.name, signatory_lines(ack), stamp=False)
    story.append(signature_table(left, right, below, closing=[*last, Spacer(1, 10)]))
    return story


def render_agreement(doc: Any, target: Path | str, *, tpl: dict[str, Any] | None = None) -> Path:
    """Write one agreement to `target` (atomically)."""
    return write_pdf(
        target,
        agreement_story(doc, tpl),
        title=f"Perjanjian {doc.agreement_number}",
        author=doc.letterhead.agency_name,
        footer=agreement_footer(doc),
    )
