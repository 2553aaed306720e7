"""`kaltim-desk print ...` for the aid documents, the demo office's aid, and the integrity check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kaltim_desk.cli import main
from kaltim_desk.commands.printing import PrintKind, collect_kinds
from kaltim_desk.models.grant import Grant
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.checks import run_checks
from tests.conftest import ADMIN
from tests.factories import MONTHS_AGO, bring_to, group_grant, make_programme, open_visit_gate


def _text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture
def printed_db(db: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    open_visit_gate(monkeypatch)
    with db.session(ADMIN) as s:
        prog = make_programme(s, name="Bantuan KUBE CLI")
        g = bring_to(s, group_grant(s, prog.id, amount=12_000_000, name="KUBE Kamboja").id, R.SIGNED)
        from kaltim_desk.services.aid import grants

        grants.pay_tranche(s, g.id, 1, paid_on=MONTHS_AGO, bank_reference="SP2D-12")
        proposed = group_grant(s, prog.id, name="KUBE Kertas")
    url = db.url  # --db takes a file or a URL (PostgreSQL runs of the suite)
    db.dispose()
    return {
        "db": url,
        "grant": g.id,
        "programme": prog.id,
        "proposed": proposed.id,
        "number": g.agreement_number,
    }


def test_the_dispatcher_collects_every_kind_and_a_missing_module_is_an_error():
    kinds = collect_kinds()
    assert set(kinds) == {
        "agreement",
        "handover",
        "receipt",
        "group-summary",
        "agreements",
        "certificates",
        "certificate-calibration",
    }
    assert all(isinstance(k, PrintKind) for k in kinds.values())
    # A build without one of its print modules is broken: it must fail loudly, not lose a command.
    with pytest.raises(ModuleNotFoundError):
        collect_kinds(("kaltim_desk.commands.print_aid", "kaltim_desk.commands.print_not_yet_written"))


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("agreement", [], "PERJANJIAN PEMBERIAN BANTUAN MODAL USAHA"),
        ("handover", [], "BERITA ACARA SERAH TERIMA"),
        ("receipt", ["--tranche", "1"], "Enam Juta Rupiah"),
        ("group-summary", [], "RINGKASAN KELOMPOK USAHA BERSAMA"),
    ],
)
def test_print_one_document(printed_db, tmp_path, capsys, kind, extra, expected):
    out = tmp_path / f"{kind}.pdf"
    rc = main(
        [
            "print",
            kind,
            "--db",
            printed_db["db"],
            "--grant",
            str(printed_db["grant"]),
            "--out",
            str(out),
            *extra,
        ]
    )
    assert rc == 0
    assert capsys.readouterr().out.strip() == f"Dicetak ke {out}."
    text = _text(out)
    assert expected in text and "KUBE KAMBOJA" in text


def test_print_all_agreements_of_a_programme(printed_db, tmp_path, capsys):
    out = tmp_path / "semua.pdf"
    assert (
        main(
            [
                "print",
                "agreements",
                "--db",
                printed_db["db"],
                "--programme",
                str(printed_db["programme"]),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = _text(out)
    assert f"Nomor: {printed_db['number']}" in text and "KUBE KERTAS" not in text  # only approved and later
    folder = tmp_path / "folder"
    assert (
        main(
            [
                "print",
                "agreements",
                "--db",
                printed_db["db"],
                "--programme",
                str(printed_db["programme"]),
                "--out",
                str(folder),
            ]
        )
        == 0
    )
    assert [p.name for p in folder.iterdir()] == [f"perjanjian-{printed_db['grant']:05d}-kube-kamboja.pdf"]
    assert capsys.readouterr().out.splitlines()[-1] == f"1 perjanjian dicetak ke folder {folder}."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grant", "999"], "Bantuan dengan kunci 999 tidak ditemukan."),
        (["--grant", "PROPOSED"], "Perjanjian belum dapat dicetak: bantuan berstatus Diusulkan."),
        (["--grant", "GRANT", "--out-ext", ".txt"], "nama berkas keluaran harus berakhiran .pdf"),
    ],
)
def test_bad_requests_exit_2_with_a_clear_message(printed_db, tmp_path, capsys, args, message):
    grant = {"PROPOSED": printed_db["proposed"], "GRANT": printed_db["grant"]}
    ext = ".pdf"
    argv = ["print", "agreement", "--db", printed_db["db"]]
    it = iter(args)
    for a in it:
        if a == "--out-ext":
            ext = next(it)
        else:
            v = next(it)
            argv += [a, str(grant.get(v, v))]
    argv += ["--out", str(tmp_path / f"x{ext}")]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / f"x{ext}").exists()


def test_a_receipt_of_an_unpaid_tranche_is_refused(printed_db, tmp_path, capsys):
    argv = [
        "print",
        "receipt",
        "--db",
        printed_db["db"],
        "--grant",
        str(printed_db["grant"]),
        "--tranche",
        "2",
    ]
    assert main([*argv, "--out", str(tmp_path / "k.pdf")]) == 2
    assert "Tahap 2 belum dibayar" in capsys.readouterr().err


def test_the_demo_office_has_grants_at_every_status_and_a_printable_agreement(tmp_path, capsys):
    dbfile = tmp_path / "demo.db"
    assert main(["demo", "--db", str(dbfile), "--people", "160"]) == 0
    from kaltim_desk.db import Database

    database = Database(f"sqlite:///{dbfile}")
    with database.read_session(ADMIN) as s:
        statuses = set(s.scalars(select(Grant.status).distinct()))
        signed = s.scalar(
            select(Grant.id).where(Grant.status == "agreement_signed", Grant.agreement_number.is_not(None))
        )
        forms = dict(s.execute(select(Grant.form, func.count()).group_by(Grant.form)).all())
        checks = {r.name: r for r in run_checks(s)}
    database.dispose()
    assert statuses == set(R.STATUSES)
    assert forms["goods"] >= 3 and forms["cash"] >= 10
    assert checks["Aturan bantuan"].ok, checks["Aturan bantuan"].message
    out = tmp_path / "a.pdf"
    assert main(["print", "agreement", "--db", str(dbfile), "--grant", str(signed), "--out", str(out)]) == 0
    assert "PIHAK KEDUA" in _text(out)
