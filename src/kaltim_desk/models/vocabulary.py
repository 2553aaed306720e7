"""The closed vocabularies stored in the database: one StrEnum each, its named subsets, and its one
label map. The models' CHECK constraints, the services, the dashboard and the documents all read these,
so a status is spelled and labelled the same everywhere ("Terverifikasi" on every screen and paper).

A member is its stored value (`GrantStatus.VERIFIED == "verified"`), so rows, DTOs and SQL compare
with plain strings. Labels are Indonesian, translated through `_` when asked for (the language can be
switched at run time).
"""

from __future__ import annotations

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
