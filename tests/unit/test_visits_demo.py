"""The demo office has mentoring visits, so Pendampingan and the dashboard show something on first run."""

from __future__ import annotations

from sqlalchemy import func, select

from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.demo.office import create_demo_office
from kaltim_desk.models.monitoring import Visit
from kaltim_desk.services.monitoring import survival


def test_demo_office_has_visits_for_its_disbursed_grants(db) -> None:
    create_demo_office(db, people=120, seed=7)
    with db.read_session(SYSTEM_ACTOR) as s:
        n = s.scalar(select(func.count(Visit.id)))
        statuses = dict(
            s.execute(select(Visit.business_status, func.count()).group_by(Visit.business_status)).all()
        )
        with_grant = s.scalar(select(func.count(Visit.id)).where(Visit.grant_id.is_not(None)))
        rows = survival.survival_rows(s)
    assert n and n >= 5
    assert statuses.get("running", 0) > 0
    # the aid demo disbursed grants: visits follow them and the survival table has figures
    assert with_grant and with_grant == n
    assert rows and sum(r.total for r in rows) > 0
