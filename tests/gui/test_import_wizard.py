"""The import wizard, driven as a clerk would: pick the file, check the mapping, read the preview,
untick a row, import; and the people page's button that opens it."""

from __future__ import annotations

import threading
from typing import Any

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton
from sqlalchemy import func, select

from kaltim_desk.imports.reader import OpenedWorkbook
from kaltim_desk.models.person import Person
from kaltim_desk.tasks import TaskState, ThreadPoolTaskRunner
from kaltim_desk.views.dialogs.import_wizard import ImportWizard
from tests.fixtures import excel_corpus as ec
from tests.fixtures import hostile_workbooks as hw


def _wizard(qtbot, ctx):
    w = ImportWizard(ctx)
    qtbot.addWidget(w)
    return w


def test_clerk_imports_the_messy_workbook_step_by_step(qtbot, ctx, prompts, tmp_path):
    path, _expected, niks = ec.clerk_workbook(tmp_path)
    w = _wizard(qtbot, ctx)
    assert not w.findChild(QPushButton, "next").isEnabled()  # no file yet
    prompts.file_answer = path
    qtbot.mouseClick(w.findChild(QPushButton, "browse"), Qt.MouseButton.LeftButton)
    assert w.path.text() == str(path)
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    # step 2: the data sheet and its header row were found; the mapping is shown for checking
    assert w.sheet.currentText() == "Data KUBE 2024"
    assert w.header_row.value() == 4
    shown = {
        w.mapping_table.item(r, 1).text(): w.mapping_table.cellWidget(r, 2).currentText()
        for r in range(w.mapping_table.rowCount())
    }
    assert shown["NIK"] == "NIK" and shown["TTL"] == "Tempat, tanggal lahir" and shown["KEC"] == "Kecamatan"
    assert shown["NAMA KUBE"] == "Nama KUBE" and shown["JABATAN"] == "Jabatan"
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    # step 3: the preview says what will happen to every row
    assert w.summary.text() == "18 baris dibaca: 7 siap diimpor, 0 sudah ada, 8 dilewati, 3 ditolak."
    assert "peringatan (baris tetap diimpor)" in w.details.text()
    assert "desa/kelurahan tidak dikenal (dikosongkan)" in w.details.text()
    statuses = {
        w.rows_table.item(i, 0).text(): w.rows_table.item(i, 1).text() for i in range(w.rows_table.rowCount())
    }
    assert statuses["6"] == "Siap diimpor" and statuses["9"] == "Ditolak" and statuses["17"] == "Dilewati"
    row9 = next(i for i in range(w.rows_table.rowCount()) if w.rows_table.item(i, 0).text() == "9")
    assert "digit terakhirnya sudah hilang" in w.rows_table.item(row9, 4).text()
    # the clerk unticks row 8 and imports the other six
    row8 = next(i for i in range(w.rows_table.rowCount()) if w.rows_table.item(i, 0).text() == "8")
    w.rows_table.item(row8, 0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(w.findChild(QPushButton, "import"), Qt.MouseButton.LeftButton)
    assert prompts.messages[-1][0] == "info" and "6 penerima diimpor" in prompts.messages[-1][2]
    with ctx.read() as s:
        stored = set(s.scalars(select(Person.nik)))
    assert niks["bend"] not in stored and {niks["ketua"], niks["sekr"], niks["unknown"]} <= stored
    assert len(stored) == 6


def test_user_corrects_the_mapping_and_saves_a_preset(qtbot, ctx, prompts, tmp_path):
    n = ec.nik()
    wb = Workbook()
    ws = wb.active
    ws.append(["ID PENDUDUK", "NAMA IBU", "KAMPUNG"])
    ws.append([n, "Siti Mapping", "Lempake"])
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w._update_buttons()
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    assert w.current_mapping() == {}  # nothing recognised: the user maps the columns
    w.set_field(0, "nik")
    w.set_field(1, "name")
    w.set_field(2, "village")
    prompts.text_answer = "Format kampung"
    qtbot.mouseClick(w.findChild(QPushButton, "save_preset"), Qt.MouseButton.LeftButton)
    assert w.preset.findData("Format kampung") >= 0
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    assert "1 siap diimpor" in w.summary.text()
    # a second wizard maps the same file by choosing the preset
    w2 = _wizard(qtbot, ctx)
    w2.path.setText(str(path))
    w2.open_workbook()
    w2.preset.setCurrentIndex(w2.preset.findData("Format kampung"))
    assert w2.current_mapping() == {0: "nik", 1: "name", 2: "village"}


def test_hostile_file_is_a_message_not_a_crash(qtbot, ctx, prompts, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    kind, _title, text = prompts.messages[-1]
    assert kind == "error" and ".xls" in text and "Simpan Sebagai" in text
    assert w.stack.currentIndex() == w.STEP_FILE


def test_problem_report_is_saved_from_the_preview(qtbot, ctx, prompts, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    w.run_preview()
    prompts.file_answer = tmp_path / "laporan.xlsx"
    qtbot.mouseClick(w.findChild(QPushButton, "save_report"), Qt.MouseButton.LeftButton)
    assert (tmp_path / "laporan.xlsx").exists()
    assert "laporan.xlsx" in prompts.messages[-1][2]
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0  # a preview stores nothing


def test_people_page_has_an_import_button_for_clerks(qtbot, ctx, monkeypatch):
    from kaltim_desk.views.pages import people as people_page

    opened = []
    monkeypatch.setattr(
        "kaltim_desk.views.dialogs.import_wizard.ImportWizard.exec", lambda self: opened.append(self) or 0
    )
    page = people_page.Page(ctx)
    qtbot.addWidget(page)
    button = page.findChild(QPushButton, "import_excel")
    assert button is not None and button.text() == "Impor dari Excel…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and isinstance(opened[0], ImportWizard)
    assert isinstance(opened[0].findChild(QComboBox, "sheet"), QComboBox)


def test_two_equally_likely_sheets_are_asked_not_guessed(qtbot, ctx, prompts, tmp_path):
    wb = Workbook()
    del wb["Sheet"]
    niks = {}
    for title in ("Kec Utara", "Kec Ulu"):
        ws = wb.create_sheet(title)
        ws.append(["NIK", "NAMA"])
        niks[title] = [ec.nik() for _ in range(4)]
        for i, n in enumerate(niks[title]):
            ws.append([n, f"Ibu {title} {i}"])
    path = tmp_path / "dua.xlsx"
    wb.save(path)
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    assert w.stack.currentIndex() == w.STEP_MAPPING
    assert w.sheet.currentText() == "(pilih lembar)" and not w.next_button.isEnabled()
    assert "'Kec Utara' (4 baris ber-NIK)" in w.sheet_note.text() and "Pilih lembar" in w.sheet_note.text()
    w.sheet.setCurrentIndex(w.sheet.findData("Kec Ulu"))
    assert w.next_button.isEnabled() and w.current_mapping() == {0: "nik", 1: "name"}
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    assert "4 siap diimpor" in w.summary.text()


def test_wizard_uses_the_preset_the_command_line_saved(qtbot, ctx, prompts, tmp_path, db):
    from kaltim_desk.cli import main as cli_main

    wb = Workbook()
    ws = wb.active
    ws.append(["ID PENDUDUK", "IBU", "KEDUDUKAN ORGANISASI"])
    ws.append([ec.nik(), "Ibu Preset", "Sekr."])
    path = tmp_path / "preset.xlsx"
    wb.save(path)
    maps = ["--map", "ID PENDUDUK=nik", "--map", "IBU=name", "--map", "KEDUDUKAN ORGANISASI=role"]
    assert cli_main(["import", str(path), "--db", db.url, *maps, "--save-preset", "Dari CLI"]) == 0
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    assert w.current_mapping() == {}
    w.preset.setCurrentIndex(w.preset.findData("Dari CLI"))
    assert w.current_mapping() == {0: "nik", 1: "name", 2: "role"}
    w.run_preview()
    assert "1 siap diimpor" in w.summary.text()


def test_template_button_saves_the_template(qtbot, ctx, prompts, tmp_path):
    from openpyxl import load_workbook

    w = _wizard(qtbot, ctx)
    button = w.findChild(QPushButton, "download_template")
    assert button.text() == "Unduh templat…"
    prompts.file_answer = tmp_path / "templat.xlsx"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert load_workbook(tmp_path / "templat.xlsx").sheetnames[:2] == ["Petunjuk", "Data Penerima"]
    assert prompts.messages[-1][0] == "info" and "templat.xlsx" in prompts.messages[-1][2]


class HeldTasks:
    """A task runner that keeps each task until `release()`, as a background thread would keep it
    while the window goes on: what the window shows meanwhile is what a user sees."""

    def __init__(self) -> None:
        self.held: list[tuple[Any, TaskState, Any, Any]] = []

    def run(self, fn, on_done=None, on_error=None, on_progress=None) -> TaskState:
        state = TaskState(on_progress)
        self.held.append((fn, state, on_done, on_error))
        return state

    def release(self) -> None:
        while self.held:
            fn, state, on_done, on_error = self.held.pop(0)
            try:
                result = fn(state)
            except BaseException as exc:
                on_error(exc)
            else:
                on_done(result)


def test_the_workbook_is_read_off_the_gui_thread(qtbot, ctx, tmp_path, monkeypatch):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    read_on: list[threading.Thread] = []
    original = OpenedWorkbook.sheet

    def sheet(self, name, **kw):
        read_on.append(threading.current_thread())
        return original(self, name, **kw)

    monkeypatch.setattr(OpenedWorkbook, "sheet", sheet)
    runner = ThreadPoolTaskRunner()
    ctx.tasks = runner
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w._update_buttons()
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentIndex() == w.STEP_MAPPING and w.grid is not None, timeout=20_000)
    assert w.sheet.currentText() == "Data KUBE 2024" and w.header_row.value() == 4
    assert read_on and threading.main_thread() not in read_on
    runner.wait()


def test_while_a_sheet_is_read_the_window_waits_and_batal_stops_it(qtbot, ctx, prompts, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    ctx.tasks = tasks = HeldTasks()
    w = _wizard(qtbot, ctx)
    w.show()
    w.path.setText(str(path))
    w._update_buttons()
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    # nothing read yet: the window is still on the first step, busy, with "Batal" offered
    assert w.workbook is None and w.stack.currentIndex() == w.STEP_FILE
    cancel = w.findChild(QPushButton, "cancel")
    assert cancel.isVisible() and w.progress.isVisible() and not w.next_button.isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    tasks.release()
    # cancelled: no error box, back to where the user was, ready to try again
    assert prompts.messages == [] and w.workbook is None and w.stack.currentIndex() == w.STEP_FILE
    assert not cancel.isVisible() and not w.progress.isVisible() and w.next_button.isEnabled()
    qtbot.mouseClick(w.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)
    tasks.release()
    assert w.stack.currentIndex() == w.STEP_MAPPING and w.header_row.value() == 4


def test_choosing_another_sheet_reads_it_in_the_task_runner(qtbot, ctx, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    ctx.tasks = tasks = HeldTasks()
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    tasks.release()
    data_grid = w.grid
    other = next(i for i in range(w.sheet.count()) if w.sheet.itemText(i) != "Data KUBE 2024")
    w.sheet.setCurrentIndex(other)
    assert w.grid is data_grid and len(tasks.held) == 1  # asked for, not read on the GUI thread
    tasks.release()
    assert w.grid is not data_grid and w.grid.name == w.sheet.itemText(other)


def test_a_far_stray_cell_is_named_in_the_message(qtbot, ctx, prompts, tmp_path):
    path = tmp_path / "data-kube.xlsx"
    path.write_bytes(hw.far_cell("XFD1048576"))
    w = _wizard(qtbot, ctx)
    w.path.setText(str(path))
    w.open_workbook()
    kind, _title, text = prompts.messages[-1]
    assert kind == "error" and "XFD1048576" in text and "Hapus isi sel" in text
    assert w.grid is None and w.mapping_table.rowCount() == 0
