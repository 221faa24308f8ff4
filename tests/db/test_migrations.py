"""Migrations: one head, and the migrated schema equals the models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from claims.stages import Stage
from db.migrate import heads
from db.models import STAGE_NAMES, Base


def test_one_head() -> None:
    assert heads() == ["0001"]


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)


def test_stage_columns_follow_the_domain() -> None:
    assert set(STAGE_NAMES) == {s.value for s in Stage}
