"""The register of training certificates (STTP): issuing, reprinting, revoking and verifying.

- At most one valid certificate per participant (a partial unique index in the schema), so a person
  never holds two numbers for the same training; issuing again returns the one she already has.
- A wrong certificate is never deleted: it is revoked with a reason, and verification then says so.
  Only after a revocation may the participant (if she still completes the training) receive a new
  certificate, with a new number: the way to correct, say, a misspelt name (a record edited after
  issue no longer matches its code, so the old paper must not stay valid).
- Numbers come from the office's number template (`numbering.issue_number(..., "certificate")`).
- A reprint keeps the number; every print after the first is marked "SALINAN" (copy), unless a role
  the office allows (officer, admin) asks for an original again (a spoilt or lost original).
- Verification code: HMAC-SHA256 over the certificate's canonical fields (number, NIK, name, training,
  dates, hours, date of issue) with an office secret kept in the settings (`CertificateSettings`,
  generated with `secrets` on first use). The first 80 bits are written as 16 base32 characters in four
  groups (`ABCD-EFGH-JKLM-NPQR`): typeable from paper, printed as text and as a QR code. Without the
  secret nobody can make a code that verifies, and a record changed after issuing no longer matches.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaltim_desk.core import audit, numbering
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.document_rules import check_original_reprint, document_rules
from kaltim_desk.core.errors import DomainError, NotFound
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import get_raw, load_section, office_profile, set_raw
from kaltim_desk.documents.model import CertificateDoc, CertificateTemplate, SignatoryDoc
from kaltim_desk.documents.templates import certificate_template_path, load_certificate_template
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.domain.text import clean_text
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.numbering import IssuedNumber
from kaltim_desk.models.person import Person
from kaltim_desk.models.training import Attendance, Certificate, Participant, Training
from kaltim_desk.models.vocabulary import TrainingStatus
from kaltim_desk.services.training.preprinted import PREPRINTED_DEFAULTS, preprinted_positions
from kaltim_desk.services.training.training_rules import Completion, compute_completion, training_rules

CODE_BYTES = 10  # 80 bits
QR_PREFIX = "KALTIMDESK-STTP:"
_TYPO = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})  # digits base32 never uses


@dataclass(frozen=True)
class CertificateSettings:
    """Office settings of the certificates: which template, who signs, and the verification secret."""

    SECTION = "certificate"

    template: str = "certificate"  # a file resources/templates/<name>.json
    template_path: str = ""  # an office's own adjusted template (JSON), if any
    signatory: str = ""  # overrides the template's signatory key ("head", "section_head")
    secret: str = ""  # hex; generated on first use, never shown or audited
    # Pre-printed certificate blanks: print only the variable fields, each at its position (mm from the
    # page's left and top edges) - the shipped defaults, with the office's own measurements over them.
    preprinted: bool = False
    preprinted_positions: dict[str, list[float]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class CertificateDTO:
    id: int
    participant_id: int
    training_id: int
    person_name: str
    nik_masked: str
    number: str
    issued_on: date
    issued_at: datetime
    verification_code: str
    revoked_at: datetime | None
    revoked_reason: str
    print_count: int

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class IssueResult:
    issued: tuple[CertificateDTO, ...]
    already: int
    not_completed: tuple[str, ...]  # "NAME: reason"


@dataclass(frozen=True)
class VerifyResult:
    status: str  # "valid", "revoked", "invalid" (record changed after issue) or "unknown"
    message: str
    number: str = ""
    name: str = ""
    nik_masked: str = ""
    training_title: str = ""
    start_date: date | None = None
    end_date: date | None = None
    hours: int | None = None
    issued_on: date | None = None
    revoked_at: datetime | None = None
    revoked_reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "valid"


def certificate_template(cfg: CertificateSettings | None = None) -> CertificateTemplate:
    """The certificate template these settings choose (its own file if set, else the shipped one named),
    read by the one template loader, with the pre-printed blank positions when printing on blanks."""
    cfg = cfg or CertificateSettings()
    tpl = load_certificate_template(certificate_template_path(cfg.template, cfg.template_path))
    if cfg.preprinted:
        tpl = dataclasses.replace(
            tpl, preprinted=True, positions=preprinted_positions(tpl.orientation, cfg.preprinted_positions)
        )
    return tpl


# --- the secret and the code -----------------------------------------------------------------------


def certificate_settings(session: Session) -> CertificateSettings:
    return load_section(session, CertificateSettings)


def office_secret(session: Session) -> bytes:
    """The office's verification secret, made with `secrets` the first time it is needed."""
    stored = get_raw(session, CertificateSettings.SECTION, {}) or {}
    secret = stored.get("secret") or ""
    if not secret:
        if session.scalar(select(func.count()).select_from(Certificate)):
            # A new secret would make every certificate already printed fail verification.
            raise DomainError(
                "secret_missing",
                "Kunci verifikasi sertifikat kantor hilang dari pengaturan, padahal sudah ada sertifikat. "
                "Pulihkan basis data dari cadangan; kunci baru akan membuat semua sertifikat lama tidak sah.",
            )
        secret = secrets.token_hex(32)
        set_raw(session, CertificateSettings.SECTION, {**stored, "secret": secret})
        audit.record(session, "certificate.secret", "setting", CertificateSettings.SECTION, created=True)
    return bytes.fromhex(secret)


def save_certificate_settings(
    session: Session,
    *,
    template: str | None = None,
    template_path: str | None = None,
    signatory: str | None = None,
    preprinted: bool | None = None,
    preprinted_positions: dict[str, list[float]] | None = None,
) -> CertificateSettings:
    """Change which template and signatory the certificates use, and whether they print on
    pre-printed blanks at which positions (admin). The secret is kept as it is and never written to
    the audit trail; the new template is loaded once to refuse a bad one."""
    require(session, "settings.edit")
    stored: dict[str, Any] = dict(get_raw(session, CertificateSettings.SECTION, {}) or {})
    keys = ("template", "template_path", "signatory", "preprinted", "preprinted_positions")
    before = {k: stored.get(k, "") for k in keys}
    for key, value in (("template", template), ("template_path", template_path), ("signatory", signatory)):
        if value is not None:
            stored[key] = value.strip()
    if preprinted is not None:
        stored["preprinted"] = bool(preprinted)
    if preprinted_positions is not None:
        for key, position in preprinted_positions.items():
            ok = isinstance(position, list | tuple) and len(position) == 2
            ok = ok and all(isinstance(v, int | float) and 0 <= v <= 297 for v in position)
            if key not in PREPRINTED_DEFAULTS["landscape"] or not ok:
                raise DomainError(
                    "position_invalid",
                    f"Posisi '{key}' untuk blangko sertifikat tidak sah: tulis [kiri, atas] dalam mm "
                    f"(0-297); isian yang dikenal: {', '.join(PREPRINTED_DEFAULTS['landscape'])}.",
                    field="preprinted_positions",
                )
        stored["preprinted_positions"] = {
            k: [float(v[0]), float(v[1])] for k, v in preprinted_positions.items()
        }
    cfg = load_section_from(stored)
    certificate_template(cfg)
    if cfg.signatory and cfg.signatory not in office_profile(session).signatories:
        raise DomainError(
            "signatory_unknown",
            f"Penandatangan '{cfg.signatory}' tidak ada di profil kantor.",
            field="signatory",
        )
    set_raw(session, CertificateSettings.SECTION, stored)
    after = {k: stored.get(k, "") for k in before}
    audit.record(
        session, "settings.edit", "setting", CertificateSettings.SECTION, changes=audit.changes(before, after)
    )
    return cfg


def load_section_from(stored: dict[str, Any]) -> CertificateSettings:
    names = {f.name for f in dataclasses.fields(CertificateSettings)}
    return CertificateSettings(**{k: v for k, v in stored.items() if k in names})


def canonical_fields(
    number: str,
    nik: str,
    name: str,
    training_title: str,
    start: date,
    end: date,
    hours: int,
    issued_on: date,
) -> str:
    """The exact text the code signs: fixed order, unit separators, ISO dates."""
    parts = [
        number,
        nik,
        name,
        training_title,
        start.isoformat(),
        end.isoformat(),
        str(hours),
        issued_on.isoformat(),
    ]
    return "\x1f".join(["STTP1", *parts])


def compute_code(secret: bytes, canonical: str) -> str:
    digest = hmac.new(secret, canonical.encode("utf-8"), hashlib.sha256).digest()[:CODE_BYTES]
    raw = base64.b32encode(digest).decode("ascii")  # 16 characters, no padding for 10 bytes
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalize_code(value: str) -> str | None:
    """A code as typed or scanned -> `ABCD-EFGH-JKLM-NPQR`, or None when it can not be one.
    Accepts the QR text, lower case, spaces and dashes anywhere, and 0/1/8 typed for O/I/B."""
    s = (value or "").strip()
    if ":" in s:
        s = s.rsplit(":", 1)[1]
    s = re.sub(r"[\s\-_.]", "", s).upper().translate(_TYPO)
    if len(s) != 16 or not re.fullmatch(r"[A-Z2-7]{16}", s):
        return None
    return "-".join(s[i : i + 4] for i in range(0, 16, 4))


def _canonical_for(cert: Certificate, participant: Participant, person: Person, training: Training) -> str:
    return canonical_fields(
        cert.number,
        person.nik,
        person.name,
        training.title,
        training.start_date,
        training.end_date,
        training.hours,
        cert.issued_on,
    )


# --- issuing ---------------------------------------------------------------------------------------


def _lock_register(session: Session, training_id: int) -> None:
    """Take the write lock before reading what is already issued, so that two offices' PCs issuing at
    once serialise here instead of both deciding that a participant has no certificate yet. (On SQLite
    the first statement of the transaction is a write; on PostgreSQL it locks the training's row.)"""
    session.execute(text("UPDATE training SET id = id WHERE id = :id"), {"id": training_id})


def issue_for_training(
    session: Session,
    training_id: int,
    participant_ids: list[int] | None = None,
    *,
    issued_on: date | None = None,
) -> IssueResult:
    """Issue certificates to the training's participants who completed it and have none yet.

    Call it at the start of a unit of work (it takes the write lock first)."""
    require(session, "certificate.issue")
    _lock_register(session, training_id)
    t = session.get(Training, training_id)
    if t is None:
        raise NotFound("Pelatihan", training_id)
    if t.status == TrainingStatus.CANCELLED:
        raise DomainError("training_cancelled", f"Pelatihan {t.title} sudah dibatalkan.")
    rules = training_rules(session)
    session_ids = [s.id for s in t.sessions]
    stmt = (
        select(Participant, Person)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.training_id == training_id)
        .order_by(Person.name, Participant.id)
    )
    if participant_ids is not None:
        stmt = stmt.where(Participant.id.in_(participant_ids))
    rows = session.execute(stmt).all()
    have = set(  # a valid certificate; a revoked one may be followed by a new one
        session.scalars(
            select(Certificate.participant_id).where(
                Certificate.participant_id.in_([p.id for p, _ in rows]), Certificate.revoked_at.is_(None)
            )
        )
    )
    marks: dict[tuple[int, int], str] = {}
    if rows:
        for pid, sid, st in session.execute(
            select(Attendance.participant_id, Attendance.session_id, Attendance.status).where(
                Attendance.participant_id.in_([p.id for p, _ in rows])
            )
        ):
            marks[(pid, sid)] = st
    secret = office_secret(session)
    when = issued_on or date.today()
    issued: list[CertificateDTO] = []
    already, refused = 0, []
    for participant, person in rows:
        if participant.id in have:
            already += 1
            continue
        done = compute_completion(
            [marks.get((participant.id, s)) for s in session_ids], rules, participant.post_score
        )
        if not done.completed:
            refused.append(f"{person.name}: {done.reason}")
            continue
        issued.append(_issue_one(session, t, participant, person, secret, when))
    if issued:
        audit.record(
            session,
            "certificate.issue",
            "training",
            training_id,
            count=len(issued),
            first=issued[0].number,
            last=issued[-1].number,
        )
    return IssueResult(tuple(issued), already, tuple(refused))


def _issue_one(
    session: Session, t: Training, participant: Participant, person: Person, secret: bytes, when: date
) -> CertificateDTO:
    number = numbering.issue_number(
        session, "certificate", purpose="certificate", entity_id=participant.id, when=when
    )
    cert = Certificate(
        participant_id=participant.id,
        number=number,
        issued_on=when,
        issued_at=utcnow(),
        verification_code="",
        issued_by=current_actor(session).username,
        print_count=0,
    )
    cert.verification_code = compute_code(secret, _canonical_for(cert, participant, person, t))
    try:
        with session.begin_nested():
            session.add(cert)
            session.flush()
    except IntegrityError as exc:
        raise DomainError(
            "certificate_twice",
            f"{person.name} sudah menerima sertifikat pelatihan ini (diterbitkan bersamaan di komputer lain).",
        ) from exc
    return _dto(cert, participant, person)


def issue_certificate(session: Session, participant_id: int) -> CertificateDTO:
    """One participant's certificate: the one she has, or a new one if she completed the training."""
    p = session.get(Participant, participant_id)
    if p is None:
        raise NotFound("Peserta", participant_id)
    res = issue_for_training(session, p.training_id, [participant_id])
    if res.issued:
        return res.issued[0]
    if res.not_completed:
        raise DomainError("not_completed", "Belum memenuhi syarat sertifikat: " + res.not_completed[0])
    existing = session.scalar(
        select(Certificate).where(
            Certificate.participant_id == participant_id, Certificate.revoked_at.is_(None)
        )
    )
    assert existing is not None
    person = session.get(Person, p.person_id)
    assert person is not None
    return _dto(existing, p, person)


def revoke(session: Session, certificate_id: int, reason: str) -> CertificateDTO:
    """Revoke a certificate with a reason. The number stays in the register, marked revoked."""
    require(session, "certificate.revoke")
    reason = clean_text(reason or "", 300)
    if not reason:
        raise DomainError("reason_required", "Alasan pencabutan sertifikat wajib diisi.", field="reason")
    cert, participant, person = _load(session, certificate_id)
    if cert.revoked_at is not None:
        raise DomainError(
            "already_revoked", f"Sertifikat {cert.number} sudah dicabut ({cert.revoked_reason})."
        )
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    session.flush()
    audit.record(session, "certificate.revoke", "certificate", cert.id, number=cert.number, reason=reason)
    return _dto(cert, participant, person)


def list_certificates(session: Session, training_id: int) -> list[CertificateDTO]:
    require(session, "training.view")
    rows = session.execute(
        select(Certificate, Participant, Person)
        .join(Participant, Participant.id == Certificate.participant_id)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.training_id == training_id)
        .order_by(Certificate.number)
    ).all()
    return [_dto(c, p, s) for c, p, s in rows]


# --- printing --------------------------------------------------------------------------------------


def documents_for_print(
    session: Session, training_id: int, certificate_ids: list[int] | None = None, *, original: bool = False
) -> list[CertificateDoc]:
    """What to print for the training's certificates (revoked ones are never printed). A certificate
    printed before comes out as a copy ("SALINAN") with the same number, unless `original` is asked
    by a role that may (`DocumentRules.reprint_original_roles`: officer and admin by default)."""
    require(session, "certificate.print")
    t = session.get(Training, training_id)
    if t is None:
        raise NotFound("Pelatihan", training_id)
    stmt = (
        select(Certificate, Participant, Person)
        .join(Participant, Participant.id == Certificate.participant_id)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.training_id == training_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.number)
    )
    if certificate_ids is not None:
        stmt = stmt.where(Certificate.id.in_(certificate_ids))
    rows = session.execute(stmt).all()
    if certificate_ids is not None and len(rows) < len(set(certificate_ids)):
        revoked = session.scalar(
            select(Certificate.number).where(
                Certificate.id.in_(certificate_ids), Certificate.revoked_at.is_not(None)
            )
        )
        if revoked:
            raise DomainError(
                "certificate_revoked", f"Sertifikat {revoked} sudah dicabut dan tidak dapat dicetak."
            )
    office = office_profile(session)
    cfg = certificate_settings(session)
    template = certificate_template(cfg)
    sig = office.signatory(cfg.signatory or template.signatory)
    signatory = SignatoryDoc(sig.name, sig.position, sig.rank, sig.nip)
    rules = training_rules(session)
    # a reprint is a copy, unless an allowed role asks for an original again (a spoilt original)
    if original:
        check_original_reprint(document_rules(session), current_actor(session).role, "sertifikat")
    session_ids = [s.id for s in t.sessions]
    marks: dict[tuple[int, int], str] = {}
    pids = [p.id for _c, p, _s in rows]
    if pids:
        for pid, sid, st in session.execute(
            select(Attendance.participant_id, Attendance.session_id, Attendance.status).where(
                Attendance.participant_id.in_(pids)
            )
        ):
            marks[(pid, sid)] = st
    topics = tuple(x for x in (t.topics or "").split("; ") if x)
    docs = []
    for cert, participant, person in rows:
        done: Completion = compute_completion(
            [marks.get((participant.id, s)) for s in session_ids], rules, participant.post_score
        )
        docs.append(
            CertificateDoc(
                certificate_id=cert.id,
                number=cert.number,
                name=person.name,
                nik_masked=mask_nik(person.nik),
                birth_place=person.birth_place or "",
                birth_date=person.birth_date,
                training_title=t.title,
                topics=topics,
                organiser=t.organiser or "",
                place=t.place or "",
                start_date=t.start_date,
                end_date=t.end_date,
                hours=t.hours,
                attendance_percent=done.percent,
                post_score=participant.post_score,
                issued_on=cert.issued_on,
                city=office.city,
                government_name=office.government_name,
                agency_name=office.agency_name,
                address=office.address,
                logo_path=office.logo_path,
                signatory=signatory,
                verification_code=cert.verification_code,
                qr_payload=QR_PREFIX + cert.verification_code,
                is_copy=cert.print_count > 0 and not original,
            )
        )
    return docs


def mark_printed(session: Session, certificate_ids: list[int]) -> None:
    """Count the prints (after the file was written): later prints of these come out as copies."""
    require(session, "certificate.print")
    if not certificate_ids:
        return
    now = utcnow()
    certs = list(session.scalars(select(Certificate).where(Certificate.id.in_(certificate_ids))))
    copies = sum(1 for c in certs if c.print_count > 0)
    for c in certs:
        c.print_count += 1
        c.last_printed_at = now
    session.flush()
    audit.record(
        session,
        "certificate.print",
        "certificate",
        certs[0].id if len(certs) == 1 else None,
        count=len(certs),
        copies=copies,
    )


# --- verification ----------------------------------------------------------------------------------


def verify(session: Session, code: str) -> VerifyResult:
    """Is this code one of ours, still valid, and does the record still match what was signed?"""
    require(session, "certificate.verify")
    norm = normalize_code(code)
    if norm is None:
        return VerifyResult(
            "unknown", "Format kode verifikasi tidak sah (harus 16 huruf/angka, mis. ABCD-EFGH-JKLM-NPQR)."
        )
    cert = session.scalar(select(Certificate).where(Certificate.verification_code == norm))
    if cert is None:
        return VerifyResult("unknown", f"Kode {norm} tidak terdaftar: sertifikat tidak dikenal atau palsu.")
    cert, participant, person = _load(session, cert.id)
    t = session.get(Training, participant.training_id)
    assert t is not None
    expected = compute_code(office_secret(session), _canonical_for(cert, participant, person, t))
    details = dict(
        number=cert.number,
        name=person.name,
        nik_masked=mask_nik(person.nik),
        training_title=t.title,
        start_date=t.start_date,
        end_date=t.end_date,
        hours=t.hours,
        issued_on=cert.issued_on,
        revoked_at=cert.revoked_at,
        revoked_reason=cert.revoked_reason or "",
    )
    if not hmac.compare_digest(expected, norm):
        return VerifyResult(
            "invalid",
            f"Data sertifikat {cert.number} telah berubah sejak diterbitkan; kode tidak cocok.",
            **details,  # type: ignore[arg-type]
        )
    if cert.revoked_at is not None:
        return VerifyResult(
            "revoked",
            f"Sertifikat {cert.number} telah DICABUT: {cert.revoked_reason}.",
            **details,  # type: ignore[arg-type]
        )
    return VerifyResult("valid", f"Sertifikat {cert.number} SAH.", **details)  # type: ignore[arg-type]


# --- integrity check -------------------------------------------------------------------------------


def check_register(session: Session) -> tuple[bool, str]:
    """Every certificate's number is in the number register, its code still verifies, and its holder
    still meets the completion rule. Returns (ok, message)."""
    n = session.scalar(select(func.count()).select_from(Certificate)) or 0
    if not n:
        return True, "belum ada sertifikat"
    missing = session.scalar(
        select(func.count())
        .select_from(Certificate)
        .outerjoin(IssuedNumber, IssuedNumber.number == Certificate.number)
        .where(IssuedNumber.id.is_(None))
    )
    problems = []
    if missing:
        problems.append(f"{missing} nomor sertifikat tidak ada di register nomor")
    stored = get_raw(session, CertificateSettings.SECTION, {}) or {}
    if not stored.get("secret"):
        problems.append("kunci verifikasi kantor hilang")
    else:
        secret = bytes.fromhex(stored["secret"])
        bad = []
        for cert, participant, person, t in session.execute(
            select(Certificate, Participant, Person, Training)
            .join(Participant, Participant.id == Certificate.participant_id)
            .join(Person, Person.id == Participant.person_id)
            .join(Training, Training.id == Participant.training_id)
        ):
            if compute_code(secret, _canonical_for(cert, participant, person, t)) != cert.verification_code:
                bad.append(cert.number)
        if bad:
            problems.append(f"{len(bad)} sertifikat datanya berubah sejak terbit (mis. {bad[0]})")
    lapsed = _lapsed_certificates(session)
    if lapsed:
        problems.append(
            f"{len(lapsed)} sertifikat aktif milik peserta yang kini tidak memenuhi syarat kelulusan "
            f"(kehadiran diubah setelah terbit; mis. {lapsed[0]}): periksa lalu cabut bila perlu"
        )
    if problems:
        return False, "; ".join(problems)
    return True, f"{n} sertifikat, register utuh"


def _lapsed_certificates(session: Session) -> list[str]:
    """Numbers of unrevoked certificates whose holder no longer meets the completion rule."""
    from kaltim_desk.models.training import TrainingSession

    rows = session.execute(
        select(Certificate.number, Participant.id, Participant.training_id, Participant.post_score)
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(Certificate.revoked_at.is_(None))
    ).all()
    if not rows:
        return []
    tids = {r.training_id for r in rows}
    sessions: dict[int, list[int]] = {}
    for sid, tid in session.execute(
        select(TrainingSession.id, TrainingSession.training_id).where(TrainingSession.training_id.in_(tids))
    ):
        sessions.setdefault(tid, []).append(sid)
    marks: dict[tuple[int, int], str] = {}
    for pid, sid, st in session.execute(
        select(Attendance.participant_id, Attendance.session_id, Attendance.status).where(
            Attendance.participant_id.in_([r.id for r in rows])
        )
    ):
        marks[(pid, sid)] = st
    rules = training_rules(session)
    return [
        r.number
        for r in rows
        if not compute_completion(
            [marks.get((r.id, sid)) for sid in sessions.get(r.training_id, [])], rules, r.post_score
        ).completed
    ]


# --- helpers ---------------------------------------------------------------------------------------


def _load(session: Session, certificate_id: int) -> tuple[Certificate, Participant, Person]:
    cert = session.get(Certificate, certificate_id)
    if cert is None:
        raise NotFound("Sertifikat", certificate_id)
    participant = session.get(Participant, cert.participant_id)
    assert participant is not None
    person = session.get(Person, participant.person_id)
    assert person is not None
    return cert, participant, person


def _dto(c: Certificate, p: Participant, person: Person) -> CertificateDTO:
    return CertificateDTO(
        id=c.id,
        participant_id=p.id,
        training_id=p.training_id,
        person_name=person.name,
        nik_masked=mask_nik(person.nik),
        number=c.number,
        issued_on=c.issued_on,
        issued_at=c.issued_at,
        verification_code=c.verification_code,
        revoked_at=c.revoked_at,
        revoked_reason=c.revoked_reason or "",
        print_count=c.print_count,
    )
