"""How a deployment runs: how many app workers, how long a tab's state and a state lock live.

Read from the environment by rxconfig.py, which hands the numbers to Reflex and granian. No reflex
import here, so the rules can be tested on their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MEBIBYTE = 2**20
#: What one app worker may use. Measured here: a granian worker of this app on PostgreSQL + Redis
#: has an RSS of 190-210 MB once started and after serving 20 tabs (PSS 80-100 MB: forked workers
#: share pages), the main process 215 MB. The rest of the budget is for tab states and the
#: pandas/plotly work of the insights pages.
WORKER_MEMORY_BYTES = 300 * MEBIBYTE
#: The app's workers may take this share of the machine's memory; the rest stays for PostgreSQL,
#: Redis, the operating system and its page cache.
APP_MEMORY_SHARE = 0.5

#: A closed tab's state is dropped this long after its last event, on both state managers (Reflex's
#: default is an hour). A tab that reconnects later hydrates again and reloads its page.
TAB_STATE_SECONDS = 10 * 60
#: How long (ms) an event may hold a tab's Redis lock before Reflex gives the lock up and the
#: event's changes are refused with LockExpiredError (Reflex's default: 10 s). A slow handler on a
#: busy server must finish long before this.
STATE_LOCK_MS = 60_000
#: Reflex logs "lock held too long" past this (ms; its default 1 s). Events on two shared cores
#: under load wait that long for the thread pool; past 3 s something is truly slow.
STATE_LOCK_WARNING_MS = 3_000


@dataclass(frozen=True)
class Machine:
    cpus: int
    memory_bytes: int


def _cgroup_memory_limit() -> int | None:
    """The container's memory limit (cgroup v2), None when there is none."""
    try:
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _physical_memory() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def this_machine() -> Machine:
    """The CPUs this process may run on and the memory it may use."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    physical = _physical_memory()
    limit = _cgroup_memory_limit()
    memory = min(physical, limit) if limit and physical else (limit or physical)
    return Machine(cpus=cpus or 1, memory_bytes=memory)


def workers_memory_allows(machine: Machine) -> int:
    return int(machine.memory_bytes * APP_MEMORY_SHARE) // WORKER_MEMORY_BYTES


def _positive(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a whole number of workers, 1 or more, not {value!r}")
    return number


def worker_count(env: Mapping[str, str], machine: Machine) -> int:
    """PRACTIPAL_WORKERS, else GRANIAN_WORKERS, else one per CPU as far as memory allows.

    Without Redis it is always 1: tab states then live in the worker's memory, and a second
    worker would not see them.
    """
    requested = (env.get("PRACTIPAL_WORKERS") or "").strip()
    if not (env.get("REFLEX_REDIS_URL") or "").strip():
        if requested and _positive("PRACTIPAL_WORKERS", requested) > 1:
            raise ValueError(
                "PRACTIPAL_WORKERS above 1 needs REFLEX_REDIS_URL: without Redis, tab states "
                "live in one worker's memory"
            )
        return 1
    if requested:
        return _positive("PRACTIPAL_WORKERS", requested)
    if granian := (env.get("GRANIAN_WORKERS") or "").strip():
        return _positive("GRANIAN_WORKERS", granian)
    return max(1, min(machine.cpus, workers_memory_allows(machine)))
