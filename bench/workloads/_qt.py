"""Qt helpers for the GUI workloads (offscreen): an application, waiting for a signal, painting."""

from __future__ import annotations

import time
from typing import Any


def application() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["bench"])


def wait_for(signal: Any, timeout_s: float = 60.0) -> None:
    """Run the event loop until `signal` fires (background results arrive through it)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(lambda *_a: loop.quit())
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()


def paint(widget: Any) -> None:
    """Lay out and paint `widget` now, as a screen would (grab renders every visible child)."""
    from PySide6.QtWidgets import QApplication

    widget.show()
    QApplication.processEvents()
    widget.grab()


def timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


class BareModel:
    """A table model over a list of tuples: what a bare QTableView baseline shows."""

    @staticmethod
    def make(rows: list[tuple[Any, ...]], headers: list[str]) -> Any:
        from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

        class _M(QAbstractTableModel):
            def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
                return 0 if parent.isValid() else len(rows)

            def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
                return 0 if parent.isValid() else len(headers)

            def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
                if role == Qt.ItemDataRole.DisplayRole:
                    v = rows[index.row()][index.column()]
                    return "" if v is None else str(v)
                return None

            def headerData(
                self, section: int, orientation: Any, role: int = Qt.ItemDataRole.DisplayRole
            ) -> Any:
                if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
                    return headers[section]
                return None

        return _M()
