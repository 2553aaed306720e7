"""The frozen program: build the Linux bundle with the real PyInstaller spec, then run it the way office
IT would after installing: `kaltim-desk --version` and `kaltim-desk selftest` (demo office, a PDF and a
workbook, all checked) from the frozen binary, with no Python or source tree around it.

The build is the slow part: 166 s of CPU time for the whole test (PyInstaller is single-threaded, so
about 3 minutes on an idle CI machine; 26 minutes when 8 engineers share 2 cores). It runs once per
test run (module-scoped fixture) in the default `uv run pytest`, marked `slow`:
`-m "not slow"` or `KALTIM_FROZEN_BUNDLE=0` skips it; `KALTIM_FROZEN_BUNDLE=/path/to/dist/kaltim-desk`
tests an existing bundle instead of building one.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTING = os.environ.get("KALTIM_FROZEN_BUNDLE", "1")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SETTING in ("0", "no", "false"), reason="KALTIM_FROZEN_BUNDLE=0: frozen bundle skipped"
    ),
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None, reason="PyInstaller not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="the Windows build runs installer/build_windows.ps1"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SETTING not in ("1", "yes", "true"):
        return Path(SETTING)
    out = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", str(ROOT / "installer" / "kaltim-desk.spec")),
            *("--noconfirm", "--log-level", "WARN"),
            *("--distpath", str(out / "dist"), "--workpath", str(out / "work")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return out / "dist" / "kaltim-desk"


def _run(bundle: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "KALTIM_DESK_DATA_DIR": str(tmp / "data"),
        "KALTIM_DESK_CONFIG_DIR": str(tmp / "config"),
    }
    # cwd outside the source tree, no PYTHONPATH: only what the bundle carries can be imported.
    return subprocess.run(
        [str(bundle / "kaltim-desk"), *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_frozen_program_prints_its_version(bundle: Path, tmp_path: Path) -> None:
    from kaltim_desk import __version__

    result = _run(bundle, "--version", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Kaltim Desk {__version__}"


def test_the_frozen_program_passes_its_selftest(bundle: Path, tmp_path: Path) -> None:
    result = _run(bundle, "selftest", tmp=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bundel beku" in result.stdout  # really the frozen interpreter
    assert "Semua pemeriksaan lulus." in result.stdout
    for label in ("Basis data demo", "defusedxml", "Dokumen PDF", "Buku kerja Excel"):
        assert f"OK    {label}:" in result.stdout


def test_the_bundle_carries_its_data_and_not_other_languages(bundle: Path) -> None:
    internal = bundle / "_internal"
    for part in (
        "resources/help/panduan.html",
        "resources/help/guide-en.html",
        "resources/translations/en/LC_MESSAGES/kaltim_desk.mo",
        "resources/translations/qt/qtbase_id.qm",
        "resources/icons/kaltim-desk.png",
        "resources/fonts/DejaVuSerif.ttf",
        "kaltim_desk/migrations/env.py",
        "kaltim_desk/migrations/versions/0001_foundation.py",
        "lokal/data/wilayah.json.gz",
        "babel/locale-data/id.dat",
    ):
        assert (internal / part).exists(), part
    assert not (internal / "babel" / "locale-data" / "fr.dat").exists()
