"""Printing the aid papers: jobs the command line (`print agreement|...`) and the Bantuan page share.

A job owns its units of work: the paper's DTO is assembled in one short unit of work (numbers are issued
and committed there, so a reprint reuses them), then the PDF is rendered with no session held.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.progress import Progress
from kaltim_desk.db import Database
from kaltim_desk.documents.batch import render_agreements
from kaltim_desk.documents.letterhead import logo_problem
from kaltim_desk.services.aid import papers, programmes
from kaltim_desk.services.aid.paper_kinds import GRANT_PAPERS


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
    """Render the paper `kind` (a key of `GRANT_PAPERS`) of a grant to `out` (atomically) and return
    the path. `tranche` picks the receipt's or the cash BAST's tranche (default: the last one paid).
    What the signing officer should know before signing (a logo that did not print) is appended to
    `warnings`. A reprint is a SALINAN unless `original` is asked by a role that may
    (core/document_rules.py)."""
    paper = GRANT_PAPERS.get(kind)
    if paper is None:
        raise ValueError(f"unknown aid document {kind!r}")
    with db.session(actor) as s:
        doc = paper.assemble(s, grant_id, tranche, original=original)
    path = paper.render(doc, out)
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
