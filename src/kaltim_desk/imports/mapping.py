"""Finding the header row and proposing a column mapping for the spreadsheets clerks really have.

Each header cell is classified by `headers.classify` (synonyms, word rules, fuzzy matching). The header is
the row among the first `SCAN_ROWS`, or the pair of rows (a group header merged over sub-headers:
"ALAMAT" over "DESA | KEC | RT/RW"), that maps the most distinct fields and names a NIK or a name column;
title rows above it are ignored. The user (wizard) or the command line (`--map "Jabatan dlm KUBE=role"`)
corrects the proposal with overrides keyed by header text or column letter; overrides plus, optionally,
the header row are what a preset stores, so the next file of the same shape maps itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaltim_desk.exports import layouts
from kaltim_desk.imports.headers import (
    FIELDS,
    IGNORED_FIELDS,
    add_synonym,
    canon,
    classify,
    field_label,
    normalize_header,
)
from kaltim_desk.imports.reader import col_index, col_letter

__all__ = [
    "FIELDS",
    "IGNORED_FIELDS",
    "HeaderGuess",
    "apply_overrides",
    "apply_preset",
    "detect_header",
    "field_for",
    "is_column_number_row",
    "map_row",
    "normalize_header",
]

SCAN_ROWS = 30

# Our own export's headers read back as themselves (the round trip).
for _col in layouts.BNBA.columns:
    if _col.masked_only:  # a masked export's birth year is not a field a person can be imported from
        continue
    add_synonym(_col.header, _col.key)


def field_for(header: Any, context: Any = "") -> str | None:
    return classify(" ".join(str(header).split()) if header is not None else "", str(context or ""))


@dataclass(frozen=True)
class HeaderGuess:
    row: int  # 0-based index of the (last) header row; data starts under it
    mapping: dict[int, str]  # column index -> field
    headers: dict[int, str]  # column index -> header text as written ("ALAMAT / DESA" for two rows)
    top: int | None = None  # 0-based first header row when the header spans two rows
    overridden: dict[int, str] = field(default_factory=dict)  # columns the user or a preset mapped

    @property
    def fields(self) -> set[str]:
        return set(self.mapping.values())

    def column_name(self, c: int) -> str:
        """ "M (Jabatan dlm KUBE)" as the summary and the report name a column."""
        return f"{col_letter(c)} ({self.headers.get(c) or '-'})"


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def map_row(row: Sequence[Any], upper: Sequence[Any] | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """(column -> field, column -> header text) for a header row, read with the row above it as group
    headers when `upper` is given. The first column naming a field keeps it."""
    mapping: dict[int, str] = {}
    headers: dict[int, str] = {}
    used: set[str] = set()
    use_context = upper is not None and len({_text(v) for v in upper if _text(v)}) >= 2
    width = max(len(row), len(upper) if upper is not None else 0)
    for c in range(width):
        lower = _text(row[c]) if c < len(row) else ""
        top = _text(upper[c]) if upper is not None and c < len(upper) else ""
        if not lower and not top:
            continue
        if not lower:
            text, f = top, field_for(top)
        elif not top or normalize_header(top) == normalize_header(lower):
            text, f = lower, field_for(lower)
        else:
            text = f"{top} / {lower}"
            f = field_for(lower, top if use_context else "")
        headers[c] = text
        if f and f not in used:
            mapping[c] = f
            used.add(f)
    return mapping, headers


def _score(fields: set[str]) -> int:
    return 100 * len(fields & {"nik", "name"}) + len(fields - {"no"})


def detect_header(rows: Sequence[Sequence[Any]]) -> HeaderGuess | None:
    """The most header-like row (or pair of rows) among the first SCAN_ROWS, or None."""
    best: HeaderGuess | None = None
    best_score = 0
    for r in range(min(SCAN_ROWS, len(rows))):
        row = rows[r]
        candidates: list[tuple[tuple[dict[int, str], dict[int, str]], int | None]] = [(map_row(row), None)]
        if r > 0 and not is_column_number_row(row) and any(_text(v) for v in rows[r - 1]):
            candidates.append((map_row(row, rows[r - 1]), r - 1))
        for (mapping, headers), top in candidates:
            fields = set(mapping.values())
            if len(fields) < 2 or not ({"nik", "name"} & fields):
                continue
            score = _score(fields)
            # the first best row wins (a header repeated lower down is a printed page's); a two-row
            # header wins a tie with its own upper row alone
            if (
                best is None
                or score > best_score
                or (score == best_score and top is not None and top == best.row)
            ):
                best, best_score = HeaderGuess(r, mapping, headers, top), score
    return best


def header_at(rows: Sequence[Sequence[Any]], r: int, top: int | None = None) -> HeaderGuess:
    """The header read at row `r` (with row `top` above it as group headers)."""
    row = rows[r] if r < len(rows) else []
    upper = rows[top] if top is not None and top < len(rows) else None
    mapping, headers = map_row(row, upper)
    return HeaderGuess(r, mapping, headers, top)


_LETTERS = re.compile(r"^[A-Z]{1,3}$")


def apply_overrides(guess: HeaderGuess, overrides: Mapping[str, str]) -> tuple[HeaderGuess, list[str]]:
    """`guess` with the user's choices: {header text or column letter: field or "" (leave out)}.
    Returns the new guess and the keys that matched no column (said to the user, never ignored silently)."""
    mapping = dict(guess.mapping)
    overridden = dict(guess.overridden)
    by_header: dict[str, list[int]] = {}
    for c, text in guess.headers.items():
        by_header.setdefault(canon(text), []).append(c)
        if " / " in text:  # a two-row header answers to its lower cell too
            by_header.setdefault(canon(text.split(" / ", 1)[1]), []).append(c)
    unmatched: list[str] = []
    for key, f in overrides.items():
        cols = by_header.get(canon(key))
        if not cols and _LETTERS.match(key.strip().upper()):
            cols = [col_index(key.strip().upper())]
        if not cols:
            unmatched.append(key)
            continue
        c = cols[0]
        if f:
            mapping = {k: v for k, v in mapping.items() if v != f}
            mapping[c] = f
        else:
            mapping.pop(c, None)
        overridden[c] = f
    return HeaderGuess(guess.row, mapping, dict(guess.headers), guess.top, overridden), unmatched


def find_header_by_names(rows: Sequence[Sequence[Any]], names: Sequence[str]) -> int | None:
    """The row among the first SCAN_ROWS where most of `names` (header texts) appear, at least two."""
    wanted = {canon(n.split(" / ", 1)[-1]) for n in names}
    best, best_hits = None, 1
    for r in range(min(SCAN_ROWS, len(rows))):
        hits = sum(1 for v in rows[r] if _text(v) and canon(_text(v)) in wanted)
        if hits > best_hits:
            best, best_hits = r, hits
    return best


def apply_preset(rows: Sequence[Sequence[Any]], preset: Mapping[str, Any]) -> HeaderGuess | None:
    """Use a saved preset: its columns (header text -> field) override detection; its header row is
    used when the headers are not found by detection or by the preset's own header names."""
    columns: dict[str, str] = dict(preset.get("columns") or {})
    guess = detect_header(rows)
    row_index = preset.get("header_row")
    by_names = find_header_by_names(rows, list(columns))
    if by_names is not None and (guess is None or by_names != guess.row):
        guess = header_at(rows, by_names, guess.top if guess and guess.row == by_names else None)
    elif guess is None and isinstance(row_index, int):
        guess = header_at(rows, row_index)
    if guess is None:
        return None
    guess, _unmatched = apply_overrides(guess, columns)
    return guess if len(guess.fields) >= 2 else None


def preset_columns(guess: HeaderGuess) -> dict[str, str]:
    """What a preset stores: header text (or column letter, for a column without a header) -> field,
    for every mapped column and every column the user chose to leave out."""
    out: dict[str, str] = {}
    for c, f in guess.mapping.items():
        out[guess.headers.get(c) or col_letter(c)] = f
    for c, f in guess.overridden.items():
        if not f:
            out[guess.headers.get(c) or col_letter(c)] = ""
    return out


def describe_mapping(guess: HeaderGuess) -> list[str]:
    """ "B (No. Induk Kependudukan) -> NIK" lines, in column order."""
    return [f"{guess.column_name(c)} -> {field_label(f)}" for c, f in sorted(guess.mapping.items())]


def is_column_number_row(row: Sequence[Any]) -> bool:
    """The "1 2 3 4 ..." row many templates put under the header."""
    values = [v for v in row if v not in (None, "")]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        s = str(v).strip().strip("()")
        try:
            f = float(s)
        except ValueError:
            return False
        if not f.is_integer():
            return False
        nums.append(int(f))
    return nums == list(range(nums[0], nums[0] + len(nums)))
