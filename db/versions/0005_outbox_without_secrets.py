"""outbox without secrets

The outbox used to store the webhook URL as the address of a webhook message, and
delivery errors could quote a password from an SMTP URL. A webhook URL is a secret
(whoever has it can post), so webhook rows now say "webhook" and the URL is read
from PLP_WEBHOOK_URL when sending; stored errors lose the URLs and passwords.
Data only: the schema does not change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 17:00:00
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Kept here rather than imported from plp: a migration must mean the same thing forever.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):[^\s/]*@")


def upgrade() -> None:
    conn = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('channel', sa.String),
                      sa.column('address', sa.String), sa.column('last_error', sa.String))
    urls = {a for (a,) in conn.execute(sa.select(outbox.c.address).where(outbox.c.channel == 'webhook'))
            if a and a != 'webhook'}
    for row_id, error in conn.execute(sa.select(outbox.c.id, outbox.c.last_error)
                                      .where(outbox.c.last_error.is_not(None))).all():
        clean = error
        for url in sorted(urls, key=len, reverse=True):
            clean = clean.replace(url, '***')
        clean = _USERINFO.sub(r'\1:***@', clean)
        if clean != error:
            conn.execute(sa.update(outbox).where(outbox.c.id == row_id).values(last_error=clean))
    conn.execute(sa.update(outbox).where(outbox.c.channel == 'webhook').values(address='webhook'))


def downgrade() -> None:
    pass  # the URLs are gone on purpose; PLP_WEBHOOK_URL supplies them when sending
