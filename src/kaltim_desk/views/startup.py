"""What the window does around the login, in one place (RELIABILITY R4, R5, R8): the start-up policy.

`open_for_window` runs before the login: is the database file whole (header and size first, its pages
read beside the opening; a damaged one is set aside and the newest good backup offered, before anything
is written) and is it on a network drive or a synced folder; then the database is opened and prepared.
A first start has no file yet: `DatabaseOpening` makes it behind the set-up wizard. `start_guards` runs
after the login: the network-mode refusal, the one-writer lock and its heartbeat, the daily backup and
the audit chain check in the background, and the idle lock. `IdleLock` watches the whole application for input
and locks the window after the office's idle minutes: the window is hidden and the same person must
type the password again (`lock_window`). `stop_guards` releases what `start_guards` took.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.user_settings import UserSettings
from kaltim_desk.views.prompts import Prompts, describe_error

if TYPE_CHECKING:
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.startup import PageCheck
    from kaltim_desk.tasks import TaskRunner

log = logging.getLogger(__name__)


class IdleLock(QObject):
    """Locks after `minutes` without keyboard or mouse input anywhere in the application."""

    locked = Signal()
    INPUT_EVENTS = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.timeout.connect(self.locked.emit)
        self.active = minutes > 0
        app = QApplication.instance()
        if app is not None and self.active:
            app.installEventFilter(self)
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        if self.active:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def lock_window(ctx: AppContext, window: QWidget, idle: IdleLock | None = None) -> bool:
    """Hide the window (no personal data left on screen) until the same person logs in again.
    Returns False when they chose to quit instead."""
    # lazy: the login dialog loads the user services (password hashing, SQLAlchemy), which the first-run
    # wizard, painted with this module loaded, does not need
    from kaltim_desk.views.dialogs.login import LoginDialog

    if idle:
        idle.pause()
    window.hide()
    dialog = LoginDialog(ctx, None, locked_actor=ctx.actor)
    ok = dialog.exec() == QDialog.DialogCode.Accepted and dialog.actor is not None
    if ok:
        window.show()
        if idle:
            idle.resume()
    return ok


def install_idle_lock(ctx: AppContext, window: QWidget, minutes: float | None = None) -> IdleLock:
    """Start the idle lock for `window` (minutes: the office setting, else the user's preference)."""
    if minutes is None:
        minutes = float(ctx.user_settings.idle_lock_minutes or 0)
        try:
            from kaltim_desk.core.settings import load_section
            from kaltim_desk.services.office.startup import SafetySettings

            with ctx.read() as s:
                minutes = float(load_section(s, SafetySettings).idle_lock_minutes or minutes)
        except Exception:
            log.exception("idle lock minutes")
    idle = IdleLock(minutes, window)

    def on_locked() -> None:
        if not lock_window(ctx, window, idle):
            window.close()

    idle.locked.connect(on_locked)
    window.idle_lock = idle  # type: ignore[attr-defined]
    return idle


# --- opening the database --------------------------------------------------------------------------


def open_database(url: str, prompts: Prompts, tasks: TaskRunner, settings: UserSettings) -> AppContext | None:
    """Open the database at `url` and prepare it (migrated, region table filled; a damaged file refused
    before anything is written): the context for the window, or None once the reason has been shown."""
    try:
        db = prepared_database(url)
    except Exception as exc:
        log.exception("could not open %s", url)
        prompts.error(None, _("Kaltim Desk"), not_opened(exc))
        return None
    return AppContext(db=db, tasks=tasks, prompts=prompts, user_settings=settings)


def prepared_database(url: str, *, before_write: Callable[[], None] | None = None) -> Database:
    """The database at `url`, made if it does not exist yet, migrated and checked (`bootstrap.prepare`;
    `before_write` runs before a migration would write to an existing file)."""
    # lazy: SQLAlchemy, the models and the migration check load here, not before the first-run wizard
    # is painted (on a first start this runs in the background behind it)
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.bootstrap import prepare

    db = Database(url)
    try:
        prepare(db, before_write=before_write)
    except BaseException:
        db.dispose()
        raise
    return db


def not_opened(exc: BaseException) -> str:
    return _("Basis data tidak dapat dibuka: {detail}").format(detail=describe_error(exc))


class DatabaseOpening(QObject):
    """A first start's database, made and prepared on the task runner while the set-up wizard is already
    on screen (there is nothing to open yet: no file, so nothing damaged to check first, and the wizard's
    start page needs no database). `context()` waits for it; a failure is shown once, over `parent`,
    and then `failed` is emitted."""

    finished = Signal()
    failed = Signal()

    def __init__(self, url: str, prompts: Prompts, tasks: TaskRunner, settings: UserSettings) -> None:
        super().__init__()
        self.url, self.prompts, self.tasks, self.settings = url, prompts, tasks, settings
        self.parent_widget: QWidget | None = None
        self.started = self.done = False
        self.ctx: AppContext | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        url = self.url
        self.tasks.run(lambda _state: prepared_database(url), on_done=self._opened, on_error=self._failed)

    def _opened(self, db: Database) -> None:
        self.ctx = AppContext(db=db, tasks=self.tasks, prompts=self.prompts, user_settings=self.settings)
        self.done = True
        self.finished.emit()

    def _failed(self, exc: BaseException) -> None:
        log.error("could not open %s: %s", self.url, exc)
        self.error = exc
        self.done = True
        self.finished.emit()
        self.prompts.error(self.parent_widget, _("Kaltim Desk"), not_opened(exc))
        self.failed.emit()

    def wait(self) -> None:
        """Until the database is ready or has failed (the window keeps repainting meanwhile)."""
        self.start()
        if self.done:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            if not self.done:
                loop.exec()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def context(self) -> AppContext:
        """The open database's context (waits for it); raises the failure, already shown."""
        self.wait()
        if self.error is not None:
            raise self.error
        assert self.ctx is not None
        return self.ctx


# --- start-up guards --------------------------------------------------------------------------------


def check_before_open(url: str, prompts: Prompts, *, pages: bool = True) -> tuple[bool, bool]:
    """Before the database is opened: a damaged file is set aside and the newest good backup offered;
    a network or synced location opens read-only unless the office chose single-user mode (checked
    after opening). `pages=False` looks at the header and size only (the pages are then read by a
    `PageCheck` beside the start). Returns (go on, remote location)."""
    from kaltim_desk.config import sqlite_path
    from kaltim_desk.services.office import startup

    path = sqlite_path(url)
    if path is None:
        return True, False
    health = startup.check_file(path, pages=pages)
    if not health.ok and not offer_recovery(path, health, prompts):
        return False, False
    where = startup.locate(path)
    return True, where.remote


def offer_recovery(path: Path, health: Any, prompts: Prompts) -> bool:
    """A damaged file (`health`, not ok): offer the newest good backup and, when accepted, set the file
    aside and put the backup in its place. Nothing is written to the damaged file. True when the start
    can go on (on the backup)."""
    from kaltim_desk.services.office import startup

    offer = startup.candidate_backup(path)
    if offer is None:
        prompts.error(
            None,
            _("Basis data rusak"),
            _(
                "{problem}\n\nTidak ada cadangan yang utuh di {folder}. Aplikasi tidak menulis apa pun ke "
                "berkas ini; hubungi petugas TI dan bawa berkas {file}."
            ).format(problem=health.message, folder=path.parent / "backups", file=path),
        )
        return False
    if not prompts.confirm(
        None,
        _("Basis data rusak"),
        _(
            "{problem}\n\nBerkas yang rusak akan disisihkan (tidak dihapus) dan basis data dipulihkan "
            "dari cadangan terbaru yang utuh: {backup} ({when}). Perubahan sesudah cadangan itu hilang. "
            "Pulihkan sekarang?"
        ).format(problem=health.message, backup=offer.path.name, when=f"{offer.created:%d-%m-%Y %H:%M}"),
    ):
        return False
    try:
        result = startup.recover(path, offer)
    except Exception as exc:
        prompts.error(None, _("Basis data rusak"), describe_error(exc))
        return False
    prompts.info(
        None,
        _("Basis data dipulihkan"),
        _("Basis data dipulihkan dari {backup}. Berkas rusak disimpan sebagai {damaged}.").format(
            backup=offer.path.name, damaged=result.damaged.name
        ),
    )
    return True


def open_for_window(
    url: str,
    prompts: Prompts,
    tasks: TaskRunner,
    settings: UserSettings,
    page_check: PageCheck | None = None,
) -> tuple[AppContext | None, bool]:
    """An existing database, checked and opened for the window: (context, remote location), or (None,
    False) once the reason has been shown. The header and size are checked first; the pages
    (`page_check`, started here unless the caller started it earlier) are read beside the opening, and
    their verdict is awaited before any window shows data and before a migration writes: a damaged
    file is then closed, set aside and the newest good backup offered, as when found first."""
    from kaltim_desk.config import sqlite_path
    from kaltim_desk.services.office.startup import PageCheck

    go_on, remote = check_before_open(url, prompts, pages=False)
    if not go_on:
        return None, False
    path = sqlite_path(url)
    if path is None or not path.exists():
        return open_database(url, prompts, tasks, settings), remote
    check = page_check if page_check is not None else PageCheck(path)

    def whole() -> None:
        health = check.result()
        if not health.ok:
            raise DamagedFile(health)

    db: Database | None = None
    try:
        db = prepared_database(url, before_write=whole)
        whole()
    except Exception as exc:
        health = check.result()
        if health.ok:
            log.exception("could not open %s", url)
            prompts.error(None, _("Kaltim Desk"), not_opened(exc))
            return None, False
        if db is not None:
            db.dispose()
        if not offer_recovery(path, health, prompts):
            return None, False
        return open_database(url, prompts, tasks, settings), remote  # the verified backup
    return AppContext(db=db, tasks=tasks, prompts=prompts, user_settings=settings), remote


class DamagedFile(Exception):
    """The page check found the file damaged (its `health` says how)."""

    def __init__(self, health: Any) -> None:
        super().__init__(health.message)
        self.health = health


def start_guards(ctx: AppContext, window: QWidget, *, remote: bool) -> None:
    """After login: network refusal, the one-writer lock (with heartbeat), the daily backup and the audit
    chain check (both on the task runner), idle lock."""
    from kaltim_desk import dialect
    from kaltim_desk.core.settings import load_section
    from kaltim_desk.services.office import dblock, startup

    read_only = False
    if remote and ctx.db.path is not None:
        with ctx.read() as s:
            single_user = load_section(s, startup.SafetySettings).allow_network_single_user
        if not single_user:
            where = startup.locate(ctx.db.path)
            ctx.prompts.error(
                window, _("Basis data di jaringan"), _(startup.NETWORK_REFUSED).format(where=where.message)
            )
            read_only = True
    lock = dblock.WriterLock(ctx.db, ctx.actor.username)
    # One writer at a time on an SQLite file; a PostgreSQL server serves several PCs at once by design
    # (row versions and the server's locks keep their saves apart; docs/POSTGRES.md).
    single_writer = dialect.uses_file_lock(ctx.db)
    if not read_only and single_writer:
        holder = lock.acquire()
        if holder is not None:
            if holder.stale and ctx.prompts.confirm(
                window,
                _("Basis data terkunci"),
                _(
                    "Basis data tercatat sedang dipakai oleh {holder}, tetapi sudah lama tidak aktif (mungkin "
                    "komputer itu mati mendadak). Ambil alih? Pengambilalihan dicatat di jejak audit."
                ).format(holder=holder.describe()),
            ):
                lock.take_over(ctx.actor)
            else:
                ctx.prompts.info(
                    window,
                    _("Basis data dipakai"),
                    _("Basis data sedang dipakai untuk menulis oleh {holder}. Dibuka hanya-baca.").format(
                        holder=holder.describe()
                    ),
                )
                read_only = True
    if read_only:
        dblock.make_read_only(ctx.db)
        ctx.extras["read_only"] = True
        window.setWindowTitle(window.windowTitle() + " " + _("[hanya-baca]"))
    else:
        timer = QTimer(window)
        timer.setInterval(dblock.HEARTBEAT_SECONDS * 1000)

        def beat() -> None:
            try:
                alive = lock.heartbeat()
            except Exception:
                log.exception("heartbeat")
                return
            if not alive:
                timer.stop()
                dblock.make_read_only(ctx.db)
                ctx.extras["read_only"] = True
                ctx.prompts.error(
                    window,
                    _("Kunci diambil alih"),
                    _("Komputer lain mengambil alih basis data. Jendela ini sekarang hanya-baca."),
                )

        timer.timeout.connect(beat)
        if single_writer:
            timer.start()
            ctx.extras["writer_lock"] = lock
        start_daily_backup(ctx, window)
    verify_audit_chain(ctx, window)
    install_idle_lock(ctx, window)


def start_daily_backup(ctx: AppContext, window: QWidget | None) -> None:
    """R6: the day's first start makes a verified backup, on the task runner: it reads the whole file
    twice (copy, then the copy's integrity check), 2.4 s for 100,000 people, which on the GUI thread held
    the window unpainted after the login once a day. SQLite's backup copies one consistent state of the
    file while the clerk already works (its own connections; a writer does not wait for it)."""
    from kaltim_desk.services.office import backup

    def failed(exc: BaseException) -> None:
        ctx.prompts.error(window, _("Cadangan harian"), describe_error(exc))

    ctx.tasks.run(lambda _state: backup.daily_backup_if_due(ctx.db), on_error=failed)


def verify_audit_chain(ctx: AppContext, window: QWidget | None) -> None:
    """R19: the audit chain is verified at every start, in the background; a break is shown to whoever
    is logged in (and logged), so tampering is noticed even if nobody opens the Audit page."""
    from kaltim_desk.services.checks import check_audit_chain

    def work(_state: Any) -> Any:
        with ctx.read() as s:
            return check_audit_chain(s)

    def done(result: Any) -> None:
        if not result.ok:
            log.error("audit chain broken: %s", result.message)
            ctx.prompts.error(
                window,
                _("Jejak audit tidak utuh"),
                _(
                    "Jejak audit telah diubah di luar aplikasi ({detail}). Beri tahu admin atau pejabat; "
                    "jalankan 'kaltim-desk check' untuk rinciannya."
                ).format(detail=result.message),
            )

    ctx.tasks.run(work, on_done=done, on_error=lambda exc: log.error("audit chain check failed: %s", exc))


def stop_guards(ctx: AppContext) -> None:
    lock: Any = ctx.extras.pop("writer_lock", None)
    if lock is not None:
        try:
            lock.release()
        except Exception:
            log.exception("release lock")


def backups_folder(ctx: AppContext) -> Path | None:
    from kaltim_desk.services.office.backup import default_backup_dir

    return default_backup_dir(ctx.db.path) if ctx.db.path else None
