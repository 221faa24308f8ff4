"""One case database as a process uses it: engine, session factory, evidence store, migrations.

Why one function: the gateway used to open the database in three places, each reading
``DATABASE_URL`` itself. A process's composition root (``bot/app.py`` for the gateway) now
calls :func:`open_database` once with its settings and hands the result to whoever needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from db.settings import DbSettings


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    evidence: EvidenceStore

    def migrate(self) -> None:
        """Bring the schema to the newest migration (blocking; Alembic is synchronous)."""
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: DbSettings) -> Database:
    """Engine and stores for ``settings``; connects lazily, so nothing is touched yet."""
    engine = make_engine(settings.database_url)
    return Database(
        engine,
        make_session_factory(engine),
        EvidenceStore(settings.evidence_dir, settings.evidence_max_bytes),
    )
