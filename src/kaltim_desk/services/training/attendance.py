"""Attendance per session and what follows from it: each participant's share of sessions attended
and whether she completed the training (`training_rules`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.errors import DomainError, NotFound
from kaltim_desk.core.permissions import require
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.training import ATTENDANCE_STATUSES, Attendance, Certificate, Participant, Training
from kaltim_desk.models.vocabulary import AttendanceStatus, TrainingStatus
from kaltim_desk.services.training.training_rules import (
    Completion,
    TrainingRules,
    compute_completion,
    training_rules,
)
from kaltim_desk.services.training.trainings import SessionDTO


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    person_id: int
    name: str
    nik_masked: str
    group_name: str
    pre_score: int | None
    post_score: int | None
    marks: tuple[str | None, ...]  # one per session of the grid, in the grid's order
    completion: Completion
    certificate_id: int | None = None
    certificate_number: str = ""
    certificate_revoked: bool = False


@dataclass(frozen=True)
class AttendanceGrid:
    training_id: int
    title: str
    sessions: tuple[SessionDTO, ...]
    participants: tuple[ParticipantRow, ...]
    rules: TrainingRules


def _marks(session: Session, participant_ids: list[int]) -> dict[tuple[int, int], str]:
    if not participant_ids:
        return {}
    rows = session.execute(
        select(Attendance.participant_id, Attendance.session_id, Attendance.status).where(
            Attendance.participant_id.in_(participant_ids)
        )
    ).all()
    return {(p, s): st for p, s, st in rows}


def attendance_grid(session: Session, training_id: int) -> AttendanceGrid:
    """Participants x sessions with every mark and each participant's completion."""
    require(session, "training.view")
    t = session.get(Training, training_id)
    if t is None:
        raise NotFound("Pelatihan", training_id)
    rules = training_rules(session)
    sessions = tuple(
        SessionDTO(s.id, s.session_date, s.topic, s.hours)
        for s in sorted(t.sessions, key=lambda s: (s.session_date, s.id))
    )
    rows = session.execute(
        select(Participant, Person.name, Person.nik, KubeGroup.name)
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(KubeGroup, KubeGroup.id == Participant.group_id)
        .where(Participant.training_id == training_id)
        .order_by(Person.name, Participant.id)
    ).all()
    marks = _marks(session, [r[0].id for r in rows])
    # the certificate shown: the valid one, else the latest revoked one
    certs: dict[int, Certificate] = {}
    for c in session.scalars(
        select(Certificate)
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(Participant.training_id == training_id)
        .order_by(Certificate.id)
    ):
        if c.participant_id not in certs or certs[c.participant_id].revoked_at is not None:
            certs[c.participant_id] = c
    out = []
    for p, name, nik, group_name in rows:
        cert = certs.get(p.id)
        ms = tuple(marks.get((p.id, s.id)) for s in sessions)
        out.append(
            ParticipantRow(
                id=p.id,
                person_id=p.person_id,
                name=name,
                nik_masked=mask_nik(nik),
                group_name=group_name or "",
                pre_score=p.pre_score,
                post_score=p.post_score,
                marks=ms,
                completion=compute_completion(ms, rules, p.post_score),
                certificate_id=cert.id if cert else None,
                certificate_number=cert.number if cert else "",
                certificate_revoked=bool(cert and cert.revoked_at is not None),
            )
        )
    return AttendanceGrid(training_id, t.title, sessions, tuple(out), rules)


def set_marks(session: Session, training_id: int, marks: dict[tuple[int, int], str | None]) -> int:
    """Save marks {(participant_id, session_id): status or None (clear)}; returns how many changed."""
    require(session, "training.attendance")
    t = session.get(Training, training_id)
    if t is None:
        raise NotFound("Pelatihan", training_id)
    if t.status == TrainingStatus.CANCELLED:
        raise DomainError("training_cancelled", f"Pelatihan {t.title} sudah dibatalkan.")
    session_ids = {s.id for s in t.sessions}
    participant_ids = set(
        session.scalars(select(Participant.id).where(Participant.training_id == training_id))
    )
    for (pid, sid), status in marks.items():
        if pid not in participant_ids or sid not in session_ids:
            raise DomainError("attendance_foreign", "Kehadiran merujuk peserta atau sesi pelatihan lain.")
        if status is not None and status not in ATTENDANCE_STATUSES:
            raise DomainError(
                "attendance_status", f"Status kehadiran tidak dikenal: {status}.", field="status"
            )
    existing = {
        (a.participant_id, a.session_id): a
        for a in session.scalars(
            select(Attendance).where(Attendance.participant_id.in_({p for p, _ in marks}))
        )
    }
    changed = 0
    counts = {**{s.value: 0 for s in AttendanceStatus}, "cleared": 0}
    for key, status in marks.items():
        row = existing.get(key)
        if status is None:
            if row is not None:
                session.execute(delete(Attendance).where(Attendance.id == row.id))
                changed += 1
                counts["cleared"] += 1
            continue
        if row is None:
            session.add(Attendance(participant_id=key[0], session_id=key[1], status=status))
        elif row.status != status:
            row.status = status
        else:
            continue
        changed += 1
        counts[status] += 1
    session.flush()
    if changed:
        audit.record(
            session,
            "training.attendance",
            "training",
            training_id,
            changed=changed,
            **{k: v for k, v in counts.items() if v},
        )
    return changed


def completion_of(session: Session, participant_id: int) -> Completion:
    """Completion of one participant, computed from the stored marks now."""
    p = session.get(Participant, participant_id)
    if p is None:
        raise NotFound("Peserta", participant_id)
    t = session.get(Training, p.training_id)
    assert t is not None
    ids = [s.id for s in t.sessions]
    m = _marks(session, [participant_id])
    return compute_completion(
        [m.get((participant_id, sid)) for sid in ids], training_rules(session), p.post_score
    )
