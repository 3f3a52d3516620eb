"""Running the Alembic migrations in ``db/`` (inside the wheel: ``plp/_db``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine


def script_location() -> Path:
    here = Path(__file__).resolve().parent
    packed = here / "_db"
    return packed if packed.is_dir() else here.parent / "db"


def config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()
