"""Does a window's content fit? The checks a person makes by eye on a 1366x768 screen, made by code.

`misfits(window, work_area)` walks every visible widget of a window and names what a clerk would see
cut off: a window larger than the work area, a form that scrolls sideways, a label, button, check box,
group title, tab or combo box whose text is wider than the widget, a column header or cell whose text
is elided. `scripts/screenshots.py` runs it on every page and dialog; GUI tests run it on the forms.
All sizes are device-independent pixels, so at 125% scaling the work area is 1366x728 / 1.25.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenuBar,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

TITLE_BAR = 30  # what a window manager adds above a window, in device-independent pixels
SLACK = 1  # rounding at fractional scale factors


def _name(widget: QWidget) -> str:
    name = widget.objectName()
    parent = widget.parentWidget()
    while not name and parent is not None:
        name = parent.objectName() and f"{parent.objectName()}>{type(widget).__name__}"
        parent = parent.parentWidget()
    return f"{type(widget).__name__} '{name}'" if name else type(widget).__name__


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Shown in the window (a page of a tab widget or wizard that is not current is not)."""
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _plain(text: str) -> str:
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    ):
        need = label.heightForWidth(label.contentsRect().width()) if label.wordWrap() else 0
        if need > label.contentsRect().height() + SLACK:
            return f"tinggi {need} > {label.contentsRect().height()}"
        return None
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"tinggi {need} > {label.height()}"
        return None
    hint = label.minimumSizeHint()
    if hint.width() > label.width() + SLACK:
        return f"lebar {hint.width()} > {label.width()}"
    return None


def _button(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    metrics = QFontMetrics(button.font())
    width = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [text])
    if not button.icon().isNull():
        width += button.iconSize().width() + 4
    hint = button.sizeHint().width()
    # a push button's hint adds the style's margins and minimum width; the text alone must fit inside
    need = min(hint, width + 12) if type(button).__name__ in ("QPushButton",) else hint
    if need > button.width() + SLACK:
        return f"lebar {need} > {button.width()}"
    return None


def _combo(combo: QComboBox) -> str | None:
    if combo.isEditable() or not combo.currentText():
        return None
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = combo.currentText()
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need = QFontMetrics(combo.font()).horizontalAdvance(combo.currentText())
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    if need > field.width() + SLACK:
        return f"'{combo.currentText()}' lebar {need} > {field.width()}"
    return None


def _placeholder(edit: QLineEdit) -> str | None:
    """An empty field's grey hint is read whole (it says what to type)."""
    text = edit.placeholderText()
    if edit.text() or not text:
        return None
    room = edit.width() - 12 - (20 if edit.isClearButtonEnabled() else 0)
    need = QFontMetrics(edit.font()).horizontalAdvance(text)
    return f"petunjuk '{text[:30]}' lebar {need} > {room}" if need > room + SLACK else None


def _group(box: QGroupBox) -> str | None:
    if not box.title():
        return None
    need = QFontMetrics(box.font()).horizontalAdvance(_plain(box.title())) + (24 if box.isCheckable() else 8)
    return f"judul lebar {need} > {box.width()}" if need > box.width() + SLACK else None


def _tabs(bar: QTabBar) -> list[str]:
    out = []
    for i in range(bar.count()):
        if bar.isTabVisible(i) and bar.tabRect(i).width() + SLACK < bar.tabSizeHint(i).width():
            out.append(f"tab '{_plain(bar.tabText(i))}' terpotong")
    if bar.count() and bar.tabRect(bar.count() - 1).right() > bar.width() + SLACK:
        out.append("tab terakhir di luar layar")
    return out


def _view(view: QAbstractItemView) -> list[str]:
    """Header texts and the cells of the rows on screen whose text is elided."""
    out: list[str] = []
    model = view.model()
    if model is None:
        return out
    header: QHeaderView | None = None
    if isinstance(view, QTableView | QTreeView):
        header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    try:
        columns = model.columnCount(view.rootIndex())
    except TypeError:  # a list model keeps columnCount private: one column
        columns = 1
    metrics = QFontMetrics(view.font())
    viewport = view.viewport().rect()
    for col in range(columns):
        if header is not None and header.isSectionHidden(col):
            continue
        width = view.columnWidth(col) if isinstance(view, QTableView | QTreeView) else viewport.width()
        if width <= 0:
            continue
        if header is not None and header.isVisible():
            x = header.sectionViewportPosition(col)
            if x >= viewport.width() or x + width <= 0:
                # A list page's wide table may scroll sideways like a spreadsheet; an editor's may not.
                if isinstance(view.window(), QDialog):
                    out.append(f"kolom '{model.headerData(col, Qt.Orientation.Horizontal)}' di luar layar")
                continue
            text = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            need = header.sectionSizeFromContents(col).width()
            if text and need > width + SLACK:
                out.append(f"judul kolom '{text}' lebar {need} > {width}")
        clipped = 0
        example = ""
        for row in range(min(model.rowCount(view.rootIndex()), 200)):
            index = model.index(row, col, view.rootIndex())
            rect: QRect = view.visualRect(index)
            if not rect.isValid() or rect.bottom() < 0 or rect.top() > viewport.height():
                continue
            text = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")
            if not text or "\n" in text:
                continue
            if model.data(index, Qt.ItemDataRole.ToolTipRole) == text:
                continue  # elided on screen, whole in its tooltip
            hint: QSize = view.sizeHintForIndex(index)
            font_metrics = metrics
            font = model.data(index, Qt.ItemDataRole.FontRole)
            if font is not None:
                font_metrics = QFontMetrics(font)
            need = hint.width() if hint.width() > 0 else font_metrics.horizontalAdvance(text) + 6
            room = view.columnWidth(col) if isinstance(view, QTableView | QTreeView) else rect.width()
            if need > room + SLACK and getattr(view, "wordWrap", lambda: False)():
                # a wrapping view shows the rest on the next line, if the row is tall enough for it
                lines = font_metrics.boundingRect(
                    QRect(0, 0, max(1, room - 8), 10_000), int(Qt.TextFlag.TextWordWrap), text
                )
                if lines.height() <= rect.height() + SLACK and lines.width() <= room - 6:
                    continue
            if need > room + SLACK:
                clipped += 1
                example = example or text
        if clipped:
            name = str(model.headerData(col, Qt.Orientation.Horizontal) or col)
            out.append(f"kolom '{name}': {clipped} sel terpotong, mis. '{example[:40]}'")
    return out


def misfits(window: QWidget, work_area: QSize) -> list[str]:
    """Every widget of `window` whose content does not fit, as 'widget: what' lines (empty: all fits)."""
    out: list[str] = []
    frame = 0 if window.isMaximized() else TITLE_BAR
    if window.width() > work_area.width() + SLACK or window.height() + frame > work_area.height() + SLACK:
        out.append(
            f"jendela {window.width()}x{window.height() + frame} lebih besar dari area kerja "
            f"{work_area.width()}x{work_area.height()}"
        )
    if window.minimumSizeHint().height() + frame > work_area.height() + SLACK and window.isWindow():
        out.append(f"isi jendela butuh tinggi {window.minimumSizeHint().height() + frame}")
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window) or isinstance(widget, QMenuBar):
            continue
        problem: str | list[str] | None = None
        if isinstance(widget, QScrollArea | QTextEdit) or (
            isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QAbstractItemView)
        ):
            bar = widget.horizontalScrollBar()
            if bar.isVisible() and bar.maximum() > 0 and not isinstance(widget, QTextEdit):
                problem = f"bergulir ke samping ({bar.maximum()} px tersembunyi)"
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QAbstractButton) and not isinstance(widget, QTabBar):
            problem = (
                _button(widget) if widget.parentWidget() is not None and not _in_header(widget) else None
            )
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        elif isinstance(widget, QLineEdit) and not isinstance(
            widget.parentWidget(), QComboBox | QAbstractSpinBox
        ):
            problem = _placeholder(widget)
        elif isinstance(widget, QGroupBox):
            problem = _group(widget)
        elif isinstance(widget, QTabBar):
            problem = _tabs(widget)
        elif (
            isinstance(widget, QAbstractItemView)
            and not isinstance(widget, QHeaderView)
            and widget.window() is window
            and not _in_popup(widget)
        ):
            problem = _view(widget)
        if isinstance(problem, str):
            out.append(f"{_name(widget)}: {problem}")
        elif problem:
            out.extend(f"{_name(widget)}: {p}" for p in problem)
    return out


def _in_header(widget: QWidget) -> bool:
    return type(widget).__name__ == "QTableCornerButton"


def _in_popup(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox) or (
            parent.isWindow() and parent.windowType() == Qt.WindowType.Popup
        ):
            return True
        parent = parent.parentWidget()
    return False
