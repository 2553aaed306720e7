"""The Dasbor page: figures computed in the background, drawn as charts, each saved as a PNG."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import QHorizontalBarSeries, QLineSeries
from PySide6.QtGui import QImage

from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import VisitInput
from kaltim_desk.views.pages.dashboard import Page
from tests.factories import make_active_group, make_person


def _office(ctx) -> None:  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    paid = date.today() - timedelta(days=400)
    with ctx.session() as s:
        prog = Programme(name="KUBE", budget_year=paid.year, funding_source="APBD")
        s.add(prog)
        s.flush()
        for i in range(4):
            g = make_active_group(s, name=f"KUBE Uji {i}")
            grant = Grant(programme_id=prog.id, group_id=g.id, amount=20_000_000, status="disbursed")
            s.add(grant)
            s.flush()
            s.add(Tranche(grant_id=grant.id, seq=1, planned_amount=20_000_000, paid_on=paid))
            s.flush()
            if i < 3:  # three visited just before 3 months; one of them has closed
                visits.record_visit(
                    s,
                    VisitInput(
                        paid + timedelta(days=85),
                        "Rina",
                        group_id=g.id,
                        business_status="closed" if i == 0 else "running",
                    ),
                )
        p = make_person(s, name="Calon Penerima")
        s.add(Grant(programme_id=prog.id, person_id=p.id, amount=5_000_000, status="proposed"))


def test_dashboard_shows_counts_and_charts(qtbot, ctx) -> None:
    _office(ctx)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()  # ctx runs tasks synchronously in tests
    assert page.cards["people"].value.text() == "21"
    assert page.cards["groups"].value.text() == "4"
    assert page.cards["aid"].value.text() == "Rp80.000.000"  # the proposal is not committed aid
    assert page.cards["visits"].value.text() == "3"
    assert "Per " in page.status.text()

    lines = [s for s in page.survival.chart.series() if isinstance(s, QLineSeries) and s.name()]
    year = (date.today() - timedelta(days=400)).year
    assert [s.name() for s in lines] == [f"Angkatan {year} (4 usaha)"]
    points = [(p.x(), p.y()) for p in lines[0].points()]
    # start at 100%; 2 of 4 running at 3 months (one closed, one never visited: unknown, not running),
    # and the same at 6 and 12 months (the latest visit known then)
    assert points == [(0, 100), (3, 50.0), (6, 50.0), (12, 50.0)]
    # the figures under the curve, unknowns named
    assert "50,0%" in page.survival_table.text() and "2/4, 1 tak diketahui" in page.survival_table.text()

    bars = [s for s in page.by_type.chart.series() if isinstance(s, QHorizontalBarSeries)]
    assert bars and bars[0].barSets()[0].at(0) == 80.0  # 80 million rupiah for Kuliner
    assert page.by_status.chart.series()
    # 400 days on, nobody has come for the 12-month visit (due ~35 days ago, grace 30 days): all four
    assert page.cards["overdue"].value.text() == "4"


def test_regency_choice_redraws_the_survival_chart(qtbot, ctx) -> None:
    _office(ctx)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    names = [page.regency.itemText(i) for i in range(page.regency.count())]
    assert names[0] == "Semua kabupaten/kota" and "SAMARINDA" in names[1].upper()
    page.regency.setCurrentIndex(1)
    assert page.survival_series() and all(
        r.regency_code == "64.72" for rows in page.survival_series().values() for r in rows
    )


def test_a_redraw_replaces_the_chart_and_qt_deletes_the_old_one(qtbot, ctx) -> None:
    """Emptying a chart piece by piece (removeAllSeries, removeAxis) left objects that Qt and Python
    both thought they owned: the garbage collector later tripped over one and the app crashed (a
    segfault, seen in CI after this page's tests). A redraw now draws on a new chart and Qt deletes
    the old one whole, series and axes with it."""
    from PySide6.QtCore import QCoreApplication, QEvent

    _office(ctx)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    old = page.survival.chart
    gone: list[bool] = []
    old.destroyed.connect(lambda: gone.append(True))
    page.regency.setCurrentIndex(1)
    assert page.survival.chart is not old and page.survival.view.chart() is page.survival.chart
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gone == [True]
    lines = [s for s in page.survival.chart.series() if isinstance(s, QLineSeries)]
    assert [(p.x(), p.y()) for p in lines[0].points()][:2] == [(0, 100), (3, 50.0)]
    assert len(page.survival.chart.axes()) == 2


def test_two_intakes_close_at_one_age_print_one_label_there(qtbot, ctx, monkeypatch) -> None:
    """The demo office's 2025 and 2026 intakes were 71,4% and 72,7% running at 3 months: both labels
    printed over each other. Where two shares are that close only the first intake's label shows; at
    6 months (71,4% against 33,3%) both do."""
    from PySide6.QtCharts import QScatterSeries, QXYSeries

    from kaltim_desk.services.monitoring.survival import SurvivalRow

    def row(year: int, months: int, running: int, total: int) -> SurvivalRow:
        return SurvivalRow(
            year, "Kota Samarinda", months, running, 0, total - running, 0, 0, total, running / total
        )

    page = Page(ctx)
    qtbot.addWidget(page)
    series = {2025: [row(2025, 3, 5, 7), row(2025, 6, 5, 7)], 2026: [row(2026, 3, 8, 11), row(2026, 6, 1, 3)]}
    monkeypatch.setattr(page, "survival_series", lambda: series)
    page._draw_survival()
    dots = [s for s in page.survival.chart.series() if isinstance(s, QScatterSeries)]
    assert [[round(p.y(), 1) for p in d.points()] for d in dots] == [[71.4, 71.4], [72.7, 33.3]]
    hidden = QXYSeries.PointConfiguration.LabelVisibility
    assert all(d.pointLabelsVisible() for d in dots)
    assert dots[0].pointConfiguration(0).get(hidden, True) is True
    assert dots[1].pointConfiguration(0).get(hidden, True) is False  # 72,7% beside 71,4%
    assert dots[1].pointConfiguration(1).get(hidden, True) is True  # 33,3%: far from 71,4%
    assert "72,7%" in page.survival_table.text()  # the table under the chart still has the figure


def test_empty_office_says_so(qtbot, ctx) -> None:
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.cards["people"].value.text() == "0"
    assert page.survival.chart.title() == "Belum ada usaha yang cukup umur untuk dihitung"
    assert page.by_type.chart.title() == "Belum ada bantuan yang disetujui"


def test_each_chart_saves_as_png(qtbot, ctx, prompts, tmp_path: Path) -> None:
    _office(ctx)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.refresh()
    prompts.file_answer = tmp_path / "kelangsungan"  # the .png suffix is added
    page.survival.save_button.click()
    saved = tmp_path / "kelangsungan.png"
    image = QImage(str(saved))
    assert not image.isNull() and image.width() > 100
    assert prompts.messages[-1][0] == "choose" and str(saved) in prompts.messages[-1][2]
    prompts.file_answer = None  # cancelled: nothing written, nothing said
    before = len(prompts.messages)
    page.by_regency.save_button.click()
    assert len(prompts.messages) == before


def test_a_failure_is_shown_not_raised(qtbot, ctx, monkeypatch) -> None:
    import kaltim_desk.views.pages.dashboard as mod
    from kaltim_desk.core.errors import DomainError

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise DomainError("x", "Basis data sedang dipakai.")

    monkeypatch.setattr(mod, "dashboard_data", boom)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.status.text() == "Basis data sedang dipakai."
    assert page.reload_button.isEnabled()


def test_figures_are_computed_off_the_gui_thread(qtbot, ctx, monkeypatch) -> None:
    """With the real thread pool the page returns at once and fills in when the worker is done."""
    import threading

    import kaltim_desk.views.pages.dashboard as mod
    from kaltim_desk.tasks import ThreadPoolTaskRunner

    _office(ctx)
    ctx.tasks = ThreadPoolTaskRunner()
    threads: list[str] = []
    real = mod.dashboard_data

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*a, **k)

    monkeypatch.setattr(mod, "dashboard_data", spy)
    try:
        page = Page(ctx)
        qtbot.addWidget(page)
        page.refresh()
        assert page.status.text() == "Menghitung…"
        qtbot.waitUntil(lambda: page.cards["groups"].value.text() == "4", timeout=20_000)
    finally:
        ctx.tasks.wait()
    assert threads and threads[0] != threading.main_thread().name
