"""case-insensitive unique names, emails and codes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00

Organisation names, email addresses, project codes and plan codes are unique
regardless of case. A database that already holds two that differ only in case is
not changed: the upgrade stops and names them, since only a person can tell which
of the two is meant (rename one, or move what hangs on it, by hand).
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: index name -> (table, column, what it is called in the message)
INDEXES = {
    "uq_org_name_ci": ("org", "name", "organisation names"),
    "uq_person_email_ci": ("person", "email", "email addresses"),
    "uq_project_code_ci": ("project", "code", "project codes"),
    "uq_plan_code_ci": ("plan", "code", "plan codes"),
}


class CaseDuplicates(Exception):
    """Existing rows that differ only in case; the message is one line for the user."""


def _refuse_duplicates(conn) -> None:
    for table, column, what in INDEXES.values():
        t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.String))
        col = t.c[column]
        dup = conn.execute(sa.select(sa.func.lower(col)).where(col.is_not(None)).group_by(sa.func.lower(col))
                           .having(sa.func.count() > 1).limit(1)).scalar()
        if dup is None:
            continue
        rows = conn.execute(sa.select(t.c.id, col).where(sa.func.lower(col) == dup).order_by(t.c.id)).all()
        listed = ", ".join(f"{value!r} ({table} id {rid})" for rid, value in rows)
        raise CaseDuplicates(f"{what} must be unique regardless of case, but {listed} differ only in case: "
                             f"change all but one by hand (UPDATE {table} SET {column} = ... WHERE id = ...), "
                             f"then run 'plp init' again")


def upgrade() -> None:
    _refuse_duplicates(op.get_bind())
    for name, (table, column, _) in INDEXES.items():
        op.create_index(name, table, [sa.text(f"lower({column})")], unique=True)


def downgrade() -> None:
    for name, (table, _, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
