"""Whole-rupiah amounts: parse what clerks type, format what documents print.

What: :func:`parse_rupiah` turns a cell or text field into an ``int`` of whole rupiah; :func:`format_rupiah`
and :func:`format_number` render amounts the Indonesian way (``Rp5.000.000``, ``5.000.000``).

Why: aid values are money, stored as integers of whole rupiah (RELIABILITY R14). Clerks type amounts in
both Indonesian (``2.000.000,00``) and English (``2,000,000``) styles, with ``Rp`` and the ``,-`` flourish;
all of those are accepted, while decimals other than zero, negatives and words are refused with an
Indonesian message rather than guessed at. Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal

__all__ = ["MoneyError", "format_number", "format_rupiah", "parse_rupiah"]

_LOCALE = "id_ID"
# Floats are exact integers only up to 2**53; a larger "integral" float has already lost digits.
_MAX_EXACT_FLOAT = 2**53

_MINUS_SIGNS = "-\u2212\u2012\u2013\u2014"
_AMOUNT = re.compile(
    r"""
    (?P<neg1>[-\u2212\u2012\u2013\u2014])?
    (?:rp\.?|idr)?
    (?P<neg2>[-\u2212\u2012\u2013\u2014])?
    (?P<num>[0-9][0-9.,]*?)
    (?:[.,][-\u2212\u2012\u2013\u2014])?      # "2.000.000,-"
    """,
    re.IGNORECASE | re.VERBOSE,
)


class MoneyError(ValueError):
    """An amount that is not a non-negative whole number of rupiah; the message is Indonesian."""


def _check_groups(groups: list[str], original: str) -> int:
    """Join thousands groups after checking they look like 1.234.567 (first 1-3 digits, then 3 each)."""
    first, rest = groups[0], groups[1:]
    if not (1 <= len(first) <= 3 and all(len(g) == 3 for g in rest)):
        raise MoneyError(
            f"Format angka '{original}' tidak jelas: pemisah ribuan harus tiap 3 digit, misalnya Rp1.500.000"
        )
    return int("".join(groups))


def _check_zero_decimals(sep: str, decimals: str, original: str) -> None:
    if decimals.strip("0"):
        raise MoneyError(
            f"Jumlah uang harus rupiah utuh tanpa sen, ditemukan desimal '{sep}{decimals}' pada '{original}'"
        )


def _parse_number(num: str, original: str) -> int:
    """Parse the digits-and-separators part of an amount, deciding which separator is for thousands."""
    if num.isdigit():
        return int(num)
    if num[-1] in ".,":
        raise MoneyError(f"Format angka '{original}' tidak jelas")
    has_dot, has_comma = "." in num, "," in num
    if has_dot and has_comma:
        decimal_sep = "," if num.rfind(",") > num.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        whole, _, decimals = num.rpartition(decimal_sep)
        if decimal_sep in whole or not 1 <= len(decimals) <= 2:
            raise MoneyError(f"Format angka '{original}' tidak jelas")
        _check_zero_decimals(decimal_sep, decimals, original)
        return _check_groups(whole.split(thousands_sep), original)
    sep = "." if has_dot else ","
    parts = num.split(sep)
    if len(parts) == 2 and 1 <= len(parts[1]) <= 2:
        # "2.00" / "2,00": a decimal part, allowed only when zero.
        _check_zero_decimals(sep, parts[1], original)
        if not parts[0]:
            raise MoneyError(f"Format angka '{original}' tidak jelas")
        return int(parts[0])
    return _check_groups(parts, original)


def _parse_text(value: str) -> int:
    compact = "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch) != "Cf")
    if not compact:
        raise MoneyError("Jumlah uang kosong")
    if compact.startswith("(") and compact.endswith(")"):
        raise MoneyError(f"Jumlah uang tidak boleh negatif: '{value.strip()}'")
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        if any(ch in _MINUS_SIGNS for ch in compact[:4]) and any(ch.isdigit() for ch in compact):
            raise MoneyError(f"Jumlah uang tidak boleh negatif: '{value.strip()}'")
        raise MoneyError(
            f"Jumlah uang tidak dapat dibaca: '{value.strip()[:40]}'. Tulis angka, misalnya Rp1.500.000"
        )
    amount = _parse_number(match["num"], value.strip())
    if (match["neg1"] or match["neg2"]) and amount != 0:
        raise MoneyError(f"Jumlah uang tidak boleh negatif: '{value.strip()}'")
    return amount


def parse_rupiah(value: object) -> int:
    """Return ``value`` as a whole number of rupiah, or raise :class:`MoneyError`.

    Accepts ``int``; integral ``float``/``Decimal`` (as spreadsheet cells give them); and text such as
    ``"Rp 2.000.000"``, ``"Rp2.000.000,00"``, ``"2,000,000"``, ``"2000000"`` and ``"2.000.000,-"``.
    Refuses non-zero decimals, negatives, empty values and words: a wrong amount must not be guessed.
    """
    if value is None:
        raise MoneyError("Jumlah uang kosong")
    if isinstance(value, bool):
        raise MoneyError("Jumlah uang tidak dapat dibaca: nilai ya/tidak bukan angka")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise MoneyError("Jumlah uang tidak dapat dibaca")
        if not value.is_integer():
            raise MoneyError(f"Jumlah uang harus rupiah utuh tanpa sen, ditemukan {value!r}")
        if abs(value) > _MAX_EXACT_FLOAT:
            raise MoneyError(
                "Jumlah uang terlalu besar untuk dibaca dengan tepat dari sel angka; tulis sebagai teks"
            )
        amount = int(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("Jumlah uang tidak dapat dibaca")
        if value != value.to_integral_value():
            raise MoneyError(f"Jumlah uang harus rupiah utuh tanpa sen, ditemukan {value}")
        amount = int(value)
    elif isinstance(value, str):
        return _parse_text(value)
    else:
        raise MoneyError(f"Jumlah uang tidak dapat dibaca dari nilai bertipe {type(value).__name__}")
    if amount < 0:
        raise MoneyError(f"Jumlah uang tidak boleh negatif: {amount}")
    return amount


def _require_int(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int of whole rupiah, got {type(amount).__name__}")
    return amount


@functools.cache
def _locale() -> Locale:
    """The id_ID locale, parsed once: babel parses a locale name anew on every call (~0.3 ms), which a
    table of 200 amounts would pay on every fill."""
    return Locale.parse(_LOCALE)


def load_formats() -> None:
    """Load babel's id_ID number and currency formats now (~0.1 s of file reads the first time): a
    background task calls it so the first amount a page shows does not pay for it on the GUI thread."""
    format_rupiah(0)
    format_number(0)


def format_rupiah(amount: int) -> str:
    """Format whole rupiah as printed on Indonesian documents: ``Rp5.000.000``, ``-Rp5.000``.

    Uses babel's ``id_ID`` currency format, then removes the space babel may put after ``Rp`` and any
    ``,00`` decimals, so the result is the same across babel/CLDR versions.
    """
    value = _require_int(amount)
    text = format_currency(abs(value), "IDR", locale=_locale())
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    text = re.sub(r",0+$", "", text)
    return f"-{text}" if value < 0 else text


def format_number(n: int) -> str:
    """Format an integer with Indonesian thousands dots: ``5.000.000`` (``-5.000`` for negatives)."""
    value = _require_int(n)
    text = format_decimal(abs(value), locale=_locale())
    return f"-{text}" if value < 0 else text
