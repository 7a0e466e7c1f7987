"""initial: the schema that Base.metadata.create_all made before Alembic

Revision ID: 0001
Revises:
Create Date: 2026-11-24

A database created before Alembic has exactly these tables, indexes and constraints: the backend
stamps it at this revision instead of running it (bot.backend.migrate.upgrade_to_head).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_reference", "audit_log", ["reference"], unique=False)

    op.create_table(
        "saisines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("consent_text_version", sa.String(length=40), nullable=True),
        sa.Column("consent_text", sa.Text(), nullable=True),
        sa.Column("consent_given_at", sa.DateTime(), nullable=True),
        sa.Column("consent_channel", sa.String(length=30), nullable=True),
        sa.Column("consent_by", sa.String(length=40), nullable=True),
        sa.Column("parental_consent", sa.Boolean(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.Column("retention_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        # Unnamed, as create_all made them (PostgreSQL names them saisines_<column>_key).
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_saisines_retention_until", "saisines", ["retention_until"], unique=False)
    op.create_index("ix_saisines_status", "saisines", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_saisines_status", table_name="saisines")
    op.drop_index("ix_saisines_retention_until", table_name="saisines")
    op.drop_table("saisines")
    op.drop_index("ix_audit_log_reference", table_name="audit_log")
    op.drop_table("audit_log")
