"""Indonesian identity numbers: NIK, No. KK and NIP.

What: normalise, check, decode, encode and mask the 16-digit population number (NIK), the 16-digit family
card number (No. KK) and the 18-digit civil-servant number (NIP).

Why: these numbers identify the programme's beneficiaries and signatories. A NIK has no check digit
(``PP KK CC DDMMYY SSSS``: province, regency/city, sub-district of first issue, birth date with 40 added to
the day for women, serial from 0001), so software can only reject numbers that are *impossible*; every
distinct failure gets its own code (RELIABILITY R13) so the import report can explain it in Indonesian.
Region codes unknown today are only a warning because regions split and move (DOMAIN.md). Numbers that went
through an Excel number cell have already lost their 16th digit and are refused (R12). Masking follows the
personal-data rules (UU 27/2022): ``647205******0001``.

Everything here is pure: no I/O, no Qt, no database.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "PROVINCES",
    "InvalidNik",
    "KkResult",
    "NikError",
    "NikInfo",
    "NikIssue",
    "NikResult",
    "NikWarning",
    "NipError",
    "NipIssue",
    "NipResult",
    "check_kk",
    "check_nik",
    "check_nip",
    "decode_nik",
    "encode_nik",
    "mask_kk",
    "mask_nik",
    "nik_record_warnings",
    "normalize_nik",
    "normalize_nip",
]

#: Kemendagri province codes (38 provinces, including the four Papua provinces created in 2022).
#: Hardcoded on purpose: the list is small and stable, and a province code outside it makes a NIK
#: impossible, not merely unknown. Finer region codes come from the caller (``known_regions``).
PROVINCES: Mapping[str, str] = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)

NIK_LENGTH = 16
KK_LENGTH = 16
NIP_LENGTH = 18
_FEMALE_DAY_OFFSET = 40


class NikError(StrEnum):
    """Why a NIK (or No. KK) is impossible. Each failure has its own code (R13)."""

    EMPTY = "EMPTY"
    NOT_DIGITS = "NOT_DIGITS"
    WRONG_LENGTH = "WRONG_LENGTH"
    PLACEHOLDER = "PLACEHOLDER"
    BAD_PROVINCE = "BAD_PROVINCE"
    BAD_DATE = "BAD_DATE"
    ZERO_SERIAL = "ZERO_SERIAL"


class NikWarning(StrEnum):
    """What makes a possible NIK doubtful: shown to the clerk, never blocking."""

    UNKNOWN_REGION = "UNKNOWN_REGION"
    MALE_NIK = "MALE_NIK"
    BIRTHDATE_MISMATCH = "BIRTHDATE_MISMATCH"
    SEX_MISMATCH = "SEX_MISMATCH"


class NipError(StrEnum):
    """Why a NIP is structurally impossible."""

    EMPTY = "EMPTY"
    NOT_DIGITS = "NOT_DIGITS"
    WRONG_LENGTH = "WRONG_LENGTH"
    PLACEHOLDER = "PLACEHOLDER"
    BAD_BIRTH_DATE = "BAD_BIRTH_DATE"
    BAD_APPOINTMENT_DATE = "BAD_APPOINTMENT_DATE"
    BAD_SEX = "BAD_SEX"
    ZERO_SERIAL = "ZERO_SERIAL"


@dataclass(frozen=True)
class NikIssue:
    """One error or warning about a NIK or No. KK: a stable code plus an Indonesian message for the user."""

    code: NikError | NikWarning
    message: str


@dataclass(frozen=True)
class NipIssue:
    """One error about a NIP: a stable code plus an Indonesian message for the user."""

    code: NipError
    message: str


@dataclass(frozen=True)
class NikInfo:
    """The facts encoded in a valid NIK.

    ``sex`` is ``"P"`` (perempuan, day + 40) or ``"L"`` (laki-laki). ``birth_date`` has its century resolved
    against a reference date (see :func:`check_nik`).
    """

    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: str
    serial: str

    @property
    def is_female(self) -> bool:
        """True when the NIK carries the women's day offset (41-71)."""
        return self.sex == "P"


@dataclass(frozen=True)
class NikResult:
    """The outcome of :func:`check_nik`: ``ok`` means no errors (warnings may still exist)."""

    ok: bool
    nik: str
    info: NikInfo | None
    errors: tuple[NikIssue, ...]
    warnings: tuple[NikIssue, ...]

    @property
    def codes(self) -> frozenset[NikError | NikWarning]:
        """All error and warning codes, for tests and filters."""
        return frozenset(issue.code for issue in (*self.errors, *self.warnings))


@dataclass(frozen=True)
class KkResult:
    """The outcome of :func:`check_kk`: ``ok`` means no errors."""

    ok: bool
    kk: str
    errors: tuple[NikIssue, ...]
    warnings: tuple[NikIssue, ...]

    @property
    def codes(self) -> frozenset[NikError | NikWarning]:
        """All error and warning codes."""
        return frozenset(issue.code for issue in (*self.errors, *self.warnings))


@dataclass(frozen=True)
class NipResult:
    """The outcome of :func:`check_nip`: ``ok`` means the NIP is structurally possible."""

    ok: bool
    nip: str
    errors: tuple[NipIssue, ...]

    @property
    def codes(self) -> frozenset[NipError]:
        """All error codes."""
        return frozenset(issue.code for issue in self.errors)


class InvalidNik(ValueError):
    """Raised by :func:`decode_nik` for an impossible NIK; carries the first error."""

    def __init__(self, issue: NikIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue

    @property
    def code(self) -> NikError | NikWarning:
        """The code of the first error."""
        return self.issue.code


# --------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------

_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_DOTS = frozenset(".\u2024\uff0e")
_LEADING_QUOTES = "'\u2018\u2019`"
_ASCII_DIGITS = re.compile(r"[0-9]+")
# "6.47205E+15" or "6,47205e15": a NIK that Excel turned into a number and then into text.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
# "6472051708800001.0": str() of a float read from a number cell.
_FLOAT_TEXT = re.compile(r"\d{10,20}\.0+")
_TEXT_PLACEHOLDERS = frozenset(
    {
        "na",
        "n/a",
        "nan",
        "nihil",
        "null",
        "none",
        "kosong",
        "tidakada",
        "tdkada",
        "belumada",
        "blmada",
        "belumpunya",
        "tidakpunya",
    }
)
_MASK_PLACEHOLDER = re.compile(r"[xX?*#]+")


_PLAIN = re.compile(r"[0-9A-Za-z*]*\Z")  # nothing to strip: the usual case, checked at C speed


# ASCII has no format (Cf) characters: there only whitespace, dots and dashes go (one C-level pass)
_ASCII_DECORATION = str.maketrans(
    "", "", "".join(ch for ch in map(chr, range(128)) if ch.isspace() or ch in _DOTS or ch in _DASHES)
)


def _strip_invisible(raw: str) -> str:
    """Remove whitespace (incl. NBSP), dots, dashes and invisible format characters (zero-width, bidi)."""
    if _PLAIN.match(raw):
        return raw
    if raw.isascii():
        return raw.translate(_ASCII_DECORATION)
    return "".join(
        ch
        for ch in raw
        if not ch.isspace() and ch not in _DOTS and ch not in _DASHES and unicodedata.category(ch) != "Cf"
    )


def normalize_nik(raw: str) -> str:
    """Return ``raw`` without the decoration clerks and spreadsheets add to a NIK or No. KK.

    Removes whitespace of any kind (incl. NBSP), dots, dashes, zero-width and other invisible format
    characters, and the leading apostrophe Excel uses to mark text. Nothing else is changed, so letters and
    other junk survive for :func:`check_nik` to report. Idempotent.
    """
    return _strip_invisible(raw).lstrip(_LEADING_QUOTES)


def normalize_nip(raw: str) -> str:
    """Like :func:`normalize_nik`, and also drops a leading ``NIP``/``NIP.``/``NIP:`` label as printed under
    signatures (``NIP. 19800512 200501 2 001``)."""
    cleaned = normalize_nik(raw)
    match = re.match(r"(?i)nip[:]?", cleaned)
    if match:
        cleaned = cleaned[match.end() :].lstrip(":").lstrip(_LEADING_QUOTES)
    return cleaned


def _is_digit_placeholder(digits: str) -> bool:
    """All one digit ("0", "1111111111111111") or a run like 1234567890123456 / 9876543210987654."""
    if digits.count(digits[:1]) == len(digits):
        return True
    if len(digits) < 4 or (int(digits[1]) - int(digits[0])) % 10 not in (1, 9):
        return False  # not a run from its first step on: most real numbers stop here
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})


def _format_issue(label: str, code: NikError, **kw: object) -> NikIssue:
    """Build the Indonesian message for a NIK/KK error code."""
    messages: dict[NikError, str] = {
        NikError.EMPTY: "{label} kosong",
        NikError.NOT_DIGITS: "{label} hanya boleh berisi angka{detail}",
        NikError.WRONG_LENGTH: "{label} harus {length} digit angka, ditemukan {found} digit",
        NikError.PLACEHOLDER: "{label} berisi nilai pengganti ({detail}), bukan nomor yang sebenarnya",
        NikError.BAD_PROVINCE: "Kode provinsi {province} pada {label} tidak dikenal",
        NikError.BAD_DATE: "Tanggal lahir pada {label} tidak mungkin: {detail}",
        NikError.ZERO_SERIAL: "Nomor urut (4 digit terakhir) {label} tidak boleh 0000",
    }
    return NikIssue(code, messages[code].format(label=label, **kw))


def _excel_number_issue(label: str) -> NikIssue:
    return _format_issue(
        label,
        NikError.NOT_DIGITS,
        detail=(
            "; nilai ini tersimpan sebagai angka di Excel sehingga digit terakhirnya sudah hilang. "
            "Ketik ulang sebagai teks (format sel Text atau awali dengan tanda petik ')"
        ),
    )


def _structural_errors(raw: object, label: str, length: int) -> tuple[str, list[NikIssue]]:
    """Checks shared by NIK and No. KK up to the length check.

    Returns the normalised string and either a single stopping error or no errors.
    """
    if raw is None:
        return "", [_format_issue(label, NikError.EMPTY)]
    if isinstance(raw, str) and len(raw) == length and raw.isascii() and raw.isdigit():
        # the usual case: exactly the digits (nothing to strip, no placeholder text, the right length)
        if _is_digit_placeholder(raw):
            detail = "angka yang sama berulang" if len(set(raw)) == 1 else "deret angka berurutan"
            return raw, [_format_issue(label, NikError.PLACEHOLDER, detail=detail)]
        return raw, []
    if isinstance(raw, bool) or not isinstance(raw, str):
        text = str(raw)
        if isinstance(raw, int | float):
            return text, [_excel_number_issue(label)]
        return text, [_format_issue(label, NikError.NOT_DIGITS, detail="")]
    stripped = raw.strip()
    if not any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in stripped):
        return "", [_format_issue(label, NikError.EMPTY)]
    if _SCIENTIFIC.fullmatch(stripped) or _FLOAT_TEXT.fullmatch(stripped):
        return normalize_nik(raw), [_excel_number_issue(label)]
    value = normalize_nik(raw)
    if not value:
        return value, [_format_issue(label, NikError.PLACEHOLDER, detail=f"'{stripped[:10]}'")]
    if value.lower() in _TEXT_PLACEHOLDERS or _MASK_PLACEHOLDER.fullmatch(value):
        return value, [_format_issue(label, NikError.PLACEHOLDER, detail=f"'{value[:20]}'")]
    if not _ASCII_DIGITS.fullmatch(value):
        bad = next(ch for ch in value if not ("0" <= ch <= "9"))
        return value, [_format_issue(label, NikError.NOT_DIGITS, detail=f", ditemukan karakter '{bad}'")]
    if _is_digit_placeholder(value):
        detail = "angka yang sama berulang" if len(set(value)) == 1 else "deret angka berurutan"
        return value, [_format_issue(label, NikError.PLACEHOLDER, detail=detail)]
    if len(value) != length:
        return value, [_format_issue(label, NikError.WRONG_LENGTH, length=length, found=len(value))]
    return value, []


def _resolve_century(yy: int, reference: date) -> int:
    """Two-digit year -> four digits: not after the reference year's two digits means 20xx, else 19xx."""
    return 2000 + yy if yy <= reference.year % 100 else 1900 + yy


@functools.lru_cache(maxsize=65_536)
def _decode_birth(digits: str, reference: date) -> tuple[date | None, str, str | None]:
    """Decode ``DDMMYY`` from a NIK. Returns (birth date or None, sex, error detail or None); remembered,
    as a sheet's women share birth dates."""
    day_raw, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if 1 <= day_raw <= 31:
        day, sex = day_raw, "L"
    elif _FEMALE_DAY_OFFSET + 1 <= day_raw <= _FEMALE_DAY_OFFSET + 31:
        day, sex = day_raw - _FEMALE_DAY_OFFSET, "P"
    else:
        return None, "", f"hari {digits[0:2]} (harus 01-31 untuk laki-laki atau 41-71 untuk perempuan)"
    if not 1 <= month <= 12:
        return None, sex, f"bulan {digits[2:4]} (harus 01-12)"
    year = _resolve_century(yy, reference)
    try:
        return date(year, month, day), sex, None
    except ValueError:
        return None, sex, f"tanggal {day:02d}-{month:02d}-{year} tidak ada di kalender"


_SEX_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "P": "P",
        "PR": "P",
        "PEREMPUAN": "P",
        "WANITA": "P",
        "F": "P",
        "L": "L",
        "LK": "L",
        "LAKI-LAKI": "L",
        "LAKILAKI": "L",
        "LAKI": "L",
        "PRIA": "L",
        "M": "L",
    }
)


def _normalize_sex(sex: str | None) -> str | None:
    """'L'/'P' (or the usual Indonesian spellings) -> 'L'/'P'; anything else -> None (not compared)."""
    if sex is None:
        return None
    return _SEX_ALIASES.get(" ".join(sex.split()).upper())


def _region_known(info: NikInfo, known_regions: Container[str]) -> bool:
    return info.district_code in known_regions or info.regency_code in known_regions


def _unknown_region_issue(label: str, district_code: str) -> NikIssue:
    return NikIssue(
        NikWarning.UNKNOWN_REGION,
        f"Kode wilayah {district_code[:2]}.{district_code[2:4]}.{district_code[4:6]} pada {label} tidak "
        "ada di tabel wilayah saat ini (mungkin wilayah lama atau hasil pemekaran); periksa kembali",
    )


# --------------------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------------------


def check_nik(
    raw: object,
    *,
    known_regions: Container[str] | None = None,
    birth_date: date | None = None,
    sex: str | None = None,
    reference: date | None = None,
) -> NikResult:
    """Check a NIK as typed or imported and decode it when possible.

    ``raw`` is normally text; an ``int``/``float`` (an Excel number cell) is refused because its 16th digit
    is already lost (R12). Errors make ``ok`` false; warnings are computed only for NIKs without errors.

    ``known_regions``: 4-digit regency codes ("6472") and/or 6-digit sub-district codes ("647205"); the
    NIK's region counts as known when either its sub-district or its regency code is in it, so pass
    6-digit codes only if you want sub-district precision. ``birth_date`` and ``sex`` ('L'/'P', or spelled
    out) come from the same record and are compared with the NIK. ``reference`` (default today) resolves the
    two-digit birth year: not after the reference's two digits means 20xx, otherwise 19xx.
    """
    result = _check_nik_alone(raw, known_regions, reference)
    if result.info is None or (birth_date is None and sex is None):
        return result
    compared = nik_record_warnings(result.info, birth_date=birth_date, sex=sex)
    return replace(result, warnings=result.warnings + compared) if compared else result


def _check_nik_alone(raw: object, known_regions: Container[str] | None, reference: date | None) -> NikResult:
    """`check_nik` without a record to compare: errors, the region and the man's-NIK warnings."""
    ref = reference or date.today()
    label = "NIK"
    value, errors = _structural_errors(raw, label, NIK_LENGTH)
    if errors:
        return NikResult(False, value, None, tuple(errors), ())

    if value[0:2] not in PROVINCES:
        errors.append(_format_issue(label, NikError.BAD_PROVINCE, province=value[0:2]))
    birth, nik_sex, date_problem = _decode_birth(value[6:12], ref)
    if date_problem is not None:
        errors.append(_format_issue(label, NikError.BAD_DATE, detail=date_problem))
    if value[12:16] == "0000":
        errors.append(_format_issue(label, NikError.ZERO_SERIAL))
    if errors or birth is None:
        return NikResult(False, value, None, tuple(errors), ())

    # nik, province, regency, district, birth date, sex, serial (positional: an import checks thousands)
    info = NikInfo(value, value[0:2], value[0:4], value[0:6], birth, nik_sex, value[12:16])
    warnings: list[NikIssue] = []
    if known_regions is not None and not _region_known(info, known_regions):
        warnings.append(_unknown_region_issue(label, info.district_code))
    if nik_sex == "L":
        warnings.append(
            NikIssue(
                NikWarning.MALE_NIK,
                "NIK ini milik laki-laki (tanggal lahir 01-31, tanpa tambahan 40), padahal program ini "
                "untuk perempuan; periksa kembali",
            )
        )
    return NikResult(True, value, info, (), tuple(warnings))


def nik_record_warnings(info: NikInfo, *, birth_date: date | None, sex: str | None) -> tuple[NikIssue, ...]:
    """What `check_nik` warns when the record's birth date or sex disagrees with what the NIK encodes
    (the day and month, and the year's two digits; the sex spelt any usual way). For a caller that
    checked the NIK once (`check_nik` without a record) and compares it with several fields later."""
    warnings: list[NikIssue] = []
    birth, nik_sex = info.birth_date, info.sex
    if birth_date is not None and birth_date != birth:
        differing = [
            name
            for name, a, b in (
                ("tanggal", birth_date.day, birth.day),
                ("bulan", birth_date.month, birth.month),
                ("tahun", birth_date.year % 100, birth.year % 100),
            )
            if a != b
        ]
        if differing:
            warnings.append(
                NikIssue(
                    NikWarning.BIRTHDATE_MISMATCH,
                    "Tanggal lahir dalam NIK tidak sama dengan tanggal lahir yang dicatat (berbeda: "
                    + ", ".join(differing)
                    + ")",
                )
            )
    record_sex = sex if sex in ("P", "L") else _normalize_sex(sex)
    if record_sex is not None and record_sex != nik_sex:
        nik_word = "perempuan" if nik_sex == "P" else "laki-laki"
        record_word = "perempuan" if record_sex == "P" else "laki-laki"
        warnings.append(
            NikIssue(
                NikWarning.SEX_MISMATCH,
                f"Jenis kelamin dalam NIK ({nik_word}) tidak sama dengan yang dicatat ({record_word})",
            )
        )
    return tuple(warnings)


def decode_nik(nik: str, *, reference: date | None = None) -> NikInfo:
    """Decode a NIK into :class:`NikInfo`; raise :class:`InvalidNik` (a ``ValueError``) if it is impossible."""
    result = check_nik(nik, reference=reference)
    if result.info is None:
        raise InvalidNik(result.errors[0])
    return result.info


def encode_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Build the NIK for a sub-district, birth date, sex ('L'/'P') and serial (1-9999).

    The inverse of :func:`decode_nik`, used by the demo-data generator and tests. Raises ``ValueError`` for
    arguments that can not form a valid NIK (including the rare combination that reads as a placeholder).
    """
    if not (len(district_code) == 6 and _ASCII_DIGITS.fullmatch(district_code)):
        raise ValueError(f"Kode kecamatan harus 6 digit angka, bukan {district_code!r}")
    if district_code[:2] not in PROVINCES:
        raise ValueError(f"Kode provinsi {district_code[:2]} tidak dikenal")
    sex_code = sex.strip().upper()
    if sex_code not in ("L", "P"):
        raise ValueError(f"Jenis kelamin harus 'L' atau 'P', bukan {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"Nomor urut harus 1-9999, bukan {serial}")
    day = birth_date.day + (_FEMALE_DAY_OFFSET if sex_code == "P" else 0)
    nik = f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
    result = check_nik(nik)
    if not result.ok:
        raise ValueError(f"Kombinasi ini tidak menghasilkan NIK yang sah: {result.errors[0].message}")
    return nik


def _mask(value: str, keep_head: int, full_length: int) -> str:
    if len(value) == full_length:
        return value[:keep_head] + "*" * (full_length - keep_head - 4) + value[-4:]
    if len(value) <= 4:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def mask_nik(nik: str) -> str:
    """Mask a NIK for files that leave the office: ``647205******0001`` (region and serial visible).

    The input is normalised first; anything that is not 16 characters keeps only its last 4 visible.
    """
    return _mask(normalize_nik(nik), 6, NIK_LENGTH)


# --------------------------------------------------------------------------------------------------------
# No. KK
# --------------------------------------------------------------------------------------------------------


def check_kk(raw: object, *, known_regions: Container[str] | None = None) -> KkResult:
    """Check a family card number (No. KK): 16 digits, known province, serial not 0000, not a placeholder.

    The middle six digits (issue date) are not checked: real cards carry odd values there. With
    ``known_regions`` an unknown 4/6-digit region code gives an ``UNKNOWN_REGION`` warning, as for NIK.
    """
    label = "No. KK"
    value, errors = _structural_errors(raw, label, KK_LENGTH)
    if errors:
        return KkResult(False, value, tuple(errors), ())
    if value[0:2] not in PROVINCES:
        errors.append(_format_issue(label, NikError.BAD_PROVINCE, province=value[0:2]))
    if value[12:16] == "0000":
        errors.append(_format_issue(label, NikError.ZERO_SERIAL))
    if errors:
        return KkResult(False, value, tuple(errors), ())
    warnings: list[NikIssue] = []
    if known_regions is not None and value[0:6] not in known_regions and value[0:4] not in known_regions:
        warnings.append(_unknown_region_issue(label, value[0:6]))
    return KkResult(True, value, (), tuple(warnings))


def mask_kk(kk: str) -> str:
    """Mask a No. KK like a NIK: ``647205******0001``."""
    return _mask(normalize_nik(kk), 6, KK_LENGTH)


# --------------------------------------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------------------------------------


def check_nip(raw: object) -> NipResult:
    """Check the structure of a civil-servant number (NIP, 18 digits).

    Layout ``YYYYMMDD YYYYMM S NNN``: birth date, appointment year and month, sex (1 male, 2 female) and a
    serial from 001. Only structure is checked; there is no register to look a NIP up in.
    """

    def issue(code: NipError, message: str) -> NipIssue:
        return NipIssue(code, message)

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return NipResult(False, "", (issue(NipError.EMPTY, "NIP kosong"),))
    if isinstance(raw, bool) or not isinstance(raw, str):
        return NipResult(
            False,
            str(raw),
            (
                issue(
                    NipError.NOT_DIGITS,
                    "NIP tersimpan sebagai angka, bukan teks; digit terakhirnya mungkin sudah hilang. "
                    "Ketik ulang sebagai teks",
                ),
            ),
        )
    value = normalize_nip(raw)
    if not value or value.lower() in _TEXT_PLACEHOLDERS or _MASK_PLACEHOLDER.fullmatch(value):
        return NipResult(
            False, value, (issue(NipError.PLACEHOLDER, "NIP berisi nilai pengganti, bukan NIP"),)
        )
    if not _ASCII_DIGITS.fullmatch(value):
        return NipResult(False, value, (issue(NipError.NOT_DIGITS, "NIP hanya boleh berisi angka"),))
    if _is_digit_placeholder(value):
        return NipResult(
            False, value, (issue(NipError.PLACEHOLDER, "NIP berisi nilai pengganti, bukan NIP"),)
        )
    if len(value) != NIP_LENGTH:
        return NipResult(
            False,
            value,
            (
                issue(
                    NipError.WRONG_LENGTH, f"NIP harus {NIP_LENGTH} digit angka, ditemukan {len(value)} digit"
                ),
            ),
        )

    errors: list[NipIssue] = []
    birth: date | None = None
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900:
        errors.append(
            issue(NipError.BAD_BIRTH_DATE, "Tanggal lahir pada NIP (8 digit pertama) tidak mungkin")
        )
    appoint_year, appoint_month = int(value[8:12]), int(value[12:14])
    if not (1 <= appoint_month <= 12 and appoint_year >= 1900) or (
        birth is not None and (appoint_year, appoint_month) <= (birth.year, birth.month)
    ):
        errors.append(
            issue(
                NipError.BAD_APPOINTMENT_DATE,
                "Tahun dan bulan pengangkatan pada NIP (digit 9-14) tidak mungkin",
            )
        )
    if value[14] not in "12":
        errors.append(issue(NipError.BAD_SEX, "Kode jenis kelamin pada NIP (digit 15) harus 1 atau 2"))
    if value[15:18] == "000":
        errors.append(issue(NipError.ZERO_SERIAL, "Nomor urut NIP (3 digit terakhir) tidak boleh 000"))
    return NipResult(not errors, value, tuple(errors))
