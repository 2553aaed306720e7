"""Demo people and KUBE groups, inserted in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, func, insert, select

from kaltim_desk.core.dto import BUSINESS_TYPES, VULNERABILITY_CATEGORIES
from kaltim_desk.core.settings import OfficeProfile, set_raw
from kaltim_desk.demo.names import BANKS, BIRTH_PLACES, FIRST_NAMES, GROUP_NAMES, LAST_NAMES, STREETS
from kaltim_desk.models.base import Base, utcnow
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region

if TYPE_CHECKING:
    from kaltim_desk.demo.context import DemoContext

CHUNK = 5000
DEMO_PROFILE = OfficeProfile(
    office_level="province",
    region_code="64",
    government_name="PEMERINTAH PROVINSI KALIMANTAN TIMUR",
    agency_name="DINAS SOSIAL (KANTOR DEMO)",
    city="Samarinda",
    office_code="DINSOS",
    signatories={
        "head": {
            "name": "Dra. HJ. NOR HAYATI, M.Si",
            "position": "Kepala Dinas Sosial",
            "rank": "Pembina Utama Muda",
            "nip": "196805121993032004",
        },
        "section_head": {
            "name": "RAHMAN HIDAYAT, S.Sos",
            "position": "Kepala Bidang Pemberdayaan Sosial",
            "rank": "Pembina",
            "nip": "197403182000031002",
        },
        "treasurer": {
            "name": "NURUL HASANAH, S.E.",
            "position": "Bendahara Pengeluaran",
            "rank": "Penata",
            "nip": "198203152006042001",
        },
    },
    is_demo=True,
)


def _nik(district6: str, born: date, serial: int) -> str:
    """A woman's NIK (day + 40), the layout `domain.nik.encode_nik` checks; composed directly because
    that check costs more than the rest of a demo row together (tests check these NIKs are valid)."""
    return f"{district6}{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def populate(ctx: DemoContext) -> None:
    from kaltim_desk.services.registry import search

    # Inserting 100,000 people: the name index is filled once at the end, not row by row by the trigger.
    with search.bulk_indexing(ctx.session):
        _people(ctx)
    people = ctx.session.execute(
        select(Person.id, Person.village_code, Person.business_type).order_by(Person.id)
    ).all()
    ctx.person_ids = [p.id for p in people]
    _groups(ctx, people)


def _table(model: type[Base]) -> Table:
    """The model's table, for Core bulk inserts (a plain executemany; the ORM's bulk path costs twice)."""
    return cast(Table, model.__table__)


def _people(ctx: DemoContext) -> None:
    import dataclasses

    s, rng = ctx.session, ctx.rng
    set_raw(s, OfficeProfile.SECTION, dataclasses.asdict(DEMO_PROFILE))
    villages = list(s.scalars(select(Region.code).where(Region.level == 4).order_by(Region.code)))
    # Most demo people live in a few sub-districts of each regency, as real intakes do.
    by_district: dict[str, list[str]] = {}
    for v in villages:
        by_district.setdefault(v[:8], []).append(v)
    districts = sorted(by_district)
    chosen = rng.sample(districts, min(len(districts), max(6, ctx.people // 400)))
    serials: dict[tuple[str, date], int] = {}
    now = utcnow()
    rows: list[dict[str, Any]] = []
    today = date.today()
    for i in range(ctx.people):
        district = chosen[i % len(chosen)]
        village = rng.choice(by_district[district])
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        key = (district, born)
        serials[key] = serials.get(key, 0) + 1
        nik = _nik(district.replace(".", ""), born, serials[key])
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        head = rng.random() < 0.8
        rows.append(
            {
                "nik": nik,
                "kk_number": district.replace(".", "")
                + f"{rng.randrange(1, 28):02d}{rng.randrange(1, 13):02d}"
                + f"{rng.randrange(10, 26):02d}{rng.randrange(1, 9999):04d}",
                "name": f"{first} {last}".upper(),
                "sex": "P",
                "birth_place": rng.choice(BIRTH_PLACES).upper(),
                "birth_date": born,
                "village_code": village,
                "rt": f"{rng.randrange(1, 40):03d}",
                "rw": f"{rng.randrange(1, 12):03d}" if rng.random() < 0.5 else None,
                "street": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
                "phone": f"+628{rng.choice('125')}{rng.randrange(10**8, 10**9)}"
                if rng.random() < 0.85
                else None,
                "marital_status": "cerai_mati"
                if head and rng.random() < 0.6
                else rng.choice(("kawin", "cerai_hidup")),
                "is_household_head": head,
                "vulnerability": rng.choice(VULNERABILITY_CATEGORIES),
                "welfare_source": rng.choice(("DTSEN", "DTSEN", "DTSEN", "DTKS", "P3KE", "NONE")),
                "welfare_decile": rng.randrange(1, 5),
                "welfare_checked_on": today - timedelta(days=rng.randrange(10, 400)),
                "business_type": rng.choice(BUSINESS_TYPES),
                "bank_name": rng.choice(BANKS),
                "bank_account": str(rng.randrange(10**9, 10**10)),
                "bank_holder": f"{first} {last}".upper(),
                "is_active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        if len(rows) >= CHUNK:
            # Core insert on the table: a plain executemany (the ORM's bulk path costs twice as much).
            ctx.session.execute(insert(_table(Person)), rows)
            rows = []
    if rows:
        ctx.session.execute(insert(_table(Person)), rows)


def _groups(ctx: DemoContext, people: Sequence[Any]) -> None:
    """About half the people join KUBE groups of their own sub-district, 5-12 women each."""
    s, rng = ctx.session, ctx.rng
    by_district: dict[str, list[Any]] = {}
    for p in people:
        by_district.setdefault(p.village_code[:8], []).append(p)
    n_groups = max(3, ctx.people // 20)
    made = 0
    now, today = utcnow(), date.today()
    name_counts: dict[str, int] = {}
    # Groups and members go in as two bulk inserts, not two statements a group: members name their
    # group by position, and the ids the database gave (in insert order) replace the positions after.
    before = s.scalar(select(func.max(KubeGroup.id))) or 0
    group_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    statuses: list[str] = []
    for _district, members in sorted(by_district.items()):
        rng.shuffle(members)
        pos = 0
        limit = min(len(members), max(5, len(members) * 2 // 3))  # some women stay outside groups
        while made < n_groups and pos + 5 <= limit:
            size = min(rng.randrange(5, 13), limit - pos)
            chosen = members[pos : pos + size]
            pos += size
            base = rng.choice(GROUP_NAMES)
            name_counts[base] = name_counts.get(base, 0) + 1
            name = f"KUBE {base}" + (f" {name_counts[base]}" if name_counts[base] > 1 else "")
            status = "forming" if made % 7 == 6 else "active"
            gid = len(group_rows)
            group_rows.append(
                {
                    "name": name.upper(),
                    "village_code": chosen[0].village_code,
                    "business_type": chosen[0].business_type,
                    "formed_on": date.today() - timedelta(days=rng.randrange(200, 900)),
                    "bank_name": rng.choice(BANKS),
                    "bank_account": str(rng.randrange(10**9, 10**10)),
                    "bank_holder": name.upper(),
                    "status": status,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * (size - 3)
            if status == "forming":
                roles[2] = "anggota"  # a group still forming: no treasurer chosen yet
            member_rows.extend(
                {"group_id": gid, "person_id": p.id, "role": r, "joined_on": today}
                for p, r in zip(chosen, roles, strict=True)
            )
            statuses.append(status)
            made += 1
        if made >= n_groups:
            break
    for i in range(0, len(group_rows), CHUNK):
        s.execute(insert(_table(KubeGroup)), group_rows[i : i + CHUNK])
    ids = list(s.scalars(select(KubeGroup.id).where(KubeGroup.id > before).order_by(KubeGroup.id)))
    for gid, status in zip(ids, statuses, strict=True):
        (ctx.active_group_ids if status == "active" else ctx.forming_group_ids).append(gid)
    for m in member_rows:
        m["group_id"] = ids[m["group_id"]]
    for i in range(0, len(member_rows), CHUNK):
        s.execute(insert(_table(GroupMember)), member_rows[i : i + CHUNK])
