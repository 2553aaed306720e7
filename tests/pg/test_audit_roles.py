"""Issue 17, finding 4 on PostgreSQL: with the owner and application roles of docs/POSTGRES.md (the
grants block of that page, run as written), the application's role appends and reads audit rows but can
not update, delete or truncate them, nor drop the guard trigger and delete behind it; `check` says so,
and fails, naming the role, when the PCs log in as the owner (which could do all of that).

Needs the second login role `<role>_app` that .ci/scripts/postgres.sh creates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database
from kaltim_desk.services.checks import check_audit_chain, check_audit_guard
from kaltim_desk.services.office.bootstrap import prepare
from tests.conftest import pg_test_database
from tests.factories import make_person

pytestmark = pytest.mark.postgres

DOCS = Path(__file__).resolve().parents[2] / "docs" / "POSTGRES.md"


def _grants_from_the_docs(owner: str, app: str) -> list[str]:
    block = re.search(r"```sql\n-- kaltim-desk: grants.*?\n(.*?)```", DOCS.read_text(), re.S)
    assert block, "docs/POSTGRES.md lost its grants block"
    sql = block.group(1).replace("kaltim_owner", owner).replace("kaltim_app", app)
    return [s.strip() for s in sql.split(";") if s.strip()]


@pytest.fixture
def roles() -> Iterator[tuple[Database, Database]]:
    """(as owner, as application role) on a fresh database migrated by the owner."""
    with pg_test_database() as url:
        owner_url = make_url(url)
        app_url = owner_url.set(username=f"{owner_url.username}_app")
        owner = Database(url)
        prepare(owner)
        with owner.engine.begin() as conn:
            for statement in _grants_from_the_docs(str(owner_url.username), str(app_url.username)):
                conn.execute(text(statement))
        app = Database(app_url.render_as_string(hide_password=False))
        try:
            yield owner, app
        finally:
            app.dispose()
            owner.dispose()


def test_the_application_role_appends_but_can_not_rewrite_the_trail(roles: tuple[Database, Database]) -> None:
    _owner, app = roles
    with app.session(Actor("siti", "clerk")) as s:
        make_person(s, name="Warga Server")
    for attack in (
        "UPDATE audit_log SET actor = 'orang.lain'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DROP TRIGGER audit_log_no_update ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TABLE audit_log",
    ):
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), app.session() as s:
            s.execute(text(attack))
    with app.read_session() as s:
        assert s.scalar(text("SELECT count(*) FROM audit_log WHERE actor = 'siti'")) == 1
        assert check_audit_chain(s).ok
        guard = check_audit_guard(s)
    assert guard.ok and "hanya dapat membaca dan menambah" in guard.message


def test_check_fails_when_the_pcs_log_in_as_the_owner(roles: tuple[Database, Database]) -> None:
    owner, _app = roles
    with owner.read_session() as s:
        guard = check_audit_guard(s)
    assert not guard.ok
    user = make_url(owner.url).username
    assert (
        f"peran basis data aplikasi ({user}) dapat mengubah atau menghapus jejak audit (owner"
        in guard.message
    )
    assert "docs/POSTGRES.md" in guard.message
