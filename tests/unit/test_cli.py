"""The command line: demo then check succeed; bad arguments and bad files give clear messages and a
non-zero exit, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from kaltim_desk import __version__
from kaltim_desk.cli import main


def test_demo_then_check_succeed(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["demo", "--db", str(db), "--people", "60"]) == 0
    assert "60 penerima" in capsys.readouterr().out
    assert main(["check", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Semua pemeriksaan lulus." in out
    assert "GAGAL" not in out


def test_demo_refuses_a_database_that_already_has_data(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["demo", "--db", str(db), "--people", "30"]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", str(db), "--people", "30"]) == 2
    assert "sudah berisi data" in capsys.readouterr().err


def test_check_names_a_problem_and_exits_non_zero(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["demo", "--db", str(db), "--people", "30"]) == 0
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")  # the safety feature may forbid this edit
    con.execute("UPDATE audit_log SET actor = 'penyusup' WHERE id = (SELECT MIN(id) FROM audit_log)")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["check", "--db", str(db)]) != 0
    out = capsys.readouterr().out
    assert "GAGAL" in out and "Jejak audit" in out and "#1" in out


def test_missing_database_file_is_a_clear_error(tmp_path, capsys):
    assert main(["check", "--db", str(tmp_path / "tidak-ada.db")]) == 2
    err = capsys.readouterr().err
    assert "Basis data tidak ditemukan" in err and "Traceback" not in err


def test_a_file_that_is_not_a_database_is_refused(tmp_path, capsys):
    bogus = tmp_path / "laporan.db"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a database")
    assert main(["check", "--db", str(bogus)]) == 2
    assert "bukan berkas basis data" in capsys.readouterr().err


def test_bad_arguments_exit_2_with_an_indonesian_message(tmp_path, capsys):
    try:
        main(["demo", "--db", str(tmp_path / "x.db"), "--people", "banyak"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "galat" in err
    assert main(["demo", "--db", str(tmp_path / "y.db"), "--people", "5"]) == 2
    assert "paling sedikit 20" in capsys.readouterr().err


def test_version_through_the_installed_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "kaltim_desk", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"Kaltim Desk {__version__}"
