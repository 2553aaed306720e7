"""Participants and attendance of one training: a grid of participants x sessions that is fast to fill
with the keyboard, each participant's attendance share and completion recomputed as marks are typed,
enrolment (by person or a whole KUBE group) and the certificate of each participant.

Keys on a session cell: H / 1 = hadir, I / 2 = izin, A / 3 = alpa, Space cycles, Delete clears; after
each mark the cursor moves down to the next participant (at the bottom, to the top of the next
session). Ctrl+Enter saves. Nothing is written until saved; unsaved marks are shown in bold.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import (
    AttendanceStatus,
    attendance_status_labels,
    attendance_status_letters,
)
from kaltim_desk.services.registry import groups, people
from kaltim_desk.services.training import attendance, certificates, trainings
from kaltim_desk.services.training.attendance import AttendanceGrid, ParticipantRow
from kaltim_desk.services.training.training_rules import Completion, compute_completion
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.messages import error_label

Index = QModelIndex | QPersistentModelIndex

CYCLE = (None, *AttendanceStatus)
KEY_STATUS: dict[Any, str] = {
    Qt.Key.Key_H: AttendanceStatus.PRESENT,
    Qt.Key.Key_1: AttendanceStatus.PRESENT,
    Qt.Key.Key_I: AttendanceStatus.EXCUSED,
    Qt.Key.Key_2: AttendanceStatus.EXCUSED,
    Qt.Key.Key_A: AttendanceStatus.ABSENT,
    Qt.Key.Key_3: AttendanceStatus.ABSENT,
}
COLORS: dict[str, str] = {
    AttendanceStatus.PRESENT: "#d7f0d8",
    AttendanceStatus.EXCUSED: "#fff2c2",
    AttendanceStatus.ABSENT: "#f8d3d3",
}
FIXED = 2  # name, NIK


def letters() -> dict[str | None, str]:
    out: dict[str | None, str] = {k: v for k, v in attendance_status_letters().items()}
    return {**out, None: ""}


def labels() -> dict[str | None, str]:
    out: dict[str | None, str] = {k: v for k, v in attendance_status_labels().items()}
    return {**out, None: _("Belum dicatat")}


class AttendanceModel(QAbstractTableModel):
    """Rows: participants. Columns: name, NIK, one per session, %, completion, pre, post, certificate."""

    changed = Signal()

    def __init__(self, grid: AttendanceGrid) -> None:
        super().__init__()
        self.pending: dict[tuple[int, int], str | None] = {}
        self.pending_scores: dict[int, tuple[Any, Any]] = {}
        self.set_grid(grid)

    # --- state ---------------------------------------------------------------------------------------
    def set_grid(self, grid: AttendanceGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.rows: list[ParticipantRow] = list(grid.participants)
        self.sessions = list(grid.sessions)
        self.pending = {}
        self.pending_scores = {}
        self.endResetModel()
        self.changed.emit()

    @property
    def dirty(self) -> bool:
        return bool(self.pending or self.pending_scores)

    def session_column(self, col: int) -> int | None:
        """Index into sessions for a grid column, or None for another column."""
        i = col - FIXED
        return i if 0 <= i < len(self.sessions) else None

    @property
    def col_percent(self) -> int:
        return FIXED + len(self.sessions)

    @property
    def col_done(self) -> int:
        return self.col_percent + 1

    @property
    def col_pre(self) -> int:
        return self.col_percent + 2

    @property
    def col_post(self) -> int:
        return self.col_percent + 3

    @property
    def col_cert(self) -> int:
        return self.col_percent + 4

    def mark(self, row: int, s: int) -> str | None:
        p = self.rows[row]
        key = (p.id, self.sessions[s].id)
        return self.pending[key] if key in self.pending else p.marks[s]

    def scores(self, row: int) -> tuple[Any, Any]:
        p = self.rows[row]
        return self.pending_scores.get(p.id, (p.pre_score, p.post_score))

    def completion(self, row: int) -> Completion:
        post = self.scores(row)[1]
        try:
            post_n = int(post) if post not in (None, "") else None
        except (TypeError, ValueError):
            post_n = None
        return compute_completion(
            [self.mark(row, s) for s in range(len(self.sessions))], self.grid.rules, post_n
        )

    def set_mark(self, row: int, s: int, status: str | None) -> None:
        p = self.rows[row]
        key = (p.id, self.sessions[s].id)
        if status == p.marks[s]:
            self.pending.pop(key, None)
        else:
            self.pending[key] = status
        first = self.index(row, FIXED + s)
        last = self.index(row, self.col_done)
        self.dataChanged.emit(first, last)
        self.changed.emit()

    def cycle(self, row: int, s: int) -> None:
        cur = self.mark(row, s)
        nxt = CYCLE[(CYCLE.index(cur) + 1) % len(CYCLE)]
        self.set_mark(row, s, nxt or AttendanceStatus.PRESENT)

    def completed_count(self) -> int:
        return sum(1 for r in range(len(self.rows)) if self.completion(r).completed)

    # --- the model -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED + len(self.sessions) + 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < self.columnCount():
            return None
        s = self.session_column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if s is not None:
                return f"{s + 1}\n{self.sessions[s].session_date:%d/%m}"
            fixed = {0: _("Nama"), 1: _("NIK")}
            extra = {
                self.col_percent: _("Hadir %"),
                self.col_done: _("Kelulusan"),
                self.col_pre: _("Pre"),
                self.col_post: _("Post"),
                self.col_cert: _("Sertifikat"),
            }
            return fixed.get(section) or extra.get(section)
        if role == Qt.ItemDataRole.ToolTipRole and s is not None:
            sess = self.sessions[s]
            return _("Sesi {n}: {topic} ({date}, {hours} JP)").format(
                n=s + 1, topic=sess.topic, date=sess.session_date.strftime("%d-%m-%Y"), hours=sess.hours
            )
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = index.row(), index.column()
        p = self.rows[row]
        s = self.session_column(col)
        if s is not None:
            status = self.mark(row, s)
            if role == Qt.ItemDataRole.DisplayRole:
                return letters()[status]
            if role == Qt.ItemDataRole.ToolTipRole:
                return labels()[status]
            if role == Qt.ItemDataRole.BackgroundRole and status:
                return QBrush(QColor(COLORS[status]))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.FontRole and (p.id, self.sessions[s].id) in self.pending:
                f = QFont()
                f.setBold(True)
                return f
            if role == Qt.ItemDataRole.UserRole:
                return status
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            if col == 0:
                return p.name
            if col == 1:
                return p.nik_masked
            if col == self.col_percent:
                pc = self.completion(row).percent
                return "" if pc is None else f"{pc}%"
            if col == self.col_done:
                return _("Lulus") if self.completion(row).completed else _("Belum")
            if col in (self.col_pre, self.col_post):
                v = self.scores(row)[0 if col == self.col_pre else 1]
                return "" if v is None else str(v)
            if col == self.col_cert:
                if not p.certificate_number:
                    return ""
                return p.certificate_number + (_(" (dicabut)") if p.certificate_revoked else "")
        if role == Qt.ItemDataRole.ToolTipRole and col == self.col_done:
            c = self.completion(row)
            return c.reason or _("Memenuhi syarat kelulusan")
        if role == Qt.ItemDataRole.ForegroundRole and col == self.col_done:
            return QBrush(QColor("#1b7f2a" if self.completion(row).completed else "#b00020"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            self.col_percent,
            self.col_pre,
            self.col_post,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.col_pre, self.col_post):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in (self.col_pre, self.col_post):
            return False
        row = index.row()
        pre, post = self.scores(row)
        text = str(value).strip() if value is not None else ""
        if index.column() == self.col_pre:
            pre = text or None
        else:
            post = text or None
        p = self.rows[row]
        if (str(pre or ""), str(post or "")) == (str(p.pre_score or ""), str(p.post_score or "")):
            self.pending_scores.pop(p.id, None)
        else:
            self.pending_scores[p.id] = (pre, post)
        self.dataChanged.emit(self.index(row, self.col_percent), self.index(row, self.col_post))
        self.changed.emit()
        return True


class AttendanceView(QTableView):
    """The grid's keyboard: a mark and a move per key stroke."""

    save_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        idx = self.currentIndex()
        key = event.key()
        mods = event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods & Qt.KeyboardModifier.ControlModifier:
            self.save_requested.emit()
            return
        if (
            isinstance(model, AttendanceModel)
            and idx.isValid()
            and not mods & Qt.KeyboardModifier.ControlModifier
        ):
            s = model.session_column(idx.column())
            if s is not None and self.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers:
                if key in KEY_STATUS:
                    model.set_mark(idx.row(), s, KEY_STATUS[key])
                    self._advance(model, idx)
                    return
                if key == Qt.Key.Key_Space:
                    model.cycle(idx.row(), s)
                    self._advance(model, idx)
                    return
                if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                    model.set_mark(idx.row(), s, None)
                    self._advance(model, idx)
                    return
        super().keyPressEvent(event)

    def _advance(self, model: AttendanceModel, idx: QModelIndex) -> None:
        row, col = idx.row() + 1, idx.column()
        if row >= model.rowCount():
            row = 0
            if model.session_column(col + 1) is not None:
                col += 1
        self.setCurrentIndex(model.index(row, col))


class AttendanceDialog(QDialog):
    def __init__(self, ctx: AppContext, training_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.training_id = training_id
        self.changed = False
        self.setWindowTitle(_("Peserta dan kehadiran"))
        fit_to_screen(self, 1100, 640)
        can_mark = ctx.can("training.attendance")
        can_enrol = ctx.can("training.edit")

        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        with ctx.read() as s:
            grid = attendance.attendance_grid(s, training_id)
        self.model = AttendanceModel(grid)
        self.view = AttendanceView()
        self.view.setObjectName("grid")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            if can_mark
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.view.save_requested.connect(self.save)
        legend = QLabel(
            _(
                "Ketik H/1 = hadir, I/2 = izin, A/3 = alpa, Spasi = ganti, Delete = hapus; Ctrl+Enter = simpan."
            )
        )
        legend.setObjectName("legend")

        self.message = error_label()

        # enrolment
        self.search = QLineEdit()
        self.search.setObjectName("person_search")
        self.search.setPlaceholderText(_("Cari penerima (nama atau NIK) untuk didaftarkan…"))
        self.results = QListWidget()
        self.results.setObjectName("person_results")
        self.results.setMaximumHeight(90)
        self.results.itemActivated.connect(self._enrol_item)
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("group_combo")
        enrol_group = QPushButton(_("Daftarkan seluruh kelompok"))
        enrol_group.setObjectName("enrol_group")
        enrol_group.clicked.connect(self.enrol_group)
        remove = QPushButton(_("Keluarkan peserta"))
        remove.setObjectName("remove_participant")
        remove.clicked.connect(self.remove_selected)
        enrol_box = QWidget()
        el = QHBoxLayout(enrol_box)
        el.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.search_status = QLabel()
        self.search_status.setObjectName("person_search_status")
        self._searches = 0  # a newer search wins over one still running
        left.addWidget(self.search)
        left.addWidget(self.search_status)
        left.addWidget(self.results)
        el.addLayout(left, 2)
        right = QVBoxLayout()
        right.addWidget(self.group_combo)
        right.addWidget(enrol_group)
        right.addWidget(remove)
        right.addStretch(1)
        el.addLayout(right, 1)
        enrol_box.setVisible(can_enrol)

        # actions
        self.save_button = QPushButton(_("Simpan (Ctrl+Enter)"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(can_mark)
        self.issue_button = QPushButton(_("Terbitkan sertifikat yang lulus"))
        self.issue_button.setObjectName("issue")
        self.issue_button.clicked.connect(self.issue)
        self.issue_button.setVisible(ctx.can("certificate.issue"))
        self.revoke_button = QPushButton(_("Cabut sertifikat…"))
        self.revoke_button.setObjectName("revoke")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.revoke_button.setVisible(ctx.can("certificate.revoke"))
        close = QPushButton(_("Tutup"))
        close.setObjectName("close")
        close.clicked.connect(self.close_dialog)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.issue_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(legend)
        layout.addWidget(self.summary)
        layout.addWidget(enrol_box)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.save)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.model.changed.connect(self._update_summary)
        if can_enrol:
            self._load_groups()
        self._apply_grid(grid)
        self.view.setFocus()

    # --- state ---------------------------------------------------------------------------------------
    def _apply_grid(self, grid: AttendanceGrid) -> None:
        self.model.set_grid(grid)
        self.heading.setText(f"<h3>{grid.title}</h3>")
        self.view.setColumnWidth(0, 210)
        self.view.setColumnWidth(1, 130)
        for i in range(len(grid.sessions)):
            self.view.setColumnWidth(FIXED + i, 52)
        m = self.model
        for col, width in (
            (m.col_percent, 70),
            (m.col_done, 80),
            (m.col_pre, 50),
            (m.col_post, 50),
            (m.col_cert, 200),
        ):
            # never narrower than the header's words (English "Present %" is wider than "Hadir %")
            header = self.view.horizontalHeader()
            self.view.setColumnWidth(col, max(width, header.sectionSizeFromContents(col).width()))
        if not self.view.currentIndex().isValid() and self.model.rowCount() and self.model.sessions:
            self.view.setCurrentIndex(self.model.index(0, FIXED))
        self._update_summary()

    def reload(self) -> None:
        with self.ctx.read() as s:
            grid = attendance.attendance_grid(s, self.training_id)
        self._apply_grid(grid)

    def _update_summary(self) -> None:
        n = self.model.rowCount()
        if not self.model.sessions:
            text = _("Belum ada sesi: tambahkan sesi di data pelatihan.")
        else:
            text = _("{done} dari {n} peserta memenuhi syarat kelulusan (minimal {p}% kehadiran).").format(
                done=self.model.completed_count(), n=n, p=self.model.grid.rules.min_attendance_percent
            )
        if self.model.dirty:
            text += "  " + _("Ada perubahan yang belum disimpan.")
        self.summary.setText(text)

    def _show(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))

    def selected_row(self) -> ParticipantRow | None:
        idx = self.view.currentIndex()
        return self.model.rows[idx.row()] if idx.isValid() and idx.row() < len(self.model.rows) else None

    # --- actions -------------------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.model.dirty:
            return True
        self.message.setText("")
        current = self.view.currentIndex()
        try:
            with self.ctx.session() as s:
                if self.model.pending:
                    attendance.set_marks(s, self.training_id, dict(self.model.pending))
                for pid, (pre, post) in self.model.pending_scores.items():
                    trainings.set_scores(s, pid, pre, post)
        except Exception as exc:
            self._show(exc)
            return False
        self.changed = True
        self.reload()
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        return True

    def close_dialog(self) -> None:
        if self.model.dirty:
            answer = self.ctx.prompts.choose(
                self,
                _("Kehadiran"),
                _("Simpan perubahan kehadiran sebelum menutup?"),
                [_("Simpan"), _("Jangan simpan"), _("Kembali ke daftar hadir")],
            )
            if answer == 2 or (answer == 0 and not self.save()):
                return
        self.accept()

    def _load_groups(self) -> None:
        """The active groups to enrol whole, read in the background (a province has thousands); the
        choice says it is loading until they come."""
        self.group_combo.clear()
        self.group_combo.addItem(_("Memuat kelompok…"), None)
        ctx = self.ctx

        def work(_state: Any) -> list[Any]:
            with ctx.read() as s:
                return list(groups.page_groups(s, PageFilter(status="active"), "name", False, 0, 2000))

        self.ctx.tasks.run(work, on_done=self._groups_loaded, on_error=self._show)

    def _groups_loaded(self, rows: list[Any]) -> None:
        self.group_combo.clear()
        self.group_combo.addItem(_("— pilih kelompok —"), None)
        for g in rows:
            self.group_combo.addItem(f"{g.name} ({g.member_count})", g.id)

    def _search(self) -> None:
        """Find people to enrol in the background (the registry may hold 1,000,000); the list keeps
        its previous matches until the new ones are in, and a newer search wins."""
        text = self.search.text().strip()
        self._searches += 1
        if len(text) < 2:
            self.results.clear()
            return
        gen, ctx = self._searches, self.ctx

        def work(_state: Any) -> tuple[int, list[Any]]:
            with ctx.read() as s:
                return gen, list(
                    people.page_people(s, PageFilter(text=text, status="active"), "name", False, 0, 30)
                )

        def failed(exc: BaseException) -> None:
            if gen == self._searches:
                self.search_status.setText("")
                self._show(exc)

        self.search_status.setText(_("Mencari…"))
        self.ctx.tasks.run(work, on_done=self._found, on_error=failed)

    def _found(self, result: tuple[int, list[Any]]) -> None:
        gen, rows = result
        if gen != self._searches:
            return
        self.results.clear()
        self.search_status.setText("" if rows else _("Tidak ada penerima aktif yang cocok."))
        for r in rows:
            item = QListWidgetItem(
                f"{r.name} — {r.nik_masked}" + (f" — {r.group_name}" if r.group_name else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _enrol(self, op: Any) -> None:
        if self.model.dirty and not self.save():
            return
        self.message.setText("")
        try:
            with self.ctx.session() as s:
                res = op(s)
        except Exception as exc:
            self._show(exc)
            return
        self.changed = True
        text = _("{n} peserta didaftarkan").format(n=res.added)
        if res.already:
            text += _("; {n} sudah terdaftar").format(n=res.already)
        if res.skipped:
            text += _("; ditolak: {names}").format(names=", ".join(res.skipped))
        self.message.setText(text + ".")
        self.reload()

    def _enrol_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        pid = int(item.data(Qt.ItemDataRole.UserRole))
        self._enrol(lambda s: trainings.enroll_people(s, self.training_id, [pid]))
        self.search.clear()

    def enrol_group(self) -> None:
        gid = self.group_combo.currentData()
        if gid is None:
            self.message.setText(_("Pilih kelompok yang akan didaftarkan."))
            return
        self._enrol(lambda s: trainings.enroll_group(s, self.training_id, int(gid)))

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not self.ctx.prompts.confirm(
            self, _("Keluarkan peserta"), _("Keluarkan {name} dari pelatihan ini?").format(name=row.name)
        ):
            return
        try:
            with self.ctx.session() as s:
                trainings.remove_participant(s, row.id)
        except Exception as exc:
            self._show(exc)
            return
        self.changed = True
        self.reload()

    def issue(self) -> None:
        if self.model.dirty and not self.save():
            return
        try:
            with self.ctx.session() as s:
                res = certificates.issue_for_training(s, self.training_id)
        except Exception as exc:
            self._show(exc)
            return
        self.changed = True
        self.reload()
        self.message.setText(
            _("{n} sertifikat baru diterbitkan; {a} sudah punya; {x} belum memenuhi syarat.").format(
                n=len(res.issued), a=res.already, x=len(res.not_completed)
            )
        )

    def revoke_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.certificate_id is None:
            self.message.setText(_("Pilih peserta yang sudah punya sertifikat."))
            return
        reason = self.ctx.prompts.ask_text(
            self,
            _("Cabut sertifikat"),
            _("Alasan mencabut sertifikat {number} ({name}):").format(
                number=row.certificate_number, name=row.name
            ),
        )
        if reason is None:
            return
        try:
            with self.ctx.session() as s:
                certificates.revoke(s, row.certificate_id, reason)
        except Exception as exc:
            self._show(exc)
            return
        self.changed = True
        self.reload()
        self.message.setText(_("Sertifikat {number} dicabut.").format(number=row.certificate_number))
