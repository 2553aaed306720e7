"""The command line speaks Indonesian, argparse's own words included (issue 16)."""

from __future__ import annotations

import pytest

from kaltim_desk.cli import build_parser, main


def test_help_is_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("pemakaian: kaltim-desk")
    assert "argumen posisi:" in out and "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out
    for english in ("usage:", "options:", "show this help", "positional arguments", "version number"):
        assert english not in out


def test_a_wrong_command_is_refused_in_indonesian_with_exit_code_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["cetak-semua"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "galat: argumen PERINTAH: pilihan tidak sah: 'cetak-semua'" in err
    assert "invalid choice" not in err


def test_a_missing_argument_is_named_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export"])
    assert exit_info.value.code == 2
    assert "argumen berikut wajib diisi: kind, --out" in capsys.readouterr().err


def test_without_a_display_the_window_command_says_so_instead_of_a_core_dump(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "tidak punya layar grafis" in err and "kaltim-desk --help" in err
