"""The completion rule of a training: who has finished it and may receive a certificate.

Completion is computed from the attendance marks, never typed. The rule is an office setting
(`TrainingRules`), because offices and funding programmes differ:

- `min_attendance_percent` (default 80): a participant completes when she attended at least this share
  of the training's sessions. "At least" is inclusive: 4 of 5 sessions (exactly 80%) completes.
  The comparison is done in integers (`attended * 100 >= percent * total`), so 80% is never lost to a
  float rounding error.
- A session without a mark counts as absent (attendance not yet taken is not attendance).
- Excused absence (izin) does not count as attended by default: the participant still missed the
  material. An office that counts it (`excused_counts_as_present`) can say so.
- A training without sessions: nobody completes (0 of 0 is not 80%); the grid says "belum ada sesi".
- `min_post_score` (optional): when set, a post-test score at least this high is also required; a
  missing post-test score then means not complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaltim_desk.core.settings import load_section
from kaltim_desk.models.vocabulary import AttendanceStatus


@dataclass(frozen=True)
class TrainingRules:
    SECTION = "training"

    min_attendance_percent: int = 80
    excused_counts_as_present: bool = False
    min_post_score: int | None = None


@dataclass(frozen=True)
class Completion:
    attended: int  # sessions counted as attended under the rule
    present: int
    excused: int
    absent: int  # absent marks plus sessions without a mark
    total: int
    percent: int | None  # whole percent, rounded down; None without sessions
    completed: bool
    reason: str  # why not, in Indonesian ("" when completed)


def training_rules(session: Session) -> TrainingRules:
    return load_section(session, TrainingRules)


def compute_completion(
    statuses: list[str | None] | tuple[str | None, ...],
    rules: TrainingRules,
    post_score: int | None = None,
) -> Completion:
    """Completion of one participant from her marks, one per session (None: not recorded)."""
    total = len(statuses)
    present = sum(1 for s in statuses if s == AttendanceStatus.PRESENT)
    excused = sum(1 for s in statuses if s == AttendanceStatus.EXCUSED)
    absent = total - present - excused
    attended = present + (excused if rules.excused_counts_as_present else 0)
    if total == 0:
        return Completion(attended, present, excused, absent, 0, None, False, "Belum ada sesi pelatihan.")
    percent = attended * 100 // total
    need = rules.min_attendance_percent
    if attended * 100 < need * total:
        return Completion(
            attended,
            present,
            excused,
            absent,
            total,
            percent,
            False,
            f"Kehadiran {percent}% (syarat minimal {need}%).",
        )
    if rules.min_post_score is not None:
        if post_score is None:
            return Completion(
                attended, present, excused, absent, total, percent, False, "Nilai post-test belum diisi."
            )
        if post_score < rules.min_post_score:
            return Completion(
                attended,
                present,
                excused,
                absent,
                total,
                percent,
                False,
                f"Nilai post-test {post_score} (syarat minimal {rules.min_post_score}).",
            )
    return Completion(attended, present, excused, absent, total, percent, True, "")
