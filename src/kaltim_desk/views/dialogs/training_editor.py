"""The training editor: title, topics, organiser, place, dates, hours (JP), trainers and sessions."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import training_status_labels
from kaltim_desk.services.training import trainings
from kaltim_desk.services.training.preprinted import format_positions, parse_positions
from kaltim_desk.services.training.trainings import SessionInput, TrainerInput, TrainingDTO, TrainingInput
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.messages import HINT_STYLE, error_label
from kaltim_desk.views.widgets.tables import fit_columns


def topic_labels() -> dict[str, str]:
    return {t: _(t) for t in trainings.TOPICS}


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class TrainingEditor(QDialog):
    def __init__(
        self, ctx: AppContext, training_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.training: TrainingDTO | None = None
        self.saved: TrainingDTO | None = None
        self.setWindowTitle(_("Data pelatihan"))
        fit_to_screen(self, 900, 640)

        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.organiser = QLineEdit()
        self.organiser.setObjectName("organiser")
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.start = QDateEdit()
        self.start.setObjectName("start_date")
        self.end = QDateEdit()
        self.end.setObjectName("end_date")
        for w in (self.start, self.end):
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd-MM-yyyy")
            w.setDate(_qdate(date.today()))
        self.hours = QSpinBox()
        self.hours.setObjectName("hours")
        self.hours.setRange(0, 1000)
        self.hours.setSpecialValueText(_("otomatis (jumlah JP sesi)"))
        self.status = QComboBox()
        self.status.setObjectName("status")
        for value, label in training_status_labels().items():
            self.status.addItem(label, value)
        self.topic_boxes: dict[str, QCheckBox] = {}
        topics = QHBoxLayout()
        for value, label in topic_labels().items():
            box = QCheckBox(label)
            box.setObjectName(f"topic_{value}")
            self.topic_boxes[value] = box
            topics.addWidget(box)
        self.other_topic = QLineEdit()
        self.other_topic.setObjectName("other_topic")
        self.other_topic.setPlaceholderText(_("Topik lain"))
        topics.addWidget(self.other_topic)

        form = QFormLayout()
        form.addRow(_("Judul pelatihan *"), self.title)
        form.addRow(_("Topik"), topics)
        form.addRow(_("Penyelenggara"), self.organiser)
        form.addRow(_("Tempat"), self.place)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel(_("s.d.")))
        dates.addWidget(self.end)
        dates.addStretch(1)
        form.addRow(_("Tanggal *"), dates)
        form.addRow(_("Jumlah JP"), self.hours)
        form.addRow(_("Status"), self.status)

        self.trainers = QTableWidget(0, 2)
        self.trainers.setObjectName("trainers")
        self.trainers.setHorizontalHeaderLabels([_("Nama pelatih"), _("Instansi")])
        self.trainers.horizontalHeader().setStretchLastSection(True)
        self.trainers.setColumnWidth(0, 260)
        trainers_box = self._table_box(_("Pelatih"), self.trainers, "trainer")

        self.sessions = QTableWidget(0, 3)
        self.sessions.setObjectName("sessions")
        self.sessions.setHorizontalHeaderLabels([_("Tanggal (dd-mm-yyyy)"), _("Materi"), _("JP")])
        fit_columns(self.sessions, stretch=1)
        sessions_box = self._table_box(_("Sesi"), self.sessions, "session")

        self.message = error_label()
        save = QPushButton(_("Simpan"))
        save.setObjectName("save")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton(_("Batal"))
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        bottom.addWidget(cancel)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(trainers_box, 1)
        layout.addWidget(sessions_box, 2)
        layout.addLayout(bottom)

        if training_id is not None:
            with ctx.read() as s:
                self.training = trainings.get_training(s, training_id)
            self._fill(self.training)
        else:
            self.status.setEnabled(False)

    def _table_box(self, title: str, table: QTableWidget, name: str) -> QGroupBox:
        box = QGroupBox(title)
        add = QPushButton(_("Tambah baris"))
        add.setObjectName(f"add_{name}")
        add.clicked.connect(lambda: self._add_row(table))
        remove = QPushButton(_("Hapus baris"))
        remove.setObjectName(f"remove_{name}")
        remove.clicked.connect(
            lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None
        )
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        row = QHBoxLayout(box)
        row.addWidget(table, 1)
        row.addLayout(buttons)
        return box

    def _add_row(self, table: QTableWidget, values: tuple[str, ...] = (), data: object = None) -> int:
        r = table.rowCount()
        table.insertRow(r)
        for c in range(table.columnCount()):
            item = QTableWidgetItem(values[c] if c < len(values) else "")
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, data)
            table.setItem(r, c, item)
        return r

    def _fill(self, t: TrainingDTO) -> None:
        self.title.setText(t.title)
        self.organiser.setText(t.organiser)
        self.place.setText(t.place)
        self.start.setDate(_qdate(t.start_date))
        self.end.setDate(_qdate(t.end_date))
        self.hours.setValue(t.hours)
        self.status.setCurrentIndex(self.status.findData(t.status))
        others = []
        for topic in t.topics:
            if topic in self.topic_boxes:
                self.topic_boxes[topic].setChecked(True)
            else:
                others.append(topic)
        self.other_topic.setText("; ".join(others))
        for tr in t.trainers:
            self._add_row(self.trainers, (tr.name, tr.institution))
        for s in t.sessions:
            self._add_row(self.sessions, (s.session_date.strftime("%d-%m-%Y"), s.topic, str(s.hours)), s.id)

    def _text(self, table: QTableWidget, r: int, c: int) -> str:
        item = table.item(r, c)
        return item.text().strip() if item else ""

    def collect(self) -> TrainingInput:
        """The form as a TrainingInput; a date or JP the service can not read raises DomainError."""
        from kaltim_desk.core.errors import DomainError

        topics = [v for v, box in self.topic_boxes.items() if box.isChecked()]
        topics += [x.strip() for x in self.other_topic.text().split(";") if x.strip()]
        trainers = tuple(
            TrainerInput(self._text(self.trainers, r, 0), self._text(self.trainers, r, 1))
            for r in range(self.trainers.rowCount())
        )
        sessions = []
        for r in range(self.sessions.rowCount()):
            raw_date, topic, raw_hours = (self._text(self.sessions, r, c) for c in range(3))
            if not (raw_date or topic or raw_hours):
                continue
            try:
                d = parse_date_flexible(raw_date) if raw_date else None
            except DateParseError as exc:
                raise DomainError(
                    "session_date", _("Tanggal sesi {n}: {e}").format(n=r + 1, e=exc), field="sessions"
                ) from exc
            if raw_hours and not raw_hours.isdigit():
                raise DomainError(
                    "session_hours", _("JP sesi {n} harus angka 0-24.").format(n=r + 1), field="sessions"
                )
            item = self.sessions.item(r, 0)
            sid = item.data(Qt.ItemDataRole.UserRole) if item else None
            sessions.append(SessionInput(d, topic, int(raw_hours or 0), int(sid) if sid else None))
        return TrainingInput(
            title=self.title.text(),
            start_date=_pydate(self.start.date()),
            end_date=_pydate(self.end.date()),
            topics=tuple(topics),
            organiser=self.organiser.text(),
            place=self.place.text(),
            hours=self.hours.value() or None,
            trainers=trainers,
            sessions=tuple(sessions),
        )

    def save(self) -> None:
        self.message.setText("")
        try:
            data = self.collect()
            with self.ctx.session() as s:
                if self.training is None:
                    dto = trainings.create_training(s, data)
                else:
                    dto = trainings.update_training(s, self.training.id, self.training.version, data)
                    status = self.status.currentData()
                    if status != dto.status:
                        dto = trainings.set_status(s, dto.id, status)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.saved = dto
        self.accept()


class TrainingSettingsDialog(QDialog):
    """Office settings of the training feature (admin): the completion rule and the certificate's
    template and signatory. The verification secret is never shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        from kaltim_desk.core.settings import office_profile
        from kaltim_desk.services.training import certificates
        from kaltim_desk.services.training.training_rules import training_rules

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Pengaturan pelatihan dan sertifikat"))
        with ctx.read() as s:
            rules = training_rules(s)
            cfg = certificates.certificate_settings(s)
            office = office_profile(s)
        self.min_percent = QSpinBox()
        self.min_percent.setObjectName("min_percent")
        self.min_percent.setRange(1, 100)
        self.min_percent.setSuffix(" %")
        self.min_percent.setValue(rules.min_attendance_percent)
        self.excused = QCheckBox(_("Izin dihitung sebagai hadir"))
        self.excused.setObjectName("excused_counts")
        self.excused.setChecked(rules.excused_counts_as_present)
        self.min_post = QSpinBox()
        self.min_post.setObjectName("min_post_score")
        self.min_post.setRange(0, 100)
        self.min_post.setSpecialValueText(_("tidak disyaratkan"))
        self.min_post.setValue(rules.min_post_score or 0)
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template.addItem(_("Lanskap (bawaan)"), "certificate")
        self.template.addItem(_("Potret (bawaan)"), "certificate_portrait")
        self.template.setCurrentIndex(max(0, self.template.findData(cfg.template)))
        self.template_path = QLineEdit(cfg.template_path)
        self.template_path.setObjectName("template_path")
        self.template_path.setPlaceholderText(_("kosong: templat bawaan"))
        self.template_path.setToolTip(_("Berkas templat JSON kantor sendiri (kosong: templat bawaan)"))
        browse = QPushButton(_("Pilih…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.template_path, 1)
        path_row.addWidget(browse)
        self.signatory = QComboBox()
        self.signatory.setObjectName("signatory")
        self.signatory.addItem(_("(sesuai templat)"), "")
        for key, sig in office.signatories.items():
            self.signatory.addItem(f"{sig.get('position', key)} — {sig.get('name', '')}", key)
        self.signatory.setCurrentIndex(max(0, self.signatory.findData(cfg.signatory)))
        self.preprinted = QCheckBox(_("Cetak pada blangko pracetak (hanya isian yang berubah)"))
        self.preprinted.setObjectName("preprinted")
        self.preprinted.setChecked(cfg.preprinted)
        self.positions = QLineEdit(format_positions(cfg.preprinted_positions))
        self.positions.setObjectName("preprinted_positions")
        self.positions.setPlaceholderText(_("mis. name=150,95; qr=25,150"))
        self.positions.setToolTip(
            _(
                "Posisi isian pada blangko dalam milimeter dari tepi kiri dan atas kertas. Isian: number, "
                "name, ident, body, result, place_date, signatory, qr. Cetak halaman kalibrasi, terawangkan "
                "di atas blangko, lalu geser posisi yang belum pas."
            )
        )
        calibrate = QPushButton(_("Halaman kalibrasi…"))
        calibrate.setObjectName("calibrate")
        calibrate.clicked.connect(self.calibration_page)
        positions_row = QHBoxLayout()
        positions_row.addWidget(self.positions, 1)
        positions_row.addWidget(calibrate)
        form = QFormLayout()
        form.addRow(_("Kehadiran minimal untuk lulus"), self.min_percent)
        form.addRow("", self.excused)
        form.addRow(_("Nilai post-test minimal"), self.min_post)
        form.addRow(_("Templat sertifikat"), self.template)
        form.addRow(_("Templat sendiri"), path_row)
        form.addRow(_("Penandatangan"), self.signatory)
        form.addRow("", self.preprinted)
        form.addRow(_("Posisi isian blangko"), positions_row)
        positions_hint = QLabel(_("Milimeter dari tepi kiri dan atas kertas; kosong: posisi bawaan."))
        positions_hint.setWordWrap(True)
        positions_hint.setStyleSheet(HINT_STYLE)
        form.addRow("", positions_hint)
        self.message = error_label()
        save = QPushButton(_("Simpan"))
        save.setObjectName("save")
        save.clicked.connect(self.save)
        cancel = QPushButton(_("Batal"))
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(bottom)

    def calibration_page(self) -> Path | None:
        """Save the calibration page of the positions as typed (not yet saved) and open it."""
        from kaltim_desk.documents.certificate import render_calibration  # lazy: reportlab
        from kaltim_desk.services.training import certificates

        try:
            positions = parse_positions(self.positions.text())
            with self.ctx.read() as s:
                cfg = certificates.certificate_settings(s)
            cfg = dataclasses.replace(
                cfg,
                template=self.template.currentData(),
                template_path=self.template_path.text().strip(),
                preprinted=True,
                preprinted_positions=positions,
            )
            template = certificates.certificate_template(cfg)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return None
        target = self.ctx.prompts.save_file(
            self, _("Halaman kalibrasi"), "kalibrasi-blangko.pdf", "PDF (*.pdf)"
        )
        if target is None:
            return None
        path = render_calibration(template, target.with_suffix(".pdf"))
        self.message.setText(_("Halaman kalibrasi disimpan ke {path}.").format(path=path))
        return path

    def _browse(self) -> None:
        path = self.ctx.prompts.open_file(self, _("Templat sertifikat"), _("Templat JSON (*.json)"))
        if path is not None:
            self.template_path.setText(str(path))

    def save(self) -> None:
        from kaltim_desk.core.settings import save_section
        from kaltim_desk.services.training import certificates
        from kaltim_desk.services.training.training_rules import TrainingRules

        rules = TrainingRules(
            min_attendance_percent=self.min_percent.value(),
            excused_counts_as_present=self.excused.isChecked(),
            min_post_score=self.min_post.value() or None,
        )
        try:
            positions = parse_positions(self.positions.text())
            with self.ctx.session() as s:
                save_section(s, rules)
                certificates.save_certificate_settings(
                    s,
                    template=self.template.currentData(),
                    template_path=self.template_path.text(),
                    signatory=self.signatory.currentData(),
                    preprinted=self.preprinted.isChecked(),
                    preprinted_positions=positions,
                )
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.accept()
