"""Office-wide settings kept in the database, as typed sections with declared defaults.

Each feature declares its own frozen dataclass (a "section") with defaults; `load_section` fills it
from the `setting` table and ignores unknown or stale keys, so adding a field never breaks an office's
existing database. Per-user preferences (window size, language) live in `kaltim_desk.user_settings`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.permissions import require
from kaltim_desk.i18n import _
from kaltim_desk.models.setting import Setting

T = TypeVar("T")


def get_raw(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)


def set_raw(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
    session.flush()


def load_section(session: Session, cls: type[T]) -> T:
    """The section `cls` (a dataclass with a `SECTION` name) as stored, defaults for what is missing."""
    stored = get_raw(session, cls.SECTION, {}) or {}  # type: ignore[attr-defined]
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    known = {k: _revive(cls, k, v) for k, v in stored.items() if k in names}
    return cls(**known)


def save_section(session: Session, section: Any) -> None:
    """Store a whole section (admin only) and audit what changed. A section that can be wrong says so
    itself (`problems() -> list[str]`, the messages its form shows): it is refused, nothing is stored."""
    require(session, "settings.edit")
    problems = section.problems() if hasattr(section, "problems") else []
    if problems:
        raise ValidationFailed([DomainError("settings_invalid", p, field=section.SECTION) for p in problems])
    before = get_raw(session, section.SECTION, {}) or {}
    after = dataclasses.asdict(section)
    set_raw(session, section.SECTION, after)
    audit.record(session, "settings.edit", "setting", section.SECTION, changes=audit.changes(before, after))


def _revive(cls: type, name: str, value: Any) -> Any:
    """Turn stored JSON lists back into tuples where the dataclass default is a tuple."""
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    default = f.default if f.default is not dataclasses.MISSING else None
    if isinstance(default, tuple) and isinstance(value, list):
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str
    rank: str = ""
    nip: str = ""


@dataclass(frozen=True)
class OfficeProfile:
    """The office that prints and exports: its letterhead, region and signatories."""

    SECTION = "office"

    office_level: str = "province"  # "province" or "regency"
    region_code: str = "64"  # "64" for the province, "64.72" for Kota Samarinda...
    government_name: str = "PEMERINTAH PROVINSI KALIMANTAN TIMUR"
    agency_name: str = "DINAS SOSIAL"
    address: str = "Jl. Basuki Rahmat No. 92, Samarinda 75117"
    phone: str = "(0541) 741212"
    email: str = "dinsos@kaltimprov.go.id"
    web: str = "dinsos.kaltimprov.go.id"
    city: str = "Samarinda"
    office_code: str = "DINSOS"
    logo_path: str = ""
    # Each signatory: {"name", "position", "rank", "nip"} keyed by role in documents.
    signatories: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "head": {
                "name": "(nama Kepala Dinas)",
                "position": "Kepala Dinas Sosial",
                "rank": "Pembina Utama Muda",
                "nip": "",
            },
            "section_head": {
                "name": "(nama Kepala Bidang)",
                "position": "Kepala Bidang Pemberdayaan Sosial",
                "rank": "Pembina",
                "nip": "",
            },
            # signs "Lunas dibayar" on receipts (DocumentRules.receipt_treasurer)
            "treasurer": {
                "name": "(nama Bendahara Pengeluaran)",
                "position": "Bendahara Pengeluaran",
                "rank": "",
                "nip": "",
            },
        }
    )
    is_demo: bool = False

    def signatory(self, key: str) -> Signatory:
        data = self.signatories.get(key) or next(iter(self.signatories.values()))
        return Signatory(**data)


@dataclass(frozen=True)
class RegistryRules:
    """Rules of the registry that differ by year and office (DOMAIN.md: group size is a setting)."""

    SECTION = "registry"

    group_min_size: int = 5
    group_max_size: int = 20
    group_target_size: int = 10
    warn_male_nik: bool = True

    def problems(self) -> list[str]:
        if not 1 <= self.group_min_size <= self.group_target_size <= self.group_max_size:
            return [_("Ukuran kelompok: paling sedikit ≤ dianjurkan ≤ paling banyak.")]
        return []


def office_profile(session: Session) -> OfficeProfile:
    return load_section(session, OfficeProfile)


def registry_rules(session: Session) -> RegistryRules:
    return load_section(session, RegistryRules)
