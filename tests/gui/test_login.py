"""The login dialog as a person uses it: typed names and passwords, a click on Masuk (R18)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from kaltim_desk.services.office import auth, users
from kaltim_desk.views.dialogs.change_password import ChangePasswordDialog
from kaltim_desk.views.dialogs.login import FirstAdminDialog, LoginDialog
from kaltim_desk.views.startup import IdleLock


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)
    auth.reset_unknown_failures()


@pytest.fixture
def office(ctx: Any) -> Any:
    with ctx.db.session() as s:
        users.create_user(s, "admin", "Admin Kantor", "admin", "kantor-dinsos-2026")
        users.create_user(s, "siti", "Siti Aminah", "clerk", "kopi-susu-42")
    return ctx


def _attempt(qtbot: Any, dialog: LoginDialog, name: str, password: str) -> str:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, name)
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.findChild(QWidget, "login_button"), Qt.MouseButton.LeftButton)
    return dialog.message.text()


def test_right_password_logs_in(office: Any, qtbot: Any) -> None:
    dialog = LoginDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    _attempt(qtbot, dialog, "siti", "kopi-susu-42")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (
        dialog.actor is not None
        and dialog.actor.role == "clerk"
        and dialog.actor.display_name == "Siti Aminah"
    )


def test_wrong_password_and_unknown_user_read_the_same(office: Any, qtbot: Any) -> None:
    dialog = LoginDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    wrong = _attempt(qtbot, dialog, "siti", "salah-sekali")
    assert dialog.password.text() == ""  # cleared for the next try
    unknown = _attempt(qtbot, dialog, "tidak.ada", "salah-sekali")
    assert wrong == unknown == "Nama pengguna atau kata sandi salah."
    assert dialog.isVisible() and dialog.actor is None


def test_lockout_after_five_failures_is_shown_and_holds(office: Any, qtbot: Any) -> None:
    dialog = LoginDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    for i in range(auth.MAX_FAILURES):
        text = _attempt(qtbot, dialog, "siti", f"tebakan-{i}-xyz")
    assert "dikunci sementara" in text and "15 menit" in text
    assert "dikunci sementara" in _attempt(qtbot, dialog, "siti", "kopi-susu-42")
    assert dialog.actor is None


def test_empty_fields_are_asked_for(office: Any, qtbot: Any) -> None:
    dialog = LoginDialog(office)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.findChild(QWidget, "login_button"), Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Isi nama pengguna dan kata sandi."


def test_first_start_creates_the_admin_and_logs_in(ctx: Any, qtbot: Any) -> None:
    dialog = FirstAdminDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.display_name, "Kepala Tata Usaha")
    qtbot.keyClicks(dialog.password, "pendek")
    qtbot.keyClicks(dialog.password2, "pendek")
    qtbot.mouseClick(dialog.findChild(QWidget, "create_button"), Qt.MouseButton.LeftButton)
    assert "paling sedikit 8" in dialog.message.text()
    dialog.password.clear()
    dialog.password2.clear()
    qtbot.keyClicks(dialog.password, "kantor-dinsos-2026")
    qtbot.keyClicks(dialog.password2, "kantor-dinsos-2026")
    qtbot.mouseClick(dialog.findChild(QWidget, "create_button"), Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.role == "admin" and dialog.actor.username == "admin"


def test_forced_password_change(office: Any, qtbot: Any) -> None:
    with office.db.session() as s:
        siti = auth.find_user(s, "siti")
        users.reset_password(s, siti.id, "sementara-2026")
    login = LoginDialog(office)
    qtbot.addWidget(login)
    _attempt(qtbot, login, "siti", "sementara-2026")
    assert login.must_change_password
    change = ChangePasswordDialog(office, login.actor, forced=True)
    qtbot.addWidget(change)
    qtbot.keyClicks(change.old, "sementara-2026")
    qtbot.keyClicks(change.new, "teh-manis-2026")
    qtbot.keyClicks(change.new2, "teh-manis-2026")
    qtbot.mouseClick(change.findChild(QWidget, "save_button"), Qt.MouseButton.LeftButton)
    assert change.result() == QDialog.DialogCode.Accepted
    again = LoginDialog(office)
    qtbot.addWidget(again)
    _attempt(qtbot, again, "siti", "teh-manis-2026")
    assert again.actor is not None and not again.must_change_password


def test_idle_lock_fires_without_input_and_input_postpones_it(qtbot: Any) -> None:
    idle = IdleLock(minutes=0.005)  # 300 ms
    try:
        widget = QWidget()
        qtbot.addWidget(widget)
        widget.show()
        with qtbot.waitSignal(idle.locked, timeout=2000):
            pass
        idle.resume()
        remaining_before = idle.timer.remainingTime()
        qtbot.wait(150)
        qtbot.keyClick(widget, Qt.Key.Key_A)
        assert idle.timer.remainingTime() > remaining_before - 150 + 50  # restarted by the key press
    finally:
        idle.stop()


def test_lock_screen_fixes_the_name(office: Any, qtbot: Any) -> None:
    with office.db.session() as s:
        actor = auth.login(s, "siti", "kopi-susu-42").actor
    dialog = LoginDialog(office, locked_actor=actor)
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "siti" and dialog.username.isReadOnly()
    qtbot.keyClicks(dialog.password, "kopi-susu-42")
    qtbot.mouseClick(dialog.findChild(QWidget, "login_button"), Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.username == "siti"


# --- start-up guards (views/dialogs/login.py, called by run_gui) ------------------------------------


@pytest.mark.sqlite_only
def test_damaged_database_at_start_is_replaced_by_the_newest_good_backup(ctx: Any, prompts: Any) -> None:
    from kaltim_desk.services.office import backup
    from kaltim_desk.views.startup import check_before_open
    from tests.factories import make_person

    with ctx.session() as s:
        make_person(s, name="Dari Cadangan")
    backup.make_backup(ctx.db, reason="harian")
    ctx.db.dispose()
    path = ctx.db.path
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\x00" * (4096 * 3)
    path.write_bytes(bytes(data))

    go_on, remote = check_before_open(ctx.db.url, prompts)
    assert go_on and not remote
    kinds = [m[0] for m in prompts.messages]
    assert kinds == ["confirm", "info"]
    assert "rusak" in prompts.messages[0][2] and "cadangan terbaru" in prompts.messages[0][2]
    assert any(p.name.startswith("test.db.rusak-") for p in path.parent.iterdir())
    with ctx.read() as s:
        from sqlalchemy import text

        assert s.scalar(text("SELECT name FROM person")) == "DARI CADANGAN"


@pytest.mark.sqlite_only
def test_damaged_database_without_backup_is_left_alone(ctx: Any, prompts: Any) -> None:
    from kaltim_desk.views.startup import check_before_open

    ctx.db.dispose()
    path = ctx.db.path
    path.write_bytes(path.read_bytes()[:5000])
    before = path.read_bytes()
    go_on, _remote = check_before_open(ctx.db.url, prompts)
    assert not go_on
    assert prompts.messages[-1][0] == "error" and "Tidak ada cadangan yang utuh" in prompts.messages[-1][2]
    assert path.read_bytes() == before  # nothing written to the damaged file


def _zero_pages(path: Any, first: int, last: int) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * first : 4096 * last] = b"\x00" * (4096 * (last - first))
    path.write_bytes(bytes(data))


@pytest.mark.sqlite_only
def test_damaged_pages_found_beside_the_opening_offer_the_newest_good_backup(ctx: Any, prompts: Any) -> None:
    """The window's start reads the pages on a thread beside the opening (`open_for_window`): what it
    finds there is treated as a damage found first, before any window shows data."""
    from kaltim_desk.services.office import backup
    from kaltim_desk.tasks import SyncTaskRunner
    from kaltim_desk.views.startup import open_for_window
    from tests.factories import make_person

    with ctx.session() as s:
        make_person(s, name="Dari Cadangan")
    backup.make_backup(ctx.db, reason="harian")
    ctx.db.dispose()
    _zero_pages(ctx.db.path, 3, 6)  # header and size whole: only reading the pages tells

    opened, remote = open_for_window(ctx.db.url, prompts, SyncTaskRunner(), ctx.user_settings)
    assert opened is not None and not remote
    assert [m[0] for m in prompts.messages] == ["confirm", "info"]
    assert "rusak" in prompts.messages[0][2] and "cadangan terbaru" in prompts.messages[0][2]
    with opened.read() as s:
        from sqlalchemy import text

        assert s.scalar(text("SELECT name FROM person")) == "DARI CADANGAN"
    opened.db.dispose()


@pytest.mark.sqlite_only
def test_a_database_due_a_migration_is_not_written_while_its_pages_are_damaged(
    ctx: Any, prompts: Any
) -> None:
    from alembic.script import ScriptDirectory

    from kaltim_desk.db import alembic_config, downgrade, head_revision
    from kaltim_desk.tasks import SyncTaskRunner
    from kaltim_desk.views.startup import open_for_window

    script = ScriptDirectory.from_config(alembic_config(ctx.db.engine))
    head = script.get_revision(head_revision(ctx.db.engine) or "")
    assert head is not None and isinstance(head.down_revision, str)
    downgrade(ctx.db.engine, head.down_revision)
    ctx.db.dispose()
    path = ctx.db.path
    _zero_pages(path, 3, 6)
    before = path.read_bytes()
    files = sorted(p.name for p in path.parent.rglob("*"))

    opened, _remote = open_for_window(ctx.db.url, prompts, SyncTaskRunner(), ctx.user_settings)
    assert opened is None
    assert prompts.messages[-1][0] == "error" and "Tidak ada cadangan yang utuh" in prompts.messages[-1][2]
    assert path.read_bytes() == before  # not migrated, not touched
    assert sorted(p.name for p in path.parent.rglob("*")) == files  # no backup taken of it either


@pytest.mark.sqlite_only  # one writer per SQLite file; a server takes several (tests/pg)
def test_second_instance_opens_read_only(office: Any, prompts: Any, qtbot: Any) -> None:
    from sqlalchemy.exc import OperationalError

    from kaltim_desk.services.office.dblock import WriterLock
    from kaltim_desk.views.startup import start_guards, stop_guards
    from tests.factories import make_person

    other = WriterLock(office.db, "budi", host="PC-KASI", pid=4242)
    assert other.acquire() is None
    window = QWidget()
    qtbot.addWidget(window)
    window.setWindowTitle("Kaltim Desk")
    with office.db.session() as s:
        office.actor = auth.login(s, "siti", "kopi-susu-42").actor
    start_guards(office, window, remote=False)
    try:
        assert (
            "budi di komputer PC-KASI" in prompts.messages[-1][2] and "hanya-baca" in prompts.messages[-1][2]
        )
        assert window.windowTitle().endswith("[hanya-baca]")
        with pytest.raises(OperationalError), office.session() as s:
            make_person(s, name="Tidak Boleh")
    finally:
        window.idle_lock.stop()  # type: ignore[attr-defined]
        stop_guards(office)


@pytest.mark.sqlite_only  # one writer per SQLite file; a server takes several (tests/pg)
def test_network_drive_opens_read_only_unless_single_user(office: Any, prompts: Any, qtbot: Any) -> None:
    from kaltim_desk.views.startup import start_guards, stop_guards

    window = QWidget()
    qtbot.addWidget(window)
    with office.db.session() as s:
        office.actor = auth.login(s, "admin", "kantor-dinsos-2026").actor
    start_guards(office, window, remote=True)
    try:
        assert prompts.messages[0][0] == "error" and "hanya-baca" in prompts.messages[0][2]
        assert office.extras.get("read_only") is True
    finally:
        window.idle_lock.stop()  # type: ignore[attr-defined]
        stop_guards(office)


@pytest.mark.sqlite_only  # one writer per SQLite file; a server takes several (tests/pg)
def test_first_instance_takes_the_lock_and_makes_the_daily_backup(
    office: Any, prompts: Any, qtbot: Any
) -> None:
    from kaltim_desk.services.office import backup
    from kaltim_desk.views.startup import start_guards, stop_guards
    from tests.gui.held_tasks import HeldTaskRunner

    window = QWidget()
    qtbot.addWidget(window)
    with office.db.session() as s:
        office.actor = auth.login(s, "siti", "kopi-susu-42").actor
    office.tasks = HeldTaskRunner()  # the backup reads the whole file: never on the GUI thread
    start_guards(office, window, remote=False)
    folder = office.db.path.parent / "backups"
    try:
        assert prompts.messages == []
        lock = office.extras["writer_lock"]
        assert lock.held and lock.current().username == "siti"
        assert not folder.exists() or backup.list_backups(folder) == []  # the window is not held for it
        office.tasks.finish_all()
        assert [b.reason for b in backup.list_backups(folder)] == ["harian"]
        assert prompts.messages == []
    finally:
        window.idle_lock.stop()  # type: ignore[attr-defined]
        stop_guards(office)
    assert "writer_lock" not in office.extras


@pytest.mark.sqlite_only
def test_a_daily_backup_that_fails_is_said_in_words(
    office: Any, prompts: Any, qtbot: Any, monkeypatch: Any
) -> None:
    import errno

    from kaltim_desk.services.office import backup
    from kaltim_desk.views.startup import start_guards, stop_guards
    from tests.gui.held_tasks import HeldTaskRunner

    def full_disk(_db: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "daily_backup_if_due", full_disk)
    window = QWidget()
    qtbot.addWidget(window)
    with office.db.session() as s:
        office.actor = auth.login(s, "siti", "kopi-susu-42").actor
    office.tasks = HeldTaskRunner()
    start_guards(office, window, remote=False)
    try:
        office.tasks.finish_all()
        [(kind, title, text)] = prompts.messages
        assert (kind, title) == ("error", "Cadangan harian") and text.startswith("Penyimpanan penuh")
    finally:
        window.idle_lock.stop()  # type: ignore[attr-defined]
        stop_guards(office)


@pytest.mark.sqlite_only
def test_a_tampered_audit_trail_is_reported_at_start(office: Any, prompts: Any, qtbot: Any) -> None:
    from sqlalchemy import text

    from kaltim_desk.views.startup import start_guards, stop_guards

    with office.db.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("UPDATE audit_log SET actor = 'orang.lain' WHERE id = 2"))
    window = QWidget()
    qtbot.addWidget(window)
    start_guards(office, window, remote=False)
    try:
        errors = [m for m in prompts.messages if m[0] == "error"]
        assert errors and errors[0][1] == "Jejak audit tidak utuh" and "#2" in errors[0][2]
    finally:
        window.idle_lock.stop()  # type: ignore[attr-defined]
        stop_guards(office)


def test_a_demo_office_login_lists_its_accounts_and_a_click_enters(ctx: Any, qtbot: Any) -> None:
    from kaltim_desk.demo.office import create_demo_office

    create_demo_office(ctx.db, people=20)
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.demo_accounts
    assert table is not None and table.isVisible()
    shown = [(table.item(r, 0).text(), table.item(r, 1).text(), table.item(r, 2).text()) for r in range(4)]
    assert ("operator", "demo-operator", "Operator") in shown
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "operator")
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.username.text() == "operator"
    qtbot.mouseClick(dialog.findChild(QWidget, "login_button"), Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.role == "clerk"


def test_a_real_office_login_shows_no_demo_accounts(office: Any, qtbot: Any) -> None:
    dialog = LoginDialog(office)
    qtbot.addWidget(dialog)
    assert dialog.demo_accounts is None
