"""scripts/screenshots.py: shoots the screens it is asked for, lists what does not fit, exits 0 when all fit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_login_screens_are_shot_and_fit_at_125_percent(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "screenshots.py"),
            "--out",
            str(tmp_path),
            "--scale",
            "1.25",
            "--people",
            "20",
            "--only",
            "login",
            "--only",
            "wizard-start-demo",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots == ["01-wizard-start-demo.png", "02-login-demo.png", "03-login-wrong-password.png"]
    assert "area kerja 1093x582" in result.stdout and "Semua muat." in result.stdout


def test_a_bad_screen_size_is_refused_in_indonesian(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path), "--size", "besar"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "LEBARxTINGGI" in result.stderr
