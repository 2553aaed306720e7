"""The visit editor: who was visited, when and by whom, what was discussed, how the business is doing,
and photos. Every problem the service finds is shown next to its field; photos chosen for a new visit
are copied in the same unit of work that saves it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.domain.money import MoneyError, format_number, parse_rupiah
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import business_status_labels
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import RecipientOption, VisitDTO, VisitInput
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.messages import ERROR_STYLE


def topic_labels() -> dict[str, str]:
    return {
        "business_management": _("Manajemen usaha"),
        "financial_literacy": _("Literasi keuangan"),
        "bookkeeping": _("Pembukuan"),
        "product": _("Produk"),
        "marketing": _("Pemasaran"),
        "group_management": _("Pengelolaan kelompok"),
        "other": _("Lainnya"),
    }


class VisitEditor(QDialog):
    """Record (visit=None) or change a visit. `recipient` preselects who is visited (from an overdue
    list). After a successful save `saved` holds the visit."""

    def __init__(
        self,
        ctx: AppContext,
        visit: VisitDTO | None = None,
        parent: QWidget | None = None,
        *,
        recipient: RecipientOption | None = None,
        grant_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.visit = ctx, visit
        self.saved: VisitDTO | None = None
        self.pending_photos: list[Path] = []
        self.setWindowTitle(_("Ubah kunjungan") if visit else _("Kunjungan baru"))
        fit_to_screen(self, 760, 620)
        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

        grid = QGridLayout()
        left, right = QFormLayout(), QFormLayout()
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)  # the recipient search and amounts get room for their hints
        grid.setColumnStretch(1, 1)

        self.visited_on = QDateEdit()
        self.visited_on.setObjectName("visited_on")
        self.visited_on.setCalendarPopup(True)
        self.visited_on.setDisplayFormat("dd-MM-yyyy")
        self.visited_on.setMaximumDate(QDate.currentDate())
        self.visited_on.setDate(QDate.currentDate())
        self._row(left, "visited_on", _("Tanggal kunjungan *"), self.visited_on)

        self.mentor = QLineEdit()
        self.mentor.setObjectName("mentor_name")
        self.mentor.setMaxLength(150)
        # the names already used (a count over every visit) come from the task runner
        self._mentors = QStringListModel(self)
        completer = QCompleter(self._mentors, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.mentor.setCompleter(completer)
        self._row(left, "mentor_name", _("Pendamping *"), self.mentor)

        self.recipient_search = QLineEdit()
        self.recipient_search.setObjectName("recipient_search")
        self.recipient_search.setPlaceholderText(_("Cari nama, kelompok atau NIK…"))
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        self.search_status = QLabel()
        self.search_status.setObjectName("recipient_search_status")
        self._searches = 0  # a newer search wins over one still running
        box.addWidget(self.recipient_search)
        box.addWidget(self.search_status)
        box.addWidget(self.recipient)
        self._row(left, "recipient", _("Yang dikunjungi *"), holder)

        self.grant = QComboBox()
        self.grant.setObjectName("grant_id")
        self._row(left, "grant_id", _("Bantuan yang didampingi"), self.grant)

        self.status = QComboBox()
        self.status.setObjectName("business_status")
        for value, text in business_status_labels().items():
            self.status.addItem(text, value)
        self._row(left, "business_status", _("Status usaha *"), self.status)

        self.revenue = QLineEdit()
        self.revenue.setObjectName("monthly_revenue")
        self.revenue.setPlaceholderText(_("mis. 3.500.000"))
        self._row(left, "monthly_revenue", _("Omzet per bulan (Rp)"), self.revenue)
        self.profit = QLineEdit()
        self.profit.setObjectName("monthly_profit")
        self.profit.setPlaceholderText(_("mis. 900.000 atau -200.000"))
        self._row(left, "monthly_profit", _("Laba per bulan (Rp)"), self.profit)
        self.workers = QSpinBox()
        self.workers.setObjectName("workers")
        self.workers.setRange(-1, 999)
        self.workers.setSpecialValueText(_("(tidak diisi)"))
        self.workers.setValue(-1)
        self._row(left, "workers", _("Jumlah pekerja"), self.workers)

        topics = QWidget()
        tbox = QVBoxLayout(topics)
        tbox.setContentsMargins(0, 0, 0, 0)
        tbox.setSpacing(2)
        self.topic_boxes: dict[str, QCheckBox] = {}
        for code, text in topic_labels().items():
            cb = QCheckBox(text)
            cb.setObjectName(f"topic_{code}")
            tbox.addWidget(cb)
            self.topic_boxes[code] = cb
        self._row(right, "topics", _("Materi pendampingan"), topics)
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("problems")
        self.problems.setFixedHeight(70)
        self._row(right, "problems", _("Masalah yang ditemui"), self.problems)
        self.follow_up = QPlainTextEdit()
        self.follow_up.setObjectName("follow_up")
        self.follow_up.setFixedHeight(70)
        self._row(right, "follow_up", _("Tindak lanjut"), self.follow_up)

        self.photos = QListWidget()
        self.photos.setObjectName("photos")
        self.photos.setFixedHeight(80)
        self.photos.setToolTip(_("Klik dua kali untuk membuka foto"))
        self.photos.itemDoubleClicked.connect(self._open_photo)
        add_photo = QPushButton(_("Tambah foto…"))
        add_photo.setObjectName("add_photo")
        add_photo.clicked.connect(self.add_photo)
        pbox_w = QWidget()
        pbox = QVBoxLayout(pbox_w)
        pbox.setContentsMargins(0, 0, 0, 0)
        pbox.addWidget(self.photos)
        prow = QHBoxLayout()
        prow.addWidget(add_photo)
        prow.addStretch(1)
        pbox.addLayout(prow)
        self._row(right, "photos", _("Foto"), pbox_w)

        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Simpan"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Batal"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._search)
        self.recipient_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.recipient.currentIndexChanged.connect(lambda _i: self._load_grants())

        def mentors(_state: Any) -> list[str]:
            with ctx.read() as s:
                return visits.known_mentors(s)

        ctx.tasks.run(mentors, on_done=self._mentors_loaded, on_error=lambda _e: None)
        if visit is not None:
            self._load(visit)
        elif recipient is not None:
            self._set_recipients([recipient])
            if grant_id is not None:
                self.grant.setCurrentIndex(max(0, self.grant.findData(grant_id)))
        else:
            self._set_recipients([])

    # --- building ------------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        err = QLabel()
        err.setObjectName(f"error_{key}")
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        box.addWidget(err)
        form.addRow(label, holder)
        self.widgets[key] = widget
        self.errors[key] = err

    def _load(self, v: VisitDTO) -> None:
        self.visited_on.setDate(QDate(v.visited_on.year, v.visited_on.month, v.visited_on.day))
        self.mentor.setText(v.mentor_name)
        kind, rid = ("person", v.person_id) if v.person_id is not None else ("group", v.group_id)
        label = v.recipient_name + ("" if kind == "person" else " " + _("(kelompok)"))
        self._set_recipients([RecipientOption(kind, int(rid or 0), label)])
        self.grant.setCurrentIndex(max(0, self.grant.findData(v.grant_id)))
        self.status.setCurrentIndex(max(0, self.status.findData(v.business_status)))
        self.revenue.setText(format_number(v.monthly_revenue) if v.monthly_revenue is not None else "")
        if v.monthly_profit is not None:
            sign = "-" if v.monthly_profit < 0 else ""
            self.profit.setText(sign + format_number(abs(v.monthly_profit)))
        self.workers.setValue(v.workers if v.workers is not None else -1)
        for code, cb in self.topic_boxes.items():
            cb.setChecked(code in v.topics)
        self.problems.setPlainText(v.problems)
        self.follow_up.setPlainText(v.follow_up)
        self._check_photos(v.id)

    def _mentors_loaded(self, names: list[str]) -> None:
        self._mentors.setStringList(names)
        if names and self.visit is None:
            self.mentor.setPlaceholderText(_("mis. {name}").format(name=names[0]))

    def _check_photos(self, visit_id: int) -> None:
        """The visit's photos, each checked against its SHA-256 in the task runner (reading every photo
        file on the GUI thread held the editor still while it opened); listed once checked."""
        ctx = self.ctx
        checking = QListWidgetItem(_("Memeriksa foto…"))
        checking.setFlags(Qt.ItemFlag.NoItemFlags)
        self.photos.addItem(checking)

        def work(_state: Any) -> tuple[list[tuple[visits.PhotoDTO, str]], Path]:
            with ctx.read() as s:
                return visits.verify_photos(s, visit_id), visits.attachments_root(s)

        def failed(exc: BaseException) -> None:
            self.photos.takeItem(self.photos.row(checking))
            self._set_error("photos", describe_error(exc))

        def checked(result: tuple[list[tuple[visits.PhotoDTO, str]], Path]) -> None:
            self.photos.takeItem(self.photos.row(checking))
            found, root = result
            state = {"ok": "", "missing": _(" (berkas hilang)"), "changed": _(" (berkas berubah!)")}
            for i, (photo, status) in enumerate(found):  # before any photo added meanwhile
                item = QListWidgetItem(Path(photo.file_name).name + state[status])
                item.setData(Qt.ItemDataRole.UserRole, str(root / photo.file_name))
                self.photos.insertItem(i, item)

        ctx.tasks.run(work, on_done=checked, on_error=failed)

    # --- behaviour -----------------------------------------------------------------------------------
    def _search(self) -> None:
        """Find the person or group in the background (the registry may hold 1,000,000 people); the
        choice keeps its previous matches until the new ones are in, and a newer search wins."""
        text = self.recipient_search.text()
        self._searches += 1
        gen, ctx = self._searches, self.ctx

        def work(_state: Any) -> tuple[int, list[RecipientOption]]:
            with ctx.read() as s:
                return gen, list(visits.search_recipients(s, text))

        def failed(exc: BaseException) -> None:
            if gen == self._searches:
                self.search_status.setText("")
                self._set_error("recipient", describe_error(exc))

        self.search_status.setText(_("Mencari…"))
        self.ctx.tasks.run(work, on_done=self._found, on_error=failed)

    def _found(self, result: tuple[int, list[RecipientOption]]) -> None:
        gen, options = result
        if gen != self._searches:
            return
        text = self.recipient_search.text()
        self.search_status.setText("")
        self._set_recipients(options)
        if text.strip() and not options:
            self._set_error("recipient", _("Tidak ada penerima atau kelompok yang cocok."))
        else:
            self._set_error("recipient", "")

    def _set_recipients(self, options: list[RecipientOption]) -> None:
        self.recipient.blockSignals(True)
        self.recipient.clear()
        if not options:
            self.recipient.addItem(_("(cari dahulu)"), None)
        for o in options:
            self.recipient.addItem(o.label, (o.kind, o.id))
        self.recipient.blockSignals(False)
        self._load_grants()

    def _load_grants(self) -> None:
        self.grant.clear()
        self.grant.addItem(_("(tidak disebut)"), None)
        chosen = self.recipient.currentData()
        if not chosen:
            return
        kind, rid = chosen
        with self.ctx.read() as s:
            options = visits.recipient_grants(
                s, person_id=rid if kind == "person" else None, group_id=rid if kind == "group" else None
            )
        for gid, label in options:
            self.grant.addItem(label, gid)
        if len(options) == 1:
            self.grant.setCurrentIndex(1)

    def add_photo(self) -> None:
        path = self.ctx.prompts.open_file(
            self, _("Pilih foto kunjungan"), _("Gambar (*.jpg *.jpeg *.png *.webp *.heic)")
        )
        if path is None:
            return
        if self.visit is None:
            self.pending_photos.append(Path(path))
            self._add_photo_item(Path(path).name + _(" (disalin saat disimpan)"), Path(path))
            return
        ctx, visit_id = self.ctx, self.visit.id

        def attach(_state: Any) -> tuple[str, Path]:
            # copying and hashing a camera's photo is file work: in the task runner, not on the GUI thread
            with ctx.session() as s:
                photo = visits.attach_photo(s, visit_id, Path(path))
            with ctx.read() as s:
                return Path(photo.file_name).name, visits.photo_path(s, photo)

        copying = QListWidgetItem(Path(path).name + _(" (menyalin…)"))
        self.photos.addItem(copying)

        def attached(result: tuple[str, Path]) -> None:
            name, stored = result
            self._set_error("photos", "")
            copying.setText(name)
            copying.setData(Qt.ItemDataRole.UserRole, str(stored))

        def failed(exc: BaseException) -> None:
            self.photos.takeItem(self.photos.row(copying))
            self._set_error("photos", describe_error(exc))

        ctx.tasks.run(attach, on_done=attached, on_error=failed)

    def _add_photo_item(self, text: str, path: Path) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.photos.addItem(item)

    def _open_photo(self, item: QListWidgetItem) -> None:
        path = Path(item.data(Qt.ItemDataRole.UserRole) or "")
        if not path.is_file():
            self._set_error("photos", _("Berkas foto tidak ditemukan: {name}").format(name=path.name))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _set_error(self, key: str, message: str) -> None:
        label = self.errors.get(key)
        if label is None:
            self.general_error.setText(message)
            return
        label.setText(message)
        label.setVisible(bool(message))

    def _clear_errors(self) -> None:
        for key in self.errors:
            self._set_error(key, "")
        self.general_error.setText("")

    def _money(self, key: str, edit: QLineEdit, *, allow_negative: bool = False) -> tuple[int | None, bool]:
        text = edit.text().strip()
        if not text:
            return None, True
        negative = allow_negative and text.startswith("-")
        try:
            value = parse_rupiah(text[1:].strip() if negative else text)
        except (MoneyError, ValueError) as exc:
            self._set_error(key, str(exc))
            return None, False
        return (-value if negative else value), True

    def form_input(self) -> VisitInput | None:
        revenue, ok1 = self._money("monthly_revenue", self.revenue)
        profit, ok2 = self._money("monthly_profit", self.profit, allow_negative=True)
        if not (ok1 and ok2):
            return None
        chosen: Any = self.recipient.currentData()
        kind, rid = chosen if chosen else (None, None)
        qd = self.visited_on.date()
        return VisitInput(
            visited_on=date(qd.year(), qd.month(), qd.day()),
            mentor_name=self.mentor.text(),
            person_id=rid if kind == "person" else None,
            group_id=rid if kind == "group" else None,
            grant_id=self.grant.currentData(),
            topics=tuple(code for code, cb in self.topic_boxes.items() if cb.isChecked()),
            business_status=self.status.currentData(),
            monthly_revenue=revenue,
            monthly_profit=profit,
            workers=self.workers.value() if self.workers.value() >= 0 else None,
            problems=self.problems.toPlainText(),
            follow_up=self.follow_up.toPlainText(),
        )

    def save(self) -> None:
        self._clear_errors()
        data = self.form_input()
        if data is None:
            return
        try:
            with self.ctx.session() as s:
                if self.visit is None:
                    result = visits.record_visit(s, data)
                    for path in self.pending_photos:
                        visits.attach_photo(s, result.id, path)
                    result = visits.get_visit(s, result.id)
                else:
                    result = visits.update_visit(s, self.visit.id, self.visit.version, data)
        except ValidationFailed as exc:
            for problem in exc.problems:
                self._set_error(problem.field or "", problem.message)
            return
        except DomainError as exc:
            self._set_error(exc.field or "", exc.message)
            return
        except Exception as exc:
            self._set_error("", describe_error(exc))
            return
        self.saved = result
        self.accept()
