"""Alembic environment: runs migrations on the connection handed over by db.migrate."""

from __future__ import annotations

from alembic import context

from forge_orchestrator.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    connection = engine.connect()

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
