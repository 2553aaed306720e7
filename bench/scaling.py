"""How each cost grows with the office: `uv run python -m bench.scaling [--sizes 10000,100000,1000000]`.

Runs our side of six workloads on the generated office of each size, each in a child process of its own
(`bench.child`, so each gets its own peak memory), and prints one row per workload with the time at each
size and the ratio of each step. Sizes grow tenfold, so a step ratio near 10 is linear, near 1 constant,
and clearly above 10 grows faster than the office (the table marks it).

- people_page: the people page opened (`bench.workloads.people_page`), first rows painted.
- search: typing a NIK and a name into the search box, mean per keystroke (`bench.workloads.search`).
- bnba_export: the BNBA workbook of the whole office (every recipient of aid).
- check: every integrity check of `kaltim-desk check` over the office database.
- backup: a verified backup (online backup API + integrity check of the copy).
- import: a 10,000-row messy clerk sheet validated and committed into the office (the sheet stays the same
  size; what grows is the office it is checked against).

Times are CPU seconds of the child where the work is CPU-bound in that process (export, check, import) and
wall seconds where it waits on Qt's threads (page, search) or on the disk (backup); the table says which.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.__main__ import ChildFailed, ChildMissing, machine, run_child

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
IMPORT_ROWS = 10_000
LINEAR_STEP = 10.0
# A tenfold step whose cost grows more than this is reported as faster than linear.
SUPERLINEAR_STEP = 13.0


def _copy_of_office(n: int, workdir: Path) -> Path:
    from bench.generate import cached_database

    src = cached_database(n, log=lambda _m: None)
    dst = workdir / f"office-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


def _database(path: Path) -> Any:
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.db import Database

    return Database(sqlite_url(path))


def _actor() -> Any:
    from kaltim_desk.core.actor import Actor

    return Actor("bench", "admin")


def _cpu(fn: Any) -> float:
    c0 = time.process_time()
    fn()
    return time.process_time() - c0


def people_page(n: int, workdir: Path) -> dict[str, Any]:
    from bench.generate import cached_database
    from bench.workloads import people_page as workload

    r = workload.ours(n, cached_database(n, log=lambda _m: None), Path(workdir))
    return {"ours_s": float(r["seconds"]), "clock": "wall"}


def search(n: int, workdir: Path) -> dict[str, Any]:
    from bench.generate import cached_database
    from bench.workloads import search as workload

    r = workload.ours(n, cached_database(n, log=lambda _m: None), Path(workdir))
    return {"ours_s": float(r["seconds"]), "worst_s": float(r.get("worst_s", r["seconds"])), "clock": "wall"}


def bnba_export(n: int, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.services.excel import exports

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = _database(_copy_of_office(n, workdir))
    try:

        def run() -> None:
            with db.session(_actor()) as s:
                exports.export_report(s, "bnba", workdir / "bnba.xlsx")

        return {"ours_s": _cpu(run), "clock": "cpu"}
    finally:
        db.dispose()


def check(n: int, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.services.checks import run_checks

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = _database(_copy_of_office(n, workdir))
    try:

        def run() -> None:
            with db.read_session(_actor()) as s:
                run_checks(s)

        return {"ours_s": _cpu(run), "clock": "cpu"}
    finally:
        db.dispose()


def backup(n: int, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.services.office.backup import make_backup

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    source = _copy_of_office(n, workdir)
    db = _database(source)
    try:
        t = time.perf_counter()
        make_backup(db, workdir / "backups", rotate_after=False)
        return {"ours_s": time.perf_counter() - t, "clock": "wall"}
    finally:
        db.dispose()


def import_sheet(n: int, workdir: Path) -> dict[str, Any]:
    from bench.workloads.import_commit import make_messy_list
    from kaltim_desk.services.excel import imports

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sheet = make_messy_list(IMPORT_ROWS, workdir / f"messy-{IMPORT_ROWS}.xlsx", seed=n % 9973)
    db = _database(_copy_of_office(n, workdir))
    got: dict[str, Any] = {}
    try:

        def run() -> None:
            with db.session(_actor()) as s:
                preview = imports.preview_import(s, sheet)
                got["result"] = imports.commit_import(s, preview)
                got["ok"] = preview.counts["ok"]

        return {"ours_s": _cpu(run), "clock": "cpu", "rows_ok": got["ok"]}
    finally:
        db.dispose()


WORKLOADS = {
    "people_page": people_page,
    "search": search,
    "bnba_export": bnba_export,
    "check": check,
    "backup": backup,
    "import": import_sheet,
}


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def step_verdict(ratio: float) -> str:
    """How a tenfold step grew: 'konstan', 'sublinear', 'linear' or 'lebih cepat dari linear'."""
    if ratio < 2.0:
        return "konstan"
    if ratio < LINEAR_STEP * 0.7:
        return "sublinear"
    if ratio <= SUPERLINEAR_STEP:
        return "linear"
    return "lebih cepat dari linear"


def table(sizes: list[int], results: dict[str, dict[int, dict[str, Any] | str]]) -> str:
    head = ["workload", "clock", *[f"{n:,}" for n in sizes]]
    head += [f"{a:,} -> {b:,}" for a, b in itertools.pairwise(sizes)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, per_size in results.items():
        clock = next((str(r.get("clock", "")) for r in per_size.values() if isinstance(r, dict)), "")
        cells = [name, clock]
        times: list[float | None] = []
        for n in sizes:
            r = per_size.get(n)
            if isinstance(r, dict):
                times.append(float(r["ours_s"]))
                cells.append(_fmt(float(r["ours_s"])))
            else:
                times.append(None)
                cells.append(f"gagal: {r}"[:60] if r else "-")
        for a, b in itertools.pairwise(times):
            if a and b:
                ratio = b / a
                cells.append(f"{ratio:.1f}x ({step_verdict(ratio)})")
            else:
                cells.append("-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(sizes: list[int], only: list[str] | None, log: Any, timeout: float) -> dict[str, dict[int, Any]]:
    from bench.generate import cached_database

    results: dict[str, dict[int, Any]] = {name: {} for name in WORKLOADS if not only or name in only}
    for n in sizes:
        log(f"… kantor dengan {n:,} penerima")
        cached_database(n, log=log)  # generated here, once, so no measured child pays for it
        with tempfile.TemporaryDirectory(prefix="kaltim-scaling-") as tmp:
            for name in results:
                log(f"  … {name}")
                try:
                    results[name][n] = run_child(
                        f"bench.scaling:{WORKLOADS[name].__name__}",
                        "measure",
                        n,
                        None,
                        Path(tmp) / name,
                        timeout,
                    )
                except (ChildFailed, ChildMissing, OSError) as exc:
                    results[name][n] = str(exc)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--only", action="append", choices=sorted(WORKLOADS))
    parser.add_argument("--markdown", type=Path, help="also write the table and machine here")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = run(sizes, args.only, lambda m: print(m, file=sys.stderr, flush=True), timeout=3600)
    text = f"Machine: {machine()}\n\n{table(sizes, results)}\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
