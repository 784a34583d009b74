"""Two PractiPal servers behind HAProxy, started from the repo's `deploy/haproxy.cfg` with the
listening address and the two `server` lines pointed at local ports, measured by `portal_load.py`
as one server: their CPU and memory added up, their logs read together, and HAProxy's own log
telling which server took each websocket."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from _load_servers import Backend, BenchError, Usage, group_usage

CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "haproxy.cfg"
BIND = re.compile(r"^(\s*)bind\s+\S+.*$", re.MULTILINE)
SERVER = re.compile(r"^(\s*server\s+\S+\s+)\S+", re.MULTILINE)
#: An httplog line of a websocket that went through:
#: `client [date] frontend backend/server timers 101 ... "GET /_event/?EIO=4..."`.
EVENT_LOG = re.compile(r"\] \S+ \S+/(\S+) .*\"GET /_event/")


def balancer_config(text: str, port: int, server_ports: list[int]) -> str:
    """The shipped config listening on 127.0.0.1:`port`, its servers on the given local ports."""
    if len(SERVER.findall(text)) != len(server_ports):
        raise BenchError(f"{CONFIG} has not {len(server_ports)} `server` lines")
    text = BIND.sub(lambda m: f"{m.group(1)}bind 127.0.0.1:{port}", text, count=1)
    ports = iter(server_ports)
    return SERVER.sub(lambda m: f"{m.group(1)}127.0.0.1:{next(ports)}", text)


@dataclass
class Balanced:
    """`servers` behind HAProxy on `port`; looks like one `Backend` to the load clients."""

    label: str
    servers: list[Backend]
    port: int
    workdir: Path
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "haproxy.log"

    def start(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        config = self.workdir / "haproxy.cfg"
        config.write_text(
            balancer_config(CONFIG.read_text(), self.port, [s.port for s in self.servers])
        )
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [haproxy, "-db", "-f", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        time.sleep(1)
        if self.proc.poll() is not None:
            raise BenchError(f"haproxy exited:\n{self.log_path.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def usage(self) -> Usage:
        parts = [group_usage(s.proc.pid) for s in self.servers]
        return Usage(sum(p.cpu_s for p in parts), sum(p.rss_bytes for p in parts))

    def mark_log(self) -> None:
        for server in self.servers:
            server.mark_log()

    def log_text_since_mark(self) -> str:
        return "\n".join(server.log_text_since_mark() for server in self.servers)

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def connections_since(self, offset: int) -> dict[str, int]:
        """Websockets each server took since `offset` of HAProxy's log (logged when they end)."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", "replace")
        counts: dict[str, int] = {}
        for match in EVENT_LOG.finditer(text):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
        return counts
