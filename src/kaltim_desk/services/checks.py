"""Integrity checks run by `kaltim-desk check` and at start: the database file, foreign keys, the audit
chain, and the programme's own rules over the stored records.

A damaged SQLite file (truncated, a flipped byte, a zeroed page, a lost write-ahead log) is found by
`check_file_damage` on the file itself, before anything opens it through the engine: opening it would
migrate (write to) it or fail with an unexpected error instead of a report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kaltim_desk import dialect
from kaltim_desk.core import audit_anchor
from kaltim_desk.core.audit_anchor import Anchor
from kaltim_desk.core.issued_documents import altered_documents
from kaltim_desk.core.settings import office_profile
from kaltim_desk.domain.nik import check_nik
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.aid import grant_gates
from kaltim_desk.services.excel import import_staging
from kaltim_desk.services.monitoring.visits import photo_file_problems
from kaltim_desk.services.office.audit_query import newest_backup_anchor
from kaltim_desk.services.office.dbfile import check_file
from kaltim_desk.services.registry.groups import _rule_checks
from kaltim_desk.services.training.certificates import check_register

FILE_CHECK_NAME = "Berkas basis data"


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    message: str


def check_file_damage(path: Path) -> CheckResult | None:
    """The SQLite file `path` looked at without opening it through the engine: "rusak" when it is
    truncated, fails `quick_check`, or lost the write-ahead log that held its latest saves. None when
    the file is not a database at all (the caller refuses it as the wrong file)."""
    health = check_file(path)
    if health.kind == "not_sqlite":
        return None
    if health.ok:
        return CheckResult(FILE_CHECK_NAME, True, "utuh")
    if health.damaged:
        return CheckResult(FILE_CHECK_NAME, False, "rusak: " + health.message)
    return CheckResult(FILE_CHECK_NAME, False, health.message)


def check_database_file(session: Session) -> CheckResult:
    ok, detail = dialect.integrity_check(session)
    if dialect.is_sqlite(session):
        return CheckResult(FILE_CHECK_NAME, ok, "utuh" if ok else "rusak: " + detail)
    return CheckResult("Basis data server", ok, "indeks dan batasan sah" if ok else "bermasalah: " + detail)


def check_foreign_keys(session: Session) -> CheckResult:
    if not dialect.is_sqlite(session):
        return CheckResult("Relasi antartabel", True, "dijaga oleh server")
    rows = dialect.foreign_key_violations(session)
    if not rows:
        return CheckResult("Relasi antartabel", True, "semua rujukan sah")
    return CheckResult(
        "Relasi antartabel", False, f"{len(rows)} rujukan yatim, mis. tabel {rows[0][0]} baris {rows[0][1]}"
    )


def check_audit_chain(session: Session, extra_anchors: Sequence[Anchor] = ()) -> CheckResult:
    """The keyed chain against its copies outside the database: the anchor file, the newest automatic
    backup, and `extra_anchors` (exports or backups given with `check --anchor`)."""
    backup = newest_backup_anchor(session)
    ok, message = audit_anchor.chain_status(session, [*([backup] if backup else []), *extra_anchors])
    return CheckResult("Jejak audit", ok, message)


def check_audit_guard(session: Session) -> CheckResult:
    """The database's own refusal to change or delete audit rows (migration 0002) is still in place, and
    on PostgreSQL the application's role can not lift it: it neither owns the audit table (an owner may
    drop the guard trigger, delete and recreate it) nor holds UPDATE, DELETE or TRUNCATE on it."""
    name = "Perlindungan jejak audit"
    names = dialect.trigger_names(session)
    if dialect.is_sqlite(session):
        missing = {"audit_log_no_update", "audit_log_no_delete"} - names
    elif dialect.is_postgresql(session):
        missing = {"audit_log_no_update", "audit_log_no_truncate"} - names
    else:
        return CheckResult(name, True, "tidak diperiksa pada basis data ini")
    if missing:
        return CheckResult(
            name, False, "pemicu penolak ubah/hapus audit telah dihapus: " + ", ".join(sorted(missing))
        )
    powers = dialect.audit_table_powers(session)
    if powers:
        return CheckResult(
            name,
            False,
            f"peran basis data aplikasi ({dialect.current_role(session)}) dapat mengubah atau menghapus jejak "
            f"audit ({', '.join(powers)}): pisahkan peran pemilik dan peran aplikasi (docs/POSTGRES.md, "
            "bagian 1)",
        )
    if dialect.is_postgresql(session):
        return CheckResult(
            name, True, "peran aplikasi hanya dapat membaca dan menambah catatan audit, bukan mengubahnya"
        )
    return CheckResult(name, True, "catatan audit tidak dapat diubah atau dihapus")


def check_people(session: Session) -> CheckResult:
    bad = []
    for pid, nik in session.execute(select(Person.id, Person.nik)).yield_per(5000):
        if not check_nik(nik).ok:
            bad.append(pid)
    if bad:
        return CheckResult("NIK penerima", False, f"{len(bad)} NIK tidak sah (mis. penerima #{bad[0]})")
    return CheckResult("NIK penerima", True, "semua NIK sah dan unik")


def check_groups(session: Session) -> CheckResult:
    problems = []
    for group in session.scalars(select(KubeGroup).where(KubeGroup.status == "active")):
        unmet = [c for c in _rule_checks(session, group) if c.blocking and not c.ok]
        if unmet:
            problems.append(f"{group.name}: {unmet[0].message}")
    members = Counter(
        pid
        for (pid,) in session.execute(
            text(
                "SELECT m.person_id FROM group_member m JOIN kube_group g ON g.id = m.group_id WHERE g.status = 'active'"
            )
        )
    )
    twice = [pid for pid, n in members.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} orang di lebih dari satu kelompok aktif")
    if problems:
        return CheckResult("Kelompok aktif", False, "; ".join(problems[:5]))
    return CheckResult("Kelompok aktif", True, "semua kelompok aktif memenuhi syarat")


def check_visit_photos(session: Session) -> CheckResult:
    """Monitoring: every recorded visit photo is still beside the database, unchanged in size."""
    n, problems = photo_file_problems(session)
    if problems:
        return CheckResult(
            "Foto kunjungan", False, f"{len(problems)} dari {n} foto bermasalah: {problems[0]}"
        )
    return CheckResult("Foto kunjungan", True, f"{n} foto, semua ada")


def check_certificates(session: Session) -> CheckResult:
    """Training: every certificate number is in the number register and every verification code still
    matches its record (a record edited behind the app's back shows here)."""
    ok, message = check_register(session)
    return CheckResult("Register sertifikat", ok, message)


def check_aid(session: Session) -> CheckResult:
    """Aid: ceilings per group/person and one grant per person per programme hold for every live grant."""
    ok, message = grant_gates.check_aid(session)
    return CheckResult("Aturan bantuan", ok, message)


def check_documents(session: Session) -> CheckResult:
    """Documents: the office logo prints (a set but missing logo would print every letterhead and
    certificate without the emblem), and every issued document's stored data still matches its hash."""
    from kaltim_desk.documents.letterhead import logo_problem  # lazy: reportlab off the start path

    problems = []
    logo = logo_problem(office_profile(session).logo_path)
    if logo:
        problems.append(logo)
    altered = altered_documents(session)
    if altered:
        problems.append(f"{len(altered)} dokumen terbit berubah di luar aplikasi: {', '.join(altered[:3])}")
    if problems:
        return CheckResult("Dokumen", False, "; ".join(problems))
    return CheckResult("Dokumen", True, "logo kop tersedia, dokumen terbit utuh")


def check_import_batches(session: Session) -> CheckResult:
    """Excel: people and groups marked with an import batch belong to a committed batch."""
    ok, message = import_staging.check_import_batches(session)
    return CheckResult("Data impor Excel", ok, message)


CHECKS: list[Callable[[Session], CheckResult]] = [
    check_database_file,
    check_foreign_keys,
    check_audit_chain,
    check_audit_guard,
    check_people,
    check_groups,
    check_visit_photos,
    check_certificates,
    check_aid,
    check_documents,
    check_import_batches,
]


def run_checks(session: Session, anchors: Sequence[Anchor] = ()) -> list[CheckResult]:
    """Every check; `anchors` are copies of the audit head given by the caller (`check --anchor`)."""
    return [
        check_audit_chain(session, anchors) if check is check_audit_chain else check(session)
        for check in CHECKS
    ]
