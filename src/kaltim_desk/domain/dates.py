"""Indonesian dates: format for documents, spell for minutes, parse what clerks type.

What: formatting (``17 Agustus 2024``, day names, Roman months for letter numbers), the spelled-out date of a
Berita Acara ("Pada hari ini Sabtu tanggal tujuh belas bulan Agustus tahun dua ribu dua puluh empat"),
tolerant parsing of the date styles found in spreadsheets and "TEMPAT, TGL LAHIR" cells, and month
arithmetic that clamps to the month's end.

Why: documents must follow Indonesian conventions (DOMAIN.md "Documents"), and imports meet many date
styles. Parsing is day-first only (Indonesian usage) and refuses what it can not read unambiguously:
impossible dates always, and two-digit years or bare Excel serial numbers unless the caller knows more.
An import passes ``century_from`` (the birth date in the person's NIK: "24/3/86" is 1986 for a NIK born
in 1986, 2086 never) and ``excel_serials=True`` (a date column that lost its cell format holds 31130,
which is 24 March 1985). Messages quote the value as the clerk sees it. Pure functions, no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from kaltim_desk.domain.terbilang import terbilang

__all__ = [
    "MONTH_NAMES_ID",
    "DateInWords",
    "DateParseError",
    "add_months",
    "date_in_words",
    "day_name_id",
    "excel_serial_date",
    "format_date_id",
    "parse_date_flexible",
    "parse_place_and_date",
    "roman_month",
]

_LOCALE = "id"

#: Indonesian month names, index 1..12 (index 0 empty).
MONTH_NAMES_ID: tuple[str, ...] = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# Month words seen in Indonesian and English spreadsheets, lower case, without a trailing dot.
_MONTH_WORDS = MappingProxyType(
    {
        **{name.lower(): i for i, name in enumerate(MONTH_NAMES_ID) if name},
        "jan": 1,
        "feb": 2,
        "peb": 2,
        "pebruari": 2,
        "mar": 3,
        "mrt": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "agu": 8,
        "agt": 8,
        "ags": 8,
        "agus": 8,
        "agust": 8,
        "sep": 9,
        "sept": 9,
        "okt": 10,
        "nov": 11,
        "nop": 11,
        "nopember": 11,
        "des": 12,
        "pebr": 2,
        "febr": 2,
        "agst": 8,
        "okto": 10,
        "nopem": 11,
        "desem": 12,
        # English
        "january": 1,
        "february": 2,
        "march": 3,
        "may": 5,
        "june": 6,
        "july": 7,
        "aug": 8,
        "august": 8,
        "oct": 10,
        "october": 10,
        "dec": 12,
        "december": 12,
    }
)

_DAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad")

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})")
_D_MONTH_Y = re.compile(r"(\d{1,2})[\s\-/.]*([^\W\d_]+)\.?[\s\-/.,]*(\d{2,4})")
_DATE_AT_END = re.compile(
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\d{1,2}[\s\-/.]*[^\W\d_]+\.?[\s\-/.,]*\d{2,4})\s*$"
)
_HINT = "Gunakan format 17-08-2024, 2024-08-17 atau 17 Agustus 2024"


class DateParseError(ValueError):
    """A date that can not be read unambiguously or does not exist; the message is Indonesian."""


@dataclass(frozen=True)
class DateInWords:
    """The parts of a date as spelled in a Berita Acara (minutes)."""

    day_name: str
    day_words: str
    month_name: str
    year_words: str

    def sentence(self) -> str:
        """The BAST opening: "Pada hari ini Sabtu tanggal tujuh belas bulan Agustus tahun dua ribu dua puluh
        empat"."""
        return (
            f"Pada hari ini {self.day_name} tanggal {self.day_words} bulan {self.month_name} "
            f"tahun {self.year_words}"
        )


def _as_date(d: date) -> date:
    """Accept a ``datetime`` wherever a ``date`` is expected, dropping the time."""
    return d.date() if isinstance(d, datetime) else d


def format_date_id(d: date) -> str:
    """Format as on Indonesian documents: ``17 Agustus 2024`` (babel, locale ``id``, ``d MMMM y``)."""
    # lazy: babel is for the documents and exports; the window's start (the people page's dates come
    # from Qt's copy of the same data, `qtmodels.paged.long_date`) does without it
    from babel.dates import format_date

    return format_date(_as_date(d), "d MMMM y", locale=_LOCALE)


def day_name_id(d: date) -> str:
    """The Indonesian day name: ``Sabtu`` for 17 August 2024."""
    from babel.dates import format_date  # lazy: see format_date_id

    return format_date(_as_date(d), "EEEE", locale=_LOCALE)


def date_in_words(d: date) -> DateInWords:
    """Spell a date for a Berita Acara: day name, day and year in words (terbilang), month name."""
    value = _as_date(d)
    return DateInWords(
        day_name=day_name_id(value),
        day_words=terbilang(value.day),
        month_name=MONTH_NAMES_ID[value.month],
        year_words=terbilang(value.year),
    )


def roman_month(m: int) -> str:
    """Month 1..12 as a Roman numeral, as used in letter numbers (``.../VIII/2024``)."""
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
        raise ValueError(f"Bulan harus 1-12, bukan {m!r}")
    return _ROMAN[m]


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months (may be negative), clamped to the month's last day.

    31 January + 1 month is 29 February in a leap year (28 otherwise): a due date never spills into the
    following month.
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


#: Excel's day 0 (its serial numbers count from here; 1900's phantom 29 February is before any birth).
EXCEL_EPOCH = date(1899, 12, 30)
#: Serials taken as dates: 1 January 1900 (2) to 31 December 2099 (73050).
_SERIAL_RANGE = (2, 73050)


def _year(year_text: str, original: str, century_from: date | None) -> int:
    """A four-digit year as written, or a two-digit one put in the century that brings it closest to
    `century_from` (the NIK's birth date); without that, two digits are refused."""
    if len(year_text) == 4:
        return int(year_text)
    if len(year_text) == 2 and century_from is not None:
        yy = int(year_text)
        base = century_from.year - century_from.year % 100
        return min((base - 100 + yy, base + yy, base + 100 + yy), key=lambda y: abs(y - century_from.year))
    raise DateParseError(f"Tahun pada tanggal '{original}' harus ditulis 4 digit, misalnya 1980")


def excel_serial_date(value: float) -> date:
    """The date an Excel serial number stands for (1900 date system), or :class:`DateParseError`."""
    shown = str(int(value)) if float(value).is_integer() else str(value)
    if not float(value).is_integer() or not _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        raise DateParseError(
            f"Tanggal tidak dapat dibaca dari angka {shown}; isi sel sebagai tanggal atau teks. {_HINT}"
        )
    return EXCEL_EPOCH + timedelta(days=int(value))


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _build(day: int, month: int, year_text: str, original: str, century_from: date | None = None) -> date:
    year = _year(year_text, original, century_from)
    if not 1 <= month <= 12:
        raise DateParseError(f"Bulan {month} pada tanggal '{original}' tidak ada (harus 1-12)")
    if year < 1:
        raise DateParseError(f"Tahun pada tanggal '{original}' tidak mungkin")
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    if not 1 <= day <= last:
        raise DateParseError(
            f"Tanggal '{original}' tidak ada: {MONTH_NAMES_ID[month]} {year} hanya sampai tanggal {last}"
        )
    return date(year, month, day)


def _strip_day_name(text: str) -> str:
    """Drop a leading day name: "Sabtu, 17 Agustus 2024" -> "17 Agustus 2024"."""
    lowered = text.lower()
    if not lowered.startswith(_DAY_NAMES):
        return text
    for name in _DAY_NAMES:
        if lowered.startswith(name):
            rest = text[len(name) :]
            if not rest or not rest[0].isalpha():
                return rest.lstrip(" ,")
    return text


def parse_date_flexible(
    value: object, *, century_from: date | None = None, excel_serials: bool = False
) -> date:
    """Read a date from a cell or text field, day first, or raise :class:`DateParseError`.

    Accepts ``date``/``datetime`` (the time is dropped) and text such as ``17-08-2024``, ``17/08/2024``,
    ``17.08.2024``, ``2024-08-17`` (optionally with a time), ``17 Agustus 2024``, ``17 Agt 2024``,
    ``17-Aug-2024`` and ``Sabtu, 17 Agustus 2024``. Impossible dates such as ``31-02-2024`` are refused.
    Two-digit years (``24/3/86``) are read only with ``century_from`` (see :func:`_year`); numbers and
    digit-only text (Excel serials such as ``31130``) only with ``excel_serials``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        raise DateParseError("Tanggal kosong")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if excel_serials:
            return excel_serial_date(value)
        shown = str(int(value)) if float(value).is_integer() else str(value)
        raise DateParseError(
            f"Tanggal tidak dapat dibaca dari angka {shown}; isi sel sebagai tanggal atau teks. {_HINT}"
        )
    if not isinstance(value, str):
        raise DateParseError(
            f"Tanggal tidak dapat dibaca dari nilai {value!r}; isi sel sebagai tanggal atau teks. {_HINT}"
        )
    original = " ".join(value.split())
    if not original:
        raise DateParseError("Tanggal kosong")
    text = _strip_day_name(original)
    if excel_serials and text.isdigit() and 4 <= len(text) <= 5:
        return excel_serial_date(int(text))
    if match := _ISO.fullmatch(text):
        return _build(int(match[3]), int(match[2]), match[1], original)
    if match := _DMY.fullmatch(text):
        return _build(int(match[1]), int(match[2]), match[3], original, century_from)
    if match := _D_MONTH_Y.fullmatch(text):
        month = _MONTH_WORDS.get(match[2].lower())
        if month is None:
            raise DateParseError(f"Nama bulan '{match[2]}' pada tanggal '{original}' tidak dikenal")
        return _build(int(match[1]), month, match[3], original, century_from)
    raise DateParseError(f"Tanggal '{original[:40]}' tidak dapat dibaca. {_HINT}")


def parse_place_and_date(text: str, *, century_from: date | None = None) -> tuple[str, date]:
    """Split a "TEMPAT, TGL LAHIR" cell into place and date.

    ``"Samarinda, 12-05-1980"`` and ``"SAMARINDA 12 Mei 1980"`` give ``("Samarinda", date(1980, 5, 12))``
    and ``("SAMARINDA", ...)``: the place keeps its spelling (only whitespace is collapsed and separators
    removed); the date must end the text. A missing place gives ``""`` so the caller can decide whether that
    is an error; a missing or unreadable date raises :class:`DateParseError`.
    """
    compact = " ".join(text.split())
    match = _DATE_AT_END.search(compact)
    if match is None:
        raise DateParseError(
            f"Tempat dan tanggal lahir '{compact[:40]}' tidak dapat dibaca; "
            "tulis seperti 'Samarinda, 12-05-1980'"
        )
    when = parse_date_flexible(match.group(0).strip(), century_from=century_from)
    place = compact[: match.start()].rstrip(" ,;/:-")
    return place, when
