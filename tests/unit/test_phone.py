"""Phone numbers: E.164 storage, Indonesian display (RELIABILITY R14)."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaltim_desk.domain.phone import PhoneError, _plain_mobile, format_phone_local, normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("'081234567890", "+6281234567890"),  # Excel text marker
        ("\u200b0812-3456-7890\u200e", "+6281234567890"),
        ("(0541) 741234", "+62541741234"),  # Samarinda landline
        ("0541-741234", "+62541741234"),
        ("0542 8201234", "+625428201234"),  # Balikpapan
        ("021-5551234", "+62215551234"),
        (81234567890, "+6281234567890"),  # number cell: the leading zero was lost
        (81234567890.0, "+6281234567890"),
        ("+60 12-345 6789", "+60123456789"),  # a Malaysian mobile with its country code
    ],
)
def test_normalize_phone(raw: object, e164: str) -> None:
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        (None, "kosong"),
        ("-", "tidak dapat dibaca"),
        ("tidak ada", "tidak dapat dibaca"),
        ("12345", "tidak valid"),
        ("0812", "tidak valid"),
        ("0812345678901234567", "tidak"),
        ("0812-3456-7890 / 0813-1111-2222", "tidak"),
        (True, "tidak dapat dibaca"),
        (8.5, "tidak dapat dibaca"),
    ],
)
def test_normalize_phone_refuses(raw: object, fragment: str) -> None:
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(raw)
    assert isinstance(excinfo.value, ValueError)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize(
    ("e164", "local"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+628123456789", "0812-3456-789"),
        ("+62541741234", "(0541) 741234"),
        ("+60123456789", "+60 12-345 6789"),
    ],
)
def test_format_phone_local(e164: str, local: str) -> None:
    assert format_phone_local(e164) == local


def test_leading_zero_preserved_in_display() -> None:
    # Stored without the trunk zero (E.164), displayed with it again.
    stored = normalize_phone("0811-5555-1234")
    assert stored == "+6281155551234"
    shown = format_phone_local(stored)
    assert shown == "0811-5555-1234"
    assert normalize_phone(shown) == stored


def test_format_phone_local_refuses_invalid() -> None:
    with pytest.raises(PhoneError):
        format_phone_local("+6212345")


@given(
    prefix=st.sampled_from(["811", "812", "813", "821", "822", "852", "853", "857", "878", "895"]),
    rest=st.integers(min_value=10_000_000, max_value=99_999_999),
)
def test_mobile_round_trip(prefix: str, rest: int) -> None:
    local = f"0{prefix}{rest}"
    e164 = normalize_phone(local)
    assert e164 == f"+62{prefix}{rest}"
    shown = format_phone_local(e164)
    assert shown.startswith("0")
    assert shown.replace("-", "") == local
    assert normalize_phone(shown) == e164


def _parsed(text: str) -> str | None:
    """What libphonenumber itself makes of `text` (Indonesia as the default region), None if invalid."""
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@st.composite
def _written_numbers(draw: st.DrawFn) -> str:
    """Numbers as clerks write them: a prefix, mostly an 8 then digits, separators anywhere."""
    prefix = draw(st.sampled_from(["", "0", "+62", "+62 ", "+62-", "62", "00", "+6", "+620", "0 ", "08"]))
    digits = draw(st.text(alphabet="0123456789", min_size=5, max_size=14))
    if draw(st.booleans()):
        digits = "8" + digits
    sep = st.sampled_from(["", "", "", " ", "-", ".", "  ", "/"])
    return prefix + "".join(draw(sep) + d for d in digits)


@settings(max_examples=1500)
@given(st.one_of(_written_numbers(), st.text(alphabet="+0123456789 -.8", max_size=20)))
def test_the_plain_mobile_fast_path_gives_what_the_parser_gives(text: str) -> None:
    fast, expected = _plain_mobile(text), _parsed(text)
    if fast is not None:
        assert fast == expected
    if expected is not None:
        assert normalize_phone(text) == expected


@pytest.mark.parametrize("second", "0123456789")
@pytest.mark.parametrize("length", range(8, 15))
@pytest.mark.parametrize("prefix", ["", "0", "+62", "+62 "])
def test_every_prefix_and_length_of_the_fast_path_agrees_with_the_parser(prefix, length, second) -> None:
    national = "8" + second + "1234567890123"[: length - 2]
    for text in (prefix + national, prefix + national[:4] + "-" + national[4:]):
        assert _plain_mobile(text) in (None, _parsed(text))
        expected = _parsed(text)
        if expected is None:
            with pytest.raises(PhoneError):
                normalize_phone(text)
        else:
            assert normalize_phone(text) == expected


def test_a_wrong_number_repeated_down_a_sheet_is_refused_every_time_with_the_same_message() -> None:
    messages = []
    for _ in range(3):
        with pytest.raises(PhoneError) as excinfo:
            normalize_phone("0112345")
        messages.append(str(excinfo.value))
    assert len(set(messages)) == 1 and "tidak valid" in messages[0]
