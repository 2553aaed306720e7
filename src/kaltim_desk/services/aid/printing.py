"""Printing the aid papers: jobs the command line (`print agreement|...`) and the Bantuan page share.

A job owns its units of work: the paper's DTO is assembled in one short unit of work (numbers are issued
and committed there, so a reprint reuses them), then the PDF is rendered with no session held.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database
from kaltim_desk.documents.agreement import render_agreement
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.group_summary import render_group_summary
from kaltim_desk.documents.handover import render_handover
from kaltim_desk.documents.letterhead import logo_problem
from kaltim_desk.documents.receipt import render_receipt
from kaltim_desk.services.aid import papers, programmes

Progress = Callable[[int, int, str], None]

DOCUMENTS = ("agreement", "handover", "receipt", "group-summary")


def print_grant_document_job(
    db: Database,
    actor: Actor,
    kind: str,
    grant_id: int,
    out: Path,
    *,
    tranche: int | None = None,
    warnings: list[str] | None = None,
    original: bool = False,
) -> Path:
    """Render one document of a grant to `out` (atomically) and return the path. `tranche` picks the
    receipt's or the cash BAST's tranche (default: the last one paid). What the signing officer should
    know before signing (a logo that did not print) is appended to `warnings`. A reprint is a SALINAN
    unless `original` is asked by a role that may (core/document_rules.py)."""
    with db.session(actor) as s:
        doc: Any
        if kind == "agreement":
            doc, render = papers.agreement_document(s, grant_id, original=original), render_agreement
        elif kind == "handover":
            doc, render = papers.handover_document(s, grant_id, tranche, original=original), render_handover
        elif kind == "receipt":
            doc, render = papers.receipt_document(s, grant_id, tranche, original=original), render_receipt
        elif kind == "group-summary":
            doc, render = papers.group_summary_document(s, grant_id=grant_id), render_group_summary
        else:
            raise ValueError(f"unknown aid document {kind!r}")
    path = render(doc, out)
    problem = logo_problem(doc.letterhead.logo_path)
    if problem and warnings is not None:
        warnings.append(problem)
    return path


def print_programme_agreements_job(
    db: Database,
    actor: Actor,
    programme_id: int,
    out: Path,
    *,
    one_file: bool = True,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """All agreements of a programme (approved and later) into one PDF or a folder."""
    with db.session(actor) as s:
        programmes.get_programme(s, programme_id)  # a clear "not found" for a wrong id
        docs = papers.agreement_documents(s, programme_id)
    return render_agreements(docs, out, one_file=one_file, progress=progress, is_cancelled=is_cancelled)
