"""Workbooks in an OLE2 container: a password-protected .xlsx (decrypted with msoffcrypto-tool) or an old
.xls and other Office documents (refused: "save it as .xlsx").

The container is recognised by its streams, not by whether decryption works: an encrypted workbook has
`EncryptionInfo` and `EncryptedPackage`, and is always called password-protected, even when its
encryption is of a kind we refuse. The key-iteration count (agile encryption's `spinCount`, Excel
writes 100,000) is read before any key is derived: msoffcrypto derives the key in a Python loop, about
1 s per million rounds, and can not be interrupted, so a file declaring millions of rounds would hold
the import for minutes. `MAX_SPIN_COUNT` keeps that under about a second.
"""

from __future__ import annotations

import io
import struct

from kaltim_desk.imports.errors import ReadError

MAX_SPIN_COUNT = 1_000_000
MAX_INFO_BYTES = 1024 * 1024
_PASSWORD_NS = "http://schemas.microsoft.com/office/2006/keyEncryptor/password"


def _legacy(name: str) -> ReadError:
    return ReadError(
        "legacy_xls",
        f"{name} adalah berkas Excel lama (.xls) atau dokumen Office lain, bukan .xlsx. "
        "Buka di Excel lalu Simpan Sebagai 'Buku Kerja Excel (.xlsx)'.",
    )


def _unsupported(name: str, why: str) -> ReadError:
    return ReadError(
        "encrypted_unsupported",
        f"{name} dilindungi kata sandi, tetapi {why}. Minta pengirim membuka berkasnya di Excel lalu "
        "menyimpannya ulang dengan kata sandi biasa (Berkas > Info > Lindungi Buku Kerja).",
    )


def _spin_count(info: bytes, name: str) -> int:
    """The key-iteration count an EncryptionInfo stream declares (ECMA-376 standard: fixed 50,000)."""
    from defusedxml import ElementTree as DET  # lazy: only encrypted files need it

    if len(info) < 8:
        raise _unsupported(name, "keterangan enkripsinya rusak")
    major, minor = struct.unpack("<HH", info[:4])
    if minor == 2 and major in (2, 3, 4):
        return 50_000
    if (major, minor) != (4, 4):
        raise _unsupported(name, f"jenis enkripsinya ({major}.{minor}) tidak didukung")
    try:
        root = DET.fromstring(info[8:])
    except Exception as exc:
        raise _unsupported(name, "keterangan enkripsinya rusak") from exc
    for el in root.iter(f"{{{_PASSWORD_NS}}}encryptedKey"):
        try:
            return int(el.get("spinCount", ""))
        except ValueError as exc:
            raise _unsupported(name, "keterangan enkripsinya rusak") from exc
    raise _unsupported(name, "tidak dengan kata sandi (mis. sertifikat) yang dapat kami buka")


def decrypt(data: bytes, name: str, password: str | None) -> bytes:
    """The workbook inside an OLE2 container, or a ReadError saying what the container is."""
    import msoffcrypto  # lazy: only encrypted files need it
    import olefile
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        encrypted = ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
        if encrypted:
            if ole.get_size("EncryptionInfo") > MAX_INFO_BYTES:
                raise _unsupported(name, "keterangan enkripsinya tidak wajar")
            info = ole.openstream("EncryptionInfo").read()
    except ReadError:
        raise
    except Exception as exc:
        raise _legacy(name) from exc
    if not encrypted:
        raise _legacy(name)
    spins = _spin_count(info, name)
    if spins > MAX_SPIN_COUNT:
        raise _unsupported(
            name,
            f"kuncinya diputar {spins:,} kali".replace(",", ".")
            + " (Excel memakai 100.000), sehingga membukanya bisa memakan waktu sangat lama",
        )
    if not password:
        raise ReadError(
            "encrypted",
            f"{name} dilindungi kata sandi. Masukkan kata sandinya (ekspor lengkap selalu terenkripsi).",
        )
    out = io.BytesIO()
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        office.decrypt(out)
    except (InvalidKeyError, DecryptionError) as exc:
        raise ReadError("wrong_password", f"Kata sandi untuk {name} salah.") from exc
    except Exception as exc:
        raise ReadError(
            "corrupt", f"{name} dilindungi kata sandi tetapi rusak ({type(exc).__name__})."
        ) from exc
    return out.getvalue()
