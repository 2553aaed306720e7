"""Refresh the translation catalogues in one command: `uv run python scripts/i18n.py`.

1. Extract every `_()` / `ngettext()` string of `src/kaltim_desk` with babel's Python extractor into
   `resources/translations/kaltim_desk.pot` (source strings are Indonesian).
2. Update each language's `resources/translations/<lang>/LC_MESSAGES/kaltim_desk.po` from it: new
   strings are added untranslated, removed ones dropped, existing translations kept. No fuzzy guessing:
   a changed source string must be translated again, never shown with an old, wrong meaning.
3. Compile the `.mo` files the app loads, and Qt's own button texts for Indonesian
   (`resources/translations/qt/qtbase_id.ts` -> `.qm`; Qt ships no Indonesian catalogue).
4. List what still needs translating in `build/i18n-todo-<lang>.json` ({source: ""}); fill in the
   values and run `uv run python scripts/i18n.py --apply build/i18n-todo-en.json`.

`--check` only reports (exit 1 if a string is untranslated); tests/unit/test_i18n.py does the same.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kaltim_desk"
TRANSLATIONS = ROOT / "resources" / "translations"
POT = TRANSLATIONS / "kaltim_desk.pot"
DOMAIN = "kaltim_desk"
LANGUAGES = ("en",)  # Indonesian is the source language
KEYWORDS = {"_": None, "ngettext": (1, 2)}
TODO_DIR = ROOT / "build"
QT_TS = TRANSLATIONS / "qt" / "qtbase_id.ts"

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(source: Path = SOURCE) -> Catalog:
    """A template catalogue of every translatable string under `source`, with where it is used."""
    catalog = Catalog(project="Kaltim Desk", domain=DOMAIN, charset="utf-8", fuzzy=False)
    catalog.creation_date = datetime(2026, 1, 1)  # stable file: no churn in version control
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        path = (source.relative_to(ROOT) / filename).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def load_po(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="Kaltim Desk", fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def save_po(catalog: Catalog, lang: str) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)


def untranslated(catalog: Catalog) -> list[str]:
    """Source strings without a usable translation (missing, empty or fuzzy)."""
    todo = []
    for msg in catalog:
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, (list, tuple)) else [msg.string]
        if msg.fuzzy or not all(strings):
            todo.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return todo


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Translations whose {placeholders} differ from the source: `.format()` would fail at run time."""
    bad = []
    for msg in catalog:
        if not msg.id or not msg.string:
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        strings = [msg.string] if isinstance(msg.string, str) else list(msg.string)
        want = set(_PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if s and set(_PLACEHOLDER.findall(s)) != want:
                bad.append(ids[0])
    return bad


def compile_mo(catalog: Catalog, lang: str) -> Path:
    mo = po_path(lang).with_suffix(".mo")
    with mo.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    return mo


def compile_qt() -> Path | None:
    """qtbase_id.ts -> qtbase_id.qm with PySide6's lrelease (shipped in the pyside6 wheels)."""
    if not QT_TS.exists():
        return None
    qm = QT_TS.with_suffix(".qm")
    lrelease = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if lrelease is None:
        print("pyside6-lrelease tidak ditemukan; qtbase_id.qm tidak diperbarui", file=sys.stderr)
        return None
    subprocess.run([lrelease, "-silent", str(QT_TS), "-qm", str(qm)], check=True)
    return qm


def apply_translations(todo_file: Path, lang: str) -> int:
    """Fill translations from a {source: translation} JSON file; returns how many were applied."""
    done = json.loads(todo_file.read_text("utf-8"))
    catalog = load_po(lang)
    applied = 0
    for source, text in done.items():
        if not text:
            continue
        msg = catalog.get(source)
        if msg is None:
            print(f"tidak ada di katalog (lewati): {source!r}", file=sys.stderr)
            continue
        msg.string = text
        msg.flags.discard("fuzzy")
        applied += 1
    save_po(catalog, lang)
    return applied


def refresh(write_todo: bool = True) -> dict[str, list[str]]:
    """Extract, update every language, compile; returns the untranslated strings per language."""
    template = extract()
    POT.parent.mkdir(parents=True, exist_ok=True)
    with POT.open("wb") as fh:
        write_po(fh, template, width=100, sort_output=False)
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        catalog = load_po(lang)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        save_po(catalog, lang)
        compile_mo(catalog, lang)
        missing[lang] = untranslated(catalog)
        if write_todo:
            TODO_DIR.mkdir(exist_ok=True)
            todo = TODO_DIR / f"i18n-todo-{lang}.json"
            if missing[lang]:
                todo.write_text(
                    json.dumps({m: "" for m in missing[lang]}, ensure_ascii=False, indent=1) + "\n", "utf-8"
                )
            elif todo.exists():
                todo.unlink()
    compile_qt()
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", type=Path, metavar="JSON", help="fill translations from a todo file")
    parser.add_argument("--lang", default="en", help="language of --apply (default en)")
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if anything is missing")
    args = parser.parse_args(argv)
    if args.apply:
        n = apply_translations(args.apply, args.lang)
        print(f"{n} terjemahan diterapkan dari {args.apply}")
    if args.check:
        template = extract()
        bad = 0
        for lang in LANGUAGES:
            catalog = load_po(lang)
            known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
            absent = [
                m.id for m in template if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in known
            ]
            todo = untranslated(catalog) + [a if isinstance(a, str) else a[0] for a in absent]
            for text in todo:
                print(f"[{lang}] belum diterjemahkan: {text!r}")
            bad += len(todo)
        return 1 if bad else 0
    missing = refresh()
    total = len(extract())
    for lang, todo in missing.items():
        state = "lengkap" if not todo else f"{len(todo)} belum diterjemahkan -> build/i18n-todo-{lang}.json"
        print(f"{lang}: {total} string, {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
