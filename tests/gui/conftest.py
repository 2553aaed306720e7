"""GUI tests: Qt objects are deleted, and Python's garbage collected, at the end of each test.

pytest-qt closes a test's widgets with `deleteLater`; Qt deletes them in the next event loop that runs,
which is the next test's, and Python's collector may run inside it while their wrappers are being torn
down (a segfault in CI, inside the next test's `waitSignal`). Deleting and collecting here, between
tests, keeps each test's objects out of the next one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _delete_qt_objects_between_tests(qapp: object) -> Iterator[None]:
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    # pytest-qt has closed the widgets (deleteLater) before this runs
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
