"""Reflex configuration, driven by PRACTIPAL_* and REFLEX_* environment variables."""

import os

import reflex as rx

from practipal_app import deployment
from practipal_app.components.bundle import ChunkingPlugin
from practipal_app.config import get_settings
from practipal_app.core.private_files import prepare_data_dir
from practipal_app.db import normalize_url

settings = get_settings()
prepare_data_dir(settings.data_dir)

_state = {} if settings.redis_url else {"state_manager_mode": rx.constants.StateManagerMode.MEMORY}
# Reflex's prod server reads its worker count from GRANIAN_WORKERS when it starts granian.
os.environ["GRANIAN_WORKERS"] = str(deployment.worker_count(os.environ, deployment.this_machine()))

config = rx.Config(
    app_name="practipal_app",
    telemetry_enabled=False,
    db_url=normalize_url(settings.database_url),
    api_url=settings.base_url,
    deploy_url=settings.base_url,
    frontend_port=settings.port,
    backend_port=settings.port,
    cors_allowed_origins=[settings.base_url],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                appearance="light", accent_color="teal", gray_color="sage", radius="large"
            ),
        ),
        # Fewer, shared script files: the portal's first visit on a phone (components/bundle.py).
        ChunkingPlugin(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    show_built_with_reflex=False,
    # Despite the name, the memory state manager takes its expiry from this field too.
    redis_token_expiration=deployment.TAB_STATE_SECONDS,
    redis_lock_expiration=deployment.STATE_LOCK_MS,
    redis_lock_warning_threshold=deployment.STATE_LOCK_WARNING_MS,
    **_state,
)
