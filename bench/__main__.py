"""The benchmark: `uv run python -m bench [--scale tiny|small|district|province] [--only NAME]`.

Prints one row per workload: our time, the bare-library baseline doing the same I/O in the same run,
their ratio, the peak memory of the process that ran our side, the target and whether it is met.
Each side runs in a child process of its own (`bench.child`). Generated databases are cached in
`$KALTIM_BENCH_DIR` (default `~/.cache/kaltim-desk-bench`). The targets are the province-scale ones
(issue 9); at smaller scales they are easier, and that is all a smaller scale shows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.workloads import SCALE_NAMES, WORKLOADS, Workload

ROOT = Path(__file__).resolve().parents[1]
MISSING = "belum tersedia"


@dataclass
class Row:
    name: str
    title: str
    n: int
    target: str
    ours_s: float | None = None
    baseline_s: float | None = None
    peak_mb: float | None = None
    passed: bool | None = None
    status: str = "ok"  # ok | missing | error
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours_s is None or not self.baseline_s:
            return None
        return self.ours_s / self.baseline_s


class ChildFailed(Exception):
    pass


class ChildMissing(Exception):
    pass


def run_child(name: str, side: str, n: int, db: Path | None, workdir: Path, timeout: float) -> dict[str, Any]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bench.child", name, side, str(n), str(db) if db else "-", str(workdir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return dict(json.loads(line[len("BENCH-RESULT ") :]))
        if line.startswith("BENCH-MISSING "):
            raise ChildMissing(json.loads(line[len("BENCH-MISSING ") :])["detail"])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    raise ChildFailed(f"{name}/{side} exit {proc.returncode}: {tail[0][:200]}")


def measure(w: Workload, scale: str, workdir: Path, repeat: int, log: Any, timeout: float) -> Row:
    n = w.sizes[scale]
    row = Row(w.name, w.title, n, w.target)
    try:
        db = None
        if w.needs_db:
            from bench.generate import cached_database

            db = cached_database(n, log=log)
        wdir = workdir / w.name
        if w.kind == "measure":
            target = f"{w.extra['module']}:{w.extra['function']}"
            best: dict[str, Any] | None = None
            for _ in range(repeat):
                r = run_child(target, "measure", n, None, wdir, timeout)
                if best is None or float(r["ours_s"]) < float(best["ours_s"]):
                    best = r
            assert best is not None
            row.ours_s = float(best.pop("ours_s"))
            row.baseline_s = float(best.pop("baseline_s")) if best.get("baseline_s") is not None else None
            row.peak_mb = best.pop("peak_mb", None)
            row.extra = best
        else:
            ours: list[dict[str, Any]] = []
            base: list[dict[str, Any]] = []
            for _ in range(repeat):  # interleaved, so that a busy moment of the machine hits both
                ours.append(run_child(w.name, "ours", n, db, wdir, timeout))
                base.append(run_child(w.name, "baseline", n, db, wdir, timeout))
            o = min(ours, key=lambda r: float(r["seconds"]))
            b = min(base, key=lambda r: float(r["seconds"]))
            row.ours_s, row.baseline_s = float(o.pop("seconds")), float(b["seconds"])
            row.peak_mb = o.pop("child_peak_mb", None) or o.pop("peak_mb", None)
            o.pop("peak_mb", None)
            row.extra = o
        if w.verdict is not None:
            row.passed = bool(w.verdict(row.ours_s, row.baseline_s, row.peak_mb, row.extra))
    except ChildMissing as exc:
        row.status, row.detail = "missing", str(exc)
    except (ChildFailed, subprocess.TimeoutExpired, OSError) as exc:
        row.status, row.detail = "error", str(exc)
    return row


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def table(rows: list[Row]) -> str:
    head = ["workload", "n", "ours", "baseline", "ratio", "peak MB", "target", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if r.status == "missing":
            cells = [r.name, f"{r.n:,}", MISSING, "-", "-", "-", r.target, MISSING]
        elif r.status == "error":
            cells = [r.name, f"{r.n:,}", "gagal", "-", "-", "-", r.target, "ERROR: " + r.detail[:80]]
        else:
            ours = _fmt_s(r.ours_s)
            if "worst_s" in r.extra:
                ours += f" (terburuk {_fmt_s(float(r.extra['worst_s']))})"
            ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
            verdict = "-" if r.passed is None else ("PASS" if r.passed else "FAIL")
            peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else "-"
            cells = [r.name, f"{r.n:,}", ours, _fmt_s(r.baseline_s), ratio, peak, r.target, verdict]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    def sh(cmd: str) -> str:
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return "?"

    import sqlite3

    try:
        import PySide6

        qt = PySide6.__version__
    except ImportError:
        qt = "?"
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("free -h | awk '/Mem:/ {print $2}'")
    load = sh("cut -d' ' -f1-3 /proc/loadavg")
    return (
        f"{platform.system()} {platform.release()}, {sh('nproc')} CPU ({cpu}), RAM {mem}, load {load}; "
        f"Python {platform.python_version()}, Qt/PySide6 {qt}, SQLite {sqlite3.sqlite_version}"
    )


def details(rows: list[Row]) -> list[str]:
    """One line per workload with what the table leaves out (count times, worst keystroke, steps)."""
    out = []
    for r in rows:
        if r.status != "ok":
            out.append(f"- {r.name}: {r.status} {r.detail}".rstrip())
            continue
        bits = []
        for key, value in sorted(r.extra.items()):
            if isinstance(value, float):
                bits.append(f"{key}={_fmt_s(value) if key.endswith('_s') else f'{value:.3g}'}")
            else:
                bits.append(f"{key}={value}")
        out.append(f"- {r.name}: " + ", ".join(bits))
    return out


def markdown(scale: str, rows: list[Row]) -> str:
    import datetime

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"### Scale `{scale}` ({when})",
            "",
            f"Machine: {machine()}",
            "",
            table(rows),
            "",
            *details(rows),
            "",
        ]
    )


def run(
    scale: str, only: list[str] | None = None, repeat: int = 1, log: Any = print, timeout: float = 1800
) -> list[Row]:
    chosen = [w for w in WORKLOADS if not only or w.name in only]
    with tempfile.TemporaryDirectory(prefix="kaltim-bench-") as tmp:
        rows = []
        for w in chosen:
            log(f"… {w.name} (n={w.sizes[scale]:,})")
            rows.append(measure(w, scale, Path(tmp), repeat, log, timeout))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALE_NAMES, default="small")
    parser.add_argument("--only", action="append", help="workload name (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best is kept")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the table, machine and details here")
    args = parser.parse_args(argv)
    known = {w.name for w in WORKLOADS}
    for name in args.only or []:
        if name not in known:
            parser.error(f"unknown workload {name!r}; known: {', '.join(sorted(known))}")
    rows = run(args.scale, args.only, args.repeat, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(f"Kaltim Desk benchmark, scale {args.scale}: {machine()}")
    print(table(rows))
    if args.markdown:
        args.markdown.write_text(markdown(args.scale, rows), encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps([dict(r.__dict__, ratio=r.ratio) for r in rows], indent=2, default=str),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
