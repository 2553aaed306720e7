"""Trainings, participants, attendance and the completion rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, DomainError, PermissionDenied, ValidationFailed
from kaltim_desk.core.settings import set_raw
from kaltim_desk.services.training import attendance, trainings
from kaltim_desk.services.training.training_rules import TrainingRules, compute_completion
from kaltim_desk.services.training.trainings import SessionInput, TrainingInput
from tests.factories import START, make_active_group, make_training, mark, training_input

RULES = TrainingRules()


def test_exactly_eighty_percent_completes() -> None:
    c = compute_completion(["present"] * 4 + ["absent"], RULES)
    assert (c.completed, c.percent, c.reason) == (True, 80, "")


def test_just_below_eighty_percent_does_not_complete() -> None:
    # 7 of 9 = 77.7%: not enough, and the reason names the numbers
    c = compute_completion(["present"] * 7 + ["absent"] * 2, RULES)
    assert not c.completed
    assert c.reason == "Kehadiran 77% (syarat minimal 80%)."


def test_no_sessions_never_completes() -> None:
    c = compute_completion([], RULES)
    assert (c.completed, c.percent) == (False, None)
    assert c.reason == "Belum ada sesi pelatihan."


def test_all_excused_does_not_complete_by_default_but_can_be_allowed() -> None:
    marks = ["excused"] * 5
    assert not compute_completion(marks, RULES).completed
    assert compute_completion(marks, TrainingRules(excused_counts_as_present=True)).completed


def test_unrecorded_session_counts_as_absent() -> None:
    c = compute_completion(["present", "present", "present", "present", None], RULES)
    assert c.completed and c.absent == 1
    c = compute_completion(["present", "present", "present", None, None], RULES)
    assert not c.completed


def test_post_score_requirement() -> None:
    rules = TrainingRules(min_post_score=70)
    marks = ["present"] * 5
    assert compute_completion(marks, rules, None).reason == "Nilai post-test belum diisi."
    assert not compute_completion(marks, rules, 69).completed
    assert compute_completion(marks, rules, 70).completed


# --- trainings -------------------------------------------------------------------------------------


def test_create_training_sums_hours_and_keeps_trainers(session: Any) -> None:
    t = trainings.create_training(session, training_input(3))
    assert t.hours == 12
    assert [s.topic for s in t.sessions] == ["Materi 1", "Materi 2", "Materi 3"]
    assert t.trainers[0].institution == "Universitas Mulawarman"
    assert t.status == "planned"
    rows = trainings.page_trainings(session, PageFilter(text="manajemen"))
    assert [(r.title, r.session_count) for r in rows] == [("Pelatihan Manajemen Usaha Mikro", 3)]


def test_bad_training_input_names_each_field(session: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        trainings.create_training(
            session,
            training_input(
                2,
                title="  ",
                end_date=START - timedelta(days=1),
                sessions=(SessionInput(START + timedelta(days=30), "Jauh", 2),),
            ),
        )
    fields = {p.field for p in err.value.problems}
    assert {"title", "end_date"} <= fields
    assert "Judul pelatihan wajib diisi." in err.value.message


def test_session_outside_training_dates_is_refused(session: Any) -> None:
    with pytest.raises(ValidationFailed, match="Tanggal sesi 1 di luar masa pelatihan"):
        trainings.create_training(
            session, training_input(1, sessions=(SessionInput(START + timedelta(days=9), "X", 2),))
        )


def test_update_keeps_session_ids_and_refuses_removing_marked_session(session: Any) -> None:
    t, pids = make_training(session, 3, 1)
    mark(session, t.id, pids[0], ["present", None, None])
    t = trainings.get_training(session, t.id)
    data = t.to_input()
    renamed = (SessionInput(t.sessions[0].session_date, "Pembukaan", 2, t.sessions[0].id), *data.sessions[1:])
    t2 = trainings.update_training(
        session, t.id, t.version, TrainingInput(**{**data.__dict__, "sessions": renamed, "hours": None})
    )
    assert t2.sessions[0].id == t.sessions[0].id and t2.sessions[0].topic == "Pembukaan"
    assert t2.hours == 10 and t2.version == t.version + 1
    with pytest.raises(ConflictError):
        trainings.update_training(session, t.id, t.version, data)
    without_first = TrainingInput(**{**data.__dict__, "sessions": data.sessions[1:]})
    with pytest.raises(DomainError, match="sudah berisi 1 catatan kehadiran"):
        trainings.update_training(session, t.id, t2.version, without_first)


def test_enroll_group_adds_every_member_once(session: Any) -> None:
    t = trainings.create_training(session, training_input(2))
    g = make_active_group(session, size=6)
    res = trainings.enroll_group(session, t.id, g.id)
    assert (res.added, res.already) == (6, 0)
    res = trainings.enroll_group(session, t.id, g.id)
    assert (res.added, res.already) == (0, 6)
    grid = attendance.attendance_grid(session, t.id)
    assert len(grid.participants) == 6
    assert {p.group_name for p in grid.participants} == {"KUBE MAWAR"}


def test_scores_are_validated(session: Any) -> None:
    t, pids = make_training(session, 2, 1)
    trainings.set_scores(session, pids[0], "55", 80)
    p = attendance.attendance_grid(session, t.id).participants[0]
    assert (p.pre_score, p.post_score) == (55, 80)
    with pytest.raises(DomainError, match="Nilai post-test harus angka 0-100") as err:
        trainings.set_scores(session, pids[0], 10, 101)
    assert err.value.field == "post_score"


def test_grid_shows_completion_from_marks(session: Any) -> None:
    t, pids = make_training(session, 5, 2)
    mark(session, t.id, pids[0], ["present", "present", "present", "present", "absent"])
    mark(session, t.id, pids[1], ["present", "excused", "present", "absent", "present"])
    grid = attendance.attendance_grid(session, t.id)
    by_id = {p.id: p for p in grid.participants}
    assert by_id[pids[0]].completion.completed and by_id[pids[0]].completion.percent == 80
    assert not by_id[pids[1]].completion.completed and by_id[pids[1]].completion.percent == 60
    # clearing a mark (None) deletes it: back to unrecorded
    attendance.set_marks(session, t.id, {(pids[0], grid.sessions[0].id): None})
    p0 = next(p for p in attendance.attendance_grid(session, t.id).participants if p.id == pids[0])
    assert p0.marks[0] is None and not p0.completion.completed


def test_completion_setting_changes_the_result(session: Any) -> None:
    t, pids = make_training(session, 4, 1)
    mark(session, t.id, pids[0], ["present", "present", "present", "excused"])
    assert not attendance.completion_of(session, pids[0]).completed
    set_raw(session, "training", {"min_attendance_percent": 75})
    assert attendance.completion_of(session, pids[0]).completed


def test_marks_for_another_training_are_refused(session: Any) -> None:
    t1, p1 = make_training(session, 2, 1)
    t2, _ = make_training(session, 2, 1)
    g2 = attendance.attendance_grid(session, t2.id)
    with pytest.raises(DomainError, match="peserta atau sesi pelatihan lain"):
        attendance.set_marks(session, t1.id, {(p1[0], g2.sessions[0].id): "present"})


def test_clerk_can_view_but_not_take_attendance(db: Any) -> None:
    from tests.conftest import ADMIN

    with db.session(ADMIN) as s:
        t, pids = make_training(s, 2, 1)
        sid = attendance.attendance_grid(s, t.id).sessions[0].id
    with db.session(Actor("c", "clerk")) as s:
        assert attendance.attendance_grid(s, t.id).title == t.title
        with pytest.raises(PermissionDenied):
            attendance.set_marks(s, t.id, {(pids[0], sid): "present"})
    with db.session(Actor("t", "trainer")) as s:
        assert attendance.set_marks(s, t.id, {(pids[0], sid): "present"}) == 1


# --- properties ------------------------------------------------------------------------------------


@given(
    marks=st.lists(st.sampled_from(["present", "excused", "absent", None]), max_size=40),
    percent=st.integers(1, 100),
    excused_ok=st.booleans(),
)
def test_completion_is_exactly_the_integer_rule(
    marks: list[str | None], percent: int, excused_ok: bool
) -> None:
    rules = TrainingRules(min_attendance_percent=percent, excused_counts_as_present=excused_ok)
    c = compute_completion(marks, rules)
    attended = sum(1 for m in marks if m == "present" or (excused_ok and m == "excused"))
    assert c.completed == (bool(marks) and attended * 100 >= percent * len(marks))
    assert c.present + c.excused + c.absent == c.total == len(marks)
    assert (c.reason == "") == c.completed


def test_an_edit_moves_the_version_once_even_when_collections_load_midway(session: Any) -> None:
    t = trainings.create_training(session, training_input(2))
    session.flush()
    session.expunge_all()  # as after garbage collection: the next load starts with nothing cached
    data = t.to_input()
    t2 = trainings.update_training(session, t.id, t.version, TrainingInput(**{**data.__dict__, "hours": 5}))
    assert t2.version == t.version + 1
    session.expunge_all()
    t3 = trainings.update_training(session, t.id, t2.version, TrainingInput(**{**data.__dict__, "hours": 6}))
    assert (t3.version, t3.hours) == (t2.version + 1, 6)
