"""Making the demo office: `create_demo_office` runs each feature's step (its module's `populate(ctx)`) in
one transaction on an empty database."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from kaltim_desk.core import audit
from kaltim_desk.core.actor import SYSTEM_ACTOR
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.progress import Progress
from kaltim_desk.db import Database
from kaltim_desk.demo import aid, excel, monitoring, registry, training, users
from kaltim_desk.demo.context import DemoContext


def _steps() -> list[tuple[str, Callable[[DemoContext], None]]]:
    return [
        ("Pengguna demo", users.populate),
        ("Penerima dan kelompok", registry.populate),
        ("Bantuan", aid.populate),
        ("Pelatihan", training.populate),
        ("Pendampingan", monitoring.populate),
        ("Kunci NIK", excel.populate),
    ]


def create_demo_office(
    db: Database,
    *,
    people: int = 300,
    seed: int = 2026,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> DemoContext:
    """Fill an empty database with a demo office, all in one transaction (cancel leaves it empty)."""
    if people < 20:
        raise DomainError("demo_too_small", "Kantor demo membutuhkan paling sedikit 20 penerima.")
    steps = _steps()
    with db.session(SYSTEM_ACTOR) as session:
        from sqlalchemy import func, select

        from kaltim_desk.models.person import Person

        if session.scalar(select(func.count()).select_from(Person)):
            raise DomainError(
                "demo_not_empty",
                "Basis data sudah berisi data; kantor demo hanya dibuat di basis data kosong.",
            )
        ctx = DemoContext(session=session, rng=Random(seed), people=people)
        for i, (label, step) in enumerate(steps):
            if is_cancelled and is_cancelled():
                raise DomainError("cancelled", "Pembuatan kantor demo dibatalkan; tidak ada yang disimpan.")
            if progress:
                progress(i, len(steps), label)
            step(ctx)
            session.flush()
        audit.record(session, "demo.create", "office", None, people=people, seed=seed)
        if progress:
            progress(len(steps), len(steps), "Selesai")
    return ctx
