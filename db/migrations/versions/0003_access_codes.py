"""access codes: one-time codes and the attempts the lockout counts; random references

Revision ID: 0003_access_codes
Revises: 0002_web_sessions
Create Date: 2026-12-04 04:30:00

References are drawn at random now (db/references.py), so the per-year counter goes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_access_codes"
down_revision: str | None = "0002_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "access_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_reference", sa.String(length=32), nullable=False),
        sa.Column("identity", sa.String(length=240), nullable=False),
        sa.Column("code_hash", sa.String(length=160), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_codes")),
    )
    with op.batch_alter_table("access_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_codes_case_reference"), ["case_reference"])
        batch_op.create_index(batch_op.f("ix_access_codes_identity"), ["identity"])
    op.create_table(
        "access_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("identity", sa.String(length=240), nullable=False),
        sa.Column("case_reference", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_attempts")),
    )
    with op.batch_alter_table("access_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_attempts_at"), ["at"])
        batch_op.create_index(batch_op.f("ix_access_attempts_identity"), ["identity"])
        batch_op.create_index(
            batch_op.f("ix_access_attempts_case_reference"), ["case_reference"]
        )
    op.drop_table("reference_counters")


def downgrade() -> None:
    op.create_table(
        "reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counters")),
    )
    op.drop_table("access_attempts")
    op.drop_table("access_codes")
