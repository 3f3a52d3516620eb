"""The base of every table: a SQLModel whose pydantic schema is built on first use.

A table's rows come from and go to SQLAlchemy, which never asks pydantic to validate
them, so building 31 validators at import (a fifth of the tables' import time) is
work that most commands never use. ``model_dump`` and the like still work: pydantic
builds the schema the first time one is called.
"""

from pydantic import ConfigDict
from sqlmodel import SQLModel


class Table(SQLModel):
    model_config = ConfigDict(defer_build=True)
