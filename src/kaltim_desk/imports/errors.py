"""Why a workbook could not be read: one error type whose message names the file (and the sheet, part or
cell) in Indonesian, and the cancel that ends a read when the user asks."""

from __future__ import annotations

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.progress import Cancelled


class ReadError(DomainError):
    """The file can not be read as a workbook; nothing was imported."""


class ReadCancelled(ReadError, Cancelled):
    """The user cancelled while the workbook was being checked or read."""

    def __init__(self) -> None:
        super().__init__("cancelled", "Pembacaan berkas dibatalkan; tidak ada yang disimpan.")
