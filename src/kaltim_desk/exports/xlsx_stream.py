"""A streaming .xlsx writer: rows go straight into the sheet's XML inside the zip, as they come.

Why not openpyxl's write-only mode (which the rest of the stack uses for reading): on the office PCs it
costs ~17 µs per cell (cell objects, style lookups, an XML serialiser per element), so the province
consolidation of 10 x 10,000 BNBA rows spent 37 of its 69 s writing. Formatting each row as one string
does the same cells in ~1.5 µs (bench/RESULTS.md). Everything a report workbook needs is here and no
more: several sheets (one hidden), inline-string / number / boolean / date cells, a small style table
(bold and sized fonts, a solid fill, thin borders, centred wrapped headers, number formats, the quote
prefix), column widths (some hidden), row heights, a frozen header, an autofilter, A4 landscape fitted
to the width, a repeated header row and a page-number footer. openpyxl, python-calamine and LibreOffice read the files back (tests/unit/test_xlsx_stream.py,
and every export test reads our files with openpyxl).

Text cells are inline strings: they are never formulas, whatever they start with. Characters that XML
can not carry (C0 controls other than tab and line breaks) are dropped; a carriage return is written as
``&#13;`` so that it reads back as itself.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from kaltim_desk import __version__
from kaltim_desk.domain.text import FORMULA_STARTS

_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FLUSH_ROWS = 500
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # is_formula_like, as one set lookup per text cell

# Arial 10: on every Windows PC, and metric-compatible with Liberation Sans, which LibreOffice has on
# every other system, so a sheet lays out and prints the same everywhere (Calibri falls back to a much
# wider font where it is missing, which shrank printed pages by a fifth).
FONT_NAME, FONT_SIZE, ROW_HEIGHT = "Arial", 10, 12.75

# text cell kinds used by `SheetStream.append_row`
TEXT, NUMBER, PLAIN = "text", "number", "plain"


def column_letter(i: int) -> str:
    """1 -> A, 27 -> AA."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xml_text(v: str) -> str:
    """Text escaped for an XML element; characters XML can not hold dropped, CR kept as a reference."""
    if _NEEDS_ESCAPE.search(v) is None:
        return v
    v = _ILLEGAL.sub("", v)
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def excel_serial(v: date) -> int | float:
    """A date (or datetime) as Excel's day number (1900 date system)."""
    days = v.toordinal() - _EXCEL_EPOCH_ORDINAL
    if isinstance(v, datetime):
        seconds = v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6
        return days + seconds / 86400
    return days


@dataclass(frozen=True)
class Style:
    """One cell format; equal styles share one entry of the style table."""

    bold: bool = False
    size: float | None = None
    fill: str | None = None  # RGB "D9E1F2": a solid fill
    border: bool = False  # thin grey border all round
    center_wrap: bool = False  # centred both ways, text wrapped
    wrap: bool = False  # text wrapped (long data text; the row's height must be given)
    top: bool = False  # aligned to the top of the cell (the rows of a table with wrapped text)
    number_format: str | None = None
    quote_prefix: bool = False


_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}


class _StyleTable:
    def __init__(self) -> None:
        self.styles: list[Style] = [Style()]
        self.index: dict[Style, int] = {Style(): 0}

    def id(self, style: Style) -> int:
        i = self.index.get(style)
        if i is None:
            i = self.index[style] = len(self.styles)
            self.styles.append(style)
        return i

    def xml(self) -> str:
        fonts: dict[tuple[bool, float | None], int] = {(False, None): 0}
        fills: dict[str | None, int] = {None: 0}  # 0 none, 1 gray125 (required), then ours
        formats: dict[str, int] = {}
        xfs: list[str] = []
        for s in self.styles:
            font = fonts.setdefault((s.bold, s.size), len(fonts))
            fill = fills.setdefault(s.fill, len(fills) + 1) if s.fill else 0
            fmt = 0
            if s.number_format:
                fmt = _BUILTIN_FORMATS.get(s.number_format) or formats.setdefault(
                    s.number_format, 164 + len(formats)
                )
            attrs = (
                f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{1 if s.border else 0}" xfId="0"'
            )
            if fmt:
                attrs += ' applyNumberFormat="1"'
            if font:
                attrs += ' applyFont="1"'
            if fill:
                attrs += ' applyFill="1"'
            if s.border:
                attrs += ' applyBorder="1"'
            if s.quote_prefix:
                attrs += ' quotePrefix="1"'
            if s.center_wrap:
                xfs.append(
                    f'<xf {attrs} applyAlignment="1">'
                    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
                )
            elif s.wrap or s.top:
                wrap = ' wrapText="1"' if s.wrap else ""
                xfs.append(f'<xf {attrs} applyAlignment="1"><alignment vertical="top"{wrap}/></xf>')
            else:
                xfs.append(f"<xf {attrs}/>")
        font_xml = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + f'<sz val="{size or FONT_SIZE:g}"/><name val="{FONT_NAME}"/><family val="2"/></font>'
            for (bold, size) in fonts
        )
        fill_xml = (
            '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
        )
        fill_xml += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/>'
            "</patternFill></fill>"
            for rgb in fills
            if rgb
        )
        thin = '<{0} style="thin"><color rgb="FF808080"/></{0}>'
        border_xml = (
            "<border><left/><right/><top/><bottom/><diagonal/></border><border>"
            + "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
            + "<diagonal/></border>"
        )
        fmt_xml = "".join(
            f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>' for code, i in formats.items()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<numFmts count="{len(formats)}">{fmt_xml}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
            + f'<fills count="{len(fills) + 1}">{fill_xml}</fills>'
            + f'<borders count="2">{border_xml}</borders>'
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            + "</styleSheet>"
        )


@dataclass
class _SheetInfo:
    name: str
    hidden: bool
    print_title_row: int | None
    autofilter: str | None = None


class SheetStream:
    """One worksheet being written; rows in order, then `close`. Make one with `XlsxStream.sheet`."""

    def __init__(
        self,
        book: XlsxStream,
        info: _SheetInfo,
        out: IO[bytes],
        widths: Sequence[float],
        freeze_row: int | None,
        fit_a4_landscape: bool,
        hidden_columns: Sequence[int] = (),
        footer: str | None = None,
    ) -> None:
        self._book, self._info, self._out = book, info, out
        self._fit = fit_a4_landscape
        self._footer = footer
        self._row = 0
        self._buf: list[str] = []
        self._letters = [column_letter(i) for i in range(1, max(len(widths), 1) + 64)]
        head = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        ]
        if fit_a4_landscape:
            head.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        if freeze_row:
            cell = f"A{freeze_row + 1}"
            head.append(
                '<sheetViews><sheetView workbookViewId="0">'
                f'<pane ySplit="{freeze_row}" topLeftCell="{cell}" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>'
                "</sheetView></sheetViews>"
            )
        else:
            head.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        head.append(f'<sheetFormatPr defaultRowHeight="{ROW_HEIGHT:g}"/>')
        if widths:
            head.append(
                "<cols>"
                + "".join(
                    f'<col min="{i}" max="{i}" width="{w:g}"'
                    + (' hidden="1"' if i in hidden_columns else "")
                    + ' customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                )
                + "</cols>"
            )
        head.append("<sheetData>")
        out.write("".join(head).encode("utf-8"))

    @property
    def rows_written(self) -> int:
        return self._row

    def style_attr(self, style: Style) -> str:
        """The ` s="n"` attribute of a style, for `append_row`'s column styles."""
        i = self._book.styles.id(style)
        return f' s="{i}"' if i else ""

    def append_row(
        self,
        values: Sequence[Any],
        kinds: Sequence[str],
        styles: Sequence[str],
        quoted: str = "",
        height: float | None = None,
    ) -> None:
        """The fast path for data rows: `kinds[i]` is TEXT (any value written as text), NUMBER (numbers and
        dates; anything else as text) or PLAIN (as it comes); `styles[i]` a `style_attr`; `quoted` the
        style attribute given to text that looks like a formula. Empty strings and None leave the cell
        out. `values`, `kinds` and `styles` are equally long. `height` (points) is the row's height, for
        rows whose wrapped text needs more than one line (spreadsheets do not grow a row by themselves)."""
        self._row += 1
        r = str(self._row)
        if len(values) > len(self._letters):
            self._more_letters(len(values))
        parts = [f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else f'<row r="{r}">']
        add = parts.append
        for ref, v, kind, s in zip(self._letters, values, kinds, styles, strict=False):
            if v is None:
                continue
            cls = v.__class__
            if cls is str:
                if not v:
                    continue
                if not quoted or v[0] not in _FORMULA_FIRST:
                    add(
                        f'<c r="{ref}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(v)}</t></is></c>'
                    )
                else:  # starts like a formula (domain.text.is_formula_like): quote-prefixed text
                    add(self._text_cell(ref + r, v, quoted))
            elif kind is TEXT:
                add(self._text_cell(ref + r, str(v), s))
            elif cls is int:
                add(f'<c r="{ref}{r}"{s}><v>{v}</v></c>')
            else:
                add(self._cell(ref + r, v, s))
        add("</row>")
        self._buf.append("".join(parts))
        if len(self._buf) >= _FLUSH_ROWS:
            self.flush()

    def append_cells(self, cells: Sequence[tuple[Any, str] | None], *, height: float | None = None) -> None:
        """A row of (value, style attribute) pairs (title, header and total rows); None is no cell.
        `height` (points) fixes the row's height: a wrapped header needs it, because LibreOffice keeps a
        row without one at the default height and the wrapped lines spill over the next row."""
        self._row += 1
        r = str(self._row)
        if len(cells) > len(self._letters):
            self._more_letters(len(cells))
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        parts = [f'<row r="{r}"{ht}>']
        for ref, cell in zip(self._letters, cells, strict=False):
            if cell is None or cell[0] is None or cell[0] == "":
                continue
            parts.append(self._cell(ref + r, cell[0], cell[1]))
        parts.append("</row>")
        self._buf.append("".join(parts))

    def _more_letters(self, n: int) -> None:
        if n > 16_384:
            raise ValueError(f"{n} columns: a sheet holds at most 16,384")
        self._letters += [column_letter(i) for i in range(len(self._letters) + 1, n + 1)]

    def skip_row(self) -> None:
        self._row += 1

    @staticmethod
    def _text_cell(ref: str, v: str, s: str) -> str:
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(v)}</t></is></c>'

    def _cell(self, ref: str, v: Any, s: str) -> str:
        if isinstance(v, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>'
        if isinstance(v, int):
            return f'<c r="{ref}"{s}><v>{v}</v></c>'
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                return self._text_cell(ref, str(v), s)
            return f'<c r="{ref}"{s}><v>{v!r}</v></c>'
        if isinstance(v, date):
            return f'<c r="{ref}"{s}><v>{excel_serial(v)!r}</v></c>'
        return self._text_cell(ref, str(v), s)

    def flush(self) -> None:
        if self._buf:
            self._out.write("".join(self._buf).encode("utf-8"))
            self._buf.clear()

    def close(self, autofilter: str | None = None) -> None:
        """End the sheet; `autofilter` is a range like "A6:U106"."""
        self.flush()
        tail = ["</sheetData>"]
        if autofilter:
            self._info.autofilter = autofilter
            tail.append(f'<autoFilter ref="{autofilter}"/>')
        if self._fit:
            tail.append('<printOptions horizontalCentered="1"/>')
        if self._fit:
            tail.append(
                '<pageMargins left="0.3" right="0.3" top="0.5" bottom="0.6" header="0.2" footer="0.25"/>'
            )
            tail.append('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
        else:
            tail.append(
                '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            )
        if self._footer:
            tail.append(f"<headerFooter><oddFooter>{xml_text(self._footer)}</oddFooter></headerFooter>")
        tail.append("</worksheet>")
        self._out.write("".join(tail).encode("utf-8"))
        self._out.close()
        self._book._open_sheet = None


class XlsxStream:
    """An .xlsx file written sheet by sheet: `sheet(...)`, rows, `SheetStream.close()`, then `close()`.
    One sheet is open at a time. On an error call `abandon()` and delete the file."""

    def __init__(self, path: Path | str, *, compresslevel: int = 1) -> None:
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.styles = _StyleTable()
        self._sheets: list[_SheetInfo] = []
        self._open_sheet: SheetStream | None = None

    def style_attr(self, style: Style) -> str:
        i = self.styles.id(style)
        return f' s="{i}"' if i else ""

    def sheet(
        self,
        name: str,
        *,
        widths: Sequence[float] = (),
        freeze_row: int | None = None,
        print_title_row: int | None = None,
        fit_a4_landscape: bool = False,
        hidden: bool = False,
        hidden_columns: Sequence[int] = (),
        footer: str | None = None,
    ) -> SheetStream:
        """Open the next sheet. `hidden_columns` are 1-based column numbers hidden on screen and on paper;
        `footer` is an Excel footer code such as ``&CHalaman &P dari &N``."""
        if self._open_sheet is not None:
            raise RuntimeError("close the previous sheet first")
        name = name[:31]
        if any(s.name.lower() == name.lower() for s in self._sheets):
            raise ValueError(f"sheet name {name!r} used twice")
        info = _SheetInfo(name, hidden, print_title_row)
        self._sheets.append(info)
        out = self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w", force_zip64=True)
        stream = SheetStream(
            self,
            info,
            out,
            widths,
            freeze_row,
            fit_a4_landscape,
            hidden_columns=hidden_columns,
            footer=footer,
        )
        self._open_sheet = stream
        return stream

    def close(self) -> None:
        """Write the workbook parts (sheet list, styles, relationships) and close the zip."""
        if self._open_sheet is not None:
            self._open_sheet.close()
        if not any(not s.hidden for s in self._sheets):
            raise ValueError("a workbook needs at least one visible sheet")
        z = self._zip
        n = len(self._sheets)
        decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        z.writestr(
            "[Content_Types].xml",
            decl + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            decl + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        now = datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr(
            "docProps/core.xml",
            decl + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:creator>Kaltim Desk</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            "</cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml",
            decl
            + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>Kaltim Desk {__version__}</Application></Properties>",
        )
        first_visible = next(i for i, s in enumerate(self._sheets) if not s.hidden)
        sheets_xml = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}"'
            + (' state="hidden"' if s.hidden else "")
            + f' r:id="rId{i}"/>'
            for i, s in enumerate(self._sheets, start=1)
        )
        names: list[str] = []
        for i, s in enumerate(self._sheets):
            quoted = "'" + s.name.replace("'", "''") + "'"
            if s.autofilter:
                a, b = s.autofilter.split(":")
                ref = f"{quoted}!{_absolute(a)}:{_absolute(b)}"
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{xml_text(ref)}</definedName>"
                )
            if s.print_title_row:
                row = s.print_title_row
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{xml_text(f'{quoted}!${row}:${row}')}</definedName>"
                )
        z.writestr(
            "xl/workbook.xml",
            decl + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<bookViews><workbookView activeTab="{first_visible}"/></bookViews>'
            f"<sheets>{sheets_xml}</sheets>"
            + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
            + '<calcPr calcId="191029"/></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            decl
            + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("xl/styles.xml", self.styles.xml())
        z.close()

    def abandon(self) -> None:
        """Close whatever is open after an error or a cancel; the caller deletes the file."""
        if self._open_sheet is not None:
            with contextlib.suppress(Exception):  # already failing: closing is best effort
                self._open_sheet._out.close()
            self._open_sheet = None
        with contextlib.suppress(Exception):
            self._zip.close()


def _absolute(ref: str) -> str:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    return f"${m.group(1)}${m.group(2)}" if m else ref
