"""The benchmark's workloads: what is measured, at what size per scale, and the target it must show.

Each workload is measured in a child process of its own (`bench.child`), once for our code and once for
the bare-library baseline doing the same I/O, so each side gets its own peak memory (the child's
`ru_maxrss`) and neither warms the other's caches. Workloads other features provide (certificates,
agreements, Excel) have a `measure(n, workdir) -> {"ours_s", "baseline_s"}` function measuring both
sides in one call; while such a module is missing its row says "belum tersedia".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SCALE_NAMES = ("tiny", "small", "district", "province")


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    target: str  # as printed
    sizes: dict[str, int]  # scale -> n
    # pass/fail from (ours_s, baseline_s, peak_mb, extra); None: no verdict
    verdict: Callable[[float, float | None, float | None, dict[str, Any]], bool] | None = None
    kind: str = "pair"  # "pair": ours and baseline in separate children; "measure": one call, both sides
    needs_db: bool = False  # runs on the generated database of n people
    unit: str = "s"
    extra: dict[str, Any] = field(default_factory=dict)


def _abs(limit: float) -> Callable[..., bool]:
    return lambda ours, base, peak, extra: ours < limit


def _ratio(limit: float) -> Callable[..., bool]:
    return lambda ours, base, peak, extra: base is not None and base > 0 and ours / base <= limit


def _page(ours: float, base: float | None, peak: float | None, extra: dict[str, Any]) -> bool:
    return ours < 0.2 and (peak is None or peak < 300)


def _start(ours: float, base: float | None, peak: float | None, extra: dict[str, Any]) -> bool:
    return ours < 1.0 and base is not None and base > 0 and ours / base <= 6.0


def _search(ours: float, base: float | None, peak: float | None, extra: dict[str, Any]) -> bool:
    return float(extra.get("worst_s", ours)) < 0.05


WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "people_page",
        "Halaman penerima dibuka (model siap + baris pertama tergambar)",
        "< 0.2 s, < 300 MB",
        {"tiny": 300, "small": 10_000, "district": 100_000, "province": 1_000_000},
        _page,
        needs_db=True,
    ),
    Workload(
        "search",
        "Cari sambil mengetik (nama / NIK), per ketukan",
        "< 50 ms terburuk",
        {"tiny": 300, "small": 10_000, "district": 100_000, "province": 1_000_000},
        _search,
        needs_db=True,
    ),
    Workload(
        "ui_stalls",
        "Jendela tidak pernah macet: jeda terlama event loop selama semua halaman, dialog dan tugas dipakai",
        "< 100 ms",
        {"tiny": 300, "small": 10_000, "district": 100_000, "province": 1_000_000},
        _abs(0.1),
        needs_db=True,
    ),
    Workload(
        "cold_start",
        "Mulai dingin sampai jendela utama siap",
        "< 1 s, <= 6x bare",
        {"tiny": 300, "small": 10_000, "district": 100_000, "province": 100_000},
        _start,
        needs_db=True,
    ),
    Workload(
        "first_start",
        "Mulai pertama kali (profil baru) sampai wizard penyiapan tergambar",
        "< 1 s",
        {"tiny": 0, "small": 0, "district": 0, "province": 0},
        _abs(1.0),
    ),
    Workload(
        "bnba_export",
        "Ekspor BNBA",
        "<= 1.25x openpyxl",
        {"tiny": 200, "small": 10_000, "district": 100_000, "province": 100_000},
        _ratio(1.25),
        kind="measure",
        extra={"module": "bench.bench_excel", "function": "measure_export"},
    ),
    Workload(
        "import",
        "Impor 10.000 baris berantakan, divalidasi + disimpan",
        "< 1 s (issue 14: < 2 s)",
        {"tiny": 200, "small": 2_000, "district": 10_000, "province": 10_000},
        _abs(1.0),
        kind="measure",
        extra={"module": "bench.workloads.import_commit", "function": "measure"},
    ),
    Workload(
        "agreements",
        "Perjanjian / BAST dalam satu PDF",
        "<= 1.5x ReportLab",
        {"tiny": 10, "small": 100, "district": 500, "province": 500},
        _ratio(1.5),
        kind="measure",
        extra={"module": "bench.bench_agreements", "function": "measure"},
    ),
    Workload(
        "consolidation",
        "Konsolidasi 10 buku kerja kab/kota, de-duplikasi NIK (n baris per buku)",
        "< 15 s",
        {"tiny": 50, "small": 1_000, "district": 10_000, "province": 10_000},
        _abs(15.0),
        kind="measure",
        extra={"module": "bench.workloads.consolidation", "function": "measure"},
    ),
    Workload(
        "demo_generate",
        "Pembuatan data demo",
        "< 30 s",
        {"tiny": 300, "small": 10_000, "district": 100_000, "province": 100_000},
        _abs(30.0),
    ),
)


def by_name(name: str) -> Workload:
    for w in WORKLOADS:
        if w.name == name:
            return w
    raise KeyError(name)
