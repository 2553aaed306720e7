"""The SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from __future__ import annotations

from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.base import Base
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.issued_document import IssuedDocument
from kaltim_desk.models.numbering import IssuedNumber, NumberSequence
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.setting import Setting

# Each feature's tables live in its own module; importing them here makes `Base.metadata` complete.
from kaltim_desk.models import grant, import_batch, monitoring, training, user  # noqa: F401  isort: skip

__all__ = [
    "AuditEntry",
    "Base",
    "GroupMember",
    "IssuedDocument",
    "IssuedNumber",
    "KubeGroup",
    "NumberSequence",
    "Person",
    "Region",
    "Setting",
]
