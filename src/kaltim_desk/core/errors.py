"""Domain errors: a stable code for programs and tests, an Indonesian message for people.

`field` names the form field (or import column) the problem belongs to, so the GUI can show the
message next to it. Messages are clipped (`domain.text.clip_message`): a value quoted in one may be
anything a spreadsheet cell held.
"""

from __future__ import annotations

import errno
import re

from kaltim_desk.domain.text import clip_message
from kaltim_desk.i18n import _


class DomainError(Exception):
    """A rule of the programme refused the request; nothing was saved."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        message = clip_message(message)  # a value quoted in it may be 40,000 characters long
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__("not_found", f"{what} dengan kunci {key} tidak ditemukan.")


class ValidationFailed(DomainError):
    """Several field problems at once (a form with more than one wrong field)."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        super().__init__(first.code, "; ".join(p.message for p in problems), field=first.field)
        self.problems = problems


class PermissionDenied(DomainError):
    def __init__(self, role: str, action: str) -> None:
        super().__init__(
            "permission_denied",
            f"Peran '{role}' tidak berwenang untuk tindakan '{action}'.",
        )
        self.role = role
        self.action = action


class ConflictError(DomainError):
    """Someone else changed the record since it was opened (optimistic concurrency)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "conflict",
            f"{what} telah diubah oleh pengguna lain sejak dibuka. Muat ulang data lalu ulangi perubahan Anda.",
        )


# --- failures that are not rule refusals, named for people -------------------------------------------

_TOO_LONG = re.compile(r"character varying\((\d+)\)")


def describe_failure(exc: BaseException) -> str | None:
    """The sentence a clerk reads for a failure we can name: a refused rule, a full disk, a database held
    by another writer, a duplicate NIK the database itself refused, a value longer than its column, a
    file that can not be read or written. None for the truly unexpected (the caller logs it and says
    so). The GUI (`views/prompts.describe_error`) and the CLI (`cli.main`) both show this."""
    if isinstance(exc, DomainError):
        return exc.message
    # lazy: the errors are raised everywhere, also on screens painted before SQLAlchemy is loaded (the
    # first-run wizard); a database error can only reach here once it is
    from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

    from kaltim_desk import dialect

    if isinstance(exc, OSError) and not isinstance(exc, DBAPIError):
        if exc.errno == errno.ENOSPC:
            return _(
                "Penyimpanan penuh: perubahan dibatalkan, tidak ada data yang berubah. Kosongkan ruang disk lalu ulangi."
            )
        where = f" ({exc.filename})" if exc.filename else ""
        return _("Berkas tidak dapat dibaca atau ditulis: {detail}").format(
            detail=(exc.strerror or str(exc)) + where
        )
    if not isinstance(exc, DBAPIError):
        return None
    text = str(exc.orig if exc.orig is not None else exc).lower()
    if dialect.is_disk_full_error(exc) or "database or disk is full" in text:
        return _(
            "Penyimpanan penuh: perubahan dibatalkan, tidak ada data yang berubah. Kosongkan ruang disk lalu ulangi."
        )
    if dialect.is_busy_error(exc):
        return _("Basis data sedang dipakai proses lain. Tunggu sebentar lalu ulangi.")
    state = dialect.sqlstate(exc)
    if isinstance(exc, IntegrityError):
        if state == "23505" or "unique constraint failed" in text:
            if "nik" in text:
                return _(
                    "NIK ini sudah terdaftar untuk penerima lain; tidak ada yang tersimpan. Cari penerima itu "
                    "lalu perbarui datanya."
                )
            return _(
                "Data ini sudah ada (nilai yang harus unik terpakai catatan lain); tidak ada yang tersimpan."
            )
        return _("Data ini melanggar aturan basis data (rujukan atau batasan); tidak ada yang tersimpan.")
    if state == "22001" or "value too long" in text:
        limit = _TOO_LONG.search(text)
        return _(
            "Ada isian yang lebih panjang dari yang dapat disimpan{limit}; tidak ada yang tersimpan. "
            "Perpendek isian itu lalu ulangi."
        ).format(limit=_(" (paling banyak {n} karakter)").format(n=limit.group(1)) if limit else "")
    if isinstance(exc, OperationalError):
        return _("Basis data tidak dapat ditulis: perubahan dibatalkan. Rincian: {detail}").format(
            detail=str(exc.orig if exc.orig is not None else exc)
        )
    return None
