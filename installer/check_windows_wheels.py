"""Does every locked dependency install on the Windows build machine from a wheel?

The Windows installer is built on a Windows runner with CPython `PYTHON` (64-bit). A dependency without
a `win_amd64` wheel for that Python (and not pure Python) would need a C compiler there, and usually
fails. This check lists every package of `uv.lock` with its Windows wheel.

Two modes:
- `python installer/check_windows_wheels.py` (offline, used by CI and tests/unit/test_installer.py):
  compares `uv.lock` with the reviewed record `installer/windows-wheels.json`. Every locked package and
  version must be listed there with a wheel file that `uv.lock` itself records (or as not needed on
  Windows, or as an allowed pure-Python source package). Exit 1 lists what is missing: a dependency
  was added or upgraded without its Windows wheel being checked.
- `--refresh` (online, run by a developer after `uv lock`): asks PyPI through uv's ordinary resolver
  whether each pinned package has a usable wheel for `x86_64-pc-windows-msvc` + CPython `PYTHON`
  (`uv pip compile --only-binary :all: --no-deps`), picks the wheel file from `uv.lock`, and rewrites
  the JSON record.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "uv.lock"
RECORD = Path(__file__).resolve().parent / "windows-wheels.json"
PYTHON = "3.11"  # the CPython of the Windows build (.github/workflows/windows-installer.yml)
PLATFORM = "x86_64-pc-windows-msvc"

# Packages published only as a source archive that are pure Python (they build without a compiler).
# Each needs a reason; anything else without a wheel fails the check.
ALLOWED_SOURCE_ONLY = {
    "docopt": "pure Python, source only on PyPI; pulled in by num2words for its command line, "
    "never imported by Kaltim Desk. uv builds it without a compiler.",
}


@dataclass(frozen=True)
class Locked:
    name: str
    version: str
    wheels: tuple[str, ...]  # file names recorded in uv.lock
    has_sdist: bool


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_packages(lock_path: Path = LOCK) -> list[Locked]:
    """Every package of uv.lock that comes from a registry (the project itself is skipped)."""
    data = tomllib.loads(lock_path.read_text("utf-8"))
    result = []
    for pkg in data.get("package", []):
        if "registry" not in pkg.get("source", {}):
            continue
        wheels = tuple(w["url"].rsplit("/", 1)[-1] for w in pkg.get("wheels", []))
        result.append(Locked(normalize(pkg["name"]), pkg["version"], wheels, "sdist" in pkg))
    return sorted(result, key=lambda p: p.name)


def wheel_tags(filename: str) -> tuple[str, str, str]:
    """(python, abi, platform) tags of a wheel file name."""
    parts = filename[: -len(".whl")].split("-")
    return parts[-3], parts[-2], parts[-1]


def is_pure(filename: str) -> bool:
    return wheel_tags(filename)[2] == "any"


def fits_windows(filename: str, python: str = PYTHON) -> bool:
    """True if pip/uv would install this wheel on 64-bit Windows with CPython `python`."""
    py, abi, plat = wheel_tags(filename)
    if plat == "any":
        return True
    if "win_amd64" not in plat.split("."):
        return False
    major, minor = (int(x) for x in python.split("."))
    for tag in py.split("."):
        if tag in ("py3", f"py{major}{minor}", f"cp{major}{minor}") and abi in ("none", f"cp{major}{minor}"):
            return True
        m = re.fullmatch(r"cp(\d)(\d+)", tag)
        if m and abi == "abi3" and int(m.group(1)) == major and int(m.group(2)) <= minor:
            return True
    return False


def best_wheel(pkg: Locked, python: str = PYTHON) -> str | None:
    """The wheel uv would pick on Windows: a platform wheel before a pure one."""
    fitting = [w for w in pkg.wheels if fits_windows(w, python)]
    fitting.sort(key=lambda w: (is_pure(w), w))
    return fitting[0] if fitting else None


def load_record(path: Path = RECORD) -> dict[str, object]:
    return json.loads(path.read_text("utf-8"))


def check(lock_path: Path = LOCK, record_path: Path = RECORD) -> tuple[list[str], list[str]]:
    """(lines of the listing, problems). No problems means every dependency is covered."""
    record = load_record(record_path)
    python = str(record["python"])
    listed: dict[str, dict[str, object]] = record["packages"]  # type: ignore[assignment]
    lines: list[str] = []
    problems: list[str] = []
    for pkg in locked_packages(lock_path):
        entry = listed.get(pkg.name)
        if entry is None:
            problems.append(f"{pkg.name} {pkg.version}: not in {record_path.name} (run --refresh)")
            lines.append(f"?? {pkg.name:32} {pkg.version:14} not checked")
            continue
        if entry.get("version") != pkg.version:
            problems.append(
                f"{pkg.name}: uv.lock has {pkg.version}, {record_path.name} has {entry.get('version')} "
                "(run --refresh)"
            )
        status = entry.get("status")
        wheel = entry.get("wheel")
        if status in ("windows-wheel", "pure-python"):
            if not isinstance(wheel, str) or wheel not in pkg.wheels:
                problems.append(f"{pkg.name}: wheel {wheel} is not among uv.lock's files")
            elif not fits_windows(wheel, python):
                problems.append(f"{pkg.name}: {wheel} does not install on win_amd64 CPython {python}")
            lines.append(f"OK {pkg.name:32} {pkg.version:14} {wheel}")
        elif status == "not-on-windows":
            lines.append(
                f"-- {pkg.name:32} {pkg.version:14} not installed on Windows ({entry.get('marker')})"
            )
        elif status == "source-only" and pkg.name in ALLOWED_SOURCE_ONLY and pkg.has_sdist:
            lines.append(f"!! {pkg.name:32} {pkg.version:14} source only: {ALLOWED_SOURCE_ONLY[pkg.name]}")
        else:
            problems.append(f"{pkg.name} {pkg.version}: no Windows wheel ({status})")
            lines.append(f"XX {pkg.name:32} {pkg.version:14} NO WINDOWS WHEEL")
    locked_names = {p.name for p in locked_packages(lock_path)}
    for name in sorted(set(listed) - locked_names):
        lines.append(f"   {name:32} (no longer locked; remove with --refresh)")
    return lines, problems


# --- refresh (online) ---------------------------------------------------------------------------------


def _windows_marker_env(python: str) -> dict[str, str]:
    return {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": python,
        "python_full_version": f"{python}.0",
    }


def refresh(python: str = PYTHON) -> dict[str, object]:
    """Ask PyPI (through `uv pip compile`) and rewrite the record. Needs network access."""
    from packaging.markers import Marker

    exported = subprocess.run(
        ["uv", "export", "--frozen", "--no-hashes", "--all-groups", "--all-extras", "--no-emit-project"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins: dict[str, tuple[str, str]] = {}
    for line in exported.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "==" not in line:
            continue
        spec, _, marker = line.partition(";")
        name, _, version = spec.strip().partition("==")
        pins[normalize(name)] = (version.strip(), marker.strip())
    env = _windows_marker_env(python)
    on_windows = {n: v for n, (v, m) in pins.items() if not m or Marker(m).evaluate(env)}
    binary = {n: v for n, v in on_windows.items() if n not in ALLOWED_SOURCE_ONLY}
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text("".join(f"{n}=={v}\n" for n, v in sorted(binary.items())), "utf-8")
        resolved = subprocess.run(
            [
                *(
                    "uv",
                    "pip",
                    "compile",
                    str(req),
                    "--python-platform",
                    PLATFORM,
                    "--python-version",
                    python,
                ),
                *("--only-binary", ":all:", "--no-deps", "--no-header", "--no-annotate", "-q"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if resolved.returncode != 0:
        raise SystemExit(f"PyPI has no Windows wheel for a locked package:\n{resolved.stderr}")
    packages: dict[str, dict[str, object]] = {}
    for pkg in locked_packages():
        version, marker = pins.get(pkg.name, (pkg.version, ""))
        if pkg.name not in on_windows:
            packages[pkg.name] = {"version": pkg.version, "status": "not-on-windows", "marker": marker}
        elif pkg.name in ALLOWED_SOURCE_ONLY:
            packages[pkg.name] = {"version": pkg.version, "status": "source-only", "wheel": None}
        else:
            wheel = best_wheel(pkg, python)
            if wheel is None:
                raise SystemExit(
                    f"{pkg.name} {pkg.version}: PyPI resolves it but uv.lock lists no fitting wheel"
                )
            status = "pure-python" if is_pure(wheel) else "windows-wheel"
            packages[pkg.name] = {"version": pkg.version, "status": status, "wheel": wheel}
    from datetime import date

    return {
        "python": python,
        "platform": "win_amd64",
        "checked_on": date.today().isoformat(),
        "checked_with": f"uv pip compile --python-platform {PLATFORM} --python-version {python} "
        "--only-binary :all: --no-deps (PyPI)",
        "packages": packages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", action="store_true", help="ask PyPI again and rewrite the record")
    args = parser.parse_args(argv)
    if args.refresh:
        record = refresh()
        RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {RECORD.relative_to(ROOT)}")
    lines, problems = check()
    record = load_record()
    print(f"Windows wheels for CPython {record['python']} win_amd64 (checked {record['checked_on']}):")
    print("\n".join(lines))
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    print(f"\nAll {len(lines)} locked packages install on Windows.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
