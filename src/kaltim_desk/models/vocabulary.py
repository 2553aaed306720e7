"""The closed vocabularies stored in the database: `kaltim_desk.vocabulary`, under the name the
models and the services import them by."""

from __future__ import annotations

from kaltim_desk.vocabulary import *  # noqa: F403
