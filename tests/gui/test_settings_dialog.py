"""Settings: what the first-run wizard asked, changed later; the language per user."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kaltim_desk.services.numbering import NumberTemplates
from kaltim_desk.services.settings import OfficeProfile, RegistryRules, load_section
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
    dialog.tabs.setCurrentIndex(4)
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
