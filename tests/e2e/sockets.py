"""Talking to the backend as a browser tab would: a socket.io connection with the site's Origin,
a session cookie, and events sent one after another from one tab."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import socketio
from wsframes import dumps

NAMESPACE = "/_event"
VAR = "_rx_state_"
REPLY_TIMEOUT = 15.0
#: After the awaited reply, how long to keep listening for anything that follows it.
TRAILING = 0.25


@dataclass
class Reply:
    """Every state update the server sent one tab after one event."""

    updates: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return dumps(self.updates)

    @property
    def redirects(self) -> list[str]:
        return [
            e.get("payload", {}).get("path", "")
            for u in self.updates
            for e in u.get("events") or []
            if e.get("name") == "_redirect"
        ]

    def var(self, state: type, name: str, default: Any = None) -> Any:
        """The last value the server sent for `state.name`."""
        value = default
        for update in self.updates:
            fields = (update.get("delta") or {}).get(state.get_full_name()) or {}
            if f"{name}{VAR}" in fields:
                value = fields[f"{name}{VAR}"]
        return value


@asynccontextmanager
async def tab(
    base_url: str,
    *,
    origin: str | None = None,
    cookie: str | None = None,
    on_update: Callable[[dict], None] | None = None,
    token: str | None = None,
) -> AsyncIterator[socketio.AsyncClient]:
    """A socket as a new browser tab opens it: a fresh client token, the site's own Origin."""
    headers = {"Origin": origin or base_url}
    if cookie:
        headers["Cookie"] = f"pp_session={cookie}"
    async with aiohttp.ClientSession() as http:
        sio = socketio.AsyncClient(reconnection=False, http_session=http)
        if on_update is not None:
            sio.on("event", on_update, namespace=NAMESPACE)
        await sio.connect(
            f"{base_url}?token={token or uuid.uuid4()}",
            headers=headers,
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path="/_event",
            wait_timeout=10,
        )
        try:
            yield sio
        finally:
            await sio.disconnect()


class Tab:
    """One open tab that sends events one after another, as a page does: the state they build up
    (an opened thread, a draft, an uploaded file) stays on the server between them."""

    def __init__(self, base_url: str, cookie: str | None) -> None:
        self.base_url, self.cookie, self.token = base_url, cookie, str(uuid.uuid4())
        self.sio: socketio.AsyncClient | None = None
        self._reply = Reply()
        self._arrived = asyncio.Event()

    def on_update(self, data: dict) -> None:
        self._reply.updates.append(data)
        self._arrived.set()

    async def _wait(self, reply: Reply, until: Callable[[Reply], bool], label: str) -> None:
        """Until `until(reply)` holds (or fail), then a little longer for stragglers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while not until(reply):
            remaining = deadline - loop.time()
            if remaining <= 0:
                pytest.fail(f"{label}: no expected reply; got {reply.text[:2000]}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                continue
        await asyncio.sleep(TRAILING)

    async def send(
        self,
        state: type,
        handler: str,
        payload: dict | None = None,
        *,
        path: str = "/",
        query: dict | None = None,
        until: Callable[[Reply], bool],
    ) -> Reply:
        """Send one event from this tab at `path` and collect what comes back for it."""
        name = f"{state.get_full_name()}.{handler}"
        return await self.send_named(name, payload, path=path, query=query, until=until)

    async def send_named(
        self,
        name: str,
        payload: dict | None = None,
        *,
        path: str = "/",
        query: dict | None = None,
        until: Callable[[Reply], bool],
    ) -> Reply:
        """`send` for a handler given by its full event name ("<state full name>.<handler>")."""
        reply = self._reply = Reply()
        await self.sio.emit(
            "event",
            {
                "name": name,
                "payload": payload or {},
                "router_data": {"pathname": path, "query": query or {}, "asPath": path},
            },
            namespace=NAMESPACE,
        )
        await self._wait(reply, until, name.rsplit(".", 1)[-1])
        return reply

    async def post_files(
        self, state: type, handler: str, files: list[tuple[str, bytes]]
    ) -> tuple[int, str]:
        """(status, body) of posting files to an upload handler as the page's upload control does
        (over HTTP, with this tab's token and cookie)."""
        form = aiohttp.FormData()
        for name, data in files:
            form.add_field("files", data, filename=name, content_type="text/plain")
        headers = {
            "Origin": self.base_url,
            "Reflex-Client-Token": self.token,
            "Reflex-Event-Handler": f"{state.get_full_name()}.{handler}",
        }
        if self.cookie:
            headers["Cookie"] = f"pp_session={self.cookie}"
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{self.base_url}/_upload", data=form, headers=headers) as response,
        ):
            return response.status, await response.text()

    async def upload(
        self,
        state: type,
        handler: str,
        files: list[tuple[str, bytes]],
        *,
        until: Callable[[Reply], bool],
    ) -> Reply:
        """Post files to an upload handler (see `post_files`); the state updates come back in the
        response."""
        reply = self._reply = Reply()
        status, body = await self.post_files(state, handler, files)
        assert status == 200, (status, body[:1000])
        reply.updates.extend(json.loads(line) for line in body.splitlines() if line.strip())
        await self._wait(reply, until, f"{state.__name__}.{handler} (upload)")
        return reply


@asynccontextmanager
async def open_tab(base_url: str, *, cookie: str | None = None) -> AsyncIterator[Tab]:
    page = Tab(base_url, cookie)
    async with tab(base_url, cookie=cookie, on_update=page.on_update, token=page.token) as sio:
        page.sio = sio
        yield page


async def call(
    base_url: str,
    state: type,
    handler: str,
    payload: dict | None = None,
    *,
    path: str = "/",
    query: dict | None = None,
    cookie: str | None = None,
    until: Callable[[Reply], bool],
) -> Reply:
    """Send one event from a new tab at `path` and collect what comes back.

    Waits until `until(reply)` holds (or fails), then listens a little longer for stragglers.
    """
    async with open_tab(base_url, cookie=cookie) as page:
        return await page.send(state, handler, payload, path=path, query=query, until=until)
