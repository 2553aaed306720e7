"""Trainings: their details, trainers and sessions, and the participants enrolled from the registry
(one person at a time, or a whole KUBE group at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kaltim_desk.core import audit
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, DomainError, NotFound, ValidationFailed
from kaltim_desk.core.permissions import require
from kaltim_desk.domain.text import TextError, clean_name, clean_text
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.training import (
    TRAINING_STATUSES,
    Attendance,
    Certificate,
    Participant,
    Trainer,
    Training,
    TrainingSession,
)
from kaltim_desk.models.vocabulary import GroupStatus, TrainingStatus

TOPICS = ("Manajemen usaha", "Literasi keuangan", "Pemasaran", "Keterampilan produk")


@dataclass(frozen=True)
class TrainerInput:
    name: str
    institution: str = ""


@dataclass(frozen=True)
class SessionInput:
    session_date: date | None
    topic: str
    hours: int = 0
    id: int | None = None  # an existing session keeps its id (and its attendance)


@dataclass(frozen=True)
class TrainingInput:
    title: str
    start_date: date | None
    end_date: date | None
    topics: tuple[str, ...] = ()
    organiser: str = ""
    place: str = ""
    hours: int | None = None  # JP; None: the sum of the sessions' hours
    notes: str = ""
    trainers: tuple[TrainerInput, ...] = ()
    sessions: tuple[SessionInput, ...] = ()


@dataclass(frozen=True)
class TrainerDTO:
    id: int
    name: str
    institution: str


@dataclass(frozen=True)
class SessionDTO:
    id: int
    session_date: date
    topic: str
    hours: int


@dataclass(frozen=True)
class TrainingDTO:
    id: int
    title: str
    topics: tuple[str, ...]
    organiser: str
    place: str
    start_date: date
    end_date: date
    hours: int
    status: str
    notes: str
    version: int
    trainers: tuple[TrainerDTO, ...] = field(default_factory=tuple)
    sessions: tuple[SessionDTO, ...] = field(default_factory=tuple)
    participant_count: int = 0

    def to_input(self) -> TrainingInput:
        return TrainingInput(
            title=self.title,
            start_date=self.start_date,
            end_date=self.end_date,
            topics=self.topics,
            organiser=self.organiser,
            place=self.place,
            hours=self.hours,
            notes=self.notes,
            trainers=tuple(TrainerInput(t.name, t.institution) for t in self.trainers),
            sessions=tuple(SessionInput(s.session_date, s.topic, s.hours, s.id) for s in self.sessions),
        )


@dataclass(frozen=True)
class EnrolResult:
    added: int
    already: int
    skipped: tuple[str, ...] = ()  # names refused, with the reason


# --- validation ------------------------------------------------------------------------------------


def _validate(data: TrainingInput) -> tuple[dict[str, Any], list[tuple[str, str]], list[SessionInput]]:
    problems: list[DomainError] = []
    values: dict[str, Any] = {}
    try:
        values["title"] = clean_text(data.title, 200)
        if not values["title"]:
            raise TextError("empty")
    except TextError:
        problems.append(DomainError("title_required", "Judul pelatihan wajib diisi.", field="title"))
    if data.start_date is None:
        problems.append(DomainError("start_required", "Tanggal mulai wajib diisi.", field="start_date"))
    if data.end_date is None:
        problems.append(DomainError("end_required", "Tanggal selesai wajib diisi.", field="end_date"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.append(
            DomainError(
                "end_before_start",
                "Tanggal selesai tidak boleh sebelum tanggal mulai.",
                field="end_date",
            )
        )
    values["start_date"], values["end_date"] = data.start_date, data.end_date
    topics = [clean_text(t) for t in data.topics if clean_text(t)]
    values["topics"] = "; ".join(dict.fromkeys(topics)) or None
    for key, limit in (("organiser", 200), ("place", 200)):
        values[key] = clean_text(getattr(data, key) or "", limit) or None
    values["notes"] = clean_text(data.notes or "") or None
    trainers: list[tuple[str, str]] = []
    for i, t in enumerate(data.trainers, start=1):
        if not (t.name or "").strip() and not (t.institution or "").strip():
            continue
        try:
            trainers.append((clean_name(t.name), clean_text(t.institution or "", 200)))
        except TextError:
            problems.append(
                DomainError("trainer_name", f"Nama pelatih baris {i} wajib diisi.", field="trainers")
            )
    sessions: list[SessionInput] = []
    for i, s in enumerate(data.sessions, start=1):
        topic = clean_text(s.topic or "", 200)
        if s.session_date is None:
            problems.append(DomainError("session_date", f"Tanggal sesi {i} wajib diisi.", field="sessions"))
            continue
        if not topic:
            problems.append(DomainError("session_topic", f"Materi sesi {i} wajib diisi.", field="sessions"))
            continue
        if not isinstance(s.hours, int) or s.hours < 0 or s.hours > 24:
            problems.append(DomainError("session_hours", f"JP sesi {i} harus angka 0-24.", field="sessions"))
            continue
        if data.start_date and data.end_date and not data.start_date <= s.session_date <= data.end_date:
            problems.append(
                DomainError(
                    "session_outside",
                    f"Tanggal sesi {i} di luar masa pelatihan.",
                    field="sessions",
                )
            )
            continue
        sessions.append(SessionInput(s.session_date, topic, s.hours, s.id))
    if data.hours is not None and (not isinstance(data.hours, int) or data.hours < 0 or data.hours > 1000):
        problems.append(DomainError("hours_invalid", "Jumlah JP harus angka 0-1000.", field="hours"))
    values["hours"] = data.hours if data.hours is not None else sum(s.hours for s in sessions)
    if problems:
        raise ValidationFailed(problems)
    return values, trainers, sessions


def create_training(session: Session, data: TrainingInput) -> TrainingDTO:
    require(session, "training.create")
    values, trainers, sessions = _validate(data)
    t = Training(**values, status=TrainingStatus.PLANNED.value)
    t.trainers = [Trainer(name=n, institution=i or None) for n, i in trainers]
    t.sessions = [
        TrainingSession(session_date=s.session_date, topic=s.topic, hours=s.hours) for s in sessions
    ]
    session.add(t)
    session.flush()
    audit.record(
        session,
        "training.create",
        "training",
        t.id,
        after={k: str(v) for k, v in values.items() if v is not None},
        sessions=len(sessions),
    )
    return _dto(session, t)


def update_training(session: Session, training_id: int, version: int, data: TrainingInput) -> TrainingDTO:
    """Save details, trainers and sessions. Sessions keep their id; one with attendance marks can not
    be removed (its marks would silently change who completed)."""
    require(session, "training.edit")
    t = _load(session, training_id)
    if t.version != version:
        raise ConflictError(f"Data pelatihan {t.title}")
    values, trainers, sessions = _validate(data)
    keep = {s.id for s in sessions if s.id is not None}
    existing = {s.id: s for s in t.sessions}
    dropped = [row for sid, row in existing.items() if sid not in keep]
    for row in dropped:  # checked before anything changes, so a refusal leaves the training as it was
        marks = session.scalar(select(func.count()).where(Attendance.session_id == row.id))
        if marks:
            raise DomainError(
                "session_has_attendance",
                f"Sesi {row.topic} sudah berisi {marks} catatan kehadiran dan tidak dapat dihapus.",
                field="sessions",
            )
    # One flush for the whole edit: an autoflush halfway (loading a collection) would move the version
    # twice and make the next save of the same form look like someone else's change.
    with session.no_autoflush:
        before = {k: str(getattr(t, k)) for k in values}
        for k, v in values.items():
            setattr(t, k, v)
        t.trainers = [Trainer(name=n, institution=i or None) for n, i in trainers]
        for row in dropped:
            t.sessions.remove(row)
        for s in sessions:
            if s.id is not None and s.id in existing:
                row = existing[s.id]
                assert s.session_date is not None  # _validate dropped sessions without a date
                row.session_date, row.topic, row.hours = s.session_date, s.topic, s.hours
            else:
                t.sessions.append(TrainingSession(session_date=s.session_date, topic=s.topic, hours=s.hours))
        t.updated_at = utcnow()  # dirty the row: its version moves even when only sessions changed
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"Data pelatihan {t.title}") from exc
    diff = audit.changes(before, {k: str(v) for k, v in values.items()})
    audit.record(session, "training.edit", "training", t.id, changes=diff, sessions=len(sessions))
    return _dto(session, t)


def set_status(session: Session, training_id: int, status: str) -> TrainingDTO:
    require(session, "training.edit")
    if status not in TRAINING_STATUSES:
        raise DomainError("bad_status", f"Status pelatihan tidak dikenal: {status}.", field="status")
    t = _load(session, training_id)
    old = t.status
    if old != status:
        t.status = status
        session.flush()
        audit.record(session, "training.status", "training", t.id, changes={"status": [old, status]})
    return _dto(session, t)


def get_training(session: Session, training_id: int) -> TrainingDTO:
    require(session, "training.view")
    return _dto(session, _load(session, training_id))


# --- participants ----------------------------------------------------------------------------------


def enroll_people(
    session: Session, training_id: int, person_ids: list[int], *, group_id: int | None = None
) -> EnrolResult:
    """Enrol people; those already enrolled are counted, inactive people are refused by name."""
    require(session, "training.edit")
    t = _load(session, training_id)
    if t.status == TrainingStatus.CANCELLED:
        raise DomainError("training_cancelled", f"Pelatihan {t.title} sudah dibatalkan.")
    enrolled = set(
        session.scalars(
            select(Participant.person_id).where(
                Participant.training_id == training_id, Participant.person_id.in_(person_ids)
            )
        )
    )
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    added, already, skipped = 0, 0, []
    for pid in dict.fromkeys(person_ids):
        person = people.get(pid)
        if person is None:
            raise NotFound("Penerima", pid)
        if pid in enrolled:
            already += 1
            continue
        if not person.is_active:
            skipped.append(f"{person.name} (nonaktif)")
            continue
        session.add(Participant(training_id=training_id, person_id=pid, group_id=group_id))
        added += 1
    session.flush()
    if added:
        audit.record(session, "training.enroll", "training", training_id, added=added, group_id=group_id)
    return EnrolResult(added, already, tuple(skipped))


def enroll_group(session: Session, training_id: int, group_id: int) -> EnrolResult:
    """Enrol every member of a KUBE group at once."""
    require(session, "training.edit")
    group = session.get(KubeGroup, group_id)
    if group is None:
        raise NotFound("Kelompok", group_id)
    if group.status == GroupStatus.INACTIVE:
        raise DomainError("group_inactive", f"Kelompok {group.name} sudah nonaktif.")
    ids = list(session.scalars(select(GroupMember.person_id).where(GroupMember.group_id == group_id)))
    if not ids:
        raise DomainError("group_empty", f"Kelompok {group.name} belum punya anggota.")
    return enroll_people(session, training_id, ids, group_id=group_id)


def remove_participant(session: Session, participant_id: int) -> None:
    require(session, "training.edit")
    p = session.get(Participant, participant_id)
    if p is None:
        raise NotFound("Peserta", participant_id)
    cert = session.scalar(select(Certificate.number).where(Certificate.participant_id == participant_id))
    if cert:
        raise DomainError(
            "participant_has_certificate",
            f"Peserta sudah menerima sertifikat {cert}; cabut sertifikatnya, jangan hapus pesertanya.",
        )
    session.execute(delete(Attendance).where(Attendance.participant_id == participant_id))
    session.delete(p)
    session.flush()
    audit.record(session, "training.unenroll", "training", p.training_id, person_id=p.person_id)


def _score(value: object, label: str, field: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        n = int(str(value).strip())
    except ValueError as exc:
        raise DomainError("score_invalid", f"{label} harus angka 0-100.", field=field) from exc
    if not 0 <= n <= 100:
        raise DomainError("score_invalid", f"{label} harus angka 0-100.", field=field)
    return n


def set_scores(session: Session, participant_id: int, pre: object, post: object) -> None:
    """Pre- and post-test scores (0-100, optional)."""
    require(session, "training.attendance")
    p = session.get(Participant, participant_id)
    if p is None:
        raise NotFound("Peserta", participant_id)
    new_pre = _score(pre, "Nilai pre-test", "pre_score")
    new_post = _score(post, "Nilai post-test", "post_score")
    diff = audit.changes({"pre": p.pre_score, "post": p.post_score}, {"pre": new_pre, "post": new_post})
    if diff:
        p.pre_score, p.post_score = new_pre, new_post
        session.flush()
        audit.record(session, "training.scores", "participant", p.id, changes=diff)


# --- table paging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRow:
    id: int
    title: str
    start_date: date
    end_date: date
    place: str
    organiser: str
    hours: int
    session_count: int
    participant_count: int
    certificate_count: int
    status: str


TRAINING_SORT = {
    "title": Training.title,
    "start_date": Training.start_date,
    "place": Training.place,
    "status": Training.status,
}


def _filtered(stmt: Any, f: PageFilter) -> Any:
    if f.text.strip():
        t = "%" + f.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Training.title.ilike(t, escape="\\") | Training.place.ilike(t, escape="\\"))
    if f.status:
        stmt = stmt.where(Training.status == f.status)
    return stmt


def count_trainings(session: Session, f: PageFilter) -> int:
    require(session, "training.view")
    return int(session.scalar(_filtered(select(func.count()).select_from(Training), f)) or 0)


def page_trainings(
    session: Session,
    f: PageFilter,
    sort: str = "start_date",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[TrainingRow]:
    require(session, "training.view")
    col = TRAINING_SORT.get(sort, Training.start_date)
    stmt = _filtered(select(Training), f).order_by(col.desc() if descending else col.asc(), Training.id)
    rows = list(session.scalars(stmt.offset(offset).limit(limit)))
    ids = [r.id for r in rows]
    if not ids:
        return []
    sessions = dict(
        session.execute(
            select(TrainingSession.training_id, func.count())
            .where(TrainingSession.training_id.in_(ids))
            .group_by(TrainingSession.training_id)
        ).all()
    )
    parts = dict(
        session.execute(
            select(Participant.training_id, func.count())
            .where(Participant.training_id.in_(ids))
            .group_by(Participant.training_id)
        ).all()
    )
    certs = dict(
        session.execute(
            select(Participant.training_id, func.count())
            .join(Certificate, Certificate.participant_id == Participant.id)
            .where(Participant.training_id.in_(ids), Certificate.revoked_at.is_(None))
            .group_by(Participant.training_id)
        ).all()
    )
    return [
        TrainingRow(
            id=r.id,
            title=r.title,
            start_date=r.start_date,
            end_date=r.end_date,
            place=r.place or "",
            organiser=r.organiser or "",
            hours=r.hours,
            session_count=int(sessions.get(r.id, 0)),
            participant_count=int(parts.get(r.id, 0)),
            certificate_count=int(certs.get(r.id, 0)),
            status=r.status,
        )
        for r in rows
    ]


# --- helpers ---------------------------------------------------------------------------------------


def _load(session: Session, training_id: int) -> Training:
    t = session.get(Training, training_id)
    if t is None:
        raise NotFound("Pelatihan", training_id)
    return t


def _dto(session: Session, t: Training) -> TrainingDTO:
    n = session.scalar(select(func.count()).where(Participant.training_id == t.id)) or 0
    return TrainingDTO(
        id=t.id,
        title=t.title,
        topics=tuple(x for x in (t.topics or "").split("; ") if x),
        organiser=t.organiser or "",
        place=t.place or "",
        start_date=t.start_date,
        end_date=t.end_date,
        hours=t.hours,
        status=t.status,
        notes=t.notes or "",
        version=t.version,
        trainers=tuple(TrainerDTO(x.id, x.name, x.institution or "") for x in t.trainers),
        sessions=tuple(
            SessionDTO(s.id, s.session_date, s.topic, s.hours)
            for s in sorted(t.sessions, key=lambda s: (s.session_date, s.id or 0))
        ),
        participant_count=int(n),
    )
