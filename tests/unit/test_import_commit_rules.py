"""Committing an import stores its people and groups together, by the same rules as the forms: one officer
per role, no group over the office's maximum, a NIK registered since the preview refused at commit, and
everything marked with the batch and recorded by the batch's audit row."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select, text

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.excel import imports
from kaltim_desk.services.registry import people, search
from tests.factories import make_person
from tests.fixtures import excel_corpus as ec


def _sheet(tmp: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["NIK", "NAMA LENGKAP", "DESA/KEL", "KEC", "NAMA KUBE", "JABATAN"])
    for nik, name, group, role in rows:
        ws.append([nik, name, "Kel. Sempaja Selatan", "Samarinda Utara", group, role])
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"
    path = tmp / "kube.xlsx"
    wb.save(path)
    return path


def test_a_second_chair_and_members_over_the_maximum_stay_out_of_the_group_with_a_warning(session, tmp_path):
    rows = [
        (ec.nik(), "SITI KETUA", "KUBE MELATI", "Ketua"),
        (ec.nik(), "ANI KETUA DUA", "KUBE MELATI", "Ketua"),
    ]
    rows += [(ec.nik(), f"ANGGOTA {i:02d}", "KUBE MELATI", "Anggota") for i in range(21)]
    preview = imports.preview_import(session, _sheet(tmp_path, rows))
    # only NIK and name refuse a row (issue 14): the second chair comes in as a member, with a warning
    assert preview.counts["ok"] == 23
    second = next(r for r in preview.rows if r.row == 3)
    assert second.role == "anggota" and "sudah diisi di baris 2" in second.warning_text
    result = imports.commit_import(session, preview)
    assert result.imported == 23 and result.groups_created == 1
    group = session.scalar(select(KubeGroup).where(KubeGroup.name == "KUBE MELATI"))
    members = session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).all()
    assert len(members) == 20  # the office's maximum
    assert [m.role for m in members].count("ketua") == 1
    chair = session.get(Person, next(m.person_id for m in members if m.role == "ketua"))
    assert chair.name == "SITI KETUA"
    warned = dict(result.warnings)
    assert sorted(warned) == [22, 23, 24]  # the last three members in the sheet
    assert all("maksimum 20" in text for text in warned.values())


def test_a_nik_registered_after_the_preview_is_refused_at_commit_and_the_rest_come_in(session, tmp_path):
    taken, free = ec.nik(), ec.nik()
    path = _sheet(tmp_path, [(taken, "DEWI", "", ""), (free, "RINA", "", "")])
    preview = imports.preview_import(session, path)
    assert preview.counts["ok"] == 2
    make_person(session, nik=taken, name="Dewi Lebih Dulu")
    result = imports.commit_import(session, preview)
    assert result.imported == 1
    assert [row for row, _msg in result.late_rejections] == [2]
    assert "sudah terdaftar" in result.late_rejections[0][1]
    assert session.scalar(select(Person.name).where(Person.nik == free)) == "RINA"


def test_imported_people_and_groups_carry_the_batch_and_its_audit_row_counts_them(session, tmp_path):
    rows = [(ec.nik(), f"WARGA {i}", "KUBE ANGGREK", "Ketua" if i == 0 else "Anggota") for i in range(6)]
    result = imports.commit_import(session, imports.preview_import(session, _sheet(tmp_path, rows)))
    assert session.scalar(select(func.count()).where(Person.import_batch_id == result.batch_id)) == 6
    assert session.scalar(select(KubeGroup.import_batch_id).where(KubeGroup.name == "KUBE ANGGREK")) == (
        result.batch_id
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import.commit"))
    assert entry is not None and str(result.batch_id) == str(entry.entity_id)
    assert "imported" in (entry.detail or "") and "6" in (entry.detail or "")


def test_imported_people_are_found_by_the_search_box_by_name_and_nik(session, tmp_path):
    """The import fills the name index in one statement after its insert (not row by row): what the
    search box finds is what the per-row trigger would have indexed, and the trigger is back after."""
    before = make_person(session, name="Siti Sebelum Impor")
    names = ["SITI AMINAH IMPOR", "NUR'AINI HASANAH", "ÉLISA  WATI", "dewi lestari"]
    rows = [(ec.nik(), name, "KUBE TERATAI", "Anggota") for name in names]
    result = imports.commit_import(session, imports.preview_import(session, _sheet(tmp_path, rows)))
    assert result.imported == 4

    def found(typed: str) -> list[str]:
        return sorted(p.name for p in people.page_people(session, PageFilter(text=typed)))

    assert found("aminah imp") == ["SITI AMINAH IMPOR"]
    assert found("aini") == ["NUR'AINI HASANAH"]
    assert found("wati") == ["ÉLISA WATI"]
    assert found("lestari dewi") == ["DEWI LESTARI"]
    assert found("sebelum") == ["SITI SEBELUM IMPOR"]  # indexed once, not again by the import
    for nik, name, _g, _r in rows:
        assert [p.name for p in people.page_people(session, PageFilter(text=nik))] == [
            " ".join(name.split()).upper()
        ]
        spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
        assert people.count_people(session, PageFilter(text=spaced)) == 1
    if session.get_bind().dialect.name == "sqlite":
        assert found("elisa") == ["ÉLISA WATI"]  # FTS5 without diacritics
        session.execute(text("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')"))
        keys = sorted(session.scalars(text("SELECT rowid FROM person_fts")))
        assert keys == sorted(
            search.name_key(name, pid) for pid, name in session.execute(select(Person.id, Person.name))
        )
        triggers = session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'person_fts_%'")
        ).all()
        assert sorted(triggers) == ["person_fts_ad", "person_fts_ai", "person_fts_au"]
    after = make_person(session, name="Siti Sesudah Impor")  # the per-row trigger indexes her
    assert found("sesudah") == ["SITI SESUDAH IMPOR"] and before.id < after.id
