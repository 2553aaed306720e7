"""Tables of the Excel feature: import batches, the export log and the exports a province has seen.

- `ImportBatch`: one committed import (a file, a sheet), so that it can be listed and rolled back as a
  whole; people and groups carry its id in their own `import_batch_id` column.
- `ExportLog`: every workbook the office exported, numbered per office (`sequence`), full or masked,
  with the reason for a full export, the row count and the checksum written into the workbook.
- `SeenExport`: the district exports a consolidating (province) office has accepted, so that a replayed
  or older export of the same office is refused next time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base, utcnow
from kaltim_desk.models.vocabulary import ImportStatus, check_in

IMPORT_STATUSES = tuple(ImportStatus)


class ImportBatch(Base):
    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint(check_in("status", ImportStatus), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    sheet: Mapped[str] = mapped_column(String(120), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    committed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    rollback_reason: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(60), nullable=False)
    rows_read: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    groups_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(
        String(12), nullable=False, default=ImportStatus.COMMITTED.value, index=True
    )


class ExportLog(Base):
    __tablename__ = "export_log"
    __table_args__ = (UniqueConstraint("office_code", "sequence", name="uq_export_log_office_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_code: Mapped[str] = mapped_column(String(20), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    is_full: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(60), nullable=False)
    exported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    checksum: Mapped[str] = mapped_column(String(64), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)


class SeenExport(Base):
    __tablename__ = "seen_export"
    __table_args__ = (UniqueConstraint("office_code", "sequence", name="uq_seen_export_office_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_code: Mapped[str] = mapped_column(String(20), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    checksum: Mapped[str] = mapped_column(String(64), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    seen_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
