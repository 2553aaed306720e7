"""The Pendampingan page and the visit editor, driven as a mentor or clerk would."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import RecipientOption, VisitInput
from kaltim_desk.views.dialogs.visit_editor import VisitEditor
from kaltim_desk.views.pages.monitoring import Page
from tests.factories import make_active_group, make_person
from tests.gui.held_tasks import HeldTaskRunner


def _disbursed_grant(s, paid: date, **who) -> int:  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    prog = Programme(name=f"UEP {paid} {who}", budget_year=paid.year, funding_source="APBD")
    s.add(prog)
    s.flush()
    g = Grant(programme_id=prog.id, amount=5_000_000, status="disbursed", **who)
    s.add(g)
    s.flush()
    s.add(Tranche(grant_id=g.id, seq=1, planned_amount=5_000_000, paid_on=paid))
    s.flush()
    return g.id


def _page(qtbot, ctx) -> Page:  # type: ignore[no-untyped-def]
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_visit_table_and_overdue_lists(qtbot, qtmodeltester, ctx) -> None:
    with ctx.session() as s:
        p = make_person(s, name="Siti Aminah")
        g = make_active_group(s, name="KUBE Melati")
        _disbursed_grant(s, date.today() - timedelta(days=420), person_id=p.id)  # 12-month visit overdue
        _disbursed_grant(s, date.today() - timedelta(days=420), group_id=g.id)
        visits.record_visit(
            s,
            VisitInput(
                date.today() - timedelta(days=300),
                "Rina Pendamping",
                group_id=g.id,
                business_status="paused",
                monthly_revenue=1_200_000,
            ),
        )
    page = _page(qtbot, ctx)
    model = page.visits.model
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert [model.data(model.index(0, c)) for c in (1, 3, 4, 5)] == [
        "KUBE MELATI",
        "Rina Pendamping",
        "Berhenti sementara",
        "Rp1.200.000",
    ]
    assert "1 data ditemukan" in page.visits.count_label.text()
    panel = page.overdue
    for m in (panel.by_mentor, panel.by_district, panel.detail):
        qtmodeltester.check(m)
    assert "2 kunjungan terlambat" in panel.summary.text()
    mentors = {
        panel.by_mentor.data(panel.by_mentor.index(r, 0)): panel.by_mentor.data(panel.by_mentor.index(r, 1))
        for r in range(panel.by_mentor.rowCount())
    }
    assert mentors == {"Belum ada pendamping": "1", "Rina Pendamping": "1"}
    # clicking a mentor narrows the list to her recipients
    qtbot.mouseClick(
        panel.mentor_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.mentor_view.visualRect(panel.by_mentor.index(1, 0)).center(),
    )
    picked = panel.by_mentor.rows[1].key
    assert [r.mentor_name for r in panel.detail.rows] == [picked]
    assert panel.detail.rowCount() == 1


def test_editor_shows_problems_next_to_the_fields(qtbot, ctx) -> None:
    editor = VisitEditor(ctx, None)
    qtbot.addWidget(editor)
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.saved is None
    assert editor.errors["mentor_name"].text() == "Nama pendamping wajib diisi."
    assert "Pilih satu penerima" in editor.errors["recipient"].text()
    editor.revenue.setText("1,5 juta")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.errors["monthly_revenue"].text()


def test_recording_a_visit_with_a_photo_clears_the_overdue_visit(qtbot, ctx, prompts, tmp_path: Path) -> None:
    with ctx.session() as s:
        p = make_person(s, name="Wati Lestari")
        gid = _disbursed_grant(s, date.today() - timedelta(days=420), person_id=p.id)
    page = _page(qtbot, ctx)
    assert "1 kunjungan terlambat" in page.overdue.summary.text()

    editor = VisitEditor(ctx, None, recipient=RecipientOption("person", p.id, "WATI LESTARI"), grant_id=gid)
    qtbot.addWidget(editor)
    assert editor.grant.currentData() == gid
    qtbot.keyClicks(editor.mentor, "Joko Susilo")
    editor.status.setCurrentIndex(editor.status.findData("running"))
    editor.revenue.setText("2.500.000")
    editor.profit.setText("-100.000")
    editor.topic_boxes["financial_literacy"].setChecked(True)
    photo = tmp_path / "warung.jpg"
    photo.write_bytes(b"\xff\xd8\xff demo")
    prompts.file_answer = photo
    editor.add_photo()
    assert editor.photos.count() == 1
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.saved is not None, editor.general_error.text()
    assert editor.saved.monthly_profit == -100_000
    assert editor.saved.topics == ("financial_literacy",)
    assert len(editor.saved.photos) == 1
    with ctx.db.read_session() as s:  # beside a SQLite file; in the data folder for a server database
        stored = visits.attachments_root(s) / editor.saved.photos[0].file_name
    assert stored.read_bytes() == photo.read_bytes()

    page.refresh()
    assert page.visits.model.rowCount() == 1
    assert page.overdue.summary.text() == "Tidak ada kunjungan yang terlambat."

    # reopened later: the photo is listed; once its file is gone the editor says so
    stored.unlink()
    again = VisitEditor(ctx, editor.saved)
    qtbot.addWidget(again)
    item = again.photos.item(0)
    assert item.text().endswith("(berkas hilang)")
    again.photos.itemDoubleClicked.emit(item)
    assert "tidak ditemukan" in again.errors["photos"].text()


def test_editing_loads_the_visit(qtbot, ctx) -> None:
    with ctx.session() as s:
        p = make_person(s, name="Rukmini")
        v = visits.record_visit(
            s,
            VisitInput(
                date(2026, 1, 5),
                "Rina",
                person_id=p.id,
                business_status="closed",
                monthly_profit=-50_000,
                topics=("marketing",),
                problems="Sepi pembeli",
            ),
        )
    with ctx.read() as s:
        dto = visits.get_visit(s, v.id)
    editor = VisitEditor(ctx, dto)
    qtbot.addWidget(editor)
    assert editor.visited_on.date() == QDate(2026, 1, 5)
    assert editor.recipient.currentText() == "RUKMINI"
    assert editor.status.currentText() == "Tutup"
    assert editor.profit.text() == "-50.000"
    assert editor.topic_boxes["marketing"].isChecked()
    editor.status.setCurrentIndex(editor.status.findData("paused"))
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.saved is not None and editor.saved.business_status == "paused"


def test_the_visit_editor_searches_for_the_recipient_in_the_background(qtbot, ctx):
    """Typing whom the mentor visited does not freeze the form: the search is read by the task runner,
    the form says it is searching, and the matches fill the choice once the read is done."""
    with ctx.session() as s:
        make_person(s, name="Sumarni Latar")
    editor = VisitEditor(ctx, None)
    qtbot.addWidget(editor)
    ctx.tasks = held = HeldTaskRunner()
    editor.recipient_search.setText("sumarni latar")
    editor._search()
    assert editor.search_status.text() == "Mencari…" and editor.recipient.currentText() == "(cari dahulu)"
    held.finish_all()
    assert editor.recipient.currentText().startswith("SUMARNI LATAR") and editor.search_status.text() == ""
    editor.recipient_search.setText("tidak ada orang ini")
    editor._search()
    held.finish_all()
    assert "Tidak ada penerima atau kelompok yang cocok" in editor.errors["recipient"].text()


def test_the_visit_editor_checks_the_photos_and_reads_the_mentors_in_the_background(qtbot, ctx, tmp_path):
    """Opening a visit does not read its photo files on the GUI thread: the list says the photos are
    being checked and shows each with its state once the task runner has checked them; the mentor
    names offered while typing arrive the same way."""
    photo = tmp_path / "warung.jpg"
    photo.write_bytes(b"\xff\xd8\xff foto")
    with ctx.session() as s:
        p = make_person(s, name="Rukmini")
        v = visits.record_visit(s, VisitInput(date(2026, 1, 5), "Rina Pendamping", person_id=p.id))
        stored = visits.attach_photo(s, v.id, photo)
    with ctx.read() as s:
        dto = visits.get_visit(s, v.id)
        (visits.attachments_root(s) / stored.file_name).write_bytes(b"diubah")
    ctx.tasks = held = HeldTaskRunner()
    editor = VisitEditor(ctx, dto)
    qtbot.addWidget(editor)
    assert [editor.photos.item(i).text() for i in range(editor.photos.count())] == ["Memeriksa foto…"]
    assert editor.mentor.completer().model().rowCount() == 0
    held.finish_all()
    assert [editor.photos.item(i).text() for i in range(editor.photos.count())] == [
        Path(stored.file_name).name + " (berkas berubah!)"
    ]
    assert editor.mentor.completer().model().stringList() == ["Rina Pendamping"]


def test_a_photo_added_to_a_saved_visit_is_copied_in_the_background(qtbot, ctx, prompts, tmp_path):
    """Copying and hashing a camera's photo is file work: while the task runner copies it the list shows
    the photo as being copied; once copied it is listed under its stored name and kept."""
    photo = tmp_path / "warung.jpg"
    photo.write_bytes(b"\xff\xd8\xff foto baru")
    with ctx.session() as s:
        p = make_person(s, name="Rukmini")
        v = visits.record_visit(s, VisitInput(date(2026, 1, 5), "Rina Pendamping", person_id=p.id))
    with ctx.read() as s:
        dto = visits.get_visit(s, v.id)
    ctx.tasks = held = HeldTaskRunner()
    editor = VisitEditor(ctx, dto)
    qtbot.addWidget(editor)
    held.finish_all()  # the editor's own reads
    prompts.file_answer = photo
    editor.add_photo()
    assert [editor.photos.item(i).text() for i in range(editor.photos.count())] == ["warung.jpg (menyalin…)"]
    with ctx.read() as s:
        assert visits.get_visit(s, v.id).photos == ()
    held.finish_all()
    assert editor.photos.count() == 1 and not editor.errors["photos"].text()
    with ctx.read() as s:
        kept = visits.get_visit(s, v.id).photos
        assert len(kept) == 1
        assert (visits.attachments_root(s) / kept[0].file_name).read_bytes() == photo.read_bytes()
    assert editor.photos.item(0).text() == Path(kept[0].file_name).name
