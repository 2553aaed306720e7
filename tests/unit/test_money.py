"""Whole-rupiah parsing and formatting (DOMAIN.md "Documents", RELIABILITY R14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desk.domain.money import MoneyError, format_number, format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2_000_000, 2_000_000),
        (0, 0),
        ("Rp 2.000.000", 2_000_000),
        ("Rp2.000.000,00", 2_000_000),
        ("Rp. 1.500.000", 1_500_000),
        ("rp 1.500.000", 1_500_000),
        ("IDR 4.500.000", 4_500_000),
        ("2,000,000", 2_000_000),
        ("2,000,000.00", 2_000_000),
        ("2000000", 2_000_000),
        ("2.000.000,-", 2_000_000),
        ("Rp 2.000.000,-", 2_000_000),
        ("2.000.000", 2_000_000),
        ("2.000", 2_000),
        ("2,000", 2_000),
        ("2.00", 2),
        ("2,00", 2),
        ("2,0", 2),
        ("  Rp\u00a05.000.000  ", 5_000_000),
        ("1 500 000", 1_500_000),
        ("999", 999),
        ("Rp0", 0),
        (2_000_000.0, 2_000_000),
        (Decimal("2000000.00"), 2_000_000),
        ("1.000.000.000.000.000", 10**15),
    ],
)
def test_parse_rupiah_accepts(value: object, expected: int) -> None:
    assert parse_rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        (None, "kosong"),
        ("2,50", "tanpa sen"),
        ("2.000.000,50", "tanpa sen"),
        ("1,500.75", "tanpa sen"),
        ("1.5", "tanpa sen"),
        (2.5, "tanpa sen"),
        (Decimal("10.01"), "tanpa sen"),
        ("-5.000", "negatif"),
        ("Rp -5.000", "negatif"),
        ("-Rp5.000", "negatif"),
        ("(5.000)", "negatif"),
        (-1, "negatif"),
        (-1.0, "negatif"),
        ("dua juta", "tidak dapat dibaca"),
        ("Rp", "tidak dapat dibaca"),
        ("5 juta", "tidak dapat dibaca"),
        ("12.34.567", "tiap 3 digit"),
        ("1234.567", "tiap 3 digit"),
        ("2.000.", "tidak jelas"),
        ("1.000,000", "tidak jelas"),
        (True, "tidak dapat dibaca"),
        (float("nan"), "tidak dapat dibaca"),
        (2.0**60, "terlalu besar"),
        ([1], "tidak dapat dibaca"),
    ],
)
def test_parse_rupiah_refuses(value: object, fragment: str) -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse_rupiah(value)
    assert isinstance(excinfo.value, ValueError)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Rp0"),
        (1, "Rp1"),
        (999, "Rp999"),
        (1_000, "Rp1.000"),
        (5_000_000, "Rp5.000.000"),
        (4_500_000, "Rp4.500.000"),
        (1_234_567_890, "Rp1.234.567.890"),
        (10**15, "Rp1.000.000.000.000.000"),
        (-5_000, "-Rp5.000"),
    ],
)
def test_format_rupiah(amount: int, text: str) -> None:
    assert format_rupiah(amount) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (999, "999"), (1_000, "1.000"), (5_000_000, "5.000.000"), (-5_000, "-5.000")],
)
def test_format_number(n: int, text: str) -> None:
    assert format_number(n) == text


@pytest.mark.parametrize("bad", [1.5, "5000", True, None])
def test_formatters_refuse_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_rupiah(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_number(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_format_round_trip(n: int) -> None:
    text = format_rupiah(n)
    assert text.startswith("Rp")
    assert " " not in text and "\u00a0" not in text
    assert parse_rupiah(text) == n
    assert parse_rupiah(format_number(n)) == n


@given(st.integers(min_value=0, max_value=10**15))
def test_english_grouping_round_trip(n: int) -> None:
    assert parse_rupiah(f"{n:,}") == n
    assert parse_rupiah(f"Rp {n:,}.00") == n
