"""NIK, No. KK and NIP rules (DOMAIN.md "Identity numbers", RELIABILITY R12-R13)."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Container
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kaltim_desk.domain.nik import (
    _DASHES,
    PROVINCES,
    InvalidNik,
    NikError,
    NikInfo,
    NikWarning,
    NipError,
    _is_digit_placeholder,
    _strip_invisible,
    check_kk,
    check_nik,
    check_nip,
    decode_nik,
    encode_nik,
    mask_kk,
    mask_nik,
    nik_record_warnings,
    normalize_nik,
    normalize_nip,
)

REF = date(2025, 6, 30)
# Samarinda Ulu (64.72.05), a woman born 17 August 1980, serial 0001.
WOMAN = "6472055708800001"
# The same sub-district, a man born 17 August 1980, serial 0002.
MAN = "6472051708800002"
KALTIM_REGENCIES = frozenset({"6401", "6402", "6403", "6407", "6408", "6409", "6411", "6471", "6472", "6474"})


def error_codes(raw: object) -> list[NikError | NikWarning]:
    return [issue.code for issue in check_nik(raw, reference=REF).errors]


def warning_codes(
    raw: object,
    *,
    known_regions: Container[str] | None = None,
    birth_date: date | None = None,
    sex: str | None = None,
) -> list[NikError | NikWarning]:
    result = check_nik(raw, known_regions=known_regions, birth_date=birth_date, sex=sex, reference=REF)
    return [issue.code for issue in result.warnings]


# --------------------------------------------------------------------------------------------------------
# normalize_nik
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6472055708800001", WOMAN),
        ("  6472055708800001  ", WOMAN),
        ("6472 0557 0880 0001", WOMAN),
        ("6472.05.570880.0001", WOMAN),
        ("64-72-05-570880-0001", WOMAN),
        ("'6472055708800001", WOMAN),  # Excel text marker
        ("\u20196472055708800001", WOMAN),  # the same marker after autocorrect
        ("6472\u00a005570880\u00a00001", WOMAN),  # NBSP
        ("\ufeff6472\u200b0557\u200d08800001\u200e", WOMAN),  # BOM, zero-width, LRM
        ("6472\u20130557\u20140880\u22120001", WOMAN),  # en dash, em dash, minus sign
        ("\t6472055708800001\r\n", WOMAN),
        ("64720557O8800001", "64720557O8800001"),  # a letter O survives for the checker to report
        ("", ""),
        ("-", ""),
    ],
)
def test_normalize_nik_table(raw: str, expected: str) -> None:
    assert normalize_nik(raw) == expected


_NOISY = st.text(alphabet=st.sampled_from("0123456789 .-'\u00a0\u200b\ufeff\u2019\u2013aO\t"), max_size=30)


@given(_NOISY)
def test_normalize_nik_is_idempotent(raw: str) -> None:
    once = normalize_nik(raw)
    assert normalize_nik(once) == once


@given(st.text(max_size=40))
def test_normalize_nik_idempotent_any_text(raw: str) -> None:
    once = normalize_nik(raw)
    assert normalize_nik(once) == once
    assert not once.startswith("'")
    assert " " not in once and "." not in once and "-" not in once


# --------------------------------------------------------------------------------------------------------
# check_nik: valid numbers and decoding
# --------------------------------------------------------------------------------------------------------


def test_valid_woman_nik_decodes() -> None:
    result = check_nik(" 6472 0557 0880 0001 ", reference=REF)
    assert result.ok is True
    assert result.nik == WOMAN
    assert result.errors == ()
    assert result.warnings == ()
    assert result.info == NikInfo(
        nik=WOMAN,
        province_code="64",
        regency_code="6472",
        district_code="647205",
        birth_date=date(1980, 8, 17),
        sex="P",
        serial="0001",
    )
    assert result.info.is_female is True


def test_valid_man_nik_decodes_with_male_warning() -> None:
    result = check_nik(MAN, reference=REF)
    assert result.ok is True
    assert result.info is not None
    assert result.info.sex == "L"
    assert result.info.birth_date == date(1980, 8, 17)
    assert [w.code for w in result.warnings] == [NikWarning.MALE_NIK]


@pytest.mark.parametrize(
    ("nik", "birth", "sex"),
    [
        ("6401014101010001", date(2001, 1, 1), "P"),  # day 41 -> 1st, female
        ("6401017112990001", date(1999, 12, 31), "P"),  # day 71 -> 31st
        ("6401010101250001", date(2025, 1, 1), "L"),  # yy == reference yy -> 2000s
        ("6401010101260001", date(1926, 1, 1), "L"),  # yy > reference yy -> 1900s
        ("6401016902000001", date(2000, 2, 29), "P"),  # 2000 is a leap year
        ("6401016902960001", date(1996, 2, 29), "P"),
        ("6474014512759999", date(1975, 12, 5), "P"),  # serial 9999 is fine
        ("9601014101010001", date(2001, 1, 1), "P"),  # Papua Barat Daya (2022) is a province
    ],
)
def test_decode_dates_and_sex(nik: str, birth: date, sex: str) -> None:
    info = decode_nik(nik, reference=REF)
    assert info.birth_date == birth
    assert info.sex == sex


def test_century_follows_reference_date() -> None:
    assert decode_nik("6401014101300001", reference=date(2029, 1, 1)).birth_date == date(1930, 1, 1)
    assert decode_nik("6401014101300001", reference=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_decode_defaults_to_today_as_reference() -> None:
    # Year 00 is never after today's two-digit year, so it is always 2000.
    assert decode_nik("6401014101000001").birth_date == date(2000, 1, 1)


def test_decode_raises_invalid_nik_with_first_error() -> None:
    with pytest.raises(InvalidNik) as excinfo:
        decode_nik("9972053213800000", reference=REF)
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.code == NikError.BAD_PROVINCE
    assert "99" in str(excinfo.value)


# --------------------------------------------------------------------------------------------------------
# check_nik: every error code
# --------------------------------------------------------------------------------------------------------


NIK_ERROR_CASES: list[tuple[object, NikError]] = [
    # EMPTY
    ("", NikError.EMPTY),
    ("    ", NikError.EMPTY),
    ("\u00a0\u200b", NikError.EMPTY),  # only invisible characters
    (None, NikError.EMPTY),
    # NOT_DIGITS
    ("64720557O8800001", NikError.NOT_DIGITS),
    ("NIK6472055708800001", NikError.NOT_DIGITS),
    ("６４７２０５５７０８８００００１", NikError.NOT_DIGITS),  # full-width digits are not ASCII
    # PLACEHOLDER
    ("-", NikError.PLACEHOLDER),
    ("--", NikError.PLACEHOLDER),
    ("0", NikError.PLACEHOLDER),
    ("0000000000000000", NikError.PLACEHOLDER),
    ("1111111111111111", NikError.PLACEHOLDER),
    ("1234567890123456", NikError.PLACEHOLDER),
    ("9876543210987654", NikError.PLACEHOLDER),
    ("7654321098765432", NikError.PLACEHOLDER),  # a descending run that would otherwise decode
    ("N/A", NikError.PLACEHOLDER),
    ("tidak ada", NikError.PLACEHOLDER),
    ("xxxxxxxxxxxxxxxx", NikError.PLACEHOLDER),
    # WRONG_LENGTH
    ("647205570880001", NikError.WRONG_LENGTH),
    ("64720557088000011", NikError.WRONG_LENGTH),
    ("6472", NikError.WRONG_LENGTH),
    # BAD_PROVINCE
    ("9972055708800001", NikError.BAD_PROVINCE),
    ("2072055708800001", NikError.BAD_PROVINCE),
    ("0172055708800001", NikError.BAD_PROVINCE),
    # BAD_DATE
    ("6472050008800001", NikError.BAD_DATE),  # day 00
    ("6472053208800001", NikError.BAD_DATE),  # day 32
    ("6472054008800001", NikError.BAD_DATE),  # day 40 (neither male nor female)
    ("6472057208800001", NikError.BAD_DATE),  # day 72
    ("6472051700800001", NikError.BAD_DATE),  # month 00
    ("6472051713800001", NikError.BAD_DATE),  # month 13
    ("6472057104800001", NikError.BAD_DATE),  # 31 April
    ("6472056902970001", NikError.BAD_DATE),  # 29 Feb 1997: not a leap year
    ("6472053002800001", NikError.BAD_DATE),  # 30 Feb
    # ZERO_SERIAL
    ("6472055708800000", NikError.ZERO_SERIAL),
]


@pytest.mark.parametrize(("raw", "code"), NIK_ERROR_CASES)
def test_error_codes(raw: object, code: NikError) -> None:
    result = check_nik(raw, reference=REF)
    assert result.ok is False
    assert result.info is None
    assert [issue.code for issue in result.errors] == [code]
    assert result.warnings == ()
    assert all(issue.message for issue in result.errors)


def test_every_error_code_is_tested() -> None:
    tested = {code for _, code in NIK_ERROR_CASES}
    assert tested == set(NikError)


def test_independent_errors_are_all_reported() -> None:
    assert error_codes("9972053213800000") == [NikError.BAD_PROVINCE, NikError.BAD_DATE, NikError.ZERO_SERIAL]


def test_wrong_length_message_is_indonesian_and_counts_digits() -> None:
    (issue,) = check_nik("647205570880001").errors
    assert issue.message == "NIK harus 16 digit angka, ditemukan 15 digit"


def test_bad_date_message_names_the_day() -> None:
    (issue,) = check_nik("6472053508800001", reference=REF).errors
    assert issue.code == NikError.BAD_DATE
    assert "hari 35" in issue.message


# --------------------------------------------------------------------------------------------------------
# Excel numbers (R12): the 16th digit is already gone
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        str(6.47205e15),  # '6472050000000000.0'
        "6.47205e15",
        "6.47205E+15",
        "6,47206E+15",  # Indonesian-locale Excel
        str(6472055708800001.0),
        6472055708800001,  # int from a number cell
        6.472055708800001e15,  # float from a number cell
    ],
)
def test_numbers_from_excel_are_rejected(raw: object) -> None:
    result = check_nik(raw, reference=REF)
    assert result.ok is False
    assert [issue.code for issue in result.errors] == [NikError.NOT_DIGITS]
    assert "Excel" in result.errors[0].message


# --------------------------------------------------------------------------------------------------------
# check_nik: every warning code
# --------------------------------------------------------------------------------------------------------


def test_unknown_region_with_regency_codes() -> None:
    # 63.01 (Tanah Laut, South Kalimantan) is valid but not in East Kalimantan's table.
    result = check_nik("6301055708800001", known_regions=KALTIM_REGENCIES, reference=REF)
    assert result.ok is True
    assert [w.code for w in result.warnings] == [NikWarning.UNKNOWN_REGION]
    assert "63.01.05" in result.warnings[0].message
    assert warning_codes(WOMAN, known_regions=KALTIM_REGENCIES) == []


def test_unknown_region_with_district_codes() -> None:
    districts = {"647201", "647205"}
    assert warning_codes(WOMAN, known_regions=districts) == []
    assert warning_codes("6472095708800001", known_regions=districts) == [NikWarning.UNKNOWN_REGION]


def test_north_kalimantan_split_is_a_warning_not_an_error() -> None:
    # Bulungan was 64.05 before North Kalimantan was split off in 2012: old NIKs still carry it.
    result = check_nik("6405015708800001", known_regions=KALTIM_REGENCIES, reference=REF)
    assert result.ok is True
    assert [w.code for w in result.warnings] == [NikWarning.UNKNOWN_REGION]


def test_no_region_check_without_known_regions() -> None:
    assert warning_codes("1101015708800001") == []


def test_male_nik_warning() -> None:
    result = check_nik(MAN, reference=REF)
    assert [w.code for w in result.warnings] == [NikWarning.MALE_NIK]
    assert "laki-laki" in result.warnings[0].message


@pytest.mark.parametrize(
    ("record_birth", "differs"),
    [
        (date(1980, 8, 18), "tanggal"),
        (date(1980, 9, 17), "bulan"),
        (date(1981, 8, 17), "tahun"),
    ],
)
def test_birthdate_mismatch(record_birth: date, differs: str) -> None:
    result = check_nik(WOMAN, birth_date=record_birth, reference=REF)
    assert result.ok is True
    assert [w.code for w in result.warnings] == [NikWarning.BIRTHDATE_MISMATCH]
    assert differs in result.warnings[0].message


def test_birthdate_match_compares_two_digit_year_only() -> None:
    # The NIK only knows "80"; a record saying 2080 is not contradicted by the NIK itself.
    assert warning_codes(WOMAN, birth_date=date(1980, 8, 17)) == []
    assert warning_codes(WOMAN, birth_date=date(2080, 8, 17)) == []


@pytest.mark.parametrize("record_sex", ["L", "l", "Laki-laki", "LK"])
def test_sex_mismatch(record_sex: str) -> None:
    assert warning_codes(WOMAN, sex=record_sex) == [NikWarning.SEX_MISMATCH]


@pytest.mark.parametrize("record_sex", ["P", "p", "Perempuan", "WANITA"])
def test_sex_match(record_sex: str) -> None:
    assert warning_codes(WOMAN, sex=record_sex) == []


def test_man_recorded_as_woman_gets_both_warnings() -> None:
    assert warning_codes(MAN, sex="P", birth_date=date(1980, 8, 17)) == [
        NikWarning.MALE_NIK,
        NikWarning.SEX_MISMATCH,
    ]


def test_no_warnings_for_invalid_nik() -> None:
    result = check_nik(
        "6472053508800001", known_regions=set(), sex="L", birth_date=date(1990, 1, 1), reference=REF
    )
    assert result.warnings == ()


def test_every_warning_code_is_produced() -> None:
    produced = (
        set(warning_codes("6301055708800001", known_regions=KALTIM_REGENCIES))
        | set(warning_codes(MAN))
        | set(warning_codes(WOMAN, birth_date=date(1980, 8, 18)))
        | set(warning_codes(WOMAN, sex="L"))
    )
    assert produced == set(NikWarning)


# --------------------------------------------------------------------------------------------------------
# encode_nik
# --------------------------------------------------------------------------------------------------------


def test_encode_table() -> None:
    assert encode_nik("647205", date(1980, 8, 17), "P", 1) == WOMAN
    assert encode_nik("647205", date(1980, 8, 17), "L", 2) == MAN
    assert encode_nik("640101", date(2001, 1, 1), "p", 9999) == "6401014101019999"


@pytest.mark.parametrize(
    ("district", "birth", "sex", "serial"),
    [
        ("64720", date(1980, 1, 1), "P", 1),  # 5 digits
        ("64720A", date(1980, 1, 1), "P", 1),
        ("997205", date(1980, 1, 1), "P", 1),  # no province 99
        ("647205", date(1980, 1, 1), "X", 1),
        ("647205", date(1980, 1, 1), "P", 0),
        ("647205", date(1980, 1, 1), "P", 10000),
        ("111111", date(1911, 11, 11), "L", 1111),  # would read as the placeholder 1111111111111111
    ],
)
def test_encode_rejects_impossible_arguments(district: str, birth: date, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        encode_nik(district, birth, sex, serial)


_DISTRICTS = st.builds(
    lambda province, rest: f"{province}{rest:04d}",
    st.sampled_from(sorted(PROVINCES)),
    st.integers(min_value=0, max_value=9999),
)


@given(
    district=_DISTRICTS,
    birth=st.dates(min_value=date(1926, 1, 1), max_value=date(2025, 12, 31)),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_encode_decode_round_trip(district: str, birth: date, sex: str, serial: int) -> None:
    # The only two district codes that can spell a placeholder run (1111111111111111, 7654321098765432).
    assume(district not in {"111111", "765432"})
    nik = encode_nik(district, birth, sex, serial)
    assert len(nik) == 16 and nik.isdigit()
    info = decode_nik(nik, reference=date(2025, 12, 31))
    assert info.district_code == district
    assert info.regency_code == district[:4]
    assert info.province_code == district[:2]
    assert info.birth_date == birth
    assert info.sex == sex
    assert info.serial == f"{serial:04d}"


@given(st.text(max_size=24))
def test_check_nik_never_raises_on_text(raw: str) -> None:
    result = check_nik(raw, reference=REF)
    assert result.ok == (not result.errors)
    assert (result.info is not None) == result.ok


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_ok_iff_decodable(digits: str) -> None:
    result = check_nik(digits, reference=REF)
    if result.ok:
        assert result.info is not None
        assert result.info.nik == digits
        assert digits[:2] in PROVINCES
        assert digits[12:] != "0000"
    else:
        assert result.errors


# --------------------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        (WOMAN, "647205******0001"),
        ("6472 0557 0880 0001", "647205******0001"),
        ("'6472055708800001", "647205******0001"),
        ("647205570880001", "***********0001"),  # 15 digits: only the last 4 visible
        ("64720557088000012", "*************0012"),
        ("12345", "*2345"),
        ("1234", "1234"),
        ("", ""),
    ],
)
def test_mask_nik(raw: str, masked: str) -> None:
    assert mask_nik(raw) == masked


def test_mask_kk() -> None:
    assert mask_kk("6472051708800009") == "647205******0009"
    assert mask_kk("6472.0517.0880.0009") == "647205******0009"
    assert mask_kk("64720517") == "****0517"


# --------------------------------------------------------------------------------------------------------
# No. KK
# --------------------------------------------------------------------------------------------------------


def test_check_kk_valid() -> None:
    result = check_kk("6472 0512 0315 0007")
    assert result.ok is True
    assert result.kk == "6472051203150007"
    assert result.errors == () and result.warnings == ()


def test_check_kk_does_not_check_the_middle_digits() -> None:
    # Real cards carry odd values in the issue-date part; only region and serial are checked.
    assert check_kk("6472059999990007").ok is True


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", NikError.EMPTY),
        ("64720512031500A7", NikError.NOT_DIGITS),
        (6472051203150007, NikError.NOT_DIGITS),
        ("647205120315007", NikError.WRONG_LENGTH),
        ("-", NikError.PLACEHOLDER),
        ("0000000000000000", NikError.PLACEHOLDER),
        ("9972051203150007", NikError.BAD_PROVINCE),
        ("6472051203150000", NikError.ZERO_SERIAL),
    ],
)
def test_check_kk_errors(raw: object, code: NikError) -> None:
    result = check_kk(raw)
    assert result.ok is False
    assert [issue.code for issue in result.errors] == [code]
    assert all("No. KK" in issue.message for issue in result.errors)


def test_check_kk_unknown_region_warning() -> None:
    result = check_kk("6301051203150007", known_regions=KALTIM_REGENCIES)
    assert result.ok is True
    assert [w.code for w in result.warnings] == [NikWarning.UNKNOWN_REGION]
    assert check_kk("6472051203150007", known_regions=KALTIM_REGENCIES).warnings == ()


def test_check_kk_wrong_length_message() -> None:
    (issue,) = check_kk("64720512031500077").errors
    assert issue.message == "No. KK harus 16 digit angka, ditemukan 17 digit"


# --------------------------------------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("198005122005012001", "198005122005012001"),
        ("19800512 200501 2 001", "198005122005012001"),
        ("NIP. 19800512 200501 2 001", "198005122005012001"),
        ("NIP: 19800512.200501.2.001", "198005122005012001"),
        ("nip 19800512 200501 2 001", "198005122005012001"),
    ],
)
def test_check_nip_valid(raw: str, normalized: str) -> None:
    assert normalize_nip(raw) == normalized
    result = check_nip(raw)
    assert result.ok is True
    assert result.nip == normalized
    assert result.errors == ()


NIP_ERROR_CASES: list[tuple[object, NipError]] = [
    ("", NipError.EMPTY),
    (None, NipError.EMPTY),
    ("19800512 200501 2 00A", NipError.NOT_DIGITS),
    (198005122005012001, NipError.NOT_DIGITS),
    ("19800512 200501 2 01", NipError.WRONG_LENGTH),
    ("NIP. -", NipError.PLACEHOLDER),
    ("000000000000000000", NipError.PLACEHOLDER),
    ("19801312 200501 2 001", NipError.BAD_BIRTH_DATE),  # month 13
    ("19800230 200501 2 001", NipError.BAD_BIRTH_DATE),  # 30 February
    ("18990512 200501 2 001", NipError.BAD_BIRTH_DATE),  # before 1900
    ("19800512 200513 2 001", NipError.BAD_APPOINTMENT_DATE),  # month 13
    ("19800512 197501 2 001", NipError.BAD_APPOINTMENT_DATE),  # appointed before birth
    ("19800512 200501 3 001", NipError.BAD_SEX),
    ("19800512 200501 0 001", NipError.BAD_SEX),
    ("19800512 200501 2 000", NipError.ZERO_SERIAL),
]


@pytest.mark.parametrize(("raw", "code"), NIP_ERROR_CASES)
def test_check_nip_errors(raw: object, code: NipError) -> None:
    result = check_nip(raw)
    assert result.ok is False
    assert [issue.code for issue in result.errors] == [code]


def test_every_nip_error_code_is_tested() -> None:
    tested = {code for _, code in NIP_ERROR_CASES}
    assert tested == set(NipError)


def test_check_nip_reports_all_structural_errors() -> None:
    assert check_nip("19800532 200513 3 000").codes == {
        NipError.BAD_BIRTH_DATE,
        NipError.BAD_APPOINTMENT_DATE,
        NipError.BAD_SEX,
        NipError.ZERO_SERIAL,
    }


def test_province_table_has_38_provinces() -> None:
    assert len(PROVINCES) == 38
    assert PROVINCES["64"] == "Kalimantan Timur"
    assert PROVINCES["65"] == "Kalimantan Utara"
    assert all(len(code) == 2 and 11 <= int(code) <= 96 for code in PROVINCES)


# --------------------------------------------------------------------------------------------------------
# Fast paths (an import checks every NIK of a sheet): each gives what the general path gives
# --------------------------------------------------------------------------------------------------------

_NIK_LIKE = st.one_of(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.builds(
        lambda d, run: (d * 16)[:16] if run else d,
        st.text(alphabet="0123456789", min_size=1, max_size=2),
        st.booleans(),
    ),
    st.sampled_from(["1234567890123456", "9876543210987654", "0123456789012345", "6472054101800001"]),
)


@settings(max_examples=400)
@given(_NIK_LIKE, st.sampled_from([" ", "'", "\u200b", "\u00a0"]))
def test_sixteen_digits_are_checked_as_the_same_digits_with_decoration(digits: str, mark: str) -> None:
    """The 16-digit path against the general one (a leading mark sends a NIK there)."""
    regions = {"6472", "647205"}
    assert check_nik(digits, reference=REF, known_regions=regions) == check_nik(
        mark + digits, reference=REF, known_regions=regions
    )


@given(st.text(alphabet="0123456789", max_size=20))
def test_digit_placeholders_are_found_as_by_the_set_of_digits(digits: str) -> None:
    def by_set(d: str) -> bool:
        if len(set(d)) == 1:
            return True
        if len(d) < 4:
            return False
        return {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(d)} in ({1}, {9})

    assert _is_digit_placeholder(digits) == by_set(digits)


def _strip_by_characters(raw: str) -> str:
    return "".join(
        ch
        for ch in raw
        if not ch.isspace()
        and ch not in ".\u2024\uff0e"
        and ch not in _DASHES
        and unicodedata.category(ch) != "Cf"
    )


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=24))
def test_ascii_decoration_is_stripped_as_character_by_character(raw: str) -> None:
    assert _strip_invisible(raw) == _strip_by_characters(raw)


@given(
    st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))),
    st.sampled_from([None, "P", "L", "p", " perempuan ", "LAKI-LAKI", "Pria", "x", ""]),
)
def test_a_record_compared_later_warns_as_checked_together(birth: date | None, sex: str | None) -> None:
    nik = "6472055005800001"
    together = check_nik(nik, reference=REF, birth_date=birth, sex=sex)
    alone = check_nik(nik, reference=REF)
    assert alone.info is not None
    assert together.warnings == alone.warnings + nik_record_warnings(alone.info, birth_date=birth, sex=sex)
