"""Reflex configuration, driven by PRACTIPAL_* and REFLEX_* environment variables."""

import reflex as rx

from practipal_app.config import get_settings
from practipal_app.core.private_files import prepare_data_dir
from practipal_app.db import normalize_url

settings = get_settings()
prepare_data_dir(settings.data_dir)

_state = {} if settings.redis_url else {"state_manager_mode": rx.constants.StateManagerMode.MEMORY}

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
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    show_built_with_reflex=False,
    **_state,
)
