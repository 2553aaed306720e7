"""Integrity checks run by `kaltim-desk check` and at start: the database file, foreign keys, the audit
chain, and the programme's own rules over the stored records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kaltim_desk import dialect
from kaltim_desk.config import sqlite_path
from kaltim_desk.core import audit, audit_anchor
from kaltim_desk.core.audit_anchor import Anchor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.nik import check_nik
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.office.backup import default_backup_dir, list_backups
from kaltim_desk.services.registry.groups import _rule_checks


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    message: str


def check_database_file(session: Session) -> CheckResult:
    ok, detail = dialect.integrity_check(session)
    if dialect.is_sqlite(session):
        return CheckResult("Berkas basis data", ok, "utuh" if ok else "rusak: " + detail)
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


def audit_rows(session: Session) -> Iterator[audit.Row]:
    cols = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.detail,
        AuditEntry.prev_hash,
        AuditEntry.hash,
        AuditEntry.key_id,
    )
    for row in session.execute(select(*cols).order_by(AuditEntry.id)).yield_per(5000):
        yield tuple(row)  # type: ignore[misc]


def newest_backup_anchor(session: Session) -> Anchor | None:
    """The head of the newest backup in the automatic backup folder beside an SQLite database."""
    path = sqlite_path(session.get_bind().engine.url.render_as_string(hide_password=True))
    if path is None:
        return None
    backups = [b for b in list_backups(default_backup_dir(path)) if b.path.name.startswith(path.stem + "-")]
    if not backups:
        return None
    newest = max(backups, key=lambda b: (b.created, b.path.name))
    return audit_anchor.backup_head(newest.path)


def check_audit_chain(session: Session, extra_anchors: Sequence[Anchor] = ()) -> CheckResult:
    """Recompute every link under this PC's audit key and name the first row whose content or link does
    not match; then compare the head with its copies outside the database (the data folder's anchor
    file, the newest automatic backup, and any export given with `check --anchor`): rows deleted from the
    end, or all of them, show there."""
    name = "Jejak audit"
    try:
        key = audit.read_key()
    except DomainError as exc:
        return CheckResult(name, False, exc.message)
    current, replaced = audit_anchor.file_anchors(session)
    backup = newest_backup_anchor(session)
    anchors = [*current, *([backup] if backup else []), *extra_anchors]
    report = audit.verify_rows(audit_rows(session), key=key, want=[a.row_id for a in (*anchors, *replaced)])
    if report.problem:
        return CheckResult(name, False, report.problem)
    last_id = report.head[0] if report.head else 0
    for a in anchors:
        if a.first is not None and report.first_hash is not None and a.first != report.first_hash:
            if (a.row_id, a.mac) in report.replaced_heads:
                continue
            return CheckResult(
                name,
                False,
                f"jejak audit tidak sama lagi dengan yang tercatat di {a.source}: catatan awalnya berubah "
                "(diubah, dihapus, atau basis data ditukar)",
            )
        if (a.row_id, a.mac) in report.replaced_heads:
            continue
        if a.row_id > last_id:
            return CheckResult(
                name,
                False,
                f"catatan audit terakhir hilang: {a.source} mencatat baris #{a.row_id}, "
                + (f"jejak kini berakhir di baris #{last_id}" if last_id else "jejak kini kosong"),
            )
        if report.seen.get(a.row_id) != a.mac:
            return CheckResult(
                name, False, f"baris audit #{a.row_id} berbeda dari salinannya di {a.source} (diganti)"
            )
    for a in replaced:
        if (a.row_id, a.mac) not in report.replaced_heads and report.seen.get(a.row_id) != a.mac:
            return CheckResult(
                name,
                False,
                f"jejak audit sampai baris #{a.row_id} ({a.source}) diganti tanpa pemulihan cadangan yang "
                "tercatat: catatan dihapus atau basis data ditukar",
            )
    if report.rows == 0:
        return CheckResult(name, True, "belum ada catatan")
    if report.legacy_rows == report.rows:
        return CheckResult(
            name,
            True,
            f"{report.rows} catatan, rantai utuh (format lama tanpa kunci; catatan berikutnya "
            "menyegelnya dengan kunci audit)",
        )
    old = f"; {report.legacy_rows} catatan lama tersegel kunci" if report.legacy_rows else ""
    where = ", ".join(a.source for a in anchors) or "tidak ada"
    return CheckResult(
        name, True, f"{report.rows} catatan, rantai utuh, bertanda kunci{old}; jangkar: {where}"
    )


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
    from kaltim_desk.services.monitoring.visits import photo_file_problems

    n, problems = photo_file_problems(session)
    if problems:
        return CheckResult(
            "Foto kunjungan", False, f"{len(problems)} dari {n} foto bermasalah: {problems[0]}"
        )
    return CheckResult("Foto kunjungan", True, f"{n} foto, semua ada")


def check_certificates(session: Session) -> CheckResult:
    """Training: every certificate number is in the number register and every verification code still
    matches its record (a record edited behind the app's back shows here)."""
    from kaltim_desk.services.training.certificates import check_register

    ok, message = check_register(session)
    return CheckResult("Register sertifikat", ok, message)


def check_aid(session: Session) -> CheckResult:
    """Aid: ceilings per group/person and one grant per person per programme hold for every live grant."""
    from kaltim_desk.services.aid.grants import check_aid as check

    result: CheckResult = check(session)
    return result


def check_import_batches(session: Session) -> CheckResult:
    """Excel: people and groups marked with an import batch belong to a committed batch."""
    from kaltim_desk.services.excel.import_staging import check_import_batches as check

    ok, message = check(session)
    return CheckResult("Data impor Excel", ok, message)


# Features append their own checks here (aid ceilings, certificate register...).
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
    check_import_batches,
]


def run_checks(session: Session, anchors: Sequence[Anchor] = ()) -> list[CheckResult]:
    """Every check; `anchors` are copies of the audit head given by the caller (`check --anchor`)."""
    return [
        check_audit_chain(session, anchors) if check is check_audit_chain else check(session)
        for check in CHECKS
    ]
