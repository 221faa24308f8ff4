"""Migrations: one head, and the migrated schema equals the models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from claims.stages import Stage
from claims.status import CaseStatus
from db.migrate import heads
from db.models import CASE_STATUSES, STAGE_NAMES, Base, CaseRow


def test_one_head() -> None:
    assert heads() == ["0004_outbox"]


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)


def test_stage_columns_follow_the_domain() -> None:
    assert set(STAGE_NAMES) == {s.value for s in Stage}


def test_status_values_follow_the_domain() -> None:
    assert tuple(s.value for s in CaseStatus) == CASE_STATUSES
    check = next(c for c in CaseRow.__table__.constraints if str(c.name).endswith("status"))
    assert str(check.sqltext) == "status IN ({})".format(  # type: ignore[attr-defined]
        ", ".join(f"'{s}'" for s in CASE_STATUSES)
    )
