"""The certificate register: issuing, numbering, reprint as copy, revocation, verification, the PDF and
the command line."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from kaltim_desk.cli import main
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.settings import get_raw, set_raw
from kaltim_desk.db import Database
from kaltim_desk.documents.templates import load_certificate_template
from kaltim_desk.models.numbering import IssuedNumber
from kaltim_desk.models.training import Certificate
from kaltim_desk.services.registry import people
from kaltim_desk.services.training import certificates
from kaltim_desk.services.training.certificates import certificate_template, compute_code, normalize_code
from kaltim_desk.services.training.printing import print_certificates_job
from tests.conftest import ADMIN
from tests.factories import SHORT, mark, setup_training


def test_issue_only_to_completed_and_never_twice(session: Any) -> None:
    tid, pids = setup_training(session, 2, 1)
    res = certificates.issue_for_training(session, tid)
    assert len(res.issued) == 2 and res.already == 0
    assert res.not_completed == ("PESERTA 2: Kehadiran 60% (syarat minimal 80%).",)
    year = res.issued[0].issued_on.year
    assert [c.number for c in res.issued] == [f"0001/STTP/DINSOS/{year}", f"0002/STTP/DINSOS/{year}"]
    again = certificates.issue_for_training(session, tid)
    assert again.issued == () and again.already == 2
    one = certificates.issue_certificate(session, pids[0])
    assert one.number == res.issued[0].number
    n = session.scalar(
        select(func.count()).select_from(IssuedNumber).where(IssuedNumber.purpose == "certificate")
    )
    assert n == 2
    with pytest.raises(DomainError, match="Belum memenuhi syarat sertifikat: PESERTA 2"):
        certificates.issue_certificate(session, pids[2])


def test_schema_refuses_a_second_certificate_for_a_participant(session: Any) -> None:
    tid, pids = setup_training(session, 1, 0)
    certificates.issue_for_training(session, tid)
    with pytest.raises(Exception, match=r"(?i)unique"):  # SQLite: UNIQUE; PostgreSQL: unique
        session.execute(
            text(
                "INSERT INTO training_certificate (participant_id, number, issued_at, issued_on, "
                "verification_code, print_count) VALUES (:p, 'X-1', '2026-01-01', '2026-01-01', 'AAAA', 0)"
            ),
            {"p": pids[0]},
        )


def test_concurrent_issuing_from_two_sessions_on_a_file_db(db: Database, db_url: str) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 6, 0)
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        other = Database(db_url)  # its own engine and connection, as another PC would have
        try:
            barrier.wait()
            with other.session(ADMIN) as s:
                results.append(certificates.issue_for_training(s, tid))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            other.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(len(r.issued) for r in results) == [0, 6]
    assert sorted(r.already for r in results) == [0, 6]
    with db.read_session(ADMIN) as s:
        certs = certificates.list_certificates(s, tid)
        assert len(certs) == 6
        assert len({c.number for c in certs}) == 6
        assert len({c.participant_id for c in certs}) == 6


def test_reprint_keeps_number_and_is_marked_copy(db: Database, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 0)
        issued = certificates.issue_for_training(s, tid).issued
    first = print_certificates_job(db, ADMIN, tid, tmp_path / "a.pdf")
    assert (first.count, first.copies) == (2, 0)
    second = print_certificates_job(db, ADMIN, tid, tmp_path / "b.pdf", certificate_ids=[issued[0].id])
    assert (second.count, second.copies) == (1, 1)
    with db.read_session(ADMIN) as s:
        after = {c.id: c for c in certificates.list_certificates(s, tid)}
    assert after[issued[0].id].number == issued[0].number
    assert after[issued[0].id].print_count == 2 and after[issued[1].id].print_count == 1
    if shutil.which("pdftotext"):
        a = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
        b = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
        assert "SALINAN" not in a and "SALINAN" in b
        assert f"Nomor: {issued[0].number}" in a and f"Nomor: {issued[0].number}" in b


def test_revocation_needs_reason_and_role(db: Database, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 0)
        c1, _c2 = certificates.issue_for_training(s, tid).issued
    with db.session(Actor("t", "trainer")) as s, pytest.raises(PermissionDenied):
        certificates.revoke(s, c1.id, "salah nama")
    with db.session(ADMIN) as s, pytest.raises(DomainError, match="Alasan pencabutan") as err:
        certificates.revoke(s, c1.id, "  ")
    assert err.value.field == "reason"
    with db.session(Actor("o", "officer")) as s:
        r = certificates.revoke(s, c1.id, "Peserta ternyata tidak hadir")
    assert r.revoked and r.revoked_reason == "Peserta ternyata tidak hadir"
    with db.session(ADMIN) as s, pytest.raises(DomainError, match="sudah dicabut"):
        certificates.revoke(s, c1.id, "lagi")
    # a revoked certificate is not printed any more; the other one is
    out = print_certificates_job(db, ADMIN, tid, tmp_path / "all.pdf")
    assert out.count == 1
    with pytest.raises(DomainError, match="sudah dicabut dan tidak dapat dicetak"):
        print_certificates_job(db, ADMIN, tid, tmp_path / "one.pdf", certificate_ids=[c1.id])


def test_verify_genuine_tampered_revoked_and_changed(session: Any) -> None:
    tid, _ = setup_training(session, 2, 0)
    c1, c2 = certificates.issue_for_training(session, tid).issued
    genuine = certificates.verify(session, c1.verification_code)
    assert genuine.status == "valid" and genuine.name == "PESERTA 0"
    assert genuine.nik_masked.count("*") == 6 and genuine.number == c1.number
    # typed sloppily: lower case, no dashes, the QR text
    assert certificates.verify(session, c1.verification_code.replace("-", " ").lower()).ok
    assert certificates.verify(session, certificates.QR_PREFIX + c1.verification_code).ok
    # one character changed: unknown
    code = c1.verification_code
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert certificates.verify(session, flipped).status == "unknown"
    assert certificates.verify(session, "bukan-kode").message.startswith("Format kode verifikasi tidak sah")
    # revoked
    certificates.revoke(session, c2.id, "Ganda")
    r = certificates.verify(session, c2.verification_code)
    assert r.status == "revoked" and "DICABUT: Ganda" in r.message
    # the record edited after issue (name changed by SQL): the code no longer matches
    session.execute(
        text("UPDATE person SET name = 'ORANG LAIN' WHERE id = :id"), {"id": genuine_person(session, c1)}
    )
    changed = certificates.verify(session, c1.verification_code)
    assert changed.status == "invalid" and "berubah sejak diterbitkan" in changed.message
    ok, msg = certificates.check_register(session)
    assert not ok and c1.number in msg


def genuine_person(session: Any, cert: Any) -> int:
    return int(
        session.scalar(
            text("SELECT person_id FROM training_participant WHERE id = :p"), {"p": cert.participant_id}
        )
    )


def test_code_is_hmac_with_office_secret_at_least_80_bits(session: Any) -> None:
    tid, _ = setup_training(session, 1, 0)
    (c,) = certificates.issue_for_training(session, tid).issued
    raw = c.verification_code.replace("-", "")
    assert len(raw) == 16  # 16 base32 characters = 80 bits
    assert normalize_code(c.verification_code) == c.verification_code
    # another office's secret gives another code for the same fields
    assert compute_code(b"x" * 32, "STTP1") != compute_code(b"y" * 32, "STTP1")
    secret = certificates.office_secret(session)
    assert len(secret) == 32 and certificates.office_secret(session) == secret  # made once, then kept


def test_template_is_validated_and_names_the_field(tmp_path: Path) -> None:
    assert certificate_template().orientation == "landscape"
    p = tmp_path / "t.json"
    p.write_text('{"orientation": "miring"}', "utf-8")
    with pytest.raises(DomainError, match="'orientation' harus landscape atau portrait") as err:
        load_certificate_template(p)
    assert err.value.field == "orientation"
    p.write_text('{"body": "oleh {penyelenggara}"}', "utf-8")
    with pytest.raises(DomainError, match="isian 'body' memakai penanda tidak dikenal"):
        load_certificate_template(p)
    p.write_text("{bukan json", "utf-8")
    with pytest.raises(DomainError, match="bukan JSON yang sah"):
        load_certificate_template(p)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_text_is_extractable_with_the_content(db: Database, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 1, 0)
        (c,) = certificates.issue_for_training(s, tid).issued
        nik = people.get_person(s, genuine_person(s, c)).nik
    print_certificates_job(db, ADMIN, tid, tmp_path / "sttp.pdf")
    txt = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "sttp.pdf"), "-"], capture_output=True, text=True
    ).stdout
    for expected in (
        "SURAT TANDA TAMAT PELATIHAN",
        f"Nomor: {c.number}",
        "PESERTA 0",
        f"NIK {nik[:6]}******{nik[-4:]}",
        "Pelatihan Manajemen Usaha Mikro",
        "2 s.d. 6 Maret 2026",
        "20 jam pelajaran",
        "LULUS (kehadiran 100%)",
        c.verification_code,
    ):
        assert expected in " ".join(txt.split()), expected
    assert nik not in txt  # the full NIK never appears


def test_portrait_template_and_one_file_per_participant(db: Database, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 3, 0)
        certificates.issue_for_training(s, tid)
        set_raw(s, "certificate", {**get_raw(s, "certificate", {}), "template": "certificate_portrait"})
    out = print_certificates_job(db, ADMIN, tid, tmp_path / "folder", per_participant=True)
    names = sorted(p.name for p in (tmp_path / "folder").iterdir())
    assert len(out.files) == 3 and len(names) == 3 and all(n.endswith(".pdf") for n in names)
    assert not [p for p in (tmp_path / "folder").iterdir() if p.name.startswith(".")]  # no temp files left
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out.files[0])], capture_output=True, text=True).stdout
        assert "595.276 x 841.89" in info  # A4 portrait


def test_cancel_leaves_no_file(db: Database, tmp_path: Path) -> None:
    from kaltim_desk.documents.certificate import RenderCancelled

    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 0)
        certificates.issue_for_training(s, tid)
    seen: list[int] = []
    with pytest.raises(RenderCancelled):
        print_certificates_job(
            db,
            ADMIN,
            tid,
            tmp_path / "out" / "x.pdf",
            progress=lambda d, t, _s: seen.append(d),
            is_cancelled=lambda: bool(seen),
        )
    assert list((tmp_path / "out").iterdir()) == []
    with db.read_session(ADMIN) as s:
        assert all(c.print_count == 0 for c in certificates.list_certificates(s, tid))  # not counted


def test_cli_verify_and_print(db: Database, db_url: str, tmp_path: Path, capsys: Any) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 1)
    path = db_url  # --db takes a file or a URL (PostgreSQL runs of the suite)
    if _has_print():
        argv = [
            "print",
            "certificates",
            "--db",
            path,
            "--training",
            str(tid),
            "--out",
            str(tmp_path / "c.pdf"),
        ]
        assert main([*argv, "--issue"]) == 0
        assert "2 sertifikat baru diterbitkan" in capsys.readouterr().out
        assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    with db.session(ADMIN) as s:
        certificates.issue_for_training(s, tid)
        c1, c2 = certificates.list_certificates(s, tid)
        certificates.revoke(s, c2.id, "Salah cetak")
    capsys.readouterr()
    assert main(["verify", c1.verification_code, "--db", path]) == 0
    out = capsys.readouterr().out
    assert "Status   : SAH" in out and c1.number in out and "PESERTA" in out
    assert main(["verify", c2.verification_code, "--db", path]) == 3
    assert "DICABUT" in capsys.readouterr().out
    assert main(["verify", "AAAA-BBBB-CCCC-DDDD", "--db", path]) == 4
    assert "TIDAK DIKENAL" in capsys.readouterr().out


def _has_print() -> bool:
    try:
        import kaltim_desk.commands.printing  # noqa: F401
    except ImportError:
        return False
    return True


def test_issued_certificate_rows_match_numbers_register(session: Any) -> None:
    tid, _ = setup_training(session, 3, 0)
    certificates.issue_for_training(session, tid)
    numbers = set(session.scalars(select(Certificate.number)))
    register = set(session.scalars(select(IssuedNumber.number).where(IssuedNumber.purpose == "certificate")))
    assert numbers == register
    assert certificates.check_register(session) == (True, "3 sertifikat, register utuh")


def test_settings_change_keeps_the_secret_and_a_lost_secret_is_not_replaced(session: Any) -> None:
    tid, _ = setup_training(session, 1, 0)
    (c,) = certificates.issue_for_training(session, tid).issued
    secret = certificates.office_secret(session)
    cfg = certificates.save_certificate_settings(
        session, template="certificate_portrait", signatory="section_head"
    )
    assert cfg.template == "certificate_portrait" and certificates.office_secret(session) == secret
    assert certificates.verify(session, c.verification_code).ok
    with pytest.raises(DomainError, match="tidak ada di profil kantor") as err:
        certificates.save_certificate_settings(session, signatory="bendahara")
    assert err.value.field == "signatory"
    (doc,) = certificates.documents_for_print(session, tid)
    assert doc.signatory.position == "Kepala Bidang Pemberdayaan Sosial"
    set_raw(session, "certificate", {"template": "certificate"})  # the secret wiped behind the app's back
    with pytest.raises(DomainError, match="Kunci verifikasi sertifikat kantor hilang"):
        certificates.office_secret(session)


def test_check_flags_a_certificate_whose_holder_no_longer_completes(session: Any) -> None:
    tid, pids = setup_training(session, 2, 0)
    c1, _c2 = certificates.issue_for_training(session, tid).issued
    assert certificates.check_register(session)[0]
    holder = next(p for p in pids if p == c1.participant_id)
    mark(session, tid, holder, SHORT)  # attendance corrected after the certificate was issued
    ok, message = certificates.check_register(session)
    assert not ok and f"mis. {c1.number}" in message and "tidak memenuhi syarat" in message
    certificates.revoke(session, c1.id, "Kehadiran dikoreksi")
    assert certificates.check_register(session)[0]


@given(
    secret=st.binary(min_size=16, max_size=64),
    fields=st.text(max_size=200),
    sep=st.sampled_from(["-", " ", ""]),
)
def test_codes_survive_sloppy_typing_and_never_collide_with_a_one_character_change(
    secret: bytes, fields: str, sep: str
) -> None:
    code = compute_code(secret, fields)
    assert len(code) == 19 and code.count("-") == 3
    typed = sep.join(code.split("-")).lower()
    assert normalize_code(typed) == code
    assert normalize_code(certificates.QR_PREFIX + typed) == code
    other = compute_code(secret, fields + "x")
    assert other != code  # a changed field gives another code (80 bits: a clash is 2^-80)


def test_after_revocation_a_new_certificate_with_a_new_number_never_two_valid(session: Any) -> None:
    tid, pids = setup_training(session, 1, 0)
    (old,) = certificates.issue_for_training(session, tid).issued
    certificates.revoke(session, old.id, "Salah tulis nama")
    session.execute(
        text("UPDATE person SET name = 'PESERTA NOL' WHERE id = :id"), {"id": genuine_person(session, old)}
    )
    (new,) = certificates.issue_for_training(session, tid).issued
    assert new.number != old.number and new.participant_id == old.participant_id
    assert certificates.issue_for_training(session, tid).already == 1  # not a third one
    assert certificates.verify(session, new.verification_code).name == "PESERTA NOL"
    assert certificates.verify(session, old.verification_code).status in ("revoked", "invalid")
    # the schema itself refuses a second valid one (in a savepoint: PostgreSQL aborts the transaction)
    with pytest.raises(Exception, match=r"(?i)unique"), session.begin_nested():
        session.execute(
            text(
                "INSERT INTO training_certificate (participant_id, number, issued_at, issued_on, "
                "verification_code, print_count) VALUES (:p, 'X-2', '2026-01-01', '2026-01-01', 'BBBB', 0)"
            ),
            {"p": pids[0]},
        )
    from kaltim_desk.services.training import attendance

    row = attendance.attendance_grid(session, tid).participants[0]
    assert (row.certificate_number, row.certificate_revoked) == (new.number, False)
