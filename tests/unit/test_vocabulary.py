"""One spelling and one label per stored value: the StrEnums of models/vocabulary.py are what the
schema's CHECK constraints allow, and every value has its label (the dashboard and the grant screens
both say "Terverifikasi")."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import CheckConstraint

from kaltim_desk.models.grant import Grant
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.vocabulary import (
    AidForm,
    GrantStatus,
    GroupStatus,
    MemberRole,
    aid_form_labels,
    grant_status_labels,
    group_status_labels,
    member_role_labels,
)
from kaltim_desk.services.aid import aid_rules


def _allowed(model: type, column: str) -> set[str]:
    for c in model.__table__.constraints:  # type: ignore[attr-defined]
        if isinstance(c, CheckConstraint) and str(c.sqltext).startswith(f"{column} IN"):
            return set(re.findall(r"'([^']*)'", str(c.sqltext)))
    raise AssertionError(f"no CHECK on {column}")


@pytest.mark.parametrize(
    ("model", "column", "vocabulary", "labels"),
    [
        (Grant, "status", GrantStatus, grant_status_labels),
        (Grant, "form", AidForm, aid_form_labels),
        (KubeGroup, "status", GroupStatus, group_status_labels),
        (GroupMember, "role", MemberRole, member_role_labels),
    ],
)
def test_the_schema_allows_exactly_the_vocabulary_and_each_value_has_a_label(
    model: type, column: str, vocabulary: type, labels: object
) -> None:
    values = {m.value for m in vocabulary}  # type: ignore[attr-defined]
    assert _allowed(model, column) == values
    assert set(labels()) == values  # type: ignore[operator]


def test_the_grant_screens_and_the_dashboard_name_a_status_the_same() -> None:
    assert aid_rules.status_labels() == grant_status_labels()
    assert grant_status_labels()[GrantStatus.VERIFIED] == "Terverifikasi"
