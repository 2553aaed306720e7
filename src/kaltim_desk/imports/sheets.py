"""Choosing the sheet that holds the beneficiary list, by what the sheets contain.

Offices send workbooks with a recap, the list and a waiting list side by side. Every sheet is scored:
is a header found, how many rows under it carry a NIK that could be real (16 digits once spaces, dots and
the apostrophe are gone), and does its name say it is something else (a recap, a waiting or reserve list,
instructions, our own metadata). The list is the sheet with the most NIK rows among those whose name
does not set them aside. When the two best are equally likely (same kind of name, and the second has at
least half as many NIK rows as the first) nothing is guessed: the clerk is asked (`--sheet`, or the
wizard's question). The other sheets holding NIK rows are named in the summary, so nobody misses them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.nik import normalize_nik
from kaltim_desk.imports import mapping as mp
from kaltim_desk.imports.errors import ReadCancelled
from kaltim_desk.imports.headers import normalize_header
from kaltim_desk.imports.reader import OpenedWorkbook, SheetGrid

# words in a sheet's name that say it is not the list to import (normalised, matched as words or prefixes)
SET_ASIDE = {
    "REKAP": "rekap",
    "RECAP": "rekap",
    "RINGKASAN": "rekap",
    "RESUME": "rekap",
    "TUNGGU": "daftar tunggu",
    "WAITING": "daftar tunggu",
    "CADANGAN": "cadangan",
    "TIDAK LOLOS": "tidak lolos",
    "DITOLAK": "ditolak",
    "BATAL": "batal",
    "MUNDUR": "mengundurkan diri",
    "MENINGGAL": "meninggal",
    "PETUNJUK": "petunjuk",
    "CONTOH": "contoh",
    "INSTRUKSI": "petunjuk",
    "REFERENSI": "referensi",
    "META": "metadata",
}


@dataclass(frozen=True)
class SheetScore:
    name: str
    header_row: int | None  # 0-based, None when no header was found
    nik_rows: int  # rows under the header whose NIK cell could be a NIK
    set_aside: str  # why the name sets the sheet aside ("rekap", "daftar tunggu"), "" if it does not
    error: str = ""  # the sheet could not be read

    @property
    def candidate(self) -> bool:
        return self.header_row is not None and self.nik_rows > 0

    def describe(self) -> str:
        if self.error:
            return f"'{self.name}': tidak terbaca ({self.error})"
        if self.header_row is None:
            return f"'{self.name}': tidak ada baris judul NIK/NAMA"
        kind = f" ({self.set_aside})" if self.set_aside else ""
        return f"'{self.name}'{kind}: {self.nik_rows} baris ber-NIK, judul di baris {self.header_row + 1}"


@dataclass(frozen=True)
class SheetChoice:
    chosen: str
    scores: list[SheetScore]
    grid: SheetGrid | None  # the chosen sheet, already read

    @property
    def others_with_niks(self) -> list[SheetScore]:
        return [s for s in self.scores if s.name != self.chosen and s.candidate]

    def notes(self) -> list[str]:
        """What the summary says about the other sheets: which hold NIK rows, how many."""
        return [f"{s.describe()}; tidak diimpor." for s in self.others_with_niks]


class SheetAmbiguous(DomainError):
    """Two sheets are equally likely to be the list; the clerk must say which."""

    def __init__(self, scores: list[SheetScore], top: list[SheetScore]) -> None:
        names = ", ".join(f"'{s.name}' ({s.nik_rows} baris ber-NIK)" for s in top)
        super().__init__(
            "sheet_ambiguous",
            f"Beberapa lembar sama-sama berisi daftar penerima: {names}. Pilih lembar yang diimpor "
            '(di baris perintah: --sheet "NAMA LEMBAR"; lihat semua dengan --list-sheets).',
        )
        self.scores = scores
        self.top = top


def set_aside_reason(sheet_name: str) -> str:
    name = normalize_header(sheet_name)
    if sheet_name.startswith("_"):
        return "metadata"
    padded = f" {name} "
    for word, reason in SET_ASIDE.items():
        if f" {word}" in padded:
            return reason
    return ""


def _nik_like(v: object) -> bool:
    if not isinstance(v, str):
        return False
    s = normalize_nik(v)
    return len(s) == 16 and s.isdigit()


def score_grid(grid: SheetGrid) -> SheetScore:
    guess = mp.detect_header(grid.rows)
    reason = set_aside_reason(grid.name)
    if guess is None:
        return SheetScore(grid.name, None, 0, reason)
    nik_col = next((c for c, f in guess.mapping.items() if f == "nik"), None)
    count = 0
    if nik_col is not None:
        count = sum(1 for row in grid.rows[guess.row + 1 :] if nik_col < len(row) and _nik_like(row[nik_col]))
    return SheetScore(grid.name, guess.row, count, reason)


def score_sheets(
    wb: OpenedWorkbook, is_cancelled: Callable[[], bool] | None = None
) -> tuple[list[SheetScore], dict[str, SheetGrid]]:
    """Every sheet's score (a sheet that can not be read says why), and the grids read."""

    def read(name: str) -> SheetGrid:
        return wb.sheet(name, is_cancelled=is_cancelled)

    scores: list[SheetScore] = []
    grids: dict[str, SheetGrid] = {}
    for name in wb.sheet_names:
        if name.startswith("_"):
            scores.append(SheetScore(name, None, 0, "metadata"))
            continue
        try:
            grid = read(name)
        except ReadCancelled:
            raise
        except DomainError as exc:
            scores.append(SheetScore(name, None, 0, set_aside_reason(name), exc.message))
            continue
        grids[name] = grid
        scores.append(score_grid(grid))
    return scores, grids


def choose(
    wb: OpenedWorkbook, sheet: str | None = None, is_cancelled: Callable[[], bool] | None = None
) -> SheetChoice:
    """The sheet to import: `sheet` when the clerk named it, else the best-scored list (see the module
    docstring); raises `SheetAmbiguous` rather than guess between equals."""
    if sheet:
        if sheet not in wb.sheet_names:
            raise DomainError(
                "sheet_missing", f"Lembar '{sheet}' tidak ada. Lembar yang ada: {', '.join(wb.sheet_names)}."
            )
        scores, grids = score_sheets(wb, is_cancelled)
        return SheetChoice(sheet, scores, grids.get(sheet))
    scores, grids = score_sheets(wb, is_cancelled)
    ranked = sorted(
        (s for s in scores if s.candidate), key=lambda s: (s.set_aside == "", s.nik_rows), reverse=True
    )
    if not ranked:
        # no NIK rows anywhere: the first sheet with a header, so the clerk sees why rows are refused;
        # else a sheet that could not be read says why (a far cell, a damaged part), rather than a recap
        # saying it has no header
        with_header = [s for s in scores if s.header_row is not None and not s.set_aside]
        unreadable = [s for s in scores if s.error and not s.set_aside]
        if not with_header and unreadable:
            wb.sheet(unreadable[0].name, is_cancelled=is_cancelled)  # raises its ReadError
        first = (with_header or [s for s in scores if not s.error] or scores)[0]
        return SheetChoice(first.name, scores, grids.get(first.name))
    best = ranked[0]
    if len(ranked) > 1:
        second = ranked[1]
        if (second.set_aside == "") == (best.set_aside == "") and second.nik_rows * 2 >= best.nik_rows:
            raise SheetAmbiguous(scores, [s for s in ranked if s.set_aside == best.set_aside][:5])
    return SheetChoice(best.name, scores, grids.get(best.name))
