"""Dasbor: the programme at a glance. Counts, committed aid, business survival curves per intake (for all
regencies or one), aid by business type and by regency/city, and overdue visits, drawn with QtCharts.

The figures come from `services.dashboard.dashboard_data`, run through `ctx.tasks` on a worker thread with
its own read session, so the page stays responsive while an office of 100,000 people is counted. Every
chart can be saved as a PNG (what officers paste into their reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.domain.money import format_number, format_rupiah, load_formats
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import grant_status_labels
from kaltim_desk.services.dashboard import Amount, DashboardData, dashboard_data
from kaltim_desk.services.monitoring.survival import SurvivalRow
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import long_date
from kaltim_desk.views.widgets.saved import tell_saved

PALETTE = ("#1f5f8b", "#e07b39", "#3a9a5b", "#b5446e", "#7a5cb8", "#8c7a2b", "#2aa6b3", "#c23b3b")
ALL = ""
# Two point labels of the survival chart closer than this (percentage points, at one age) would overlap:
# a label is ~12 px high and 100 points span ~185 px of the chart at 1366x768.
LABEL_CLEARANCE_PCT = 8.0


def _short_rupiah(amount: int) -> str:
    """Rp in millions or billions for chart labels: "Rp12,5 jt", "Rp1,2 M"."""
    if abs(amount) >= 1_000_000_000:
        return f"Rp{amount / 1_000_000_000:.1f} M".replace(".", ",")
    if abs(amount) >= 1_000_000:
        return f"Rp{amount / 1_000_000:.1f} jt".replace(".", ",")
    return format_rupiah(amount)


def _short(label: str, n: int = 30) -> str:
    """Shorter chart labels: "Kab. Kutai Kartanegara", and an ellipsis past `n` characters."""
    label = label.replace("Kabupaten ", "Kab. ").replace("KABUPATEN ", "KAB. ")
    return label if len(label) <= n else label[: n - 1] + "…"


class Card(QFrame):
    """One headline number."""

    def __init__(self, name: str, title: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: #f5f8fb; border: 1px solid #d5dde5; border-radius: 6px; }}"
        )
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #455a64; border: none;")
        self.value = QLabel("–")
        self.value.setObjectName(f"{name}_value")
        self.value.setStyleSheet("font-size: 20px; font-weight: bold; color: #1f3b57; border: none;")
        self.detail = QLabel("")
        self.detail.setObjectName(f"{name}_detail")
        self.detail.setStyleSheet("color: #607d8b; border: none;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.addWidget(self.title)
        lay.addWidget(self.value)
        lay.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class ChartBox(QWidget):
    """A chart with its title bar and a "Simpan PNG" button."""

    def __init__(self, ctx: AppContext, name: str, title: str, extra: QWidget | None = None) -> None:
        super().__init__()
        self.ctx, self.name, self.title = ctx, name, title
        self.chart = self._new_chart()
        self.view = QChartView(self.chart)
        self.view.setObjectName(name)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(300)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.save_button = QPushButton(_("Simpan PNG"))
        self.save_button.setObjectName(f"{name}_save")
        self.save_button.clicked.connect(self.save_png)
        heading = QLabel(f"<b>{title}</b>")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        if extra is not None:
            top.addWidget(extra)
        top.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

    @staticmethod
    def _new_chart() -> QChart:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        # decimal comma on bar labels and axes ("53,6"), as Indonesian readers expect
        chart.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
        chart.setLocalizeNumbers(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def reset(self, empty_text: str = "") -> None:
        """A new, empty chart for the next drawing. The old one is deleted whole by Qt (series, axes,
        legend markers with it) instead of emptied piece by piece: `removeAxis` hands an axis back
        half-owned, and Python's garbage collector then freed it a second time (a crash, seen in CI)."""
        old = self.chart
        self.chart = self._new_chart()
        self.chart.setTitle(empty_text)
        self.view.setChart(self.chart)  # the view owns the new chart and lets go of the old one
        old.deleteLater()

    def save_png(self) -> None:
        suggested = f"{self.name.removeprefix('chart_')}.png"
        path = self.ctx.prompts.save_file(
            self, _("Simpan grafik sebagai PNG"), suggested, _("Gambar PNG (*.png)")
        )
        if path is None:
            return
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        if not self.view.grab().save(str(path), "PNG"):
            self.ctx.prompts.error(
                self, self.title, _("Grafik tidak dapat disimpan ke {path}.").format(path=path)
            )
            return
        tell_saved(self.ctx, self, self.title, _("Grafik disimpan ke {path}.").format(path=path), path)


class Page(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = _("Dasbor")
        self.data: DashboardData | None = None
        self._generation = 0

        heading = QLabel(f"<h2>{self.title}</h2>")
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setStyleSheet("color: #607d8b;")
        self.reload_button = QPushButton(_("Muat ulang"))
        self.reload_button.setObjectName("reload")
        self.reload_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        top.addWidget(self.reload_button)

        self.cards = {
            "people": Card("card_people", _("Penerima terdaftar")),
            "groups": Card("card_groups", _("Kelompok KUBE")),
            "aid": Card("card_aid", _("Bantuan disetujui")),
            "visits": Card("card_visits", _("Kunjungan pendampingan")),
            "overdue": Card("card_overdue", _("Kunjungan terlambat")),
        }
        self.card_grid = QGridLayout()

        self.regency = QComboBox()
        self.regency.setObjectName("survival_regency")
        self.regency.addItem(_("Semua kabupaten/kota"), ALL)
        self.regency.currentIndexChanged.connect(lambda _i: self._draw_survival())
        self.survival = ChartBox(ctx, "chart_survival", _("Usaha yang masih berjalan (%)"), self.regency)
        self.by_status = ChartBox(ctx, "chart_aid_status", _("Bantuan menurut status"))
        self.by_type = ChartBox(ctx, "chart_aid_type", _("Bantuan menurut jenis usaha"))
        self.by_regency = ChartBox(ctx, "chart_aid_regency", _("Bantuan menurut kabupaten/kota"))
        self.overdue = ChartBox(ctx, "chart_overdue", _("Kunjungan terlambat per kecamatan"))
        self.overdue_mentor = ChartBox(ctx, "chart_overdue_mentor", _("Kunjungan terlambat per pendamping"))
        self.survival_note = QLabel(
            _(
                "Status pada bulan ke-n diambil dari kunjungan terakhir sampai n bulan setelah penyaluran; "
                "usaha tanpa kunjungan dihitung tidak diketahui (bukan berjalan)."
            )
        )
        self.survival_note.setObjectName("survival_note")
        self.survival_note.setWordWrap(True)
        self.survival_note.setStyleSheet("color: #607d8b;")

        grid = self.chart_grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        surv_box = QWidget()
        sl = QVBoxLayout(surv_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.survival, 1)
        sl.addWidget(self.survival_note)
        self.survival_table = QLabel()
        self.survival_table.setObjectName("survival_table")
        self.survival_table.setTextFormat(Qt.TextFormat.RichText)
        sl.insertWidget(1, self.survival_table)
        self.charts: list[QWidget] = [
            surv_box,
            self.by_status,
            self.by_type,
            self.by_regency,
            self.overdue,
            self.overdue_mentor,
        ]
        self._columns = 0
        self._arrange(2)

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addLayout(self.card_grid)
        bl.addLayout(grid, 1)
        # Scrolls down only: on a narrow window (1366x768 at 125%) the charts stack in one column and
        # the cards in two rows instead of hiding behind a sideways scroll bar.
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    # --- layout --------------------------------------------------------------------------------------
    WIDE = 1100  # below this page width the charts stack in one column

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        cards = list(self.cards.values())
        per_row = len(cards) if columns == 2 else 3
        for card in cards:
            self.card_grid.removeWidget(card)
        for i, card in enumerate(cards):
            self.card_grid.addWidget(card, i // per_row, i % per_row)
        for chart in self.charts:
            self.chart_grid.removeWidget(chart)
        for i, chart in enumerate(self.charts):
            self.chart_grid.addWidget(chart, i // columns, i % columns)
        self.chart_grid.setColumnStretch(0, 1)
        self.chart_grid.setColumnStretch(1, 1 if columns == 2 else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(2 if event.size().width() >= self.WIDE else 1)
        super().resizeEvent(event)

    # --- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Compute the figures in the background; a newer refresh wins over an older one."""
        self._generation += 1
        gen = self._generation
        self.status.setText(_("Menghitung…"))
        self.reload_button.setEnabled(False)

        def work(state: Any) -> tuple[int, DashboardData]:
            load_formats()  # the figures are formatted on the GUI thread: not its file reads
            with self.ctx.read() as s:
                return gen, dashboard_data(s, progress=state.progress)

        self.ctx.tasks.run(work, on_done=self._apply, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.reload_button.setEnabled(True)
        self.status.setText(describe_error(exc))

    def _apply(self, result: tuple[int, DashboardData]) -> None:
        gen, data = result
        if gen != self._generation:
            return
        self.reload_button.setEnabled(True)
        self.data = data
        self.status.setText(
            _("Per {date} (dihitung dalam {s} detik)").format(
                date=long_date(data.as_of), s=f"{data.seconds:.1f}".replace(".", ",")
            )
        )
        self._cards(data)
        current = self.regency.currentData()
        self.regency.blockSignals(True)
        self.regency.clear()
        self.regency.addItem(_("Semua kabupaten/kota"), ALL)
        for code, name in sorted({(r.regency_code, r.regency_name) for r in data.survival}):
            self.regency.addItem(name, code)
        self.regency.setCurrentIndex(max(0, self.regency.findData(current)))
        self.regency.blockSignals(False)
        self._draw_survival()
        labels = grant_status_labels()
        self._bars(
            self.by_status,
            [Amount(a.key, labels.get(a.key, a.key), a.count, a.amount) for a in data.aid_by_status],
            _("Belum ada bantuan"),
        )
        self._bars(self.by_type, list(data.aid_by_business_type), _("Belum ada bantuan yang disetujui"))
        self._bars(self.by_regency, list(data.aid_by_regency), _("Belum ada bantuan yang disetujui"))
        self._counts(
            self.overdue,
            [(c.key, c.count) for c in data.overdue_by_district],
            _("Tidak ada kunjungan yang terlambat"),
        )
        self._counts(
            self.overdue_mentor,
            [(c.key, c.count) for c in data.overdue_by_mentor],
            _("Tidak ada kunjungan yang terlambat"),
        )

    def _cards(self, d: DashboardData) -> None:
        self.cards["people"].set(
            format_number(d.people_total), _("{n} aktif").format(n=format_number(d.people_active))
        )
        self.cards["groups"].set(
            format_number(d.groups_total), _("{n} aktif").format(n=format_number(d.groups_active))
        )
        self.cards["aid"].set(
            format_rupiah(d.aid_committed_total),
            _("{n} penerima/kelompok").format(n=format_number(d.aid_committed_count)),
        )
        self.cards["visits"].set(
            format_number(d.visits_total),
            _("{n} dalam 30 hari terakhir").format(n=format_number(d.visits_last_30_days)),
        )
        self.cards["overdue"].set(format_number(d.overdue_total), _("lewat jatuh tempo dan masa tenggang"))
        colour = "#b00020" if d.overdue_total else "#1f3b57"
        self.cards["overdue"].value.setStyleSheet(
            f"font-size: 20px; font-weight: bold; color: {colour}; border: none;"
        )

    # --- charts ----------------------------------------------------------------------------------------
    def survival_series(self) -> dict[int, list[SurvivalRow]]:
        """intake year -> its rows (3, 6, 12 months) for the regency chosen in the combo."""
        if self.data is None:
            return {}
        code = self.regency.currentData() or ALL
        rows = (
            self.data.survival_totals
            if code == ALL
            else [r for r in self.data.survival if r.regency_code == code]
        )
        out: dict[int, list[SurvivalRow]] = {}
        for r in rows:
            out.setdefault(r.intake_year, []).append(r)
        return {y: sorted(v, key=lambda r: r.months) for y, v in sorted(out.items())}

    def _survival_table(self, series_by_year: dict[int, list[SurvivalRow]]) -> str:
        """The curve's figures as a small table: share running and unknowns per intake and horizon."""
        # The words are looked up outside the f-strings: the catalogue extractor does not read inside them.
        t_months, t_counts, t_intake = (
            _("{m} bln"),
            _("{run}/{total}, {n} tak diketahui"),
            _("Angkatan {year}"),
        )
        t_revenue, t_firms, t_versus = _("omzet {pct}"), _("{n} usaha"), _("vs. kunjungan pertama")
        t_running = _("Berjalan")
        months = sorted({r.months for rows in series_by_year.values() for r in rows})
        head = "".join(f"<th align='right'>&nbsp;{t_months.format(m=m)}&nbsp;</th>" for m in months)
        body = []
        for year, rows in series_by_year.items():
            by_m = {r.months: r for r in rows}
            cells = []
            for m in months:
                r = by_m.get(m)
                if r is None:
                    cells.append("<td align='right'>–</td>")
                    continue
                share = f"{100 * r.share_running:.1f}%".replace(".", ",")
                cells.append(
                    f"<td align='right'>&nbsp;{share} <span style='color:#90a4ae'>"
                    f"({t_counts.format(run=format_number(r.running), total=format_number(r.total), n=format_number(r.unknown))})"
                    "</span>&nbsp;</td>"
                )
            body.append(f"<tr><td>{t_intake.format(year=year)}</td>{''.join(cells)}</tr>")
            revenue = []
            for m in months:
                r = by_m.get(m)
                change = r.revenue_change if r is not None else None
                if change is None:
                    revenue.append("<td align='right' style='color:#90a4ae'>–</td>")
                else:
                    pct = f"{100 * change:+.1f}%".replace(".", ",")
                    revenue.append(
                        f"<td align='right' style='color:#607d8b'>&nbsp;{t_revenue.format(pct=pct)} "
                        f"({t_firms.format(n=format_number(r.revenue_n))})&nbsp;</td>"  # type: ignore[union-attr]
                    )
            body.append(f"<tr><td style='color:#607d8b'>&nbsp;&nbsp;{t_versus}</td>{''.join(revenue)}</tr>")
        return (
            f"<table cellspacing='0' cellpadding='1'><tr><th align='left'>{t_running}</th>{head}</tr>"
            + "".join(body)
            + "</table>"
        )

    def _draw_survival(self) -> None:
        box = self.survival
        series_by_year = self.survival_series()
        if not series_by_year:
            box.reset(_("Belum ada usaha yang cukup umur untuk dihitung"))
            self.survival_table.setText("")
            return
        self.survival_table.setText(self._survival_table(series_by_year))
        box.reset()
        months = sorted({r.months for rows in series_by_year.values() for r in rows})
        ax = QValueAxis()
        ax.setRange(0, max(months) if months else 12)
        ax.setTickCount(len(range(0, (max(months) if months else 12) + 1, 3)) or 5)
        ax.setLabelFormat("%.0f")
        ax.setTitleText(_("bulan setelah penyaluran"))
        ay = QValueAxis()
        ay.setRange(0, 100)
        ay.setLabelFormat("%.0f%")  # localized numbers: "%" is literal here
        ay.setTickCount(6)
        box.chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        box.chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        labelled: dict[int, list[float]] = {}  # month -> the shares already labelled there
        for i, (year, rows) in enumerate(series_by_year.items()):
            colour = QColor(PALETTE[i % len(PALETTE)])
            line = QLineSeries()
            n = max(r.total for r in rows)
            line.setName(_("Angkatan {year} ({n} usaha)").format(year=year, n=format_number(n)))
            # every business was running on the day it received the aid: the curve starts at 100%
            line.append(QPointF(0, 100))
            dots = QScatterSeries()
            dots.setMarkerSize(8)
            dots.setColor(colour)
            dots.setBorderColor(colour)
            for k, r in enumerate(rows):
                share = round(100 * r.share_running, 1)
                line.append(QPointF(r.months, share))
                dots.append(QPointF(r.months, share))
                # Labels sit above their point: two intakes a few points apart at one age would print
                # one over the other. The later one's label is left out (the table under the chart has it).
                near = labelled.setdefault(r.months, [])
                if any(abs(share - other) < LABEL_CLEARANCE_PCT for other in near):
                    dots.setPointConfiguration(k, QXYSeries.PointConfiguration.LabelVisibility, False)
                else:
                    near.append(share)
            pen = QPen(colour)
            pen.setWidth(3)
            line.setPen(pen)
            dots.setPointLabelsVisible(len(series_by_year) <= 2)
            dots.setPointLabelsFormat("@yPoint%")
            dots.setPointLabelsClipping(False)
            dots.setPointLabelsColor(colour)
            box.chart.addSeries(line)
            box.chart.addSeries(dots)
            for s in (line, dots):
                s.attachAxis(ax)
                s.attachAxis(ay)
            box.chart.legend().markers(dots)[0].setVisible(False)

    def _bars(self, box: ChartBox, items: Sequence[Amount], empty: str) -> None:
        """Horizontal bars of rupiah, labelled with the amount and the count."""
        if not items:
            box.reset(empty)
            return
        box.reset()
        items = list(items)[:12]
        big = max(a.amount for a in items) >= 10_000_000_000
        unit, divisor = (_("miliar rupiah"), 1_000_000_000) if big else (_("juta rupiah"), 1_000_000)
        bar = QBarSet(_("Nilai bantuan"))
        bar.setColor(QColor(PALETTE[0]))
        cats = []
        for a in reversed(items):  # the first on top
            bar.append(round(a.amount / divisor, 1))
            cats.append(f"{_short(a.label)} ({format_number(a.count)})")
        series = QHorizontalBarSeries()
        series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(6)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        bar.setLabelColor(QColor("white"))
        box.chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append(cats)
        ax = QValueAxis()
        top = max(a.amount for a in items) / divisor
        ax.setRange(0, top * 1.15 if top else 1)
        ax.applyNiceNumbers()
        ax.setLabelFormat("%.0f")
        ax.setTitleText(unit)
        box.chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        box.chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(ay)
        series.attachAxis(ax)
        box.chart.legend().setVisible(False)
        font = QFont()
        font.setPointSize(8)
        ay.setLabelsFont(font)

    def _counts(self, box: ChartBox, items: Sequence[tuple[str, int]], empty: str) -> None:
        """Horizontal bars of counts, the ten largest on top."""
        if not items:
            box.reset(empty)
            return
        box.reset()
        items = list(items)[:10]
        bar = QBarSet(_("Kunjungan terlambat"))
        bar.setColor(QColor("#c23b3b"))
        bar.setLabelColor(QColor("white"))
        for _label, n in reversed(items):
            bar.append(n)
        series = QHorizontalBarSeries()
        series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        box.chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append([_short(label, 28) for label, _n in reversed(items)])
        ax = QValueAxis()
        top = max(n for _l, n in items)
        if top <= 10:
            ax.setRange(0, top + 1)
            ax.setTickCount(top + 2)  # one tick per whole visit
        else:
            ax.setRange(0, top * 1.1)
            ax.applyNiceNumbers()
        ax.setLabelFormat("%.0f")
        box.chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        box.chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(ay)
        series.attachAxis(ax)
        box.chart.legend().setVisible(False)
        font = QFont()
        font.setPointSize(8)
        ay.setLabelsFont(font)
