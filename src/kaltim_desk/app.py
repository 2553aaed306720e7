"""AppContext: everything a window, page or dialog needs, passed into its constructor (no singletons)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kaltim_desk.core.actor import SYSTEM_ACTOR, Actor
from kaltim_desk.core.permissions import allowed
from kaltim_desk.user_settings import UserSettings

if TYPE_CHECKING:  # only names here: the first-run wizard is painted before SQLAlchemy is imported
    from sqlalchemy.orm import Session

    from kaltim_desk.db import Database
    from kaltim_desk.tasks import TaskRunner
    from kaltim_desk.views.prompts import Prompts


@dataclass
class AppContext:
    db: Database
    tasks: TaskRunner
    prompts: Prompts
    user_settings: UserSettings
    actor: Actor = SYSTEM_ACTOR
    extras: dict[str, Any] = field(default_factory=dict)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work acting as the logged-in user; commits on success."""
        with self.db.session(self.actor) as s:
            yield s

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read_session(self.actor) as s:
            yield s

    def can(self, action: str) -> bool:
        return allowed(self.actor.role, action)
