"""Running the Alembic migrations in ``db/`` (inside the wheel: ``plp/_db``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine


def script_location() -> Path:
    here = Path(__file__).resolve().parent
    packed = here / "_db"
    return packed if packed.is_dir() else here.parent / "db"


def config(location: Path | None = None):
    from alembic.config import Config

    cfg = Config()
    # Alembic's options go through configparser, which reads "%" as interpolation:
    # a folder such as /home/x/100%/plp must be written with "%%".
    cfg.set_main_option("script_location", str(location or script_location()).replace("%", "%%"))
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
