"""Recording what the browser receives over the Reflex websocket, and reading it back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FrameLog:
    """Every websocket frame one browser context received, in order."""

    label: str
    frames: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", self._record))

    def _record(self, payload: str | bytes) -> None:
        self.frames.append(
            payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        )

    def containing(self, needle: str) -> list[str]:
        return [f for f in self.frames if needle in f]

    def events(self) -> list[dict]:
        """The payloads of the Reflex `event` messages (socket.io '42/_event,["event", {...}]')."""
        found = []
        for frame in self.frames:
            message = socketio_message(frame)
            if (
                message
                and message[0] == "event"
                and len(message) > 1
                and isinstance(message[1], dict)
            ):
                found.append(message[1])
        return found


def socketio_message(frame: str) -> list | None:
    """The JSON array of a socket.io EVENT packet ('42' + optional '/namespace,' + array)."""
    if not frame.startswith("42"):
        return None
    start = frame.find("[")
    if start < 0:
        return None
    try:
        value = json.loads(frame[start:])
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
