"""Consolidating 10 district workbooks of n rows each into one, de-duplicating by NIK.

The Excel feature owns the workbooks and the consolidation; this module only finds its measure:
`bench.bench_excel.measure_consolidation(n, workdir)` when that exists. Until then the row reads
"belum tersedia".
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any


def measure(n: int, workdir: Path) -> dict[str, Any]:
    module = importlib.import_module("bench.bench_excel")
    fn = getattr(module, "measure_consolidation", None)
    if fn is None:
        raise ModuleNotFoundError(
            "bench.bench_excel has no measure_consolidation yet",
            name="bench.bench_excel.measure_consolidation",
        )
    return dict(fn(n, workdir))
