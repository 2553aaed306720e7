"""Name and text hygiene, formula detection (RELIABILITY R10, R14)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desk.domain.text import TextError, clean_name, clean_text, is_formula_like


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("  Siti   Aminah  ", "Siti Aminah"),
        ("Siti\tAminah\r\n", "Siti Aminah"),
        ("Siti\u00a0Aminah", "Siti Aminah"),  # NBSP
        ("Siti\u200bAminah", "SitiAminah"),  # zero-width space is invisible, so it is removed
        ("\ufeffSiti Aminah", "Siti Aminah"),  # BOM
        ("Siti \u202eanimA\u202c", "Siti animA"),  # right-to-left override
        ("\u2066Siti\u2069 Aminah", "Siti Aminah"),  # isolates
        ("Siti\u200e Aminah\u200f", "Siti Aminah"),  # LRM / RLM
        ("Siti\x00 Ami\x07nah", "Siti Aminah"),  # NUL, BEL
        ("Siti\u00adAminah", "SitiAminah"),  # soft hyphen
        ("Ni Made Re\u0301ni", "Ni Made R\u00e9ni"),  # NFC: e + combining acute -> é
        ("Re\u200b\u0301ni", "R\u00e9ni"),  # composed after the invisible character is removed
        ("St. Nur'aini, S.E.", "St. Nur'aini, S.E."),  # punctuation and case kept
        ("HJ. MASITAH", "HJ. MASITAH"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\u202e\u202c", "\t\r\n", "\x00"])
def test_clean_name_empty_raises(raw: str) -> None:
    with pytest.raises(TextError) as excinfo:
        clean_name(raw)
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value) == "Nama kosong"


def test_clean_text_allows_empty() -> None:
    assert clean_text("") == ""
    assert clean_text(" \u200b ") == ""
    assert clean_text("Jl.  Juanda\nRT 05") == "Jl. Juanda RT 05"


def test_clean_text_max_len() -> None:
    assert clean_text("  abc  ", max_len=3) == "abc"  # measured after cleaning
    with pytest.raises(TextError) as excinfo:
        clean_text("abcd", max_len=3)
    assert "maksimal 3" in str(excinfo.value)


_NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list(
                "aAeé \t\r\n\x00\x1f\u00a0\u200b\u200d\u202a\u202e\u2066\u2069\u200e\u200f\ufeff\u00ad\u0301\u0308"
            )
        ),
        st.characters(),
    ),
    max_size=40,
)


@given(_NASTY)
def test_clean_name_idempotent(raw: str) -> None:
    try:
        once = clean_name(raw)
    except TextError:
        assert clean_text(raw) == ""
        return
    assert clean_name(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert unicodedata.is_normalized("NFC", once)
    assert not any(unicodedata.category(ch) == "Cc" for ch in once)
    assert not any(ch in once for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@given(_NASTY)
def test_clean_text_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", True),
        ("+62812", True),
        ("-5", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\rx", True),
        ("\nx", True),
        ("Siti Aminah", False),
        ("6472055708800001", False),
        (" =1", False),
        ("a=b", False),
        ("", False),
    ],
)
def test_is_formula_like(value: str, expected: bool) -> None:
    assert is_formula_like(value) is expected


def _clean_by_characters(s: str) -> str:
    """The character-by-character cleaning (every text, any script): the reference for the ASCII pass."""
    kept: list[str] = []
    for ch in s:
        category = unicodedata.category(ch)
        if category == "Cf" and ch not in "\u200c\u200d":
            continue
        if category == "Cc":
            if ch.isspace():
                kept.append(" ")
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_text_is_cleaned_as_character_by_character(raw: str) -> None:
    assert clean_text(raw) == _clean_by_characters(raw)


@given(_NASTY)
def test_any_text_is_cleaned_as_character_by_character(raw: str) -> None:
    assert clean_text(raw) == _clean_by_characters(raw)
