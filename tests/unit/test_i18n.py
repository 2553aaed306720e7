"""Every string a person sees can be translated, and the English catalogue translates all of them.

When this fails after adding strings: run `uv run python scripts/i18n.py`, fill in
`build/i18n-todo-en.json`, run `uv run python scripts/i18n.py --apply build/i18n-todo-en.json`, then
`uv run python scripts/i18n.py` again (it compiles the .mo)."""

from __future__ import annotations

import ast
import gettext
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import i18n as tool  # noqa: E402

VIEWS = ROOT / "src" / "kaltim_desk" / "views"
FIX = "run `uv run python scripts/i18n.py` and translate build/i18n-todo-en.json (see this file's docstring)"

# Methods and constructors whose string arguments a person reads.
TEXT_METHODS = {
    "setText",
    "setWindowTitle",
    "setPlaceholderText",
    "setToolTip",
    "setStatusTip",
    "setWhatsThis",
    "setTitle",
    "setSubTitle",
    "setLabelText",
    "setButtonText",
    "setSpecialValueText",
    "setSuffix",
    "setPrefix",
    "setHorizontalHeaderLabels",
    "setVerticalHeaderLabels",
    "setTabText",
    "addItem",
    "addItems",
    "insertItem",
    "addTab",
    "insertTab",
    "addRow",
    "addMenu",
    "addAction",
    "showMessage",
    "setCancelButtonText",
}
TEXT_CONSTRUCTORS = {
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolButton",
    "QListWidgetItem",
    "QCommandLinkButton",
    "QProgressDialog",
}
PROMPT_METHODS = {"info", "error", "confirm", "ask_text"}  # ctx.prompts.<method>(parent, title, text)
# Names that stay the same in every language.
PROPER_NOUNS = ("Kaltim Desk", "DTSEN", "DTKS", "P3KE", "NIK", "NIP", "KUBE", "BNBA", "PySide6", "Qt", "OK")
_TAG = re.compile(r"<[^>]*>|&\w+;")


def _needs_translation(text: str) -> bool:
    """True if `text` holds words: not just markup, symbols, numbers, placeholders or a proper noun."""
    text = _TAG.sub("", text)
    if re.fullmatch(r"[dmyDMYhs/.:\- ]*", text):  # a date format hint such as dd-mm-yyyy
        return False
    text = re.sub(r"\{[^{}]*\}", "", text)
    text = re.sub(r"Rp ?[\d.,]+", "", text)  # an amount such as Rp5.000.000 reads the same in English
    for noun in PROPER_NOUNS:
        text = text.replace(noun, "")
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _untranslated_literals(node: ast.expr) -> list[str]:
    """Literal texts inside an argument that do not pass through `_()`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if _needs_translation(node.value) else []
    if isinstance(node, ast.JoinedStr):
        parts = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return [parts] if _needs_translation(parts) else []
    if isinstance(node, ast.BinOp):
        return _untranslated_literals(node.left) + _untranslated_literals(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated_literals(node.body) + _untranslated_literals(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [t for elt in node.elts for t in _untranslated_literals(elt)]
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_", "ngettext"):
            return []
        if isinstance(func, ast.Attribute) and func.attr == "format":  # "<b>{x}</b>".format(...)
            return _untranslated_literals(func.value)
    return []


def _is_icon(node: ast.expr) -> bool:
    """An icon argument (a call that is not `_()`), which shifts the text to the next position."""
    return isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id == "_")


def _text_arguments(method: str, args: list[ast.expr]) -> list[ast.expr]:
    """The arguments of `method` that are shown as text (item data and widgets are not)."""
    if not args:
        return []
    if method in ("addItem", "addAction", "addMenu"):  # ([icon,] text[, data])
        return [args[1]] if _is_icon(args[0]) and len(args) > 1 else [args[0]]
    if method in ("addTab", "insertTab"):  # (widget, [icon,] label)
        return [args[-1]]
    if method == "addRow":  # (label, field)
        return [args[0]]
    if method == "insertItem":  # (index, [icon,] text[, data])
        return []
    return args


def untranslatable_strings(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        args: list[ast.expr] = []
        if isinstance(func, ast.Attribute) and func.attr in TEXT_METHODS:
            args = _text_arguments(func.attr, list(node.args))
        elif isinstance(func, ast.Name) and func.id in TEXT_CONSTRUCTORS:
            args = list(node.args)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in PROMPT_METHODS
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "prompts"
        ):
            args = list(node.args[1:])
        for arg in args:
            for text in _untranslated_literals(arg):
                found.append(f"{filename}:{node.lineno}: {text!r}")
    return found


def test_the_scanner_catches_a_bare_string_and_allows_marked_or_wordless_ones() -> None:
    source = (
        "label = QLabel('Nama penerima')\n"
        "button.setText(_('Simpan'))\n"
        "title.setText(f'<h2>{title}</h2>')\n"
        "edit.setPlaceholderText('dd-mm-yyyy')\n"
        "box.addItem('DTSEN', 'DTSEN')\n"
        "box.addItem(_('Setiap tahun'), 'year')\n"
        "menu.addAction(icon('x'), 'Keluar')\n"
        "win.setWindowTitle('Kaltim Desk — ' + name)\n"
        "self.ctx.prompts.error(self, 'Galat', _('Gagal'))\n"
        "header.setHorizontalHeaderLabels([_('Nama'), 'NIK', 'Jabatan'])\n"
        "count.setText(_('{n} data').format(n=3))\n"
        "value.setPlaceholderText('Rp5.000.000')\n"
    )
    found = untranslatable_strings(source, "x.py")
    assert found == [
        "x.py:1: 'Nama penerima'",
        "x.py:7: 'Keluar'",
        "x.py:9: 'Galat'",
        "x.py:10: 'Jabatan'",
    ]


def test_every_visible_string_in_the_views_is_translatable() -> None:
    found = []
    for path in sorted(VIEWS.rglob("*.py")):
        found += untranslatable_strings(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    assert not found, "Wrap these in _():\n" + "\n".join(found)


@pytest.fixture(scope="module")
def template() -> object:
    return tool.extract()


def _ids(catalog: object) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}  # type: ignore[attr-defined]


def test_the_english_catalogue_translates_every_string_in_the_code(template: object) -> None:
    catalog = tool.load_po("en")
    absent = sorted(_ids(template) - _ids(catalog))
    assert not absent, f"{len(absent)} strings missing from en/kaltim_desk.po; {FIX}:\n" + "\n".join(
        absent[:40]
    )
    empty = tool.untranslated(catalog)
    assert not empty, f"{len(empty)} strings without English; {FIX}:\n" + "\n".join(empty[:40])


def test_translations_keep_the_placeholders_of_their_source() -> None:
    bad = tool.placeholder_mismatches(tool.load_po("en"))
    assert not bad, "English text must keep every {placeholder}:\n" + "\n".join(bad)


def test_the_compiled_catalogue_is_up_to_date(template: object) -> None:
    mo = tool.po_path("en").with_suffix(".mo")
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    keys = {k if isinstance(k, str) else k[0] for k in compiled._catalog}  # type: ignore[attr-defined]
    stale = sorted(_ids(template) - keys)
    assert not stale, f"kaltim_desk.mo lacks {len(stale)} translations; {FIX}:\n" + "\n".join(stale[:40])


def test_switching_language_changes_what_the_app_says() -> None:
    from kaltim_desk.i18n import _, set_language

    try:
        set_language("en")
        assert _("Penerima") != "Penerima"
        assert _("Pengaturan") == "Settings"
    finally:
        set_language("id")
    assert _("Pengaturan") == "Pengaturan"


def test_qt_buttons_have_an_indonesian_catalogue() -> None:
    qm = ROOT / "resources" / "translations" / "qt" / "qtbase_id.qm"
    ts = (ROOT / "resources" / "translations" / "qt" / "qtbase_id.ts").read_text("utf-8")
    assert qm.exists() and qm.stat().st_mtime >= 0
    for source, target in (
        ("Cancel", "Batal"),
        ("&amp;Yes", "&amp;Ya"),
        ("&amp;No", "&amp;Tidak"),
        ("Save", "Simpan"),
    ):
        assert f"<source>{source}</source><translation>{target}</translation>" in ts
