"""The HTTP edge of the whole app: security headers on every response, `/_upload` guarded before
its body is read, and no session cookie or link token in any log line.

`practipal_app.py` makes `guard` the last `api_transformer`, so it wraps everything the server
answers: our routes (api/routes.py), Reflex's `/_event`, `/_upload`, `/ping` and `/_health`, and in
production the built frontend's pages and assets, which Reflex mounts on the same app.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.people import auth, session_cache, tabs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATH = "/_upload"
#: Room for the multipart framing around the files (boundaries and part headers, up to 20 files).
MULTIPART_ALLOWANCE = 64 * 1024
#: A refused request whose body is at most this long is read (and dropped) before the answer, so
#: the client, still sending, can read the refusal. A longer one is never read: the answer goes
#: out at once and the connection is closed.
DRAIN_AT_MOST = 64 * 1024
_BODYLESS = {"GET", "HEAD", "OPTIONS"}

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
    "x-frame-options": "DENY",
}
#: Responses that may be cached as usual: the built frontend's assets (content-hashed names).
_CACHEABLE_TYPES = (
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/",
    "font/",
    "application/manifest+json",
)


def content_security_policy(base_url: str, script_hashes: Iterable[str] = ()) -> str:
    """The policy every response carries; a page's inline scripts are allowed by their hashes.

    - `'unsafe-eval'`: Reflex forces it. A handler's `rx.call_script(...)` reaches the page as a
      string that `.web/utils/state.js` runs with `eval` (its `_call_script` event); the sign-in
      hand-off (state/navigation.py) and "sign out everywhere" use it.
    - No `'unsafe-inline'` for scripts: the inline scripts of the built pages (React Router's
      context, stream and module bootstrap, Reflex's theme script) are allowed by their SHA-256.
    - `style-src 'unsafe-inline'`: Emotion and Radix Themes (and plotly) insert `<style>` elements
      and style attributes at run time.
    - `connect-src`: the websocket and the upload endpoint live at the base URL, which the compiled
      frontend uses even when the page was opened under another host name.
    """
    site = urlsplit(base_url)
    websocket = f"{'wss' if site.scheme == 'https' else 'ws'}://{site.netloc}"
    scripts = " ".join(["'self'", "'unsafe-eval'", *sorted(script_hashes)])
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {site.scheme}://{site.netloc} {websocket}",
            "object-src 'none'",
            "frame-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


_INLINE_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)


def script_hash(code: str | bytes) -> str:
    """The CSP source that allows one inline script, e.g. `'sha256-…'`."""
    data = code.encode() if isinstance(code, str) else code
    return f"'sha256-{base64.b64encode(hashlib.sha256(data).digest()).decode()}'"


def inline_script_hashes(html: bytes) -> set[str]:
    return {script_hash(body) for body in _INLINE_SCRIPT.findall(html) if body.strip()}


def built_page_hashes(static_dir: Path | None) -> frozenset[str]:
    """The hashes of every inline script of the built frontend's pages (empty before a build).

    Only files of the build are hashed, never a response: a script injected into a response must
    stay blocked.
    """
    if static_dir is None or not static_dir.is_dir():
        return frozenset()
    found: set[str] = set()
    for page in static_dir.rglob("*.html"):
        found |= inline_script_hashes(page.read_bytes())
    return frozenset(found)


def built_page_dirs(static_dir: Path | None) -> frozenset[str]:
    """The URL paths, without their trailing slash, of the built pages that are a directory with
    an `index.html` (`/portal`, `/portal/messages`, `/app`; not `/` itself)."""
    if static_dir is None or not static_dir.is_dir():
        return frozenset()
    return frozenset(
        "/" + page.parent.relative_to(static_dir).as_posix()
        for page in static_dir.rglob("index.html")
        if page.parent != static_dir
    )


# Responses ---------------------------------------------------------------------------------------


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith("text/html")


def _cacheable(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith(_CACHEABLE_TYPES)


class _BodyTooLarge(Exception):
    """The upload's body went past the cap while it was being read."""


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    """Answer `status` without passing a byte of the body on (see DRAIN_AT_MOST)."""
    declared = HTTPConnection(scope).headers.get("content-length", "")
    drained = declared.isdigit() and int(declared) <= DRAIN_AT_MOST
    if drained:
        drained = await _drain(receive, DRAIN_AT_MOST)
    headers = {} if drained else {"connection": "close"}
    await PlainTextResponse(text, status_code=status, headers=headers)(scope, receive, send)


async def _drain(receive: Receive, at_most: int) -> bool:
    """Read and drop the body; False when it ran past `at_most` or the client went away."""
    read = 0
    while read <= at_most:
        message = await receive()
        if message["type"] != "http.request":
            return False
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return read <= at_most
    return False


class HttpGuard:
    """ASGI middleware around the whole app (see the module docstring)."""

    def __init__(self, app: ASGIApp, static_dir: Path | None = None) -> None:
        self.app = app
        self.static_dir = static_dir
        self._page_hashes: frozenset[str] = frozenset()
        self._page_dirs: frozenset[str] = frozenset()
        self._build_stamp: int | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # The 101 answer (granian ignores headers on websocket.accept; uvicorn sends them).
            await self.app(scope, receive, self._securing(send, "websocket.accept"))
        elif scope["type"] != "http":
            await self.app(scope, receive, send)
        elif _is_upload(scope.get("path", "")):
            await self._upload(scope, receive, self._securing(send, "http.response.start"))
        else:
            scope = self._page_directly(scope)
            await self.app(scope, receive, self._securing(send, "http.response.start"))

    def _page_directly(self, scope: Scope) -> Scope:
        """`/portal` answered with the built `portal/index.html` itself, not with the 307 to
        `/portal/` that Starlette's StaticFiles (`html=True`, which serves the production build)
        gives for a directory: on a phone that redirect costs a round trip before anything loads.
        The browser keeps the URL it asked for; the router matches both forms."""
        path = scope.get("path", "")
        if scope.get("method") not in _BODYLESS or path.endswith("/"):
            return scope
        if path not in self._built_page_dirs():
            return scope
        raw = scope.get("raw_path")
        return {**scope, "path": path + "/", "raw_path": raw + b"/" if raw else raw}

    def _securing(self, send: Send, start: str) -> Send:
        async def secured(message: Message) -> None:
            if message["type"] == start:
                message["headers"] = [(k.lower(), v) for k, v in message.get("headers") or []]
                self._add_headers(MutableHeaders(raw=message["headers"]))
            await send(message)

        return secured

    def _add_headers(self, headers: MutableHeaders) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        html = _is_html(headers)
        if html:
            headers["cache-control"] = "no-store"
        elif not _cacheable(headers):
            headers.setdefault("cache-control", "no-store")
        # A route that sets its own policy (a page with its own inline script) keeps it.
        if "content-security-policy" not in headers:
            hashes = self._built_page_hashes() if html else ()
            headers["content-security-policy"] = content_security_policy(
                get_settings().base_url, hashes
            )

    def _built_page_hashes(self) -> frozenset[str]:
        self._read_build()
        return self._page_hashes

    def _built_page_dirs(self) -> frozenset[str]:
        self._read_build()
        return self._page_dirs

    def _read_build(self) -> None:
        # Read again whenever the build changes (its index page is rewritten by every build).
        stamp = _modified(self.static_dir / "index.html") if self.static_dir else None
        if stamp != self._build_stamp or not self._page_hashes:
            self._page_hashes = built_page_hashes(self.static_dir)
            self._page_dirs = built_page_dirs(self.static_dir)
            self._build_stamp = stamp

    # Uploads -------------------------------------------------------------------------------------

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reflex's upload endpoint and upload folder: a signed-in person only, uploading from a
        tab their own session acts in (a tab token alone is not enough), and a body no larger than
        the upload limit (checked on its declared length, then while it is read)."""
        connection = HTTPConnection(scope)
        actor = await session_cache.actor(connection.cookies.get(auth.SESSION_COOKIE))
        if actor is None:
            await _refuse(scope, receive, send, 401, "Sign in to upload files.")
            return
        if scope.get("method", "GET") in _BODYLESS:
            await self.app(scope, receive, send)
            return
        tab = connection.headers.get("reflex-client-token", "")
        if not await db.aread(tabs.owns, actor.session_id, tab):
            await _refuse(scope, receive, send, 403, "Reload the page, then upload again.")
            return
        limit = get_settings().max_upload_bytes + MULTIPART_ALLOWANCE
        declared = connection.headers.get("content-length", "")
        if not declared.isdigit():
            await _refuse(scope, receive, send, 411, "Uploads must state their size.")
        elif int(declared) > limit:
            await _refuse(scope, receive, send, 413, _too_large())
        else:
            await self._capped(scope, receive, send, limit)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the upload, stopping it with 413 once more than `limit` bytes have arrived."""
        read, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal read, over
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    over = True
                    raise _BodyTooLarge()
            return message

        async def unless_over(message: Message) -> None:
            nonlocal started
            if over:  # the app's own error response to the cut-off is replaced by the 413
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, unless_over)
        except Exception:
            if not over:
                raise
        if over and not started:
            headers = {"connection": "close"}
            await PlainTextResponse(_too_large(), 413, headers=headers)(scope, receive, send)


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _is_upload(path: str) -> bool:
    return path == UPLOAD_PATH or path.startswith(UPLOAD_PATH + "/")


def _too_large() -> str:
    megabytes = get_settings().max_upload_bytes / 1_000_000
    return f"That upload is larger than {megabytes:g} MB."


def guard(static_dir: Path | None = None) -> Callable[[ASGIApp], HttpGuard]:
    """An `api_transformer` that wraps the app in `HttpGuard`."""
    return lambda app: HttpGuard(app, static_dir)


# Logging -----------------------------------------------------------------------------------------
# Reflex logs the whole event, request headers and cookie included, when an event names a handler
# that does not exist, and an access log (uvicorn in development; granian's is off unless enabled)
# prints paths such as /reset/<token>. Every record of every logger is redacted when it is made.

REDACTED = "[redacted]"
_SECRETS = (
    # A header or field in a dict's repr: {'cookie': '…'}, {'token': '…'} (a tab's client token).
    re.compile(
        r"""(?i)(['"](?:cookie|set-cookie|authorization|token|reflex-client-token)['"]"""
        r"""\s*:\s*['"])[^'"]*"""
    ),
    # A header line: "Cookie: …".
    re.compile(r"(?im)(\b(?:set-)?cookie:[ \t]*)[^\r\n]+"),
    # Our cookies wherever they appear: pp_session=…
    re.compile(r"(\bpp_[a-z]+=)[^\s;,'\"]+"),
    # Emailed links and calendar feeds: /invite/<token>, /reset/<token>, /api/calendar/<token>.ics
    re.compile(r"(/(?:invite|reset)/)[^\s/?#'\"]+"),
    re.compile(r"(/api/calendar/)(?!feed\b)[^\s/?#'\"]+(?=\.ics)"),
    # Query strings: /auth/session?t=<tab token>, /_event?token=<tab token>
    re.compile(r"([?&](?:t|token)=)[^\s&#'\"]+"),
)
_TRACEBACKS = logging.Formatter()


def redact(text: str) -> str:
    """`text` with session cookies, tab tokens and link tokens replaced by [redacted]."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _redacted_args(args: Any) -> Any:
    """String arguments redacted one by one, which keeps the record's shape (uvicorn's access
    formatter unpacks its five arguments)."""
    if isinstance(args, tuple):
        return tuple(redact(a) if isinstance(a, str) else a for a in args)
    if isinstance(args, MutableMapping):
        return {k: redact(v) if isinstance(v, str) else v for k, v in args.items()}
    return args


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact one record in place: its message, its arguments and its traceback."""
    if record.args:
        record.args = _redacted_args(record.args)
        # A secret split between the format and an argument ("/reset/%s"), or inside an object's
        # repr: the whole message, redacted, replaces format and arguments.
        message = _message(record)
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
    else:
        text = str(record.msg)
        clean = redact(text)
        if clean != text:
            record.msg = clean
    if record.exc_info and record.exc_info[0] is not None:
        trace = _TRACEBACKS.formatException(record.exc_info)
        clean = redact(trace)
        if clean != trace:
            # Handlers format exc_info themselves (Reflex's does), so the cleaned text replaces it.
            record.msg, record.args = f"{_message(record)}\n{clean}", ()
            record.exc_info, record.exc_text = None, None
    return record


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError, KeyError):  # arguments that do not fit the format
        return str(record.msg)


def install_log_redaction() -> None:
    """Redact every log record of every logger of this process as it is made. Idempotent."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts", False):
        return

    def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make(*args, **kwargs))

    redacting.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting)
