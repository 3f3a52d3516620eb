"""time rules: conditions, holds, anchoring validity, benefit reviews

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:34:05.448625
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timed_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('timed_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timed_move_project_id'), ['project_id'], unique=False)

    op.create_table('benefit_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('review', sa.Integer(), nullable=False),
    sa.Column('after', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('achieved', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'goal_id', 'review')
    )
    with op.batch_alter_table('benefit_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_review_due'), ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_review_project_id'), ['project_id'], unique=False)

    op.create_table('decision_condition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('decision_point', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_condition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_condition_due'), ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_condition_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('anchoring', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('dormant_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_up', sqlmodel.sql.sqltypes.AutoString(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('follow_up')
        batch_op.drop_column('dormant_since')
        batch_op.drop_column('review_on')
        batch_op.drop_column('held_on')

    with op.batch_alter_table('anchoring', schema=None) as batch_op:
        batch_op.drop_column('valid_until')

    with op.batch_alter_table('decision_condition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_condition_project_id'))
        batch_op.drop_index(batch_op.f('ix_decision_condition_due'))

    op.drop_table('decision_condition')
    with op.batch_alter_table('benefit_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_review_project_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_review_due'))

    op.drop_table('benefit_review')
    with op.batch_alter_table('timed_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timed_move_project_id'))

    op.drop_table('timed_move')
