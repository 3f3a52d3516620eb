"""Alembic environment: plp passes an open connection in ``config.attributes``."""

from alembic import context
from sqlmodel import SQLModel

import plp.models

plp.models.load_all()  # registers every table

target_metadata = SQLModel.metadata
config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` run by hand: use sqlalchemy.url from the config
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    connection = engine.connect()

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
