"""Printing certificates: the job the command line (`print certificates`) and the Pelatihan page share.

Read the certificates in one read session, render them (no session held while the PDF is made), then
count the prints in a second short unit of work, so a reprint later comes out marked as a copy. With
`issue_missing` the certificates still missing for participants who completed the training are issued
first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.progress import Progress
from kaltim_desk.db import Database
from kaltim_desk.documents.certificate import render_calibration, render_certificates
from kaltim_desk.documents.certificate_batch import render_per_participant
from kaltim_desk.documents.letterhead import logo_problem
from kaltim_desk.services.training import certificates


@dataclass(frozen=True)
class PrintOutcome:
    files: tuple[Path, ...]
    count: int
    copies: int
    issued: int = 0
    warnings: tuple[str, ...] = ()  # e.g. the logo that did not print


def print_certificates_job(
    db: Database,
    actor: Actor,
    training_id: int,
    out: Path,
    *,
    per_participant: bool = False,
    certificate_ids: list[int] | None = None,
    issue_missing: bool = False,
    original: bool = False,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> PrintOutcome:
    issued = 0
    if issue_missing:
        with db.session(actor) as s:
            issued = len(certificates.issue_for_training(s, training_id).issued)
    with db.read_session(actor) as s:
        docs = certificates.documents_for_print(s, training_id, certificate_ids, original=original)
        template = certificates.certificate_template(certificates.certificate_settings(s))
    if not docs:
        raise DomainError(
            "no_certificates",
            "Belum ada sertifikat yang dapat dicetak untuk pelatihan ini; terbitkan dulu sertifikat "
            "bagi peserta yang lulus.",
        )
    if per_participant:
        files = tuple(
            render_per_participant(docs, template, out, progress=progress, is_cancelled=is_cancelled)
        )
    else:
        files = (render_certificates(docs, template, out, progress=progress, is_cancelled=is_cancelled),)
    with db.session(actor) as s:
        certificates.mark_printed(s, [d.certificate_id for d in docs])
    logo = logo_problem(docs[0].logo_path) if template.show_logo and not template.preprinted else None
    return PrintOutcome(files, len(docs), sum(1 for d in docs if d.is_copy), issued, (logo,) if logo else ())


def print_calibration_job(db: Database, actor: Actor, out: Path) -> str:
    """The calibration page of the office's pre-printed blank positions (as if pre-printing were on);
    returns the orientation it was made for."""
    with db.read_session(actor) as s:
        cfg = certificates.certificate_settings(s)
        template = certificates.certificate_template(replace(cfg, preprinted=True))
    render_calibration(template, out)
    return template.orientation
