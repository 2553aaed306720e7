"""Alembic environment: runs on the engine handed in by `kaltim_desk.db.migrate` (or the URL in alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import kaltim_desk.models  # noqa: F401  registers every table
from kaltim_desk.db import make_engine
from kaltim_desk.models.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url")
        engine = (
            make_engine(url)
            if url
            else engine_from_config(
                config.get_section(config.config_ini_section, {}), poolclass=pool.NullPool
            )
        )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
