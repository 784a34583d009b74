"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) and worker settings that point at it."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from practipal_app import config


class MailServer:
    """An SMTP server that records what it accepts. `rcpt_reply`/`data_reply` make it refuse."""

    def __init__(self, port: int, delay: float = 0.0):
        self.port = port
        self.delay = delay
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        self.accepted: list[Message] = []
        self.refused: list[Message] = []
        self.rcpt_calls = 0
        self.data_calls = 0
        self._controller: Controller | None = None

    # aiosmtpd handler hooks (run on the server's own thread and event loop)
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_calls += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        message = message_from_bytes(envelope.content)
        if self.delay:
            # A client that disconnects now cancels this handler: the message is not accepted.
            await asyncio.sleep(self.delay)
        if self.data_reply:
            self.refused.append(message)
            return self.data_reply
        self.accepted.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.accepted)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_env(port: int, data_dir: str) -> dict[str, str]:
    return {
        "PRACTIPAL_DATA_DIR": data_dir,
        "PRACTIPAL_SMTP_HOST": "127.0.0.1",
        "PRACTIPAL_SMTP_PORT": str(port),
        "PRACTIPAL_SMTP_STARTTLS": "0",
        "PRACTIPAL_MAIL_FROM": "Sunrise Counselling <no-reply@sunrise.example>",
    }


def smtp_settings(port: int, data_dir: str) -> config.Settings:
    settings = config.load_settings(smtp_env(port, data_dir))
    assert settings.smtp_configured and not settings.smtp_starttls and not settings.smtp_tls
    return settings
