"""Phone numbers: normalise to E.164 for storage, format the Indonesian way for display.

What: :func:`normalize_phone` reads what clerks type ("0812-3456-7890", "+62 812 ...", "62812...") and
returns E.164 ("+6281234567890"); :func:`format_phone_local` shows a stored number as Indonesians write it
("0812-3456-7890", "(0541) 741234").

Why: one stored form makes duplicates findable and numbers dialable (RELIABILITY R14). The parsing rules
are Google's libphonenumber (``phonenumbers``) with Indonesia as the default region, not home-made
patterns, so new mobile prefixes and area codes are handled by updating a dependency. Pure functions.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

__all__ = ["PhoneError", "format_phone_local", "normalize_phone"]

_REGION = "ID"
_LEADING_QUOTES = "'\u2018\u2019`"
_HINT = "Tulis seperti 0812-3456-7890 atau +62 812-3456-7890"
# Numbers already read (as typed and as E.164 -> E.164): an import normalises each phone, then the
# registry's validation normalises the result again; parsing costs ~35 us, a lookup nothing. Only valid
# numbers are kept, so an invalid one still raises every time.
_SEEN: dict[str, str] = {}
_SEEN_MAX = 100_000


class PhoneError(ValueError):
    """A phone number that can not be read or is not a valid number; the message is Indonesian."""


def _parse(text: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(text, _REGION)
    except NumberParseException as exc:
        raise PhoneError(f"Nomor telepon tidak dapat dibaca. {_HINT}") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"Nomor telepon tidak valid (jumlah digit atau kode awal salah). {_HINT}")
    return number


def normalize_phone(raw: object) -> str:
    """Return the number in E.164 (``+6281234567890``) or raise :class:`PhoneError`.

    Text is the normal input; the Excel text marker (leading apostrophe) and invisible characters are
    removed first. An integer from a number cell (its leading zero lost, e.g. ``81234567890``) is still read
    as an Indonesian number, since the national number is unambiguous without the trunk ``0``.
    Numbers of other countries are accepted when written with their ``+`` country code.
    """
    if raw is None:
        raise PhoneError("Nomor telepon kosong")
    if isinstance(raw, bool):
        raise PhoneError(f"Nomor telepon tidak dapat dibaca. {_HINT}")
    if isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(f"Nomor telepon tidak dapat dibaca. {_HINT}")
        text = str(int(raw))
    elif isinstance(raw, str):
        text = "".join(ch for ch in raw if unicodedata.category(ch) != "Cf").strip().lstrip(_LEADING_QUOTES)
    else:
        raise PhoneError(f"Nomor telepon tidak dapat dibaca dari nilai bertipe {type(raw).__name__}")
    if not text.strip():
        raise PhoneError("Nomor telepon kosong")
    known = _SEEN.get(text)
    if known is not None:
        return known
    number = _parse(text)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if len(_SEEN) > _SEEN_MAX:
        _SEEN.clear()
    _SEEN[text] = _SEEN[e164] = e164
    return e164


def format_phone_local(e164: str) -> str:
    """Display a stored number: Indonesian numbers in national style with the leading zero
    (``0812-3456-7890``, ``(0541) 741234``), foreign numbers in international style."""
    number = _parse(e164)
    if phonenumbers.region_code_for_number(number) == _REGION:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
