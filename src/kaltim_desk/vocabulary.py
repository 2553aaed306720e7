"""The closed vocabularies stored in the database: one StrEnum each, its named subsets, and its one
label map. The models' CHECK constraints, the services, the dashboard and the documents all read these,
so a status is spelled and labelled the same everywhere ("Terverifikasi" on every screen and paper).

A member is its stored value (`GrantStatus.VERIFIED == "verified"`), so rows, DTOs and SQL compare
with plain strings. Labels are Indonesian, translated through `_` when asked for (the language can be
switched at run time).

The enums live outside the `models` package (they import nothing but `i18n`), so a screen that only
needs a role or a status label (the first-run wizard, the login's demo accounts) does not load every
ORM model with them; `kaltim_desk.models.vocabulary` offers the same names to the models and services.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from kaltim_desk.i18n import _


class GrantStatus(StrEnum):
    """Where a grant is in the aid flow (services/aid/aid_rules.py has the arrows between them)."""

    PROPOSED = "proposed"
    VERIFIED = "verified"
    APPROVED = "approved"
    SIGNED = "agreement_signed"
    DISBURSING = "disbursing"
    DISBURSED = "disbursed"
    ACCOUNTABILITY = "accountability_received"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# No longer counted against ceilings nor against "one grant per person".
GRANT_DEAD = frozenset({GrantStatus.REJECTED, GrantStatus.CANCELLED})
# Amount, items, tranche plan and recipient can be changed only before approval.
GRANT_EDITABLE = frozenset({GrantStatus.PROPOSED, GrantStatus.VERIFIED})
# Approved and later: the agreement can be printed, and the grant counts as aid in reports.
GRANT_GRANTED = frozenset(
    {
        GrantStatus.APPROVED,
        GrantStatus.SIGNED,
        GrantStatus.DISBURSING,
        GrantStatus.DISBURSED,
        GrantStatus.ACCOUNTABILITY,
        GrantStatus.CLOSED,
    }
)
# Money paid or goods handed over (or under way): what a recipient "received", and what monitoring visits.
GRANT_DELIVERED = frozenset(
    {GrantStatus.DISBURSING, GrantStatus.DISBURSED, GrantStatus.ACCOUNTABILITY, GrantStatus.CLOSED}
)


def grant_status_labels() -> dict[str, str]:
    return {
        GrantStatus.PROPOSED: _("Diusulkan"),
        GrantStatus.VERIFIED: _("Terverifikasi"),
        GrantStatus.APPROVED: _("Disetujui"),
        GrantStatus.SIGNED: _("Perjanjian ditandatangani"),
        GrantStatus.DISBURSING: _("Penyaluran bertahap"),
        GrantStatus.DISBURSED: _("Tersalurkan"),
        GrantStatus.ACCOUNTABILITY: _("LPJ diterima"),
        GrantStatus.CLOSED: _("Selesai"),
        GrantStatus.REJECTED: _("Ditolak"),
        GrantStatus.CANCELLED: _("Dibatalkan"),
    }


class AidForm(StrEnum):
    CASH = "cash"
    GOODS = "goods"


def aid_form_labels() -> dict[str, str]:
    return {AidForm.CASH: _("Uang"), AidForm.GOODS: _("Barang")}


class GroupStatus(StrEnum):
    FORMING = "forming"
    ACTIVE = "active"
    INACTIVE = "inactive"


def group_status_labels() -> dict[str, str]:
    return {
        GroupStatus.FORMING: _("Pembentukan"),
        GroupStatus.ACTIVE: _("Aktif"),
        GroupStatus.INACTIVE: _("Nonaktif"),
    }


class MemberRole(StrEnum):
    CHAIR = "ketua"
    SECRETARY = "sekretaris"
    TREASURER = "bendahara"
    MEMBER = "anggota"


# The three officers a group needs before it can be activated.
OFFICER_ROLES = (MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.TREASURER)


def member_role_labels() -> dict[str, str]:
    return {
        MemberRole.CHAIR: _("Ketua"),
        MemberRole.SECRETARY: _("Sekretaris"),
        MemberRole.TREASURER: _("Bendahara"),
        MemberRole.MEMBER: _("Anggota"),
    }


class UserRole(StrEnum):
    """What a login account may do (core/permissions.py has the role x action table)."""

    CLERK = "clerk"
    TRAINER = "trainer"
    OFFICER = "officer"
    ADMIN = "admin"


def user_role_labels() -> dict[str, str]:
    return {
        UserRole.CLERK: _("Operator"),
        UserRole.TRAINER: _("Pelatih/pendamping"),  # trainings and mentoring visits
        UserRole.OFFICER: _("Pejabat"),
        UserRole.ADMIN: _("Admin"),
    }


class TrainingStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


def training_status_labels() -> dict[str, str]:
    return {
        TrainingStatus.PLANNED: _("Direncanakan"),
        TrainingStatus.RUNNING: _("Berlangsung"),
        TrainingStatus.FINISHED: _("Selesai"),
        TrainingStatus.CANCELLED: _("Dibatalkan"),
    }


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


def attendance_status_labels() -> dict[str, str]:
    return {
        AttendanceStatus.PRESENT: _("Hadir"),
        AttendanceStatus.EXCUSED: _("Izin"),
        AttendanceStatus.ABSENT: _("Alpa"),
    }


def attendance_status_letters() -> dict[str, str]:
    """The one-letter marks of the attendance grid and the attendance sheet."""
    return {
        AttendanceStatus.PRESENT: _("H"),
        AttendanceStatus.EXCUSED: _("I"),
        AttendanceStatus.ABSENT: _("A"),
    }


class BusinessStatus(StrEnum):
    """What a mentoring visit found the aided business doing."""

    RUNNING = "running"
    PAUSED = "paused"
    CLOSED = "closed"
    CHANGED = "changed"


# Not stored: the survival table's bucket for a business no visit has reported on since its aid.
BUSINESS_UNKNOWN = "unknown"
# The survival table's columns, in order: every stored status, then the unknowns.
SURVIVAL_STATUSES: tuple[str, ...] = (*BusinessStatus, BUSINESS_UNKNOWN)


def business_status_labels() -> dict[str, str]:
    return {
        BusinessStatus.RUNNING: _("Berjalan"),
        BusinessStatus.PAUSED: _("Berhenti sementara"),
        BusinessStatus.CLOSED: _("Tutup"),
        BusinessStatus.CHANGED: _("Ganti usaha"),
    }


def survival_status_labels() -> dict[str, str]:
    return {**business_status_labels(), BUSINESS_UNKNOWN: _("Tidak diketahui")}


class ImportStatus(StrEnum):
    """Whether an Excel import batch still stands or was undone."""

    COMMITTED = "committed"
    ROLLED_BACK = "rolled_back"


def import_status_labels() -> dict[str, str]:
    return {ImportStatus.COMMITTED: _("Tersimpan"), ImportStatus.ROLLED_BACK: _("Dibatalkan")}


def check_in(column: str, values: Iterable[str]) -> str:
    """The text of a CHECK constraint allowing exactly `values`, in their order: `role IN ('a', 'b')`.
    The migrations carry the same text, so the order of a vocabulary's members is part of the schema."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
