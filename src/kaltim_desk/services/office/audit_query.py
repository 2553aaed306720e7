"""Reading the audit trail for the audit page: filters (actor, action, entity, date range, text) in SQL,
paging, and the chain check (RELIABILITY R19). Officers and admins only (`audit.view`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from kaltim_desk.config import sqlite_path
from kaltim_desk.core import audit_anchor
from kaltim_desk.core.audit_anchor import Anchor
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.permissions import require
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.services.office.backup import default_backup_dir, list_backups

ACTION_LABELS = {
    "login": "Masuk",
    "login.failed": "Gagal masuk",
    "user.locked": "Akun dikunci",
    "person.create": "Penerima baru",
    "person.edit": "Ubah penerima",
    "person.deactivate": "Nonaktifkan penerima",
    "person.reactivate": "Aktifkan penerima",
    "group.create": "Kelompok baru",
    "group.edit": "Ubah kelompok",
    "group.status": "Status kelompok",
    "backup.create": "Cadangan",
    "backup.restore": "Pemulihan",
    "audit.accept_restore": "Pemulihan di luar aplikasi diterima",
    "lock.takeover": "Ambil alih kunci",
    "user.create": "Pengguna baru",
    "user.edit": "Ubah pengguna",
    "user.deactivate": "Nonaktifkan pengguna",
    "user.reset_password": "Atur ulang kata sandi",
    "user.change_password": "Ganti kata sandi",
    "settings.edit": "Ubah pengaturan",
}


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""  # exact action, or a prefix ending with "." ("person.")
    entity: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    text: str = ""  # searched in entity id and details

    @classmethod
    def from_page_filter(cls, f: PageFilter) -> AuditFilter:
        extra = dict(f.extra)

        def day(key: str) -> date | None:
            v = extra.get(key)
            return date.fromisoformat(v) if v else None

        return cls(
            actor=extra.get("actor", ""),
            action=extra.get("action", ""),
            entity=extra.get("entity", ""),
            date_from=day("date_from"),
            date_to=day("date_to"),
            text=f.text,
        )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: str | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def summary(self) -> str:
        """The details in one line, for the table ("nama: A → B; alasan: pindah")."""
        if not self.detail:
            return ""
        try:
            data = json.loads(self.detail)
        except ValueError:
            return self.detail
        return _summarise(data)


def _summarise(data: Any) -> str:
    if not isinstance(data, dict):
        return str(data)
    parts: list[str] = []
    for k, v in data.items():
        if k == "changes" and isinstance(v, dict):
            parts.extend(f"{f}: {old} → {new}" for f, (old, new) in ((f, tuple(p)[:2]) for f, p in v.items()))
        elif isinstance(v, dict):
            parts.append(f"{k}: {_summarise(v)}")
        elif v is not None:
            parts.append(f"{k}: {v}")
    return "; ".join(parts)


SORTS = {
    "at": AuditEntry.id,
    "actor": AuditEntry.actor,
    "action": AuditEntry.action,
    "entity": AuditEntry.entity,
}


def _filtered(stmt: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.actor:
        stmt = stmt.where(AuditEntry.actor == f.actor)
    if f.action:
        if f.action.endswith("."):
            stmt = stmt.where(AuditEntry.action.startswith(f.action, autoescape=True))
        else:
            stmt = stmt.where(AuditEntry.action == f.action)
    if f.entity:
        stmt = stmt.where(AuditEntry.entity == f.entity)
    if f.date_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        stmt = stmt.where(AuditEntry.at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    text = f.text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(AuditEntry.entity_id == text, AuditEntry.detail.ilike(like)))
    return stmt


def count_entries(session: Session, f: AuditFilter | PageFilter) -> int:
    require(session, "audit.view")
    af = f if isinstance(f, AuditFilter) else AuditFilter.from_page_filter(f)
    return int(session.scalar(_filtered(select(func.count()).select_from(AuditEntry), af)) or 0)


def page_entries(
    session: Session,
    f: AuditFilter | PageFilter,
    sort: str = "at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> Sequence[AuditRow]:
    require(session, "audit.view")
    af = f if isinstance(f, AuditFilter) else AuditFilter.from_page_filter(f)
    col = SORTS.get(sort, AuditEntry.id)
    order: list[Any] = [col.desc() if descending else col.asc()]
    if col is not AuditEntry.id:
        order.append(AuditEntry.id.desc())
    stmt = _filtered(select(AuditEntry), af).order_by(*order).offset(offset).limit(limit)
    return [
        AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.detail)
        for r in session.scalars(stmt)
    ]


def distinct_values(session: Session, column: str) -> list[str]:
    """The actors, actions or entities present, for the filter drop-downs."""
    require(session, "audit.view")
    col = {"actor": AuditEntry.actor, "action": AuditEntry.action, "entity": AuditEntry.entity}[column]
    return [v for (v,) in session.execute(select(col).distinct().order_by(col)) if v]


def verify_chain(session: Session) -> tuple[bool, str]:
    """The audit chain check, as the page shows it."""
    require(session, "audit.view")
    backup = newest_backup_anchor(session)
    return audit_anchor.chain_status(session, [backup] if backup else [])


def newest_backup_anchor(session: Session) -> Anchor | None:
    """The head of the newest backup in the automatic backup folder beside an SQLite database: a copy
    of the audit chain's head the live chain must still hold."""
    path = sqlite_path(session.get_bind().engine.url.render_as_string(hide_password=True))
    if path is None:
        return None
    backups = [b for b in list_backups(default_backup_dir(path)) if b.path.name.startswith(path.stem + "-")]
    if not backups:
        return None
    newest = max(backups, key=lambda b: (b.created, b.path.stat().st_mtime_ns))
    return audit_anchor.backup_head(newest.path)
