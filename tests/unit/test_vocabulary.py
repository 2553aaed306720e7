"""One spelling and one label per stored value: the StrEnums of models/vocabulary.py are what the
schema's CHECK constraints allow, and every value has its label (the dashboard and the grant screens
both say "Terverifikasi")."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import CheckConstraint

from kaltim_desk.core.actor import ROLES
from kaltim_desk.core.permissions import PERMISSIONS
from kaltim_desk.models.grant import Grant
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.import_batch import ImportBatch
from kaltim_desk.models.monitoring import Visit
from kaltim_desk.models.training import Attendance, Training
from kaltim_desk.models.user import User
from kaltim_desk.models.vocabulary import (
    AidForm,
    AttendanceStatus,
    BusinessStatus,
    GrantStatus,
    GroupStatus,
    ImportStatus,
    MemberRole,
    TrainingStatus,
    UserRole,
    aid_form_labels,
    attendance_status_labels,
    attendance_status_letters,
    business_status_labels,
    grant_status_labels,
    group_status_labels,
    import_status_labels,
    member_role_labels,
    survival_status_labels,
    training_status_labels,
    user_role_labels,
)
from kaltim_desk.services.aid import aid_rules
from kaltim_desk.services.monitoring import survival
from kaltim_desk.services.office import users


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
        (User, "role", UserRole, user_role_labels),
        (Training, "status", TrainingStatus, training_status_labels),
        (Attendance, "status", AttendanceStatus, attendance_status_labels),
        (Attendance, "status", AttendanceStatus, attendance_status_letters),
        (Visit, "business_status", BusinessStatus, business_status_labels),
        (ImportBatch, "status", ImportStatus, import_status_labels),
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


def test_the_roles_that_may_log_in_are_the_roles_of_the_permission_table() -> None:
    assert set(ROLES) == {r.value for r in UserRole}
    assert {r for roles in PERMISSIONS.values() for r in roles} == set(UserRole)


def test_the_users_screen_names_a_role_with_the_vocabulary_label() -> None:
    clerk = users.UserDTO(  # type: ignore[call-arg]
        **{f: None for f in users.UserDTO.__dataclass_fields__}
        | {"role": UserRole.CLERK, "username": "rina", "active": True}
    )
    assert clerk.role_label == "Operator"


def test_the_survival_table_counts_every_stored_business_status_and_the_unknowns() -> None:
    assert (*BusinessStatus, "unknown") == survival.STATUSES
    assert set(survival_status_labels()) == set(survival.STATUSES)
    assert survival_status_labels()["unknown"] == "Tidak diketahui"
