"""insights covering indexes: the year's weekly counts read from indexes alone

Revision ID: 5c1e7a92b4d0
Revises: 8818c0fafe21
Create Date: 2026-12-03 19:40:00.000000

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '5c1e7a92b4d0'
down_revision: Union[str, Sequence[str], None] = '8818c0fafe21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WIDENED = {
    'message': ('ix_message_thread_created', ['thread_id', 'created_at']),
    'appointment': ('ix_appointment_therapist_start', ['therapist_id', 'starts_at']),
    'contactrecord': ('ix_contactrecord_therapist_at', ['therapist_id', 'at']),
}
EXTRA = {
    'message': ['kind', 'after_hours'],
    'appointment': ['status', 'ends_at'],
    'contactrecord': ['channel', 'direction', 'after_hours'],
}


def upgrade() -> None:
    """Upgrade schema."""
    for table, (name, columns) in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns + EXTRA[table], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for table, (name, columns) in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
