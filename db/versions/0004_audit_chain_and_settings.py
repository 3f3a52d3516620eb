"""audit chain and settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:01:57.875734
"""
import datetime
import hashlib
import json

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))
    _chain_existing_events()


def _hash(prev_hash, at, actor, kind, project_id, data):
    """The chain hash as plp.audit.event_hash computes it (copied: migrations stay as written)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.timezone.utc)
    moment = at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    canonical = json.dumps([prev_hash, moment, actor, kind, project_id, data], ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _chain_existing_events():
    """Link the events written before the chain existed, oldest first.

    Decision events get the id of the decision row they record (matched in order per
    project), so ``plp audit verify`` can compare the two.
    """
    conn = op.get_bind()
    event = sa.table("event", sa.column("id", sa.Integer), sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
                     sa.column("actor", sa.String), sa.column("kind", sa.String),
                     sa.column("project_id", sa.Integer), sa.column("data", sa.Text),
                     sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
    decision = sa.table("decision", sa.column("id", sa.Integer), sa.column("project_id", sa.Integer))
    queue = {}
    for did, pid in conn.execute(sa.select(decision.c.id, decision.c.project_id).order_by(decision.c.id)):
        queue.setdefault(pid, []).append(did)
    prev, last_id = "0" * 64, 0
    rows = conn.execute(sa.select(event.c.id, event.c.at, event.c.actor, event.c.kind, event.c.project_id,
                                  event.c.data).order_by(event.c.id)).all()
    for eid, at, actor, kind, project_id, data in rows:
        if kind == "decision_taken" and queue.get(project_id):
            payload = json.loads(data)
            payload.setdefault("decision_id", queue[project_id].pop(0))
            data = json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)
        digest = _hash(prev, at, actor, kind, project_id, data)
        conn.execute(sa.update(event).where(event.c.id == eid).values(data=data, prev_hash=prev, hash=digest))
        prev, last_id = digest, eid
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("last_event_id", sa.Integer),
                    sa.column("last_hash", sa.String))
    conn.execute(sa.insert(head).values(id=1, last_event_id=last_id, last_hash=prev))


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')

    op.drop_table('setting')
    op.drop_table('audit_head')
