"""Batch printing: every agreement of a programme into one PDF, or one file per grant in a folder.

Long work in the app's shape (ARCHITECTURE "Orange3"): `progress(done, total, text)` is called as each
agreement is laid out, `is_cancelled()` is polled between agreements and a cancel raises
`BatchCancelled`; every file is written atomically (a cancelled one-file batch leaves no file at all, a
cancelled folder batch leaves only complete files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, PageBreak

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.progress import Cancelled
from kaltim_desk.documents.agreement import agreement_story, render_agreement
from kaltim_desk.documents.styles import Deferred, write_pdf
from kaltim_desk.documents.templates import load_template

Progress = Callable[[int, int, str], None]


class BatchCancelled(Cancelled):
    """The user cancelled the batch; nothing half-written was left behind."""


class _Mark(Flowable):
    """An invisible flowable after each agreement: lets the build report progress and see a cancel."""

    def __init__(self, index: int, label: str) -> None:
        super().__init__()
        self.index, self.label = index, label

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def file_name(doc: Any) -> str:
    who = doc.party2.group_name or doc.party2.name or "penerima"
    safe = re.sub(r"[^A-Za-z0-9]+", "-", who).strip("-").lower()[:50] or "penerima"
    return f"perjanjian-{doc.grant_id:05d}-{safe}.pdf"


def render_agreements(
    docs: Sequence[Any],
    target: Path | str,
    *,
    one_file: bool = True,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    tpl: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the agreements of `docs` to `target` (a .pdf file, or a folder with `one_file=False`)."""
    if not docs:
        raise DomainError(
            "nothing_to_print", "Tidak ada perjanjian untuk dicetak: belum ada bantuan yang disetujui."
        )
    tpl = tpl or load_template("agreement")
    total = len(docs)
    target = Path(target)

    def check() -> None:
        if is_cancelled is not None and is_cancelled():
            raise BatchCancelled()

    if not one_file:
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for i, doc in enumerate(docs):
            check()
            written.append(render_agreement(doc, target / file_name(doc), tpl=tpl))
            if progress:
                progress(i + 1, total, doc.agreement_number)
        return written

    def agreement(i: int) -> list[Flowable]:
        check()
        doc = docs[i]
        return [
            *([PageBreak()] if i else []),
            *agreement_story(doc, tpl),
            _Mark(i, doc.agreement_number),
        ]

    # the first agreement now (a template error stops the batch before a file is opened), the others
    # when the build reaches them
    story: list[Flowable] = [*agreement(0), *(Deferred(partial(agreement, i)) for i in range(1, total))]

    def after(flowable: Flowable) -> None:
        if isinstance(flowable, _Mark):
            if progress:
                progress(flowable.index + 1, total, flowable.label)
            check()

    title = f"Perjanjian bantuan ({total})"
    author = docs[0].letterhead.agency_name if docs else ""
    write_pdf(target, story, title=title, author=author, after_flowable=after)
    return [target]
