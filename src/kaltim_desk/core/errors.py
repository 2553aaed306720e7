"""Domain errors: a stable code for programs and tests, an Indonesian message for people.

`field` names the form field (or import column) the problem belongs to, so the GUI can show the
message next to it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the programme refused the request; nothing was saved."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
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
