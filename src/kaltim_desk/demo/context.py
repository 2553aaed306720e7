"""What the demo office's steps share (`demo/<feature>.py` `populate(ctx)`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from sqlalchemy.orm import Session


@dataclass
class DemoContext:
    """What the steps share: the session, a seeded random source, and what earlier steps created."""

    session: Session
    rng: Random
    people: int
    person_ids: list[int] = field(default_factory=list)
    active_group_ids: list[int] = field(default_factory=list)
    forming_group_ids: list[int] = field(default_factory=list)
    programme_ids: list[int] = field(default_factory=list)
    grant_ids: list[int] = field(default_factory=list)
    training_ids: list[int] = field(default_factory=list)
