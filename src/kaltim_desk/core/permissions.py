"""Who may do what: the role x action table, in one place, enforced by the services.

The GUI also reads it (through `allowed`) to hide what a role can not do, but hiding is a courtesy;
the check that counts is `require` inside every service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.errors import PermissionDenied
from kaltim_desk.vocabulary import UserRole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CLERK, TRAINER, OFFICER, ADMIN = UserRole.CLERK, UserRole.TRAINER, UserRole.OFFICER, UserRole.ADMIN
EVERYONE = frozenset(UserRole)

# action -> roles allowed. Features add their actions here, next to the others.
PERMISSIONS: dict[str, frozenset[str]] = {
    # registry
    "person.view": EVERYONE,
    "person.create": frozenset({CLERK, OFFICER, ADMIN}),
    "person.edit": frozenset({CLERK, OFFICER, ADMIN}),
    "person.deactivate": frozenset({OFFICER, ADMIN}),
    "person.view_full_id": frozenset({CLERK, OFFICER, ADMIN}),
    "group.view": EVERYONE,
    "group.create": frozenset({CLERK, OFFICER, ADMIN}),
    "group.edit": frozenset({CLERK, OFFICER, ADMIN}),
    "group.activate": frozenset({CLERK, OFFICER, ADMIN}),
    "group.deactivate": frozenset({OFFICER, ADMIN}),
    "region.update": frozenset({ADMIN}),
    "settings.view": EVERYONE,
    "settings.edit": frozenset({ADMIN}),
    "demo.create": frozenset({ADMIN}),
    "check.run": EVERYONE,
    # pages of the other features (each feature adds its own actions below its view)
    "grant.view": EVERYONE,
    # aid: clerks propose and record; officers verify, approve, sign, close (see services/aid/aid_rules.py)
    "programme.edit": frozenset({OFFICER, ADMIN}),
    "grant.create": frozenset({CLERK, OFFICER, ADMIN}),
    "grant.edit": frozenset({CLERK, OFFICER, ADMIN}),
    "grant.verify": frozenset({OFFICER, ADMIN}),
    "grant.approve": frozenset({OFFICER, ADMIN}),
    "grant.sign": frozenset({OFFICER, ADMIN}),
    "grant.disburse": frozenset({CLERK, OFFICER, ADMIN}),
    "grant.accountability": frozenset({CLERK, OFFICER, ADMIN}),
    "grant.close": frozenset({OFFICER, ADMIN}),
    "grant.reject": frozenset({OFFICER, ADMIN}),
    "grant.cancel": frozenset({OFFICER, ADMIN}),
    "grant.print": frozenset({CLERK, OFFICER, ADMIN}),
    "training.view": EVERYONE,
    # training: trainers run trainings, take attendance and print certificates; officers too; clerks
    # only look. Revoking a certificate is an officer's (or admin's) decision.
    "training.create": frozenset({TRAINER, OFFICER, ADMIN}),
    "training.edit": frozenset({TRAINER, OFFICER, ADMIN}),
    "training.attendance": frozenset({TRAINER, OFFICER, ADMIN}),
    "certificate.issue": frozenset({TRAINER, OFFICER, ADMIN}),
    "certificate.print": frozenset({TRAINER, OFFICER, ADMIN}),
    "certificate.revoke": frozenset({OFFICER, ADMIN}),
    "certificate.verify": EVERYONE,
    "visit.view": EVERYONE,
    # monitoring: mentors are often trainers (pendamping)
    "visit.create": frozenset({CLERK, TRAINER, OFFICER, ADMIN}),
    "visit.edit": frozenset({CLERK, TRAINER, OFFICER, ADMIN}),
    "report.view": frozenset({OFFICER, ADMIN, CLERK}),
    # excel: masked exports for clerks too; a full (unmasked, encrypted) export is an officer's decision
    "export.masked": frozenset({CLERK, OFFICER, ADMIN}),
    "export.full": frozenset({OFFICER, ADMIN}),
    "import.run": frozenset({CLERK, OFFICER, ADMIN}),
    "import.rollback": frozenset({OFFICER, ADMIN}),
    "consolidate.run": frozenset({OFFICER, ADMIN}),
    "audit.view": frozenset({OFFICER, ADMIN}),
    # safety: accounts, backups (a backup holds every NIK: officers and admins only), the writer lock
    "user.manage": frozenset({ADMIN}),
    "backup.create": frozenset({OFFICER, ADMIN}),
    "backup.restore": frozenset({ADMIN}),
    "lock.takeover": EVERYONE,
}


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())


def require(session: Session, action: str) -> None:
    """Raise PermissionDenied unless the session's actor may do `action`."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    actor = current_actor(session)
    if not allowed(actor.role, action):
        raise PermissionDenied(actor.role, action)
