"""What a masked export shows of a person's identity numbers, and the NIK fingerprint the province
deduplicates on. The decisions and their reasons are in docs/SECURITY.md ("Ekspor tersamar").

A NIK is 6 digits of region (kecamatan), 6 of birth date (DDMMYY, day + 40 for a woman) and a 4-digit
serial. The old mask hid only the date digits (``640204******0001``) while the same row showed the birth
date and sex: exactly the hidden digits. A masked row now shows:

- NIK and No. KK: the 6 region digits only (``640204**********``): neither the date nor the serial;
- the birth *year* instead of the birth date (the province works in age bands);
- `KUNCI NIK`: an HMAC-SHA256 fingerprint of the NIK under the province's secret key.

Left to guess from a masked row: day and month (366) times serial (up to 10,000), millions of NIKs per
person, and no way to tell the right one without the key. The fingerprint is a keyed hash because the
plausible NIKs are few (~10^11): an unkeyed hash (or one under a key everybody knows, as the old
built-in default was) is reversed by trying them all.

The key is made once by the province (`kaltim-desk nik-key new`), sent to every district office as a
key file and installed there (`kaltim-desk nik-key install FILE`, admin); it is stored in the office
settings (`excel.nik_key`), so it is in the database and its backups, which hold the full NIKs anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

KEY_FILE_HEADER = "kaltim-desk-nik-key/2"
MIN_KEY_CHARS = 32
# The built-in key of earlier versions: public, so fingerprints made with it are reversible.
LEGACY_PUBLIC_KEY = "kaltim-desk/nik-key/v1"
LEGACY_PUBLIC_KEY_ID = hashlib.sha256(LEGACY_PUBLIC_KEY.encode("utf-8")).hexdigest()[:8]
VISIBLE_DIGITS = 6
_KEY_CHARS = re.compile(r"[A-Za-z0-9_\-]+")


class KeyFileError(ValueError):
    """A key file or key text that can not be used; the message is for the person installing it."""


def mask_id(value: str | None) -> str:
    """A NIK or No. KK as a masked export shows it: the region digits, the rest starred
    (``6402041507860001`` -> ``640204**********``). A value masked before, in this form or the old
    ``640204******0001``, is masked the same way; anything else is starred whole."""
    if not value:
        return ""
    v = "".join(ch for ch in str(value) if not ch.isspace())
    if len(v) == 16 and v[:VISIBLE_DIGITS].isdigit() and all(ch.isdigit() or ch == "*" for ch in v):
        return v[:VISIBLE_DIGITS] + "*" * (16 - VISIBLE_DIGITS)
    return "*" * max(len(v), 16 - VISIBLE_DIGITS)


def new_key() -> str:
    """A fresh province key: 256 random bits as URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def check_key(key: str) -> str:
    """The key text, stripped, or KeyFileError when it is too short, malformed or the old public key."""
    key = (key or "").strip()
    if key == LEGACY_PUBLIC_KEY:
        raise KeyFileError("kunci ini adalah kunci bawaan lama yang diketahui umum; minta kunci provinsi")
    if len(key) < MIN_KEY_CHARS or not _KEY_CHARS.fullmatch(key):
        raise KeyFileError(
            f"kunci tidak sah (harus minimal {MIN_KEY_CHARS} huruf/angka acak dari `kaltim-desk nik-key new`)"
        )
    return key


def key_id(key: str) -> str:
    """8 hex digits naming a key (in each export's metadata) without revealing it."""
    return hashlib.sha256(b"kaltim-desk nik key id\x00" + key.encode("utf-8")).hexdigest()[:8]


def fingerprint(key: bytes, nik: str) -> str:
    """HMAC-SHA256 of the NIK under the province key, 128 bits as 32 hex digits. One C call per row."""
    return hmac.digest(key, nik.encode("ascii", "replace"), "sha256")[:16].hex()


def key_file_text(key: str, issuer: str) -> str:
    """The key file the province sends to the district offices."""
    return (
        f"{KEY_FILE_HEADER}\n"
        f"# Kunci sidik NIK untuk ekspor BNBA. Penerbit: {issuer}\n"
        "# RAHASIA: simpan seperti cadangan basis data; jangan dikirim bersama berkas ekspor.\n"
        f"id: {key_id(key)}\n"
        f"key: {key}\n"
    )


def parse_key_file(text: str) -> str:
    """The key held in a key file's text; KeyFileError says what is wrong."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if not lines or lines[0] != KEY_FILE_HEADER:
        raise KeyFileError("bukan berkas kunci NIK Kaltim Desk (baris pertama harus " + KEY_FILE_HEADER + ")")
    fields = dict(ln.split(":", 1) for ln in lines[1:] if ":" in ln)
    key = check_key(fields.get("key", ""))
    stated = fields.get("id", "").strip()
    if stated and stated != key_id(key):
        raise KeyFileError(f"berkas kunci rusak: id {stated} tidak cocok dengan kuncinya")
    return key
