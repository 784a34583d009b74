"""The last backup, on the owner's settings page."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.backups import status
from practipal_app.backups.views import BackupStatusRow, status_row
from practipal_app.core.identity import Actor
from practipal_app.models.base import utcnow
from practipal_app.state.guard import guarded
from practipal_app.state.session import OWNER


class BackupStatusState(rx.State):
    backup: BackupStatusRow = BackupStatusRow()
    loaded: bool = False

    @guarded(OWNER)
    async def load(self, actor: Actor):
        found, timezone = await db.aread(status.for_owner, actor)
        self.backup, self.loaded = status_row(found, timezone, utcnow()), True
