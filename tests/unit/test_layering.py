"""Dependencies point down (docs/DEVELOPING.md, "Layers"): the contracts in pyproject.toml
(`uv run lint-imports`: the layers, the feature services' order, no PySide6 outside the views and the
task runner) hold, they fail on a bad import, and no two modules import each other, even indirectly."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kaltim_desk"
QT_FREE = ["domain", "models", "core", "services", "documents", "exports", "imports", "demo", "commands"]
FORBIDDEN = ("PySide6", "kaltim_desk.views", "kaltim_desk.app", "kaltim_desk.tasks")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, with `from package import module` read as `package.module`."""
    tree = ast.parse(path.read_text("utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _qt_offenders(src: Path) -> list[str]:
    offenders = []
    for layer in QT_FREE:
        assert (src / layer).is_dir(), f"layer {layer} is not a folder of {src}"
        for path in sorted((src / layer).rglob("*.py")):
            for name in _imports(path):
                if name.startswith(FORBIDDEN):
                    offenders.append(f"{path.relative_to(src)} imports {name}")
    return offenders


def test_lower_layers_import_no_qt_and_no_views() -> None:
    assert _qt_offenders(SRC) == []


def test_a_service_importing_the_views_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "kaltim_desk"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    people = copy / "services" / "registry" / "people.py"
    people.write_text(people.read_text("utf-8") + "\nfrom kaltim_desk import views  # noqa\n", "utf-8")
    assert _qt_offenders(copy) == ["services/registry/people.py imports kaltim_desk.views"]


def test_domain_is_pure() -> None:
    offenders = []
    for path in sorted((SRC / "domain").rglob("*.py")):
        for name in _imports(path):
            if name.startswith(("sqlalchemy", "kaltim_desk.", "PySide6")) and not name.startswith(
                "kaltim_desk.domain"
            ):
                offenders.append(f"{path.name} imports {name}")
    assert offenders == []


def _lint_imports(src_parent: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the package found first on PYTHONPATH (a temporary copy, in the tests)."""
    env = {**os.environ, "PYTHONPATH": str(src_parent)}
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(config), "--no-cache"],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    done = _lint_imports(ROOT / "src", ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        (
            "services/registry/people.py",
            "from kaltim_desk.views import prompts",
            ("Layers point down", "No PySide6"),  # the views bring Qt along
        ),
        ("documents/receipt.py", "from kaltim_desk.services.aid import grants", ("Layers point down",)),
        ("services/registry/groups.py", "from kaltim_desk.services.aid import grants", ("Feature services",)),
        ("core/errors.py", "import PySide6.QtCore", ("No PySide6",)),
    ],
)
def test_a_bad_import_breaks_a_contract(
    tmp_path: Path, module: str, bad_import: str, broken: tuple[str, ...]
) -> None:
    copy = tmp_path / "src" / "kaltim_desk"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text("utf-8") + f"\n{bad_import}  # noqa\n", "utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    done = _lint_imports(tmp_path / "src", tmp_path / "pyproject.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    report = " ".join(done.stdout.split())
    assert f"{len(broken)} broken" in report
    broken_section = report.split("Broken contracts", 1)[1]
    assert all(name in broken_section for name in broken)
    importer = "kaltim_desk." + module.removesuffix(".py").replace("/", ".")
    assert importer in report


def test_no_import_cycles_between_modules() -> None:
    """Tarjan's strongly connected components over every import (type-checking ones included)."""
    graph = grimp.build_graph("kaltim_desk")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert cycles == []


def test_no_module_is_over_800_lines() -> None:
    """Small files with names that say what they hold (docs/DEVELOPING.md)."""
    long = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text("utf-8").splitlines())) > 800
    }
    assert long == {}


def test_every_cancel_is_one_kind_of_cancel() -> None:
    """Jobs, renderers, readers and writers each end a cancel in their own words, but a caller can
    catch any of them as `core.progress.Cancelled`."""
    from kaltim_desk.core.progress import Cancelled
    from kaltim_desk.documents.batch import BatchCancelled
    from kaltim_desk.documents.certificate import RenderCancelled
    from kaltim_desk.exports.workbook import ExportCancelled
    from kaltim_desk.imports.errors import ReadCancelled
    from kaltim_desk.services.excel.import_validate import ImportCancelled

    for cancel in (BatchCancelled, RenderCancelled, ExportCancelled, ReadCancelled, ImportCancelled):
        assert issubclass(cancel, Cancelled), cancel
