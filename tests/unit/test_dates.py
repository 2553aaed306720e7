"""Indonesian dates: formatting, spelled-out dates, flexible parsing, month arithmetic."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desk.domain.dates import (
    DateInWords,
    DateParseError,
    add_months,
    date_in_words,
    day_name_id,
    format_date_id,
    parse_date_flexible,
    parse_place_and_date,
    roman_month,
)

INDEPENDENCE_DAY = date(2024, 8, 17)  # a Saturday


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (INDEPENDENCE_DAY, "17 Agustus 2024"),
        (date(2024, 1, 5), "5 Januari 2024"),
        (date(2025, 2, 28), "28 Februari 2025"),
        (date(2023, 3, 1), "1 Maret 2023"),
        (date(2023, 5, 9), "9 Mei 2023"),
        (date(2023, 11, 30), "30 November 2023"),
        (date(2023, 12, 31), "31 Desember 2023"),
        (datetime(2024, 8, 17, 23, 59), "17 Agustus 2024"),
    ],
)
def test_format_date_id(d: date, text: str) -> None:
    assert format_date_id(d) == text


@pytest.mark.parametrize(
    ("d", "name"),
    [
        (date(2024, 8, 12), "Senin"),
        (date(2024, 8, 13), "Selasa"),
        (date(2024, 8, 14), "Rabu"),
        (date(2024, 8, 15), "Kamis"),
        (date(2024, 8, 16), "Jumat"),
        (INDEPENDENCE_DAY, "Sabtu"),
        (date(2024, 8, 18), "Minggu"),
    ],
)
def test_day_name_id(d: date, name: str) -> None:
    assert day_name_id(d) == name


def test_date_in_words() -> None:
    words = date_in_words(INDEPENDENCE_DAY)
    assert words == DateInWords(
        day_name="Sabtu",
        day_words="tujuh belas",
        month_name="Agustus",
        year_words="dua ribu dua puluh empat",
    )
    assert words.sentence() == (
        "Pada hari ini Sabtu tanggal tujuh belas bulan Agustus tahun dua ribu dua puluh empat"
    )


def test_date_in_words_first_of_month_and_older_year() -> None:
    words = date_in_words(date(1999, 10, 1))
    assert words.day_words == "satu"
    assert words.month_name == "Oktober"
    assert words.year_words == "seribu sembilan ratus sembilan puluh sembilan"
    assert words.day_name == "Jumat"


@pytest.mark.parametrize(
    ("m", "roman"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (7, "VII"), (8, "VIII"), (9, "IX"),
     (10, "X"), (11, "XI"), (12, "XII")],
)  # fmt: skip
def test_roman_month(m: int, roman: str) -> None:
    assert roman_month(m) == roman


@pytest.mark.parametrize("bad", [0, 13, -1])
def test_roman_month_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        roman_month(bad)


@pytest.mark.parametrize(
    "value",
    [
        INDEPENDENCE_DAY,
        datetime(2024, 8, 17, 10, 30),
        "17-08-2024",
        "17/08/2024",
        "17.08.2024",
        "17-8-2024",
        "2024-08-17",
        "2024/08/17",
        "2024-08-17 00:00:00",
        "2024-08-17T09:15",
        "17 Agustus 2024",
        "17 agustus 2024",
        "17 AGUSTUS 2024",
        "17 Agt 2024",
        "17 Agt. 2024",
        "17 Ags 2024",
        "17 Agu 2024",
        "17-Aug-2024",
        "17 August 2024",
        "Sabtu, 17 Agustus 2024",
        "  17   Agustus   2024 ",
    ],
)
def test_parse_date_flexible_accepts(value: object) -> None:
    assert parse_date_flexible(value) == INDEPENDENCE_DAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Jan 2000", date(2000, 1, 1)),
        ("29 Februari 2024", date(2024, 2, 29)),
        ("5 Peb 1980", date(1980, 2, 5)),
        ("5 Mrt 1980", date(1980, 3, 5)),
        ("12 Mei 1980", date(1980, 5, 12)),
        ("12 May 1980", date(1980, 5, 12)),
        ("3 Okt 1975", date(1975, 10, 3)),
        ("3 Oct 1975", date(1975, 10, 3)),
        ("3 Nop 1975", date(1975, 11, 3)),
        ("3 Nopember 1975", date(1975, 11, 3)),
        ("25 Des 1990", date(1990, 12, 25)),
        ("25 Dec 1990", date(1990, 12, 25)),
        ("01/02/2003", date(2003, 2, 1)),  # day first, always
    ],
)
def test_parse_date_flexible_month_words(text: str, expected: date) -> None:
    assert parse_date_flexible(text) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("31-02-2024", "Februari 2024 hanya sampai tanggal 29"),
        ("29-02-2023", "Februari 2023 hanya sampai tanggal 28"),
        ("31 April 2024", "April 2024 hanya sampai tanggal 30"),
        ("00-08-2024", "tidak ada"),
        ("17-13-2024", "Bulan 13"),
        ("08/17/2024", "Bulan 17"),  # US month-first is not guessed
        ("17-08-24", "4 digit"),
        ("17 Agustus 24", "4 digit"),
        ("17 Foo 2024", "Nama bulan 'Foo'"),
        ("kemarin", "tidak dapat dibaca"),
        ("", "kosong"),
        (None, "kosong"),
        (45521, "tidak dapat dibaca"),  # an Excel serial number
    ],
)
def test_parse_date_flexible_refuses(value: object, fragment: str) -> None:
    with pytest.raises(DateParseError) as excinfo:
        parse_date_flexible(value)
    assert isinstance(excinfo.value, ValueError)
    assert fragment in str(excinfo.value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_format_then_parse_round_trip(d: date) -> None:
    assert parse_date_flexible(format_date_id(d)) == d
    assert parse_date_flexible(d.strftime("%d-%m-%Y")) == d
    assert parse_date_flexible(d.isoformat()) == d


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # across a year
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 10), -1, date(2023, 12, 10)),
        (date(2024, 8, 17), 12, date(2025, 8, 17)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 8, 17), 0, date(2024, 8, 17)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)), st.integers(-120, 120))
def test_add_months_properties(d: date, n: int) -> None:
    moved = add_months(d, n)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == n
    assert moved.day <= d.day
    if moved.day < d.day:
        # clamped: the day is the last of its month, so the next day is the 1st of the next month
        first_of_next = date(moved.year + (moved.month == 12), moved.month % 12 + 1, 1)
        assert moved.toordinal() + 1 == first_of_next.toordinal()
    else:
        assert moved.day == d.day


@pytest.mark.parametrize(
    ("text", "place", "born"),
    [
        ("Samarinda, 12-05-1980", "Samarinda", date(1980, 5, 12)),
        ("SAMARINDA 12 Mei 1980", "SAMARINDA", date(1980, 5, 12)),
        ("Samarinda,12-05-1980", "Samarinda", date(1980, 5, 12)),
        ("Tenggarong / 1980-05-12", "Tenggarong", date(1980, 5, 12)),
        ("Kutai  Kartanegara, 3 Nop 1975", "Kutai Kartanegara", date(1975, 11, 3)),
        ("Balikpapan, 12/05/1980", "Balikpapan", date(1980, 5, 12)),
        ("Tanjung Redeb - 1 Januari 1990", "Tanjung Redeb", date(1990, 1, 1)),
        ("12-05-1980", "", date(1980, 5, 12)),
    ],
)
def test_parse_place_and_date(text: str, place: str, born: date) -> None:
    assert parse_place_and_date(text) == (place, born)


@pytest.mark.parametrize("text", ["Samarinda", "Samarinda, 31-02-1980", "Samarinda, 12-05-80", ""])
def test_parse_place_and_date_refuses(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_place_and_date(text)
