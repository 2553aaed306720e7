"""Who is acting. A unit of work carries its actor in `session.info["actor"]`, so every service can
check permissions and write the audit trail without a global "current user"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kaltim_desk.vocabulary import UserRole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROLES = tuple(UserRole)


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # one of ROLES
    user_id: int | None = None
    display_name: str = ""
    # How the person acts when not through the window: "cli:<OS account>@<host>" for the command line;
    # every audit row written by this actor records it (core/audit.py).
    via: str = ""


# Internal work with no person behind it (migrations, loading the region table); the GUI runs as the
# user who logged in, the command line as `cli.cli_actor()`.
SYSTEM_ACTOR = Actor(username="system", role=UserRole.ADMIN, display_name="Sistem")


def current_actor(session: Session) -> Actor:
    actor = session.info.get("actor")
    return actor if isinstance(actor, Actor) else SYSTEM_ACTOR
