"""The pages of the main window, in navigation order. Each module defines `Page(ctx)`, a QWidget with
`title`, `refresh()` and optional `actions()`; `permission` hides a page from roles that can not use it."""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_desk.i18n import _


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    module: str
    permission: str
    shortcut: str


def page_specs() -> list[PageSpec]:
    return [
        PageSpec("dashboard", _("Dasbor"), "kaltim_desk.views.pages.dashboard", "report.view", "Ctrl+0"),
        PageSpec("people", _("Penerima"), "kaltim_desk.views.pages.people", "person.view", "Ctrl+1"),
        PageSpec("groups", _("Kelompok"), "kaltim_desk.views.pages.groups", "group.view", "Ctrl+2"),
        PageSpec("aid", _("Bantuan usaha"), "kaltim_desk.views.pages.aid", "grant.view", "Ctrl+3"),
        PageSpec("training", _("Pelatihan"), "kaltim_desk.views.pages.training", "training.view", "Ctrl+4"),
        PageSpec(
            "monitoring", _("Pendampingan"), "kaltim_desk.views.pages.monitoring", "visit.view", "Ctrl+5"
        ),
        PageSpec("reports", _("Laporan"), "kaltim_desk.views.pages.reports", "report.view", "Ctrl+6"),
        PageSpec("audit", _("Audit"), "kaltim_desk.views.pages.audit", "audit.view", "Ctrl+7"),
    ]
