"""Village, sub-district and regency names as clerks write them -> region codes.

Names are compared without case, spaces, punctuation and the "Kel."/"Kelurahan"/"Desa"/"Ds."/"Kec."/
"Kab."/"Kota" prefixes. A name still not found is matched with rapidfuzz among the villages of its
sub-district (cut-off `NEAR_DISTRICT`), else of its regency or the office's whole region (stricter
cut-offs), and only when one village is clearly best: "Sempja Selatan" in Samarinda Utara is Sempaja
Selatan, said back to the clerk as a warning. A name that is still unknown or that fits several
sub-districts equally leaves the village empty, with a warning saying so (an address is never a reason
to refuse a person). Results are cached per (village, sub-district, regency) text: a sheet repeats them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.models.region import Region

NEAR_DISTRICT = 85
NEAR_REGENCY = 90
NEAR_ANYWHERE = 92

_VILLAGE_PREFIX = re.compile(r"^(KELURAHAN|KEL|DESA|DS)\b\.?\s*")
_DISTRICT_PREFIX = re.compile(r"^(KECAMATAN|KEC)\b\.?\s*")
_REGENCY_PREFIX = re.compile(r"^(KABUPATEN|KAB|KOTA|KOTAMADYA)\b\.?\s*")
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def _compact(s: str) -> str:
    return _NON_ALNUM.sub("", s.upper())


def key(name: str, prefix: re.Pattern[str]) -> str:
    s = " ".join(name.upper().replace(".", ". ").replace("/", " ").split())
    s = prefix.sub("", s)
    return _compact(s)


@dataclass(frozen=True)
class Resolved:
    code: str | None  # village code, None when no village could be settled
    notes: tuple[tuple[str, str, str], ...] = ()  # (field, rule, message in Indonesian)


class RegionResolver:
    """Village/sub-district/regency names -> codes, within the office's region (`scope`)."""

    def __init__(self, session: Session, scope: str = "64") -> None:
        self.villages: dict[str, list[str]] = defaultdict(list)
        self.districts: dict[str, list[str]] = defaultdict(list)
        self.regencies: dict[str, list[str]] = defaultdict(list)
        self.codes: dict[str, tuple[int, str]] = {}
        self.village_keys_in: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._cache: dict[tuple[str, str, str], Resolved] = {}
        for code, name, level in session.execute(select(Region.code, Region.name, Region.level)):
            self.codes[code] = (level, name)
            if scope and not (code == scope or code.startswith(scope + ".") or scope.startswith(code)):
                continue
            if level == 4:
                k = key(name, _VILLAGE_PREFIX)
                self.villages[k].append(code)
                self.village_keys_in[code[:8]][k].append(code)
                self.village_keys_in[code[:5]][k].append(code)
                self.village_keys_in[""][k].append(code)
            elif level == 3:
                self.districts[key(name, _DISTRICT_PREFIX)].append(code)
            elif level == 2:
                self.regencies[key(name, _REGENCY_PREFIX)].append(code)

    def name(self, code: str) -> str:
        return self.codes.get(code, (0, code))[1]

    def _as_code(self, text: str, level: int) -> str | None:
        digits = re.sub(r"[^0-9]", "", text)
        if not digits or len(digits) != {2: 4, 3: 6, 4: 10}[level] or re.search(r"[A-Za-z]", text):
            return None
        code = ".".join(p for p in (digits[:2], digits[2:4], digits[4:6], digits[6:]) if p)
        return code if self.codes.get(code, (0, ""))[0] == level else None

    @staticmethod
    def _near(k: str, choices: dict[str, list[str]], cutoff: int) -> list[str]:
        """The codes of the single clearly best fuzzy match of `k` among `choices`, or []."""
        if not k or not choices:
            return []
        hits = process.extract(k, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff, limit=2)
        if not hits or (len(hits) > 1 and hits[1][1] >= hits[0][1] - 3):
            return []
        return choices[hits[0][0]]

    def resolve(self, village: str, district: str, regency: str) -> Resolved:
        cache_key = (village, district, regency)
        hit = self._cache.get(cache_key)
        if hit is None:
            hit = self._cache[cache_key] = self._resolve(village, district, regency)
        return hit

    def _resolve(self, village: str, district: str, regency: str) -> Resolved:
        notes: list[tuple[str, str, str]] = []
        reg_codes: list[str] = []
        if regency:
            k = key(regency, _REGENCY_PREFIX)
            reg_codes = [c for c in [self._as_code(regency, 2)] if c] or self.regencies.get(k, [])
            if not reg_codes:
                reg_codes = self._near(k, self.regencies, NEAR_DISTRICT)
            if not reg_codes:
                notes.append(("regency", "regency_unknown", f"Kabupaten/kota '{regency}' tidak dikenal"))
        dist_codes: list[str] = []
        if district:
            k = key(district, _DISTRICT_PREFIX)
            dist_codes = [c for c in [self._as_code(district, 3)] if c] or self.districts.get(k, [])
            if reg_codes:
                dist_codes = [c for c in dist_codes if c[:5] in reg_codes]
            if not dist_codes:
                pool = {
                    n: [c for c in cs if not reg_codes or c[:5] in reg_codes]
                    for n, cs in self.districts.items()
                }
                dist_codes = self._near(k, {n: cs for n, cs in pool.items() if cs}, NEAR_DISTRICT)
                if dist_codes:
                    notes.append(
                        (
                            "district",
                            "district_fuzzy",
                            f"Kecamatan '{district}' dibaca sebagai {self.name(dist_codes[0])}",
                        )
                    )
            if not dist_codes:
                where = f" di {regency}" if regency else ""
                notes.append(("district", "district_unknown", f"Kecamatan '{district}' tidak dikenal{where}"))
        if not village:
            return Resolved(None, tuple(notes))
        direct = self._as_code(village, 4)
        if direct:
            return Resolved(direct, tuple(notes))
        k = key(village, _VILLAGE_PREFIX)
        cands = self.villages.get(k, [])
        if dist_codes:
            cands = [c for c in cands if c[:8] in dist_codes]
        elif reg_codes:
            cands = [c for c in cands if c[:5] in reg_codes]
        if not cands:
            if dist_codes:
                pools = [(self._merged(dist_codes), NEAR_DISTRICT)]
            elif reg_codes:
                pools = [(self._merged(reg_codes), NEAR_REGENCY)]
            else:
                pools = [(self.village_keys_in[""], NEAR_ANYWHERE)]
            for pool, cutoff in pools:
                cands = self._near(k, pool, cutoff)
                if len(cands) == 1:
                    notes.append(
                        (
                            "village",
                            "village_fuzzy",
                            f"Desa/kelurahan '{village}' dibaca sebagai {self.name(cands[0])} "
                            f"(Kec. {self.name(cands[0][:8])})",
                        )
                    )
        if not cands:
            where = f" di Kecamatan {district}" if district else ""
            notes.append(
                (
                    "village",
                    "village_unknown",
                    f"Desa/kelurahan '{village}' tidak dikenal{where}; desa dikosongkan",
                )
            )
            return Resolved(None, tuple(notes))
        if len(cands) > 1:
            names = ", ".join(sorted({self.name(c[:8]) for c in cands}))
            notes.append(
                (
                    "village",
                    "village_ambiguous",
                    f"Desa/kelurahan '{village}' ada di beberapa kecamatan ({names}); isi kolom kecamatan. "
                    "Desa dikosongkan",
                )
            )
            return Resolved(None, tuple(notes))
        return Resolved(cands[0], tuple(notes))

    def _merged(self, prefixes: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for p in prefixes:
            for k, codes in self.village_keys_in.get(p, {}).items():
                out[k].extend(codes)
        return out
