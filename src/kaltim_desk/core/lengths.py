"""The text lengths the schema allows, checked by the services before anything is written.

What: `length_problems(Model, values)` returns one `too_long` DomainError (with its field) for every
text value longer than its column's `String(n)`, plus any stricter limits the caller adds (a `Text`
column such as notes has none in the schema).

Why: SQLite stores any length in a VARCHAR(150), PostgreSQL refuses it with an error that fails the
whole transaction (a 40,000-character name in one row used to fail a whole import there, and was
stored on SQLite). Checking the limits here, read from the models themselves, gives the same clear
per-field refusal on both backends and can not drift from the schema. The message never quotes the
value.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from kaltim_desk.core.errors import DomainError

LABELS = {
    "name": "Nama",
    "birth_place": "Tempat lahir",
    "street": "Alamat",
    "business_type": "Jenis usaha",
    "bank_name": "Nama bank",
    "bank_account": "Nomor rekening",
    "bank_holder": "Nama pemilik rekening",
    "notes": "Catatan",
    "deactivated_reason": "Alasan penonaktifan",
    "marital_status": "Status perkawinan",
    "vulnerability": "Kategori kerentanan",
}
_NO_LIMIT = 1 << 62
NOTES_MAX = 4000  # notes are TEXT in the schema; a page of notes is plenty and keeps exports readable


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@functools.cache
def column_limit(model: Any, key: str) -> int | None:
    """The `String(n)` length of `model`'s column `key`, or None (no such column, or no limit). Cached:
    the schema does not change while the program runs, and an import asks for every field of every row."""
    column = model.__table__.columns.get(key)
    if column is None:
        return None
    length = getattr(column.type, "length", None)
    return int(length) if length else None


@functools.cache
def _limits(model: Any, extra: tuple[tuple[str, int], ...] = ()) -> dict[str, int]:
    """Every `String(n)` limit of `model` by column key (`column_limit` for all columns at once), with the
    caller's `extra` limits over them."""
    keys = [column.key for column in model.__table__.columns]
    limits = {key: limit for key in keys if (limit := column_limit(model, key)) is not None}
    limits.update((key, limit) for key, limit in extra if limit)
    return limits


def length_problems(
    model: Any,
    values: Mapping[str, Any],
    *,
    extra_limits: Mapping[str, int] | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[DomainError]:
    """A `too_long` problem for each text in `values` longer than the schema (or `extra_limits`) allows,
    in the order of `values`."""
    limits = _limits(model, tuple(extra_limits.items()) if extra_limits else ())
    too_long = [
        key
        for key, value in values.items()
        if isinstance(value, str) and len(value) > limits.get(key, _NO_LIMIT)
    ]
    problems = []
    for key in too_long:
        value, limit = values[key], limits[key]
        label = (labels or {}).get(key) or LABELS.get(key, "Isian")
        problems.append(
            DomainError(
                "too_long",
                f"{label} terlalu panjang: {_thousands(len(value))} karakter, paling banyak {limit}.",
                field=key,
            )
        )
    return problems
