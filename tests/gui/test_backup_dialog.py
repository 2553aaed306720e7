"""Backups from the GUI: to a chosen folder (verified), restore from a chosen file after verification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from kaltim_desk.core.actor import Actor
from kaltim_desk.models.person import Person
from kaltim_desk.services.office import backup
from kaltim_desk.views.dialogs.backup_dialog import BackupDialog
from tests.factories import make_person
from tests.gui.held_tasks import HeldTaskRunner

pytestmark = pytest.mark.sqlite_only


def _people(ctx: Any) -> int:
    with ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def test_backup_to_usb_then_restore(ctx: Any, prompts: Any, qtbot: Any, tmp_path: Path) -> None:
    with ctx.session() as s:
        make_person(s, name="Ada Di Cadangan")
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    prompts.folder_answer = tmp_path / "flashdisk"
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    saved = backup.list_backups(tmp_path / "flashdisk")
    assert len(saved) == 1 and "Cadangan terverifikasi disimpan" in dialog.status.text()
    with ctx.session() as s:
        make_person(s, name="Sesudah Cadangan")
    assert _people(ctx) == 2

    prompts.file_answer = saved[0].path
    prompts.confirm_answer = True
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "Basis data dipulihkan" in dialog.status.text()
    assert _people(ctx) == 1
    assert any("1 penerima" in text for kind, _t, text in prompts.messages if kind == "confirm")
    assert dialog.table.rowCount() >= 1  # the 'sebelum pemulihan' copy is listed


def test_a_damaged_file_is_refused(ctx: Any, prompts: Any, qtbot: Any, tmp_path: Path) -> None:
    bad = tmp_path / "rusak.db"
    bad.write_bytes(b"bukan cadangan")
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    prompts.file_answer = bad
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert prompts.messages[-1][0] == "error" and "Pemulihan dibatalkan" in prompts.messages[-1][2]


def test_clerks_see_no_backup_buttons(ctx: Any, qtbot: Any) -> None:
    ctx.actor = Actor("siti", "clerk")
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.backup_button.isHidden() and dialog.restore_button.isHidden()


def test_the_restore_checks_and_replaces_in_the_background(
    ctx: Any, prompts: Any, qtbot: Any, tmp_path: Path
) -> None:
    """Checking a backup reads the whole file and restoring copies it: on a province database that
    takes minutes, so both run in the task runner while the dialog says what it is doing and its
    buttons wait; nothing is replaced before the person has said yes."""
    with ctx.session() as s:
        make_person(s, name="Ada Di Cadangan")
    saved = backup.create_backup(ctx.db, ctx.actor, tmp_path / "flashdisk")
    with ctx.session() as s:
        make_person(s, name="Sesudah Cadangan")
    ctx.tasks = held = HeldTaskRunner()
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    prompts.file_answer = Path(saved.path)
    prompts.confirm_answer = True
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("Memeriksa cadangan")
    assert not dialog.restore_button.isEnabled() and not dialog.backup_button.isEnabled()
    assert not [m for m in prompts.messages if m[0] == "confirm"]  # asked only once the check is done
    assert _people(ctx) == 2
    held.finish_all()
    assert "Basis data dipulihkan" in dialog.status.text() and dialog.restore_button.isEnabled()
    assert _people(ctx) == 1
