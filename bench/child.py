"""One side of one workload in a process of its own: `python -m bench.child NAME SIDE N DB WORKDIR`.

Prints one JSON line: the workload's own result (at least "seconds", or "ours_s"/"baseline_s") plus
"peak_mb", this process's peak resident memory. Qt runs offscreen.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib
import json
import sys
from pathlib import Path

from bench.generate import use_cache_audit_key
from bench.memory import peak_mb


def main(argv: list[str]) -> int:
    name, side, n, db, workdir = argv[0], argv[1], int(argv[2]), argv[3], Path(argv[4])
    workdir.mkdir(parents=True, exist_ok=True)
    # The app's per-user folders point into the work folder: a benchmark never touches real settings.
    os.environ["KALTIM_DESK_DATA_DIR"] = str(workdir / "data")
    os.environ["KALTIM_DESK_CONFIG_DIR"] = str(workdir / "config")
    os.environ.pop("KALTIM_DESK_DATABASE_URL", None)
    use_cache_audit_key()
    if side == "measure":  # another feature's measure(n, workdir): both sides in one call
        module_name, _, function = name.partition(":")
        try:
            module = importlib.import_module(module_name)
            fn = getattr(module, function)
        except (ImportError, AttributeError) as exc:
            print("BENCH-MISSING " + json.dumps({"detail": str(exc)}), flush=True)
            return 3
        try:
            result = dict(fn(n, workdir))
        except ModuleNotFoundError as exc:  # the feature the measure drives is not there yet
            if not (exc.name or "").startswith(("bench", "kaltim_desk")):
                raise
            print("BENCH-MISSING " + json.dumps({"detail": str(exc)}), flush=True)
            return 3
    else:
        module = importlib.import_module(f"bench.workloads.{name}")
        result = getattr(module, side)(n, Path(db) if db != "-" else None, workdir)
    result["peak_mb"] = peak_mb()
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
