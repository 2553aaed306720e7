"""Text hygiene for names and free text, and detection of spreadsheet-formula-like values.

What: :func:`clean_name` and :func:`clean_text` NFC-normalise, remove control and invisible bidi/zero-width
characters, collapse whitespace and trim; :func:`is_formula_like` tells whether a value would be run as a
formula by a spreadsheet; :func:`shorten` and :func:`clip_message` keep a value quoted in a message short.

Why: the same name typed on two PCs must compare equal (NFC, one space), and invisible characters must not
hide in names or make two records look identical while differing (RELIABILITY R14); bidi overrides can
make printed text read differently from what is stored. Formula-like text must be written to workbooks as
text, never as a formula (R10). A value echoed in a message is cut to a readable length: a
40,000-character name pasted into a cell must give a one-line error, not a screen of text (nor a log
line of 40 KB). Pure functions, no I/O.
"""

from __future__ import annotations

import unicodedata

__all__ = ["TextError", "clean_name", "clean_text", "clip_message", "is_formula_like", "shorten"]

# Bidi embeddings/overrides/isolates and marks, zero-width characters, word joiner, BOM, soft hyphen.
# (All are format characters, category Cf; every other Cf character except the joiners is removed too.)
_INVISIBLE = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
    "\u200b\u2060\ufeff"  # zero-width space, word joiner, BOM
    "\u00ad"  # soft hyphen
)

# Joiners change how some scripts (and emoji) render; they are not hidden text, so they stay.
_KEPT_FORMAT = frozenset("\u200c\u200d")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # each one character: a cell's first

SHOWN_CHARS = 60  # a value quoted in a message (a name is at most 150, most are under 40)
WORD_CHARS = 200  # one unbroken run in a message (a long folder path still fits)
MESSAGE_CHARS = 1000  # a whole message
ELLIPSIS = "\u2026"


class TextError(ValueError):
    """Text that is unusable after cleaning (e.g. an empty name); the message is Indonesian."""


# ASCII control characters: the whitespace ones become a space, the others go (ASCII has no Cf)
_ASCII_CONTROLS = {c: (" " if chr(c).isspace() else None) for c in (*range(32), 127)}


def _clean(s: str) -> str:
    if s.isascii():
        if s.isprintable() and "  " not in s and s == s.strip():
            return s  # nothing to remove or collapse, and ASCII is its own NFC (an import's common case)
        return " ".join(s.translate(_ASCII_CONTROLS).split())
    kept: list[str] = []
    for ch in s:
        category = unicodedata.category(ch)
        if ch in _INVISIBLE or (category == "Cf" and ch not in _KEPT_FORMAT):
            continue
        if category == "Cc":
            # Tabs and line breaks separate words; other control characters are dropped.
            if ch.isspace():
                kept.append(" ")
            continue
        kept.append(ch)
    collapsed = " ".join("".join(kept).split())
    # NFC last: removing a character between a letter and its combining accent can make them composable.
    return unicodedata.normalize("NFC", collapsed)


def clean_text(s: str, max_len: int | None = None) -> str:
    """Clean free text like :func:`clean_name` but allow an empty result.

    With ``max_len``, text longer than that (after cleaning) raises :class:`TextError` instead of being cut:
    silently losing the end of an address is worse than asking the clerk to shorten it.
    """
    cleaned = _clean(s)
    if max_len is not None and len(cleaned) > max_len:
        raise TextError(f"Teks terlalu panjang: {len(cleaned)} karakter, maksimal {max_len}")
    return cleaned


def clean_name(s: str) -> str:
    """Clean a person's or group's name: NFC, no control/bidi/zero-width characters, single spaces, trimmed.

    Raises :class:`TextError` when nothing is left. Case is kept as typed (``"Siti Aminah"``); idempotent.
    """
    cleaned = _clean(s)
    if not cleaned:
        raise TextError("Nama kosong")
    return cleaned


def is_formula_like(s: str) -> bool:
    """True when a spreadsheet would treat ``s`` as a formula: it starts with ``= + - @``, tab, CR or LF.

    Such values must be written as text cells (quote prefix) so Excel shows them and never runs them (R10).
    """
    return s.startswith(FORMULA_STARTS)


def _length_note(n: int) -> str:
    return f"{ELLIPSIS} ({n:,} karakter)".replace(",", ".")


def shorten(value: object, limit: int = SHOWN_CHARS) -> str:
    """`value` as text for a message, at most about `limit` characters: longer text keeps its start and
    says how long it was (``"AAAA… (40.000 karakter)"``), so the person can still find the cell."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return text[: max(1, limit - 1)] + _length_note(len(text))


def clip_message(message: str, limit: int = MESSAGE_CHARS) -> str:
    """A message with every unbroken run longer than WORD_CHARS shortened (a value pasted into it), and
    the whole cut to about `limit` characters. Messages of normal length come back unchanged."""
    if len(message) <= WORD_CHARS:
        return message
    words = [shorten(w, WORD_CHARS) if len(w) > WORD_CHARS else w for w in message.split(" ")]
    clipped = " ".join(words)
    if len(clipped) > limit:
        clipped = clipped[: limit - 1] + f"{ELLIPSIS} (pesan dipotong)"
    return clipped
