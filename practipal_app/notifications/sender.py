"""One email over SMTP with aiosmtplib, and what its failure means for a retry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from practipal_app.config import Settings

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    to_address: str
    subject: str
    body_text: str
    # Text attachments, as stored on the outbox row: {"filename", "content_type", "content"}.
    attachments: tuple[dict, ...] = ()


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): do not try again."""


class TemporaryFailure(Exception):
    """Connection trouble or a 4xx reply: try again later."""


def build_message(mail: Outgoing, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    # A stable Message-ID lets a receiving server recognise the same email if it ever comes twice.
    message["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9.-]', '.', mail.key)}.{mail.id}@practipal>"
    message.set_content(mail.body_text)
    for item in mail.attachments:
        maintype, _, subtype = str(item.get("content_type") or "text/plain").partition("/")
        filename = item.get("filename") or "attachment"
        content = item.get("content") or ""
        if maintype == "text":
            message.add_attachment(str(content), subtype=subtype or "plain", filename=filename)
        else:
            data = content.encode() if isinstance(content, str) else bytes(content)
            message.add_attachment(
                data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
            )
    return message


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


async def send(mail: Outgoing, settings: Settings) -> None:
    message = build_message(mail, settings.mail_from)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            use_tls=settings.smtp_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        reason = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        if codes and all(_is_permanent(c) for c in codes):
            raise PermanentFailure(reason) from exc
        raise TemporaryFailure(reason) from exc
    except aiosmtplib.SMTPResponseException as exc:
        if _is_permanent(exc.code):
            raise PermanentFailure(f"{exc.code} {exc.message}") from exc
        raise TemporaryFailure(f"{exc.code} {exc.message}") from exc
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
