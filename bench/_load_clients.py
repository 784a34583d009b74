"""Browser tabs spoken for over socket.io, as the Reflex frontend does, and the realistic loop each
load client runs. One asyncio loop drives every client."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
import socketio

NAMESPACE = "/_event"
HYDRATED = "is_hydrated_rx_state_"
ACTION_TIMEOUT = 30.0
#: Offered load of one client: ~99 actions/s for 200 clients, as the issue measured.
ACTIONS_PER_CLIENT_S = 0.495
#: One action in five is a message: one every ~10 s, a page every ~2.5 s.
SEND_SHARE = 0.2
TOPIC = "scheduling"


class ActionFailed(Exception):
    pass


@dataclass(frozen=True)
class AppNames:
    """The event names a tab of one app sends (read from its state classes by the probe)."""

    hydrate: str
    on_load_internal: str = ""
    pages: tuple[str, ...] = ("/",)
    messages_state: str = ""
    cookie_name: str = ""
    #: The bare app: the one handler each of its actions calls, and the state it changes.
    handler: str = ""
    handler_state: str = ""


@dataclass
class Samples:
    """Latencies (s) per step, failures per step, and when the loop ran."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    completed_in_window: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, step: str, seconds: float) -> None:
        self.latencies.setdefault(step, []).append(seconds)

    def fail(self, step: str, reason: str) -> None:
        self.failures[step] = self.failures.get(step, 0) + 1
        if len(self.errors) < 5:
            self.errors.append(f"{step}: {reason}")


def _delta_states(update: dict) -> dict:
    return update.get("delta") or {}


def _hydrated(update: dict) -> bool:
    return any(fields.get(HYDRATED) is True for fields in _delta_states(update).values())


def _redirect(update: dict) -> str:
    for event in update.get("events") or []:
        if event.get("name") == "_redirect":
            return str((event.get("payload") or {}).get("path", ""))
    return ""


class Tab:
    """One browser tab: a websocket with its own client token and the user's cookie."""

    def __init__(self, base_url: str, names: AppNames, cookie: str = "") -> None:
        self.base_url, self.names, self.cookie = base_url, names, cookie
        self.token = str(uuid.uuid4())
        self.sio: socketio.AsyncClient | None = None
        self.http: aiohttp.ClientSession | None = None
        self._updates: list[dict] = []
        self._arrived = asyncio.Event()

    def _on_update(self, data: dict) -> None:
        self._updates.append(data)
        self._arrived.set()

    async def _until(self, done: Callable[[list[dict]], bool]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ACTION_TIMEOUT
        while not done(self._updates):
            for update in self._updates:
                if path := _redirect(update):
                    raise ActionFailed(f"redirected to {path}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise ActionFailed("timed out")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                continue

    @staticmethod
    def _router(path: str) -> dict:
        return {"pathname": path, "query": {}, "asPath": path}

    async def connect(self, path: str) -> None:
        """Open the page as a browser does: the hydrate event rides in the CONNECT packet; done
        when the page's on_load has run (the state is hydrated)."""
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = f"{self.names.cookie_name}={self.cookie}"
        self.http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self._updates = []
        boot = {"name": self.names.hydrate, "payload": {}, "router_data": self._router(path)}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            headers=headers,
            auth={"event": boot},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path="/_event",
            wait_timeout=ACTION_TIMEOUT,
        )
        await self._until(lambda updates: any(_hydrated(u) for u in updates))

    async def close(self) -> None:
        if self.sio is not None:
            try:
                await self.sio.disconnect()
            except Exception:  # noqa: BLE001 (a tab that failed to open has nothing to close)
                pass
        if self.http is not None:
            await self.http.close()

    async def emit(self, name: str, payload: dict, path: str) -> None:
        self._updates = []
        event = {"name": name, "payload": payload, "router_data": self._router(path)}
        await self.sio.emit("event", event, namespace=NAMESPACE)

    async def open_page(self, path: str) -> None:
        """A navigation to `path`: on_load_internal, done when is_hydrated comes back true."""
        await self.emit(self.names.on_load_internal, {}, path)
        await self._until(lambda updates: any(_hydrated(u) for u in updates))

    async def compose(self, text: str) -> None:
        """What the composer sends before Send: the topic and the (debounced) draft."""
        state, path = self.names.messages_state, "/portal/messages"
        await self.emit(f"{state}.choose_topic", {"topic": TOPIC}, path)
        await self._until(lambda updates: state in json.dumps([_delta_states(u) for u in updates]))
        await self.emit(f"{state}.set_draft", {"value": text}, path)
        await self._until(lambda updates: text in json.dumps([_delta_states(u) for u in updates]))

    async def send(self, text: str) -> None:
        """Send: done when an update carries the sent message (the draft's echo left out)."""
        state = self.names.messages_state
        await self.emit(f"{state}.send", {}, "/portal/messages")

        def arrived(updates: list[dict]) -> bool:
            for update in updates:
                fields = dict(_delta_states(update).get(state) or {})
                if error := fields.get("error_rx_state_"):
                    raise ActionFailed(f"send refused: {error}")
                fields.pop("draft_rx_state_", None)
                if text in json.dumps(fields):
                    return True
            return False

        await self._until(arrived)

    async def bare_action(self) -> None:
        state = self.names.handler_state
        await self.emit(self.names.handler, {}, "/")
        await self._until(lambda updates: any(state in _delta_states(u) for u in updates))


@dataclass
class Action:
    step: str
    run: Callable[[], object]


class Client:
    """One user running the realistic loop on one tab."""

    def __init__(
        self, tab: Tab, rng: random.Random, bare: bool, rate: float = ACTIONS_PER_CLIENT_S
    ) -> None:
        self.tab, self.rng, self.bare, self.rate = tab, rng, bare, rate
        self.page_turn = rng.randrange(len(tab.names.pages))
        self.sent = 0
        self.samples = Samples()

    def next_action(self) -> Action:
        if self.bare:
            return Action("event", self.tab.bare_action)
        if self.rng.random() < SEND_SHARE:
            return Action("send", self._send)
        self.page_turn = (self.page_turn + 1) % len(self.tab.names.pages)
        path = self.tab.names.pages[self.page_turn]
        return Action(f"open {path}", lambda: self.tab.open_page(path))

    async def _send(self) -> float:
        """Compose (not timed: typed before Send), then Send; returns the Send's own latency."""
        self.sent += 1
        text = f"Can we move Thursday? ({self.tab.token[:8]}-{self.sent})"
        started = time.perf_counter()
        await self.tab.compose(text)
        self.samples.add("compose", time.perf_counter() - started)
        started = time.perf_counter()
        await self.tab.send(text)
        return time.perf_counter() - started

    async def loop(self, samples: Samples, window_start: float, window_end: float) -> None:
        """Actions at jittered intervals from window_start; those started before window_end run
        to the end. A late client does not queue up missed actions."""
        self.samples = samples
        gap = 1.0 / self.rate
        next_at = window_start + self.rng.uniform(0, gap)
        while next_at < window_end:
            if (wait := next_at - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            action, started = self.next_action(), time.perf_counter()
            try:
                timed = await action.run()
            except (ActionFailed, socketio.exceptions.SocketIOError) as exc:
                samples.fail(action.step, str(exc))
            else:
                finished = time.perf_counter()
                samples.add(action.step, timed if isinstance(timed, float) else finished - started)
                if finished <= window_end:
                    samples.completed_in_window += 1
            next_at = max(next_at + gap * self.rng.uniform(0.5, 1.5), time.perf_counter())
