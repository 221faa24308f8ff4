"""Settings and engine: defaults under the project root, SQLite pragmas on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from db.settings import PROJECT_ROOT, DbSettings


def test_defaults_resolve_under_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "EVIDENCE_DIR", "EVIDENCE_MAX_BYTES"):
        monkeypatch.delenv(var, raising=False)
    settings = DbSettings()
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var/claims.db'}"
    assert settings.evidence_dir == PROJECT_ROOT / "var/evidence"
    assert settings.evidence_max_bytes == 20 * 1024 * 1024
    assert (PROJECT_ROOT / "db" / "models.py").exists()


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/claims")
    assert DbSettings().database_url == "postgresql+psycopg://u@localhost/claims"


def test_sqlite_engine_has_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/claims.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
    assert (tmp_path / "sub" / "dir" / "claims.db").exists()
