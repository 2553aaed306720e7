"""R4: a database on a network drive, a UNC path or a synced folder is recognised (drive types injected)."""

from __future__ import annotations

import pytest

from kaltim_desk.services.office import startup


def _drives(kinds: dict[str, int]):  # type: ignore[no-untyped-def]
    return lambda root: kinds.get(root, 3)  # 3 = DRIVE_FIXED


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (r"\\server\share\kaltim\kaltim-desk.db", "unc"),
        ("//server/share/kaltim-desk.db", "unc"),
        (r"Z:\data\kaltim-desk.db", "network_drive"),
        (r"C:\Users\siti\OneDrive - Dinsos\kaltim-desk.db", "synced"),
        (r"C:\Users\siti\Dropbox\kaltim-desk.db", "synced"),
        (r"C:\Users\siti\AppData\Local\KaltimDesk\kaltim-desk.db", "local"),
        (r"D:\kantor\kaltim-desk.db", "local"),
    ],
)
def test_windows_locations(path: str, kind: str) -> None:
    where = startup.locate(path, os_name="nt", drive_type=_drives({"Z:\\": startup.DRIVE_REMOTE}))
    assert where.kind == kind
    assert where.remote == (kind != "local")
    if where.remote:
        assert where.message


def test_linux_network_mounts() -> None:
    mounts = lambda: [("/", "ext4"), ("/mnt/kantor", "cifs"), ("/home", "ext4")]  # noqa: E731
    assert startup.locate("/mnt/kantor/kaltim-desk.db", os_name="posix", mounts=mounts).kind == "network_fs"
    assert startup.locate("/home/siti/kaltim-desk.db", os_name="posix", mounts=mounts).kind == "local"


def test_refusal_message_names_the_way_out() -> None:
    text = startup.NETWORK_REFUSED.format(where="Basis data berada di drive jaringan Z:.")
    assert "hanya-baca" in text and "mode satu pengguna" in text
