"""The KUBE group editor: the group's details, its members and their roles, and the rules an active
group must meet, each shown as met or not while the clerk works."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import BUSINESS_TYPES, GroupDTO, GroupInput, PageFilter
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.settings import OfficeProfile, load_section
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import group_status_labels, member_role_labels
from kaltim_desk.services.registry import groups, people
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.messages import error_label
from kaltim_desk.views.widgets.region_filter import RegionPicker
from kaltim_desk.views.widgets.tables import wrap_lines


def status_labels() -> dict[str, str]:
    return group_status_labels()


class GroupEditor(QDialog):
    def __init__(self, ctx: AppContext, group_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.group: GroupDTO | None = None
        self.changed = False
        self.setWindowTitle(_("Kelompok KUBE"))
        fit_to_screen(self, 1040, 640)

        # details
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.region = RegionPicker(ctx, stacked=True)
        self.business = QComboBox()
        self.business.setObjectName("business_type")
        self.business.setEditable(True)
        self.business.addItems(["", *BUSINESS_TYPES])
        self.formed_on = QLineEdit()
        self.formed_on.setObjectName("formed_on")
        self.formed_on.setPlaceholderText("dd-mm-yyyy")
        self.bank = QLineEdit()
        self.account = QLineEdit()
        self.account.setObjectName("bank_account")
        self.holder = QLineEdit()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        details = QGroupBox(_("Data kelompok"))
        form = QFormLayout(details)
        form.addRow(_("Nama kelompok *"), self.name)
        form.addRow(_("Wilayah"), self.region)
        form.addRow(_("Jenis usaha"), self.business)
        form.addRow(_("Tanggal pembentukan"), self.formed_on)
        form.addRow(_("Bank"), self.bank)
        form.addRow(_("No. rekening"), self.account)
        form.addRow(_("Pemilik rekening"), self.holder)
        form.addRow(_("Status"), self.status_label)
        self.save_button = QPushButton(_("Simpan data kelompok"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save_details)
        form.addRow("", self.save_button)

        # rules
        self.rules = QListWidget()
        self.rules.setObjectName("rules")
        self.rules.setMaximumHeight(130)
        wrap_lines(self.rules)
        self.activate_button = QPushButton(_("Aktifkan kelompok"))
        self.activate_button.setObjectName("activate")
        self.activate_button.clicked.connect(self.activate)
        rules_box = QGroupBox(_("Syarat kelompok aktif"))
        rl = QVBoxLayout(rules_box)
        rl.addWidget(self.rules)
        rl.addWidget(self.activate_button)

        left = QVBoxLayout()
        left.addWidget(details)
        left.addWidget(rules_box)

        # members
        self.members = QTableWidget(0, 3)
        self.members.setObjectName("members")
        self.members.setHorizontalHeaderLabels([_("Nama"), _("NIK"), _("Jabatan")])
        # The name takes what is left; NIK and Jabatan (the checklist asks for a chair, secretary and
        # treasurer) are always as wide as their content, so the role pickers are never off-screen.
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.members.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.members.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.members.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.remove_button = QPushButton(_("Keluarkan anggota"))
        self.remove_button.setObjectName("remove_member")
        self.remove_button.clicked.connect(self.remove_selected)
        self.search = QLineEdit()
        self.search.setObjectName("member_search")
        self.search.setPlaceholderText(_("Cari penerima (nama atau NIK) untuk ditambahkan…"))
        self.results = QListWidget()
        self.results.setObjectName("member_results")
        self.results.setMaximumHeight(140)
        self.results.itemActivated.connect(self._add_item)
        self.search_status = QLabel()
        self.search_status.setObjectName("member_search_status")
        self._searches = 0  # a newer search wins over one still running
        self.add_button = QPushButton(_("Tambahkan sebagai anggota"))
        self.add_button.setObjectName("add_member")
        self.add_button.clicked.connect(self._add_selected)
        # several people at once (Ctrl/Shift+click), as a KUBE is formed from a list of 10
        self.results.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.message = error_label()
        members_box = QGroupBox(_("Anggota"))
        ml = QVBoxLayout(members_box)
        ml.addWidget(self.members, 1)
        ml.addWidget(self.remove_button)
        # a button for "the selected one(s)" waits for a selection
        self.remove_button.setEnabled(False)
        self.members.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.members.selectionModel().selectedRows()))
        )
        self.add_button.setEnabled(False)
        self.results.itemSelectionChanged.connect(
            lambda: self.add_button.setEnabled(bool(self.results.selectedItems()))
        )
        ml.addWidget(self.search)
        ml.addWidget(self.search_status)
        ml.addWidget(self.results)
        ml.addWidget(self.add_button)
        self.members_box = members_box

        body = QHBoxLayout()
        body.addLayout(left, 4)
        body.addWidget(members_box, 5)
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._search)
        self.search.textChanged.connect(lambda _t: self._timer.start())

        if group_id is not None:
            self._reload(group_id)
        else:
            with ctx.read() as s:
                profile = load_section(s, OfficeProfile)
            if profile.office_level == "regency":
                self.region.set_code(profile.region_code)  # a regency office forms its own groups
        self._update_state()

    # --- state ---------------------------------------------------------------------------------------
    def _reload(self, group_id: int) -> None:
        with self.ctx.read() as s:
            self.group = groups.get_group(s, group_id)
            checks = groups.rule_checks(s, group_id)
        g = self.group
        self.name.setText(g.name)
        self.region.set_code(g.village_code)
        self.business.setCurrentText(g.business_type or "")
        self.formed_on.setText(g.formed_on.strftime("%d-%m-%Y") if g.formed_on else "")
        self.bank.setText(g.bank_name or "")
        self.account.setText(g.bank_account or "")
        self.holder.setText(g.bank_holder or "")
        self.status_label.setText(status_labels().get(g.status, g.status))
        self.members.setRowCount(len(g.members))
        for row, m in enumerate(g.members):
            name = QTableWidgetItem(m.name)
            name.setData(Qt.ItemDataRole.UserRole, m.person_id)
            self.members.setItem(row, 0, name)
            self.members.setItem(row, 1, QTableWidgetItem(m.nik_masked))
            combo = QComboBox()
            combo.setObjectName(f"role_{m.person_id}")
            for value, label in member_role_labels().items():
                combo.addItem(label, value)
            combo.setCurrentIndex(combo.findData(m.role))
            combo.currentIndexChanged.connect(lambda _i, pid=m.person_id, c=combo: self._set_role(pid, c))
            self.members.setCellWidget(row, 2, combo)
        self.rules.clear()
        for c in checks:
            mark = "✔" if c.ok else ("✘" if c.blocking else "!")
            item = QListWidgetItem(f"{mark}  {c.message}")
            item.setData(Qt.ItemDataRole.UserRole, c.code)
            item.setForeground(
                Qt.GlobalColor.darkGreen
                if c.ok
                else (Qt.GlobalColor.red if c.blocking else Qt.GlobalColor.darkYellow)
            )
            self.rules.addItem(item)
        self.activate_button.setEnabled(g.status == "forming" and all(c.ok for c in checks if c.blocking))

    def _update_state(self) -> None:
        has = self.group is not None
        self.members_box.setEnabled(has)
        if not has:
            self.status_label.setText(_("Baru (simpan dulu, lalu tambahkan anggota)"))
            self.activate_button.setEnabled(False)

    def rule_lines(self) -> list[str]:
        return [self.rules.item(i).text() for i in range(self.rules.count())]

    def _show(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))

    # --- actions -------------------------------------------------------------------------------------
    def save_details(self) -> None:
        self.message.setText("")
        formed = None
        if self.formed_on.text().strip():
            try:
                formed = parse_date_flexible(self.formed_on.text())
            except DateParseError as exc:
                self.message.setText(str(exc))
                return
        if self.region.code() and not self.region.village.currentData():
            self.message.setText(_("Pilih wilayah sampai tingkat desa/kelurahan."))
            return
        data = GroupInput(
            name=self.name.text(),
            village_code=self.region.village.currentData() or "",
            business_type=self.business.currentText(),
            formed_on=formed,
            bank_name=self.bank.text(),
            bank_account=self.account.text(),
            bank_holder=self.holder.text(),
        )
        try:
            with self.ctx.session() as s:
                if self.group is None:
                    dto = groups.create_group(s, data)
                else:
                    dto = groups.update_group(s, self.group.id, self.group.version, data)
        except (ValidationFailed, DomainError) as exc:
            self._show(exc)
            return
        except Exception as exc:
            self._show(exc)
            return
        self.changed = True
        self._reload(dto.id)
        self._update_state()

    def _search(self) -> None:
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

        # The search runs over the whole registry (1,000,000 people in a province) in the background;
        # the list keeps the previous matches until the new ones are in, a newer search wins.
        self.search_status.setText(_("Mencari…"))
        self.ctx.tasks.run(work, on_done=self._show_found, on_error=self._search_failed(gen))

    def _search_failed(self, gen: int) -> Any:
        def failed(exc: BaseException) -> None:
            if gen == self._searches:
                self.search_status.setText(describe_error(exc))

        return failed

    def _show_found(self, result: tuple[int, list[Any]]) -> None:
        gen, rows = result
        if gen != self._searches:
            return
        self.results.clear()
        self.search_status.setText("" if rows else _("Tidak ada penerima aktif yang cocok."))
        for r in rows:
            label = f"{r.name} — {r.nik_masked}" + (f" — {r.village_name}" if r.village_name else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            if r.group_name:
                # already in a KUBE: shown (so the clerk knows why) but greyed out, it can not be added
                item.setText(label + " " + _("(anggota {group})").format(group=r.group_name))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(
                    _("Sudah anggota {group}; keluarkan dulu dari kelompok itu.").format(group=r.group_name)
                )
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _add_selected(self) -> None:
        """Add every selected person in one unit of work: all of them join, or none and the reason."""
        ids = [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in self.results.selectedItems()
            if item.flags() & Qt.ItemFlag.ItemIsEnabled
        ]
        if not ids or self.group is None:
            return
        group_id = self.group.id

        def add_all(s: Any) -> None:
            for person_id in ids:
                groups.add_member(s, group_id, person_id)

        self._apply(add_all)
        if not self.message.text():
            self.search.clear()

    def _add_item(self, item: QListWidgetItem | None) -> None:
        if item is None or self.group is None:
            return
        self._apply(lambda s: groups.add_member(s, self.group.id, int(item.data(Qt.ItemDataRole.UserRole))))  # type: ignore[union-attr]
        self.search.clear()

    def _set_role(self, person_id: int, combo: QComboBox) -> None:
        if self.group is not None:
            self._apply(lambda s: groups.set_role(s, self.group.id, person_id, combo.currentData()))  # type: ignore[union-attr]

    def remove_selected(self) -> None:
        rows = self.members.selectionModel().selectedRows()
        if not rows or self.group is None:
            return
        first = self.members.item(rows[0].row(), 0)
        assert first is not None
        pid = int(first.data(Qt.ItemDataRole.UserRole))
        self._apply(lambda s: groups.remove_member(s, self.group.id, pid))  # type: ignore[union-attr]

    def activate(self) -> None:
        if self.group is not None:
            self._apply(lambda s: groups.activate_group(s, self.group.id))  # type: ignore[union-attr]

    def _apply(self, op) -> None:  # type: ignore[no-untyped-def]
        self.message.setText("")
        assert self.group is not None
        try:
            with self.ctx.session() as s:
                op(s)
        except Exception as exc:
            self._show(exc)
        else:
            self.changed = True
        self._reload(self.group.id)
