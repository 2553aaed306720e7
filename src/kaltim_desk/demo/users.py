"""Demo accounts, one per role, with known passwords (documented in docs/SECURITY.md). They are marked
`is_demo` and named "DEMO ..." so nobody mistakes them for real accounts; the login dialog warns when a
demo account is used. Never use the demo office for real data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaltim_desk.demo.accounts import DEMO_ACCOUNTS as DEMO_ACCOUNTS
from kaltim_desk.models.vocabulary import UserRole
from kaltim_desk.services.office import users

if TYPE_CHECKING:
    from kaltim_desk.demo.context import DemoContext


def populate(ctx: DemoContext) -> None:
    """Create the demo accounts that do not exist yet (an admin made on first start is kept)."""
    from kaltim_desk.services.office.auth import find_user

    for username, display, role, password in sorted(DEMO_ACCOUNTS, key=lambda a: a[2] != UserRole.ADMIN):
        if find_user(ctx.session, username) is None:
            users.create_user(ctx.session, username, display, role, password, is_demo=True)
