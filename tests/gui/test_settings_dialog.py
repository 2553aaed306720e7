"""Settings: what the first-run wizard asked, changed later; the language per user."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kaltim_desk.core.document_rules import DocumentRules
from kaltim_desk.core.errors import PermissionDenied
from kaltim_desk.core.numbering import NumberTemplates
from kaltim_desk.core.settings import OfficeProfile, RegistryRules, load_section, save_section
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.services.aid import grants, papers
from kaltim_desk.services.aid.aid_rules import DISBURSED, AidRules
from kaltim_desk.services.monitoring import schedule
from kaltim_desk.services.monitoring.schedule import MonitoringRules
from kaltim_desk.services.office.startup import SafetySettings
from kaltim_desk.user_settings import UserSettings
from kaltim_desk.views.dialogs.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(ctx: Any, qtbot: Any) -> SettingsDialog:
    d = SettingsDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    return d


def _save(dialog: SettingsDialog, qtbot: Any) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_settings_show_the_stored_office(dialog: SettingsDialog) -> None:
    assert dialog.tabs.tabText(0) == "Kantor dan kop surat"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Kantor dan kop surat",
        "Penanda tangan",
        "Nomor surat",
        "Aturan pendataan",
        "Aturan program",
        "Keamanan",
        "Bahasa",
    ]
    assert dialog.office_form.government.text() == OfficeProfile().government_name
    assert dialog.rules_form.maximum.value() == RegistryRules().group_max_size


def test_changed_letterhead_group_sizes_and_templates_are_saved(
    dialog: SettingsDialog, ctx: Any, qtbot: Any
) -> None:
    dialog.office_form.office.setCurrentIndex(dialog.office_form.office.findData("64.74"))
    assert dialog.office_form.government.text() == "PEMERINTAH KOTA BONTANG"
    assert dialog.office_form.city.text() == "Bontang"
    assert dialog.office_form.address.text() == ""  # the provincial address is not Bontang's
    dialog.office_form.address.setText("Jl. Awang Long No. 1, Bontang")
    dialog.office_form.phone.setText("(0548) 21234")
    dialog.rules_form.minimum.setValue(5)
    dialog.rules_form.target.setValue(10)
    dialog.rules_form.maximum.setValue(10)
    dialog.numbering_form.codes["handover"].setText("400.9.9")
    _save(dialog, qtbot)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with ctx.read() as s:
        profile = load_section(s, OfficeProfile)
        rules = load_section(s, RegistryRules)
        numbering = load_section(s, NumberTemplates)
    assert (profile.region_code, profile.phone) == ("64.74", "(0548) 21234")
    assert (rules.group_min_size, rules.group_target_size, rules.group_max_size) == (5, 10, 10)
    assert numbering.codes["handover"] == "400.9.9"
    # Reopened, the dialog shows what was saved.
    again = SettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.office_form.office.currentText() == "Kota Bontang"
    assert again.rules_form.maximum.value() == 10


def test_impossible_group_sizes_are_refused_and_nothing_is_saved(
    dialog: SettingsDialog, ctx: Any, prompts: Any, qtbot: Any
) -> None:
    dialog.rules_form.minimum.setValue(12)
    dialog.rules_form.maximum.setValue(8)
    assert not dialog.rules_form.message.isHidden()  # shown on its tab
    _save(dialog, qtbot)
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 3  # the tab with the problem is shown
    kind, title, text = prompts.messages[-1]
    assert (kind, title) == ("error", "Pengaturan")
    assert "Ukuran kelompok" in text
    with ctx.read() as s:
        assert load_section(s, RegistryRules).group_min_size == RegistryRules().group_min_size


def test_language_is_a_per_user_choice_applied_at_the_next_start(
    dialog: SettingsDialog, ctx: Any, prompts: Any, qtbot: Any
) -> None:
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    _save(dialog, qtbot)
    assert ctx.user_settings.language == "en"
    assert UserSettings.load(ctx.user_settings.path).language == "en"  # written to the settings file
    assert prompts.messages[-1][0] == "info"
    assert "English" in prompts.messages[-1][2]


def test_a_clerk_sees_office_settings_read_only_but_may_change_language(
    ctx: Any, prompts: Any, qtbot: Any
) -> None:
    from tests.conftest import CLERK

    ctx.actor = CLERK
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.office_form.isEnabled()
    assert not dialog.rules_form.isEnabled()
    assert dialog.read_only_note.isVisible()
    assert dialog.language.isEnabled()
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    _save(dialog, qtbot)
    assert ctx.user_settings.language == "en"
    assert not [m for m in prompts.messages if m[0] == "error"]


def test_the_file_menu_opens_settings_with_ctrl_comma(ctx: Any, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtGui import QKeySequence

    from kaltim_desk.views.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    action = next(a for a in window.file_menu.actions() if a.objectName() == "action_settings")
    assert action.text().replace("&", "") == "Pengaturan…"
    assert action.shortcut() == QKeySequence("Ctrl+,")
    opened: list[SettingsDialog] = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: opened.append(self) or 0)
    action.trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "Pengaturan"


# --- programme rules and safety -----------------------------------------------------------------------


def _disbursed_grant(ctx: Any) -> int:
    """One personal grant of Rp5.000.000, paid in one tranche 75 days ago."""
    from tests.factories import bring_to, make_person, make_programme

    with ctx.session() as s:
        programme = make_programme(s, tranche_plan="100")
        person = make_person(s, name="Nur Aini")
        g = grants.create_grant(s, grants.GrantInput(programme.id, person_id=person.id, amount=5_000_000))
        return bring_to(s, g.id, DISBURSED).id


def _audited(ctx: Any, section: str) -> list[str]:
    """The audit details of the settings changes of `section`."""
    from sqlalchemy import select

    with ctx.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.detail).where(
                    AuditEntry.action == "settings.edit", AuditEntry.entity_id == section
                )
            )
        )


def test_the_programme_rules_tab_shows_the_stored_aid_and_monitoring_rules(dialog: SettingsDialog) -> None:
    form = dialog.programme_form
    dialog.tabs.setCurrentWidget(form)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Aturan program"
    assert form.aid.visit_gate.isChecked() is AidRules().second_tranche_requires_visit
    assert form.aid.stamp.value() == 5_000_000
    assert form.aid.stamp.text() == "5.000.000"  # rupiah grouping
    assert form.monitoring.months.text() == "3, 6, 12"
    assert form.monitoring.grace.value() == MonitoringRules().grace_days
    assert dialog.safety_form.idle.value() == SafetySettings().idle_lock_minutes
    for widget in (
        form.aid.visit_gate,
        form.aid.stamp,
        form.aid.place,
        form.monitoring.months,
        form.monitoring.window_before,
        form.monitoring.grace,
        form.monitoring.missed,
        dialog.safety_form.idle,
        dialog.safety_form.single_user,
    ):
        assert widget.toolTip(), widget.objectName()


def test_changed_aid_and_document_rules_change_the_next_agreement(
    dialog: SettingsDialog, ctx: Any, qtbot: Any
) -> None:
    grant_id = _disbursed_grant(ctx)  # its agreement not printed yet: printing issues it as the rules say
    form = dialog.programme_form
    assert form.documents.stamps["agreement"].currentData() == "always"  # UU 10/2020
    assert form.documents.stamps["receipt"].currentData() == "above"
    assert form.documents.treasury["APBN"].text() == "Kas Negara"
    dialog.tabs.setCurrentWidget(form)
    form.aid.stamp.setValue(3_000_000)
    form.aid.place.clear()
    qtbot.keyClicks(form.aid.place, "Tenggarong")
    form.aid.visit_gate.setChecked(False)
    form.documents.stamps["agreement"].setCurrentIndex(form.documents.stamps["agreement"].findData("above"))
    form.documents.method.setCurrentIndex(form.documents.method.findData("cash"))
    form.documents.original_roles["officer"].setChecked(False)
    _save(dialog, qtbot)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with ctx.read() as s:
        rules = load_section(s, AidRules)
        documents = load_section(s, DocumentRules)
    assert rules == AidRules(
        second_tranche_requires_visit=False, duty_stamp_threshold=3_000_000, signing_place="Tenggarong"
    )
    assert documents.duty_stamp["agreement"] == "above" and documents.payment_method == "cash"
    assert documents.reprint_original_roles == ("admin",)
    with ctx.session() as s:
        after = papers.agreement_document(s, grant_id)
    assert after.needs_duty_stamp  # Rp5.000.000 is above the new Rp3.000.000 threshold
    assert after.city == "Tenggarong" and after.payment_wording == "secara tunai"
    assert any("duty_stamp_threshold" in (d or "") for d in _audited(ctx, "aid"))
    assert any("payment_method" in (d or "") for d in _audited(ctx, "documents"))


def test_changed_visit_months_change_the_due_visits(dialog: SettingsDialog, ctx: Any, qtbot: Any) -> None:
    grant_id = _disbursed_grant(ctx)
    with ctx.read() as s:
        due = [r.months for r in schedule.schedule_rows(s, statuses=None) if r.grant_id == grant_id]
    assert due == [3, 6, 12]

    monitoring = dialog.programme_form.monitoring
    monitoring.months.clear()
    qtbot.keyClicks(monitoring.months, "12, 2; 4")
    monitoring.grace.setValue(14)
    assert monitoring.message.isHidden()
    _save(dialog, qtbot)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with ctx.read() as s:
        rules = load_section(s, MonitoringRules)
        rows = [r for r in schedule.schedule_rows(s, statuses=None) if r.grant_id == grant_id]
    assert (rules.visit_months, rules.grace_days) == ((2, 4, 12), 14)
    assert [r.months for r in rows] == [2, 4, 12]  # the Pendampingan page lists these due visits
    assert all((r.late_after - r.due_on).days == 14 for r in rows)
    assert _audited(ctx, "monitoring")
    again = SettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.programme_form.monitoring.months.text() == "2, 4, 12"


@pytest.mark.parametrize(
    ("months", "grace", "missed", "expected"),
    [
        ("3, enam, 12", 30, 180, '"enam" bukan bulan antara 1 dan 60'),
        ("3, 0", 30, 180, '"0" bukan bulan antara 1 dan 60'),
        ("3, 61", 30, 180, '"61" bukan bulan antara 1 dan 60'),
        ("3, ²", 30, 180, '"²" bukan bulan antara 1 dan 60'),
        ("", 30, 180, "Bulan kunjungan pendampingan wajib diisi"),
        ("3, 6, 12", 60, 60, "harus lebih lama dari tenggang"),
    ],
)
def test_invalid_monitoring_rules_are_refused_and_nothing_is_saved(
    dialog: SettingsDialog,
    ctx: Any,
    prompts: Any,
    qtbot: Any,
    months: str,
    grace: int,
    missed: int,
    expected: str,
) -> None:
    monitoring = dialog.programme_form.monitoring
    dialog.programme_form.aid.stamp.setValue(1_000_000)  # a valid change elsewhere is not saved either
    dialog.tabs.setCurrentIndex(0)
    monitoring.months.setText(months)
    monitoring.grace.setValue(grace)
    monitoring.missed.setValue(missed)
    assert expected in monitoring.message.text()
    assert not monitoring.message.isHidden()  # shown on its tab, beside the fields
    _save(dialog, qtbot)

    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is dialog.programme_form  # the tab with the problem is shown
    kind, title, text = prompts.messages[-1]
    assert (kind, title) == ("error", "Pengaturan")
    assert expected in text
    with ctx.read() as s:
        assert load_section(s, MonitoringRules) == MonitoringRules()
        assert load_section(s, AidRules) == AidRules()
    assert not _audited(ctx, "monitoring") and not _audited(ctx, "aid")


def test_changed_idle_lock_and_network_mode_are_saved_and_lock_the_next_login(
    dialog: SettingsDialog, ctx: Any, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QWidget

    from kaltim_desk.views.startup import install_idle_lock

    safety = dialog.safety_form
    dialog.tabs.setCurrentWidget(safety)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Keamanan"
    safety.idle.setValue(5)
    safety.single_user.setChecked(True)
    _save(dialog, qtbot)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    with ctx.read() as s:
        assert load_section(s, SafetySettings) == SafetySettings(
            allow_network_single_user=True, idle_lock_minutes=5
        )
    window = QWidget()
    qtbot.addWidget(window)
    idle = install_idle_lock(ctx, window)
    try:
        assert idle.timer.interval() == 5 * 60_000  # locks after 5 idle minutes, not the default 15
    finally:
        idle.stop()
    assert _audited(ctx, "safety")


def test_a_clerk_can_not_change_programme_rules_or_safety(ctx: Any, prompts: Any, qtbot: Any) -> None:
    from tests.conftest import CLERK

    ctx.actor = CLERK
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.programme_form.isEnabled()
    assert not dialog.safety_form.isEnabled()
    assert dialog.read_only_note.isVisible()
    # Even if the widgets were reached, saving as a clerk writes nothing.
    dialog.programme_form.monitoring.months.setText("1")
    dialog.safety_form.idle.setValue(200)
    _save(dialog, qtbot)
    with ctx.read() as s:
        assert load_section(s, MonitoringRules) == MonitoringRules()
        assert load_section(s, SafetySettings) == SafetySettings()
    # The service refuses a clerk whatever the screen does.
    for section in (
        AidRules(duty_stamp_threshold=1),
        MonitoringRules(visit_months=(1,)),
        SafetySettings(idle_lock_minutes=200),
    ):
        with pytest.raises(PermissionDenied), ctx.session() as s:
            save_section(s, section)
    with ctx.read() as s:
        assert load_section(s, AidRules) == AidRules()
        assert load_section(s, MonitoringRules) == MonitoringRules()
        assert load_section(s, SafetySettings) == SafetySettings()
