"""A settings section checks itself: `save_section` refuses a section whose own `problems()` says it is
wrong, with the message the form shows, and stores nothing (the settings dialog shows the service's
words, so the command line and any other caller get the same rule)."""

from __future__ import annotations

import dataclasses

import pytest

from kaltim_desk.core.errors import ValidationFailed
from kaltim_desk.core.settings import RegistryRules, load_section, registry_rules, save_section
from kaltim_desk.services.monitoring.schedule import MonitoringRules


def test_group_sizes_out_of_order_are_refused_and_nothing_is_stored(session) -> None:
    bad = dataclasses.replace(RegistryRules(), group_min_size=12, group_target_size=10)
    with pytest.raises(ValidationFailed) as err:
        save_section(session, bad)
    assert "paling sedikit ≤ dianjurkan ≤ paling banyak" in err.value.message
    assert err.value.field == "registry"
    assert registry_rules(session) == RegistryRules()


def test_a_missed_visit_must_come_after_the_grace_period(session) -> None:
    bad = dataclasses.replace(MonitoringRules(), grace_days=60, overdue_for_days=60)
    with pytest.raises(ValidationFailed) as err:
        save_section(session, bad)
    assert "Dianggap terlewat (60 hari) harus lebih lama" in err.value.message
    with pytest.raises(ValidationFailed, match="antara 1 dan 60"):
        save_section(session, dataclasses.replace(MonitoringRules(), visit_months=(3, 61)))
    assert load_section(session, MonitoringRules) == MonitoringRules()


def test_a_sound_section_is_stored(session) -> None:
    good = dataclasses.replace(RegistryRules(), group_min_size=6, group_target_size=8, group_max_size=15)
    save_section(session, good)
    assert registry_rules(session) == good
