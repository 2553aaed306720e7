"""Phone numbers: normalise to E.164 for storage, format the Indonesian way for display.

What: :func:`normalize_phone` reads what clerks type ("0812-3456-7890", "+62 812 ...", "62812...") and
returns E.164 ("+6281234567890"); :func:`format_phone_local` shows a stored number as Indonesians write it
("0812-3456-7890", "(0541) 741234").

Why: one stored form makes duplicates findable and numbers dialable (RELIABILITY R14). The parsing rules
are Google's libphonenumber (``phonenumbers``) with Indonesia as the default region, not home-made
patterns, so new mobile prefixes and area codes are handled by updating a dependency. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat

__all__ = ["PhoneError", "format_phone_local", "normalize_phone"]

_REGION = "ID"
_LEADING_QUOTES = "'\u2018\u2019`"
_HINT = "Tulis seperti 0812-3456-7890 atau +62 812-3456-7890"
# Numbers already read (as typed and as E.164 -> E.164): an import normalises each phone, then the
# registry's validation normalises the result again; parsing costs ~35 us, a lookup nothing. Text found
# invalid keeps its message (a sheet repeats the same wrong number), so it raises the same error again.
_SEEN: dict[str, str] = {}
_BAD: dict[str, str] = {}
_SEEN_MAX = 100_000

# The common case read without the parser: an Indonesian mobile number written plainly ("0812-3456-7890",
# "0812 3456 7890", "+62 813 1234 5678", or 81234567890 from a number cell that lost its zero). Whether
# its national number is a valid mobile is decided by libphonenumber's own metadata for Indonesia (its
# possible lengths, its general and mobile patterns: a number matching both is valid), so a dependency
# update still decides; tests check every input accepted here gives what the parser gives.
_PLAIN_MOBILE = re.compile(r"(?:\+62[ -]?|0)?(8\d(?:[ .-]?\d){7,10})")
_SEPARATORS = str.maketrans("", "", " .-")


def _id_pattern(kind: str) -> tuple[frozenset[int], re.Pattern[str]]:
    """Possible lengths and national-number pattern of one kind of Indonesian number, per the metadata."""
    meta = PhoneMetadata.metadata_for_region(_REGION)
    desc = getattr(meta, kind, None)
    if desc is None or not desc.national_number_pattern:
        raise RuntimeError(f"phonenumbers has no {kind} metadata for {_REGION}")
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern)


_MOBILE_LENGTHS, _ID_MOBILE = _id_pattern("mobile")
_GENERAL_LENGTHS, _ID_GENERAL = _id_pattern("general_desc")
_ID_LENGTHS = _MOBILE_LENGTHS & _GENERAL_LENGTHS


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


def _plain_mobile(text: str) -> str | None:
    """E.164 of a plainly written Indonesian mobile number, or None (then the parser decides)."""
    match = _PLAIN_MOBILE.fullmatch(text)
    if match is None:
        return None
    national = match[1].translate(_SEPARATORS)
    if len(national) in _ID_LENGTHS and _ID_MOBILE.fullmatch(national) and _ID_GENERAL.fullmatch(national):
        return "+62" + national
    return None


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
        if not raw.isascii():  # ASCII has no format (Cf) characters
            raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Cf")
        text = raw.strip().lstrip(_LEADING_QUOTES)
    else:
        raise PhoneError(f"Nomor telepon tidak dapat dibaca dari nilai bertipe {type(raw).__name__}")
    if not text.strip():
        raise PhoneError("Nomor telepon kosong")
    known = _SEEN.get(text)
    if known is not None:
        return known
    refused = _BAD.get(text)
    if refused is not None:
        raise PhoneError(refused)
    e164 = _plain_mobile(text)
    if e164 is None:
        try:
            e164 = phonenumbers.format_number(_parse(text), PhoneNumberFormat.E164)
        except PhoneError as exc:
            if len(_BAD) > _SEEN_MAX:
                _BAD.clear()
            _BAD[text] = str(exc)
            raise
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
