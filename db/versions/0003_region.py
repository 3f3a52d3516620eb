"""region: plan, measures, network meetings, trust check

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:33:57.131315
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('attendees', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_meeting_date'), ['date'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period_start', sa.Integer(), nullable=True),
    sa.Column('period_end', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible_org_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.ForeignKeyConstraint(['responsible_org_id'], ['org.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_responsible_org_id'), ['responsible_org_id'], unique=False)

    op.create_table('measure_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('measure_id', 'project_id')
    )
    with op.batch_alter_table('measure_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_project_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_project_project_id'), ['project_id'], unique=False)

    op.create_table('measure_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('measure_id', 'org_id')
    )
    with op.batch_alter_table('measure_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_support_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_support_org_id'), ['org_id'], unique=False)

    op.create_table('trust_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('shared_goals', sa.Integer(), nullable=False),
    sa.Column('anchoring', sa.Integer(), nullable=False),
    sa.Column('attitudes', sa.Integer(), nullable=False),
    sa.Column('processes', sa.Integer(), nullable=False),
    sa.Column('framework', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round', 'respondent_id')
    )
    with op.batch_alter_table('trust_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_answer_round'), ['round'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trust_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_answer_round'))

    op.drop_table('trust_answer')
    with op.batch_alter_table('measure_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_support_org_id'))
        batch_op.drop_index(batch_op.f('ix_measure_support_measure_id'))

    op.drop_table('measure_support')
    with op.batch_alter_table('measure_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_project_project_id'))
        batch_op.drop_index(batch_op.f('ix_measure_project_measure_id'))

    op.drop_table('measure_project')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_responsible_org_id'))
        batch_op.drop_index(batch_op.f('ix_measure_plan_id'))

    op.drop_table('measure')
    op.drop_table('plan')
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_meeting_date'))

    op.drop_table('network_meeting')
