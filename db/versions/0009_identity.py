"""identity: administrators, login roles, the creator by id, the actor's id on events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00

``project.created_by_id`` is filled from the ``project_created`` event's actor
where exactly one person has that name; otherwise it stays empty (a project
created under a name that matches nobody has no creator to stand in for a role).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, no batch copy: recreating person or project would trip the
    # foreign keys that point at them on SQLite.
    op.add_column('person', sa.Column('is_admin', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('person', sa.Column('db_role', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index('ix_person_db_role', 'person', ['db_role'], unique=True)
    op.add_column('project', sa.Column('created_by_id', sa.Integer(), nullable=True))
    op.add_column('event', sa.Column('actor_id', sa.Integer(), nullable=True))
    _backfill_creators()


def _backfill_creators() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT e.project_id, e.actor FROM event e WHERE e.kind = 'project_created' AND e.project_id IS NOT NULL"
    )).all()
    for project_id, actor in rows:
        ids = conn.execute(sa.text("SELECT id FROM person WHERE name = :n"), {"n": actor}).scalars().all()
        if len(ids) == 1:
            conn.execute(sa.text("UPDATE project SET created_by_id = :p WHERE id = :id"),
                         {"p": ids[0], "id": project_id})


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('actor_id')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('created_by_id')
    op.drop_index('ix_person_db_role', table_name='person')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('db_role')
        batch_op.drop_column('is_admin')
