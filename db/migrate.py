"""Run the Alembic migrations from code (app startup, tests) without a working directory."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.engine import make_engine
from db.settings import DbSettings, resolve_database_url

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def alembic_config(url: str | None = None) -> Config:
    """The Alembic config of ``db/`` pointed at ``url`` (default ``DATABASE_URL``)."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    target = resolve_database_url(url) if url else DbSettings().database_url
    cfg.set_main_option("sqlalchemy.url", target.replace("%", "%%"))
    return cfg


def heads() -> list[str]:
    """Revision ids of the migration heads (there must be exactly one)."""
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def upgrade(url: str | Engine | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (or an engine) up to ``revision``."""
    if isinstance(url, Engine):
        cfg = alembic_config(url.url.render_as_string(hide_password=False))
        with url.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None, revision: str) -> None:
    """Step the database back (used by tests of the migrations themselves)."""
    command.downgrade(alembic_config(url), revision)


if __name__ == "__main__":
    upgrade(make_engine())
