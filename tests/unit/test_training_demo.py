"""The demo office's trainings: something real on every screen of the feature."""

from __future__ import annotations

from typing import Any

from kaltim_desk.demo.office import create_demo_office
from kaltim_desk.services.training import attendance, certificates, trainings
from tests.conftest import ADMIN


def test_demo_trainings_have_attendance_certificates_and_one_revoked(db: Any) -> None:
    ctx = create_demo_office(db, people=120, seed=7)
    assert len(ctx.training_ids) == 3
    with db.read_session(ADMIN) as s:
        grids = [attendance.attendance_grid(s, tid) for tid in ctx.training_ids]
        certs = [c for tid in ctx.training_ids for c in certificates.list_certificates(s, tid)]
        statuses = [trainings.get_training(s, tid).status for tid in ctx.training_ids]
        ok, message = certificates.check_register(s)
    finished = grids[:2]
    assert statuses == ["finished", "finished", "planned"]
    # a whole group enrolled, a realistic mix: most complete, some do not
    assert any(p.group_name for p in finished[0].participants)
    done = [p for g in finished for p in g.participants if p.completion.completed]
    not_done = [p for g in finished for p in g.participants if not p.completion.completed]
    assert done and not_done
    # every completed participant holds a certificate, nobody else does
    assert {p.id for p in done} == {c.participant_id for c in certs}
    assert [c.revoked_reason for c in certs if c.revoked] == [
        "Salah tulis nama peserta; diterbitkan ulang setelah data diperbaiki"
    ]
    # the training still to come has participants but no marks yet
    assert grids[2].participants and all(m is None for p in grids[2].participants for m in p.marks)
    assert ok, message
    with db.session(ADMIN) as s:
        valid = next(c for c in certs if not c.revoked)
        assert certificates.verify(s, valid.verification_code).ok
