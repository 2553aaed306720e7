"""`verify`: check a training certificate's verification code offline, against this office's register.

Exit codes: 0 valid; 3 revoked; 4 unknown, malformed or changed since issue (2 stays "refused",
1 "unexpected failure", as for every command)."""

from __future__ import annotations

import argparse

EXIT_VALID, EXIT_REVOKED, EXIT_UNKNOWN = 0, 3, 4

STATUS_WORDS = {
    "valid": "SAH",
    "revoked": "DICABUT",
    "invalid": "TIDAK SAH (data berubah)",
    "unknown": "TIDAK DIKENAL",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    verify = sub.add_parser(
        "verify",
        help="periksa keaslian sertifikat pelatihan dari kode verifikasinya",
        description="Memeriksa kode verifikasi sertifikat (STTP) terhadap register sertifikat di basis data "
        "ini, tanpa internet. Keluar 0 bila sah, 3 bila dicabut, 4 bila tidak dikenal.",
    )
    add_db_argument(verify)
    verify.add_argument("code", metavar="KODE", help="kode verifikasi, mis. ABCD-EFGH-JKLM-NPQR")
    verify.set_defaults(func=run_verify)


def describe(result: object) -> list[str]:
    """The lines a person reads for a verification result (shared with the Verify dialog)."""
    from kaltim_desk.documents.certificate import date_range_id
    from kaltim_desk.domain.dates import format_date_id
    from kaltim_desk.services.training.certificates import VerifyResult

    assert isinstance(result, VerifyResult)
    lines = [f"Status   : {STATUS_WORDS.get(result.status, result.status)}", result.message]
    if result.number:
        lines += [
            f"Nomor    : {result.number}",
            f"Nama     : {result.name}",
            f"NIK      : {result.nik_masked}",
            f"Pelatihan: {result.training_title}",
        ]
        if result.start_date and result.end_date:
            lines.append(f"Tanggal  : {date_range_id(result.start_date, result.end_date)}")
        if result.hours is not None:
            lines.append(f"Durasi   : {result.hours} JP")
        if result.issued_on:
            lines.append(f"Terbit   : {format_date_id(result.issued_on)}")
        if result.revoked_at:
            lines.append(f"Dicabut  : {format_date_id(result.revoked_at)} — {result.revoked_reason}")
    return lines


def run_verify(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor, open_db
    from kaltim_desk.services.training import certificates

    db = open_db(args)
    try:
        with db.session(cli_actor()) as s:  # a first verify may create the office secret
            result = certificates.verify(s, args.code)
    finally:
        db.dispose()
    for line in describe(result):
        print(line)
    if result.status == "valid":
        return EXIT_VALID
    if result.status == "revoked":
        return EXIT_REVOKED
    return EXIT_UNKNOWN
