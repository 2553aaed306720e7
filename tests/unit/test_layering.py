"""Dependencies point down: the domain, models, services, documents, exports and imports never import
Qt (or the views), so they run in the command line, in tests and on a server without a screen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kaltim_desk"
QT_FREE = ["domain", "models", "services", "documents", "exports", "imports", "consolidation", "demo"]
FORBIDDEN = ("PySide6", "kaltim_desk.views", "kaltim_desk.app", "kaltim_desk.tasks")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", QT_FREE)
def test_lower_layers_import_no_qt(layer):
    offenders = []
    for path in sorted((SRC / layer).rglob("*.py")) if (SRC / layer).exists() else []:
        for name in _imports(path):
            if name.startswith(FORBIDDEN):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_domain_is_pure():
    offenders = []
    for path in sorted((SRC / "domain").rglob("*.py")):
        for name in _imports(path):
            if name.startswith(("sqlalchemy", "kaltim_desk.models", "kaltim_desk.services", "PySide6")):
                offenders.append(f"{path.name} imports {name}")
    assert offenders == []
