"""The first-run wizard: an office set up from scratch, or a demo office for training."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWizard

from kaltim_desk.core.numbering import NumberTemplates
from kaltim_desk.core.settings import OfficeProfile, get_raw, load_section
from kaltim_desk.i18n import set_language
from kaltim_desk.views.application import install_translators
from kaltim_desk.views.dialogs.first_run_wizard import (
    ADMIN,
    NUMBERING,
    OFFICE,
    SIGNATORIES,
    START,
    FirstRunWizard,
    needs_setup,
)

GOOD_NIP = "197403182000031002"


@pytest.fixture
def wizard(ctx: Any, qtbot: Any) -> FirstRunWizard:
    w = FirstRunWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def language() -> Iterator[Any]:
    """Switch the app (and Qt's own buttons) to a language for one test, back to Indonesian after."""
    app = QApplication.instance()

    def use(lang: str) -> None:
        set_language(lang)
        install_translators(app, lang)  # type: ignore[arg-type]

    yield use
    set_language("id")
    install_translators(app, "none")  # type: ignore[arg-type]


def _next(wizard: FirstRunWizard, qtbot: Any) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _fill_office(wizard: FirstRunWizard, qtbot: Any) -> None:
    form = wizard.office_form
    form.office.setCurrentIndex(form.office.findData("64.72"))
    form.agency.setText("DINAS SOSIAL")
    form.address.setText("Jl. Dahlia No. 81, Samarinda")
    form.email.setText("dinsos@samarindakota.go.id")
    form.code.setText("DINSOS-SMD")


def _fill_signatories(wizard: FirstRunWizard) -> None:
    f = wizard.signatories_form.fields
    f["head"]["name"].setText("Drs. ANDI HARUN, M.Si")
    f["head"]["nip"].setText("1968 0512 1993 03 2 004")
    f["section_head"]["name"].setText("SITI RAHMAH, S.Sos")
    f["section_head"]["nip"].setText(GOOD_NIP)


def test_first_start_needs_the_wizard_and_a_demo_office_does_not(ctx: Any) -> None:
    assert needs_setup(ctx)
    with ctx.session() as s:
        from kaltim_desk.core.settings import save_section

        save_section(s, OfficeProfile())
    assert not needs_setup(ctx)


def test_an_office_is_set_up_and_everything_is_saved_on_finish(
    wizard: FirstRunWizard, ctx: Any, qtbot: Any
) -> None:
    assert wizard.currentId() == START
    _next(wizard, qtbot)
    assert wizard.currentId() == OFFICE
    _fill_office(wizard, qtbot)
    # Choosing Kota Samarinda suggests its letterhead's first line.
    assert wizard.office_form.government.text() == "PEMERINTAH KOTA SAMARINDA"
    assert wizard.office_form.web.text() == ""  # the province's web site is not Samarinda's
    _next(wizard, qtbot)
    assert wizard.currentId() == SIGNATORIES
    _fill_signatories(wizard)
    _next(wizard, qtbot)
    assert wizard.currentId() == NUMBERING
    wizard.numbering_form.templates["agreement"].setText("{seq:03d}/{code}/{office}/{year}")
    assert wizard.numbering_form.previews["agreement"].text().startswith("Contoh: 007/400.9.2/DINSOS-SMD/")
    if wizard.asks_admin:
        _next(wizard, qtbot)
        assert wizard.currentId() == ADMIN
        page = wizard.admin_page
        assert page is not None
        page.username.setText("admin.smd")
        page.display_name.setText("Admin Dinsos Samarinda")
        page.password.setText("kantor-samarinda-2026")
        page.repeat.setText("kantor-samarinda-2026")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.choice == "office"
    with ctx.read() as s:
        profile = load_section(s, OfficeProfile)
        numbering = load_section(s, NumberTemplates)
    assert profile.region_code == "64.72" and profile.office_level == "regency"
    assert profile.government_name == "PEMERINTAH KOTA SAMARINDA"
    assert profile.office_code == "DINSOS-SMD"
    assert profile.signatory("head").nip == "196805121993032004"  # spaces taken out
    assert profile.signatory("section_head").name == "SITI RAHMAH, S.Sos"
    assert numbering.templates["agreement"] == "{seq:03d}/{code}/{office}/{year}"
    assert not needs_setup(ctx)
    if wizard.asks_admin:
        from kaltim_desk.services.office import users

        with ctx.read() as s:
            accounts = users.list_users(s)
        assert [(u.username, u.role) for u in accounts] == [("admin.smd", "admin")]


def test_placeholder_names_of_the_defaults_must_be_replaced(wizard: FirstRunWizard, qtbot: Any) -> None:
    _next(wizard, qtbot)
    _fill_office(wizard, qtbot)
    _next(wizard, qtbot)
    head = wizard.signatories_form.fields["head"]["name"]
    assert head.text() == "" and head.placeholderText() == "(nama Kepala Dinas)"
    _next(wizard, qtbot)
    assert wizard.currentId() == SIGNATORIES
    assert "Kepala Dinas: nama wajib diisi." in wizard.signatories_form.problems()


def test_a_bad_nip_keeps_the_wizard_on_the_signatories_page(wizard: FirstRunWizard, qtbot: Any) -> None:
    _next(wizard, qtbot)
    _fill_office(wizard, qtbot)
    _next(wizard, qtbot)
    _fill_signatories(wizard)
    wizard.signatories_form.fields["head"]["nip"].setText("12345")
    message = wizard.signatories_form.nip_messages["head"]
    assert message.isVisible() and message.text().startswith("NIP tidak sah")
    _next(wizard, qtbot)
    assert wizard.currentId() == SIGNATORIES
    wizard.signatories_form.fields["head"]["nip"].setText(GOOD_NIP)
    assert not message.isVisible()
    _next(wizard, qtbot)
    assert wizard.currentId() == NUMBERING


def test_a_missing_address_and_a_bad_template_are_refused(wizard: FirstRunWizard, qtbot: Any) -> None:
    _next(wizard, qtbot)
    _fill_office(wizard, qtbot)
    wizard.office_form.address.setText("")
    _next(wizard, qtbot)
    assert wizard.currentId() == OFFICE
    assert "Alamat wajib diisi." in wizard.office_form.message.text()
    wizard.office_form.address.setText("Jl. Dahlia No. 81")
    _next(wizard, qtbot)
    _fill_signatories(wizard)
    _next(wizard, qtbot)
    wizard.numbering_form.templates["receipt"].setText("{nomor}/{year}")
    assert "Kuitansi" in wizard.numbering_form.message.text()
    wizard.numbering_form.templates["receipt"].setText("KW/{year}")  # no sequence number
    assert "harus memuat {seq}" in wizard.numbering_form.message.text()
    assert wizard.numbering_form.problems()


def test_a_demo_office_can_be_chosen_instead(wizard: FirstRunWizard, ctx: Any, qtbot: Any) -> None:
    wizard.demo_people = 20
    demo = wizard.start.demo
    qtbot.mouseClick(demo, Qt.MouseButton.LeftButton, pos=QPoint(8, demo.height() // 2))  # on the circle
    assert wizard.start.isFinalPage()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.choice == "demo"
    with ctx.read() as s:
        profile = load_section(s, OfficeProfile)
        assert get_raw(s, OfficeProfile.SECTION) is not None
    assert profile.is_demo
    assert not needs_setup(ctx)


def test_the_wizard_speaks_english_buttons_included(ctx: Any, qtbot: Any, language: Any) -> None:
    language("en")
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.windowTitle() == "Kaltim Desk setup"
    assert wizard.start.title() == "Welcome to Kaltim Desk"
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Cancel"


def test_qt_buttons_of_the_wizard_are_indonesian(ctx: Any, qtbot: Any, language: Any) -> None:
    language("id")
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Batal"
    assert wizard.button(QWizard.WizardButton.NextButton).text().replace("&", "").startswith("Lanjut")
    wizard.next()
    assert wizard.button(QWizard.WizardButton.BackButton).text().replace("&", "") == "< Kembali"


def test_first_start_shows_the_wizard_and_cancel_quits_without_saving(
    tmp_path: Any, qtbot: Any, monkeypatch: Any
) -> None:
    import sys

    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.db import Database
    from kaltim_desk.views import application

    shown: list[FirstRunWizard] = []
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; undone after
    db_url = f"sqlite:///{tmp_path / 'first.db'}"
    try:
        assert application.run_gui(db_url) == 0
    finally:
        install_translators(QApplication.instance(), "none")  # type: ignore[arg-type]
    assert len(shown) == 1 and shown[0].windowTitle() == "Penyiapan Kaltim Desk"
    db = Database(db_url)
    with db.read_session(SYSTEM_ACTOR) as s:
        assert get_raw(s, OfficeProfile.SECTION) is None  # so the wizard comes back next time
    db.dispose()


def _to_admin_page(wizard: FirstRunWizard, qtbot: Any) -> Any:
    _next(wizard, qtbot)
    _fill_office(wizard, qtbot)
    _next(wizard, qtbot)
    _fill_signatories(wizard)
    _next(wizard, qtbot)
    _next(wizard, qtbot)
    assert wizard.currentId() == ADMIN
    page = wizard.admin_page
    assert page is not None
    page.username.setText("admin.smd")
    page.display_name.setText("Admin Dinsos Samarinda")
    return page


def _nothing_saved(ctx: Any) -> bool:
    from sqlalchemy import func, select

    from kaltim_desk.models.user import User

    with ctx.read() as s:
        return get_raw(s, OfficeProfile.SECTION) is None and not s.scalar(
            select(func.count()).select_from(User)
        )


def test_two_different_passwords_save_nothing_and_the_corrected_one_is_the_admins(
    wizard: FirstRunWizard, ctx: Any, qtbot: Any
) -> None:
    page = _to_admin_page(wizard, qtbot)
    page.password.setText("kantor-samarinda-2026")
    page.repeat.setText("kantor-samarinda-2062")  # a typo in the second field
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert page.message.text() == "Kedua kata sandi tidak sama."
    assert wizard.currentId() == ADMIN and wizard.result() != QWizard.DialogCode.Accepted
    assert _nothing_saved(ctx) and needs_setup(ctx)

    page.repeat.setText("kantor-samarinda-2026")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted  # no "nama pengguna sudah dipakai"
    from kaltim_desk.services.office import auth

    with ctx.db.session() as s:
        assert auth.login(s, "admin.smd", "kantor-samarinda-2026").ok


def test_a_cancelled_wizard_leaves_the_database_as_it_was(
    wizard: FirstRunWizard, ctx: Any, qtbot: Any
) -> None:
    page = _to_admin_page(wizard, qtbot)
    page.password.setText("kantor-samarinda-2026")
    page.repeat.setText("kantor-samarinda-2026")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert _nothing_saved(ctx) and needs_setup(ctx)


def test_choosing_the_demo_office_shows_its_accounts(wizard: FirstRunWizard, qtbot: Any) -> None:
    table = wizard.start.accounts
    assert not table.isVisible()
    wizard.start.demo.setChecked(True)
    assert table.isVisible() and wizard.start.accounts_intro.isVisible()
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert ("operator", "demo-operator") in rows and ("admin", "demo-admin") in rows


# --- a first-ever start: the wizard first, the database made behind it ------------------------------


def _first_start(monkeypatch: Any, prompts: Any, drive: Any, db_url: str, login: Any = None) -> int:
    """`run_gui` as `kaltim-desk` starts it (the garbage collector off, as `cli` leaves it), with
    `drive(wizard)` standing in for the person (its return value is the wizard's result), `login(ctx)`
    for the login (default: none, stop before the main window) and `prompts` recording what would have
    been said."""
    import gc
    import sys

    from kaltim_desk.views import application

    monkeypatch.setattr(FirstRunWizard, "exec", drive)
    monkeypatch.setattr(application, "QtPrompts", lambda _settings: prompts)
    monkeypatch.setattr(application, "login", login or (lambda ctx: None))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; undone after
    gc.disable()
    try:
        return application.run_gui(db_url)
    finally:
        gc.enable()
        install_translators(QApplication.instance(), "none")  # type: ignore[arg-type]


@pytest.mark.sqlite_only  # a first start makes its SQLite file; a server database exists beforehand
def test_a_first_start_shows_the_wizard_before_the_database_exists_and_sets_it_up_behind_it(
    tmp_path: Any, qtbot: Any, monkeypatch: Any, prompts: Any
) -> None:
    import gc

    path = tmp_path / "kantor" / "kaltim.db"
    seen: dict[str, Any] = {}

    def person(wizard: FirstRunWizard) -> int:
        seen["file_before_wizard"] = path.exists()
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitUntil(lambda: wizard.painted)
        seen["collector_on"] = gc.isenabled()  # off while starting, on once the wizard is painted
        assert wizard.office_form is None  # the office pages come after the start page
        _next(wizard, qtbot)  # waits for the database if it is not ready yet
        assert wizard.currentId() == OFFICE
        _fill_office(wizard, qtbot)
        _next(wizard, qtbot)
        _fill_signatories(wizard)
        _next(wizard, qtbot)
        _next(wizard, qtbot)
        assert wizard.currentId() == ADMIN and wizard.asks_admin
        page = wizard.admin_page
        page.username.setText("admin.smd")
        page.display_name.setText("Admin Dinsos Samarinda")
        page.password.setText("kantor-samarinda-2026")
        page.repeat.setText("kantor-samarinda-2026")
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
        seen["choice"] = wizard.choice
        return int(wizard.result())

    assert _first_start(monkeypatch, prompts, person, f"sqlite:///{path}") == 0  # the login was left
    assert seen == {"file_before_wizard": False, "collector_on": True, "choice": "office"}
    assert prompts.messages == []
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.db import Database
    from kaltim_desk.services.office import auth

    db = Database(f"sqlite:///{path}")
    with db.read_session(SYSTEM_ACTOR) as s:
        assert load_section(s, OfficeProfile).region_code == "64.72"
    with db.session() as s:
        assert auth.login(s, "admin.smd", "kantor-samarinda-2026").ok
    db.dispose()


@pytest.mark.sqlite_only
def test_a_first_start_whose_database_can_not_be_made_says_so_and_quits(
    tmp_path: Any, qtbot: Any, monkeypatch: Any, prompts: Any
) -> None:
    (tmp_path / "bukan-folder").write_text("x")  # where the database's folder should be: a file
    url = f"sqlite:///{tmp_path / 'bukan-folder' / 'kaltim.db'}"
    seen: list[int] = []

    def person(wizard: FirstRunWizard) -> int:
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitUntil(lambda: wizard.painted)
        qtbot.waitUntil(lambda: wizard.opening is not None and wizard.opening.done)
        seen.append(wizard.isVisible())  # closed once the reason was shown
        return int(wizard.result())

    assert _first_start(monkeypatch, prompts, person, url) == 2
    assert seen == [False]
    [(kind, _title, text)] = prompts.messages
    assert kind == "error" and text.startswith("Basis data tidak dapat dibuka: Berkas tidak dapat dibaca")
    assert "bukan-folder" in text and "tak terduga" not in text


def test_a_set_up_office_goes_straight_to_the_login(
    db_url: str, qtbot: Any, monkeypatch: Any, prompts: Any
) -> None:
    """An existing database with its office: checked, opened, no wizard, the login next (with the
    garbage collector running again: the person spends time there, and so does the window after)."""
    import gc

    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.core.settings import save_section
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.bootstrap import prepare

    db = Database(db_url)
    prepare(db)
    with db.session(SYSTEM_ACTOR) as s:
        save_section(s, OfficeProfile())
    db.dispose()
    seen: list[Any] = []

    def no_wizard(wizard: FirstRunWizard) -> int:
        raise AssertionError("the wizard was shown for an office already set up")

    def login(ctx: Any) -> None:
        with ctx.read() as s:
            seen.append((load_section(s, OfficeProfile).office_code, gc.isenabled()))

    assert _first_start(monkeypatch, prompts, no_wizard, db_url, login) == 0
    assert seen == [(OfficeProfile().office_code, True)]
    assert prompts.messages == []
