"""Audit: who did what and when, filtered by actor, action, entity and dates, newest first, with the
hash-chain check (RELIABILITY R19). Officers and admins only (`audit.view`, checked by the services)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QBoxLayout, QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.i18n import _
from kaltim_desk.services.office import audit_query
from kaltim_desk.views.pages.table_page import TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource

ENTITY_LABELS = {
    "person": _("Penerima"),
    "group": _("Kelompok"),
    "user": _("Pengguna"),
    "database": _("Basis data"),
    "setting": _("Pengaturan"),
    "grant": _("Bantuan"),
    "training": _("Pelatihan"),
    "visit": _("Kunjungan"),
    "programme": _("Program bantuan"),
    "certificate": _("Sertifikat"),
    "import": _("Impor"),
    "export": _("Ekspor"),
    "office": _("Kantor"),
    "participant": _("Peserta"),
}


def action_labels() -> dict[str, str]:
    """Every action the services record, in the clerk's words (the code is shown only if one is new)."""
    return {
        "login": _("Masuk"),
        "login.failed": _("Gagal masuk"),
        "user.locked": _("Akun dikunci"),
        "user.unlock": _("Buka kunci akun"),
        "user.create": _("Pengguna baru"),
        "user.edit": _("Ubah pengguna"),
        "user.deactivate": _("Nonaktifkan pengguna"),
        "user.reset_password": _("Atur ulang kata sandi"),
        "user.change_password": _("Ganti kata sandi"),
        "person.create": _("Penerima baru"),
        "person.edit": _("Ubah penerima"),
        "person.deactivate": _("Nonaktifkan penerima"),
        "person.reactivate": _("Aktifkan penerima"),
        "group.create": _("Kelompok baru"),
        "group.edit": _("Ubah kelompok"),
        "group.status": _("Status kelompok"),
        "group.add_member": _("Tambah anggota"),
        "group.remove_member": _("Keluarkan anggota"),
        "programme.edit": _("Ubah program bantuan"),
        "grant.create": _("Usulan bantuan"),
        "grant.edit": _("Ubah bantuan"),
        "grant.status": _("Status bantuan"),
        "grant.number": _("Nomor perjanjian"),
        "grant.disburse": _("Penyaluran bantuan"),
        "training.edit": _("Ubah pelatihan"),
        "training.status": _("Status pelatihan"),
        "training.enroll": _("Daftarkan peserta"),
        "training.unenroll": _("Keluarkan peserta"),
        "training.scores": _("Nilai pre/post-test"),
        "certificate.revoke": _("Cabut sertifikat"),
        "certificate.secret": _("Kunci verifikasi sertifikat"),
        "visit.create": _("Kunjungan baru"),
        "visit.photo_add": _("Tambah foto kunjungan"),
        "visit.photo_remove": _("Hapus foto kunjungan"),
        "import.run": _("Impor Excel"),
        "import.commit": _("Impor disimpan"),
        "import.rollback": _("Impor dibatalkan"),
        "import.preset": _("Pola impor"),
        "export.masked": _("Ekspor (NIK disamarkan)"),
        "export.full": _("Ekspor lengkap"),
        "backup.create": _("Cadangan"),
        "backup.restore": _("Pemulihan"),
        "lock.takeover": _("Ambil alih kunci"),
        "settings.edit": _("Ubah pengaturan"),
        "region.update": _("Perbarui data wilayah"),
        "demo.create": _("Kantor demo dibuat"),
        "programme.create": _("Program bantuan baru"),
        "training.create": _("Pelatihan baru"),
        "training.attendance": _("Daftar hadir"),
        "certificate.issue": _("Sertifikat diterbitkan"),
        "certificate.print": _("Cetak sertifikat"),
        "grant.print": _("Cetak dokumen bantuan"),
        "visit.edit": _("Ubah kunjungan"),
        "user.activate": _("Aktifkan pengguna"),
    }


def detail_words() -> dict[str, str]:
    """The field names the trail records, as the forms name them (unknown ones are left as they are)."""
    return {
        "after": _("sesudah"),
        "before": _("sebelum"),
        "changes": _("perubahan"),
        "reason": _("alasan"),
        "attempts": _("percobaan"),
        "wrong_password": _("kata sandi salah"),
        "name": _("nama"),
        "nik": _("NIK"),
        "kk_number": _("No. KK"),
        "birth_date": _("tanggal lahir"),
        "birth_place": _("tempat lahir"),
        "village_code": _("desa"),
        "street": _("alamat"),
        "phone": _("No. HP"),
        "status": _("status"),
        "role": _("jabatan"),
        "username": _("nama pengguna"),
        "title": _("judul"),
        "place": _("tempat"),
        "start_date": _("mulai"),
        "end_date": _("selesai"),
        "hours": _("JP"),
        "sessions": _("sesi"),
        "topics": _("materi"),
        "organiser": _("penyelenggara"),
        "amount": _("nilai"),
        "paid_on": _("tanggal bayar"),
        "tranche": _("tahap"),
        "tranche_plan": _("rencana tahap"),
        "form": _("bentuk"),
        "aid_form": _("bentuk bantuan"),
        "agreement_number": _("nomor perjanjian"),
        "budget_year": _("tahun anggaran"),
        "funding_source": _("sumber dana"),
        "ceiling_per_group": _("pagu per kelompok"),
        "ceiling_per_person": _("pagu per orang"),
        "total_budget": _("total anggaran"),
        "programme_id": _("program"),
        "person_id": _("penerima"),
        "group_id": _("kelompok"),
        "notes": _("catatan"),
        "people": _("jumlah penerima"),
        "count": _("jumlah"),
        "present": _("hadir"),
        "excused": _("izin"),
        "absent": _("alpa"),
        "pre": _("pre-test"),
        "post": _("post-test"),
        "added": _("ditambah"),
        "changed": _("diubah"),
        "created": _("dibuat"),
    }


_WORD = re.compile(r"\b([a-z][a-z_]*)\b(?=: |$|;)")


def readable_detail(summary: str) -> str:
    """ "after: end_date: 2026-12-22; reason: wrong_password" in the clerk's words."""
    words = detail_words()
    return _WORD.sub(lambda m: words.get(m.group(1), m.group(1)), summary)


def local_time(at: datetime | None) -> str:
    """The trail stores UTC; the clerk reads the time of this computer's clock (WITA in Kaltim)."""
    if at is None:
        return ""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def audit_columns() -> list[Column]:
    labels = action_labels()
    return [
        Column("id", _("No."), "at", str, align_right=True),
        Column("at", _("Waktu"), "at", local_time),
        Column("actor", _("Pengguna"), "actor"),
        Column("action", _("Tindakan"), "action", lambda a: labels.get(a, a)),
        Column("entity", _("Data"), "entity", lambda e: ENTITY_LABELS.get(e, e or "")),
        Column("entity_id", _("ID")),
        Column("summary", _("Rincian"), None, readable_detail),
    ]


class Page(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Audit")
        self.search_placeholder = _("Cari dalam rincian atau ID…")
        super().__init__(
            ctx,
            SessionSource(ctx, audit_query.count_entries, audit_query.page_entries),
            audit_columns(),
            "at",
            [("", _("Semua"))],
            with_region=False,
        )
        self.model.descending = True
        self.status.hide()
        self.actor = QComboBox()
        self.actor.setObjectName("actor_filter")
        self.action = QComboBox()
        self.action.setObjectName("action_filter")
        self.entity = QComboBox()
        self.entity.setObjectName("entity_filter")
        self.use_dates = QCheckBox(_("Tanggal"))
        self.use_dates.setObjectName("use_dates")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_from.setObjectName("date_from")
        self.date_to = QDateEdit(today)
        self.date_to.setObjectName("date_to")
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
            d.setEnabled(False)
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chain_label")
        self.chain_button = QPushButton(_("Periksa rantai audit"))
        self.chain_button.setObjectName("chain_button")
        self.chain_button.clicked.connect(self.check_chain)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Pengguna")))
        row.addWidget(self.actor, 1)
        row.addWidget(QLabel(_("Tindakan")))
        row.addWidget(self.action, 1)
        row.addWidget(QLabel(_("Data")))
        row.addWidget(self.entity, 1)
        row.addWidget(self.use_dates)
        row.addWidget(self.date_from)
        row.addWidget(QLabel("–"))
        row.addWidget(self.date_to)
        chain = QHBoxLayout()
        chain.addWidget(self.chain_label, 1)
        chain.addWidget(self.chain_button)
        layout = self.layout()
        assert isinstance(layout, QBoxLayout)
        layout.insertLayout(2, row)
        layout.addLayout(chain)
        self._fill_choices()
        for combo in (self.actor, self.action, self.entity):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.use_dates.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        for col, width in ((0, 60), (1, 150), (2, 120), (3, 170), (4, 100), (5, 60)):
            self.table.setColumnWidth(col, width)
        self.check_chain()

    def _fill_choices(self) -> None:
        try:
            with self.ctx.read() as s:
                actors = audit_query.distinct_values(s, "actor")
                actions = audit_query.distinct_values(s, "action")
                entities = audit_query.distinct_values(s, "entity")
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        self.actor.addItem(_("Semua pengguna"), "")
        for a in actors:
            self.actor.addItem(a, a)
        self.action.addItem(_("Semua tindakan"), "")
        labels = action_labels()
        for prefix in sorted({a.split(".")[0] + "." for a in actions if "." in a}):
            kind = ENTITY_LABELS.get(prefix[:-1], prefix[:-1])
            self.action.addItem(_("{kind}: semua").format(kind=kind), prefix)
        for a in actions:
            self.action.addItem(labels.get(a, a), a)
        self.entity.addItem(_("Semua data"), "")
        for e in entities:
            self.entity.addItem(ENTITY_LABELS.get(e, e), e)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def current_filter(self) -> PageFilter:
        extra: list[tuple[str, str]] = []
        for key, combo in (("actor", self.actor), ("action", self.action), ("entity", self.entity)):
            value = combo.currentData() if hasattr(self, key) else ""
            if value:
                extra.append((key, value))
        if getattr(self, "use_dates", None) is not None and self.use_dates.isChecked():
            extra.append(("date_from", _iso(self.date_from.date())))
            extra.append(("date_to", _iso(self.date_to.date())))
        return PageFilter(text=self.search.text(), extra=tuple(extra))

    def check_chain(self) -> None:
        try:
            with self.ctx.read() as s:
                ok, message = audit_query.verify_chain(s)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        if ok:
            self.chain_label.setText(_("Rantai audit utuh: {detail}").format(detail=message))
            self.chain_label.setStyleSheet("color: #1b5e20;")
        else:
            self.chain_label.setText(
                _("PERINGATAN: jejak audit telah diubah di luar aplikasi: {detail}").format(detail=message)
            )
            self.chain_label.setStyleSheet("color: #b00020; font-weight: bold;")


def _iso(d: QDate) -> str:
    return date(d.year(), d.month(), d.day()).isoformat()
