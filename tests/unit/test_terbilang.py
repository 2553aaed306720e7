"""Amounts in Indonesian words (terbilang)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from kaltim_desk.domain.terbilang import MAX_TERBILANG, terbilang, terbilang_rupiah

TABLE: list[tuple[int, str]] = [
    (0, "nol"),
    (1, "satu"),
    (7, "tujuh"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (200, "dua ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1_000, "seribu"),
    (1_001, "seribu satu"),
    (1_100, "seribu seratus"),
    (1_111, "seribu seratus sebelas"),
    (2_000, "dua ribu"),
    (10_000, "sepuluh ribu"),
    (11_000, "sebelas ribu"),
    (21_000, "dua puluh satu ribu"),
    (100_000, "seratus ribu"),
    (101_000, "seratus satu ribu"),
    (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"),
    (1_500_000, "satu juta lima ratus ribu"),
    (4_500_000, "empat juta lima ratus ribu"),
    (5_000_000, "lima juta"),
    (10_000_000, "sepuluh juta"),
    (100_000_000, "seratus juta"),
    (1_000_000_000, "satu miliar"),
    (2_000_001_000, "dua miliar seribu"),
    (10**12, "satu triliun"),
    (10**12 + 1_000, "satu triliun seribu"),
    (25 * 10**12, "dua puluh lima triliun"),
    (
        999_999_999_999_999,
        "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan miliar "
        "sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu "
        "sembilan ratus sembilan puluh sembilan",
    ),
]


@pytest.mark.parametrize(("n", "words"), TABLE)
def test_terbilang_table(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_num2words_is_wrong_for_a_single_thousand_after_a_larger_unit() -> None:
    """Documents why terbilang has its own implementation; if num2words is fixed this fails and the
    choice can be revisited."""
    assert num2words(1_001_000, lang="id") == "satu juta satu ribu"
    assert terbilang(1_001_000) == "satu juta seribu"


@pytest.mark.parametrize(
    ("n", "plain", "capitalized"),
    [
        (5_000_000, "lima juta rupiah", "Lima Juta Rupiah"),
        (1_000, "seribu rupiah", "Seribu Rupiah"),
        (0, "nol rupiah", "Nol Rupiah"),
        (
            4_750_000,
            "empat juta tujuh ratus lima puluh ribu rupiah",
            "Empat Juta Tujuh Ratus Lima Puluh Ribu Rupiah",
        ),
    ],
)
def test_terbilang_rupiah(n: int, plain: str, capitalized: str) -> None:
    assert terbilang_rupiah(n) == plain
    assert terbilang_rupiah(n, capitalize=True) == capitalized


@pytest.mark.parametrize("n", [-1, MAX_TERBILANG + 1, 10**18])
def test_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        terbilang(n)
    with pytest.raises(ValueError):
        terbilang_rupiah(n)


@pytest.mark.parametrize("bad", [1.0, "5", True])
def test_non_int_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        terbilang(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------
# A word -> number parser, written independently of the implementation, for the round-trip property.
# --------------------------------------------------------------------------------------------------------

_DIGIT_WORDS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_BIG = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def words_to_number(text: str) -> int:
    """Parse Indonesian number words back to an int (strict: unknown words raise)."""
    if text == "nol":
        return 0
    total = 0
    group = 0
    digit = 0
    for word in text.split(" "):
        if word in _DIGIT_WORDS:
            assert digit == 0, f"two digits in a row in {text!r}"
            digit = _DIGIT_WORDS[word]
        elif word == "belas":
            group += 10 + digit
            digit = 0
        elif word == "puluh":
            group += 10 * digit
            digit = 0
        elif word == "ratus":
            group += 100 * digit
            digit = 0
        elif word == "sepuluh":
            group += 10
        elif word == "sebelas":
            group += 11
        elif word == "seratus":
            group += 100
        elif word == "seribu":
            assert group == 0 and digit == 0
            total += 1_000
        elif word in _BIG:
            total += (group + digit) * _BIG[word]
            group = digit = 0
        else:
            raise AssertionError(f"unknown word {word!r} in {text!r}")
    return total + group + digit


def test_parser_on_table() -> None:
    for n, words in TABLE:
        assert words_to_number(words) == n


_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=MAX_TERBILANG),
    st.integers(min_value=0, max_value=100_000),
    # amounts built from groups such as 1, 10, 11, 100, 101 hit the "se-" rules more often
    st.lists(st.sampled_from([0, 1, 10, 11, 21, 100, 101, 111, 999]), min_size=5, max_size=5).map(
        lambda groups: sum(g * 1000**i for i, g in enumerate(groups))
    ),
)


@given(_NUMBERS)
def test_terbilang_properties(n: int) -> None:
    words = terbilang(n)
    assert words == words.strip()
    assert "  " not in words
    assert "satu ratus" not in words
    assert "satu puluh" not in words
    assert "satu belas" not in words
    tokens = words.split(" ")
    for i, token in enumerate(tokens):
        if token == "ribu" and tokens[i - 1] == "satu":
            # "satu ribu" only inside a larger group: "dua puluh satu ribu", "seratus satu ribu"
            assert i >= 2 and tokens[i - 2] in {"puluh", "ratus", "seratus"}
    assert ("seribu" in tokens) == ((n // 1000) % 1000 == 1)
    assert words_to_number(words) == n
