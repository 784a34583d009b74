"""How long a WhatsApp history import takes, next to a bare Python pass over the same file.

The Messaging issue's benchmark: a generated five-year Android export of 100,000 lines (a
therapist and one client; text messages of realistic lengths, 1 in 12 of them multi-line, media,
deleted messages, WhatsApp's notices; timestamps clustered in the day and evening, a few late at
night and on Sundays), written to a temp dir. One run times, interleaved (C, A, B, C, A, B, ...)
after a warm-up, in the same process:

A. `whatsapp_export.parse(text)` over the file's text;
B. the whole import: `contact_log.read_chat` (read the upload and parse, before the transaction)
   then `db.call(contact_log.import_whatsapp, ...)` — authorize,
   compute directions, after-hours flags and dedupe keys, bulk insert, commit — into a fresh
   temp SQLite database each repetition (`create_all`, a practice, its owner and one client; that
   setup is not timed); with `--postgres URL`, a fresh schema in that database instead, dropped
   after the repetition;
C. the floor: `for line in text.splitlines(): n += len(line)` over the same text.

It prints the medians, the ratios A/C and B/C, and the goal (import under 2 s).

    .venv/bin/python bench/whatsapp_import.py [--lines 100000] [--reps 5] [--postgres URL]
                                              [--profile]

`--profile` runs one more import under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db
from practipal_app.messaging import contact_log, whatsapp_export
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients

GOAL_SECONDS = 2.0
THERAPIST = "Asha Rao"
CLIENT = "Priya Sharma"
START = datetime(2020, 4, 1, 9, 0)
WORDS = (
    "ok thanks see you then can we move the session to tomorrow evening is the link working "
    "sorry running late I will be there in ten minutes feeling better today the homework was "
    "hard but I tried payment done via UPI please check haan ji theek hai kal milte hain"
).split()
NOTICE = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more."
)


def generate(lines: int, seed: int = 7) -> str:
    """An Android export of exactly `lines` lines over five years, in time order."""
    rng = random.Random(seed)
    out = [f"{START:%d/%m/%Y}, {START:%H:%M} - {NOTICE}"]
    days = 5 * 365
    hours = range(24)
    weights = [1, 1, 0, 0, 0, 0, 1, 3, 6, 8, 9, 9, 8, 8, 8, 8, 9, 10, 12, 12, 10, 8, 5, 3]
    per_day = lines / 1.3 / days / (6.4 / 7)  # about 1.3 lines per message; quieter Sundays
    day = START.replace(hour=0) + timedelta(days=1)
    while len(out) < lines:
        quiet = 0.4 if day.weekday() == 6 else 1.0  # fewer on Sundays, some all the same
        count = int(rng.expovariate(1 / (per_day * quiet)) + 0.5)
        minutes = sorted(
            rng.choices(hours, weights)[0] * 60 + rng.randrange(60) for _ in range(count)
        )
        for minute in minutes:
            stamp = day.replace(hour=minute // 60, minute=minute % 60)
            head = f"{stamp:%d/%m/%Y}, {stamp:%H:%M} - "
            roll = rng.random()
            if roll < 0.004:
                out.append(
                    head
                    + rng.choice(
                        [
                            "Your security code with Priya Sharma changed. Tap to learn more.",
                            "You deleted this message",
                        ]
                    )
                )
                continue
            sender = CLIENT if rng.random() < 0.6 else THERAPIST
            if roll < 0.08:
                out.append(f"{head}{sender}: <Media omitted>")
            elif roll < 0.09:
                out.append(f"{head}{sender}: This message was deleted")
            else:
                out.append(f"{head}{sender}: " + " ".join(rng.choices(WORDS, k=rng.randint(1, 25))))
                if rng.random() < 1 / 12:
                    for _ in range(rng.randint(1, 6)):
                        out.append(" ".join(rng.choices(WORDS, k=rng.randint(0, 15))))
        day += timedelta(days=1)
    return "\n".join(out[:lines]) + "\n"


def bare_pass(text: str) -> int:
    n = 0
    for line in text.splitlines():
        n += len(line)
    return n


def fresh_database(folder: Path, rep: int, postgres: str | None = None):
    """A new database with the schema, a practice, its owner and one client; and its clean-up."""
    if postgres:
        admin = db.make_engine(postgres)
        schema = f"bench_wa_{secrets.token_hex(4)}"
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(db.normalize_url(postgres)).update_query_dict(
            {"options": f"-csearch_path={schema},public"}
        )
        engine = db.make_engine(url.render_as_string(hide_password=False))
    else:
        engine = db.make_engine(f"sqlite:///{folder / f'import-{rep}.db'}")
    SQLModel.metadata.create_all(engine)
    db.set_engine(engine)
    owner = db.call(
        practice.create_practice,
        practice_name="Bench Practice",
        timezone="Asia/Kolkata",
        owner_name=THERAPIST,
        email=f"owner{rep}@example.com",
        password="Calm-Harbour-Tea-42",
    )
    actor = auth.actor_for(owner)
    client_id = db.call(
        clients.add_client, actor, clients.ClientForm(name=CLIENT, email=f"priya{rep}@example.com")
    )

    def drop() -> None:
        db.set_engine(None)
        engine.dispose()
        if postgres:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    return actor, client_id, drop


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument(
        "--postgres", metavar="URL", help="import into PostgreSQL (a fresh schema each time)"
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    reps = max(args.reps, 5)

    with tempfile.TemporaryDirectory(prefix="practipal-bench-") as tmp:
        folder = Path(tmp)
        os.environ["PRACTIPAL_DATA_DIR"] = str(folder)
        config.get_settings.cache_clear()
        path = folder / f"WhatsApp Chat with {CLIENT}.txt"
        path.write_text(generate(args.lines), encoding="utf-8")
        data = path.read_bytes()
        text = whatsapp_export.read_upload(path.name, data)
        chat = whatsapp_export.parse(text)
        first, last = chat.messages[0].timestamp, chat.messages[-1].timestamp
        print(
            f"export: {len(text.splitlines()):,} lines, {len(data) / 1e6:.1f} MB, "
            f"{len(chat.messages):,} messages, {chat.system_lines} notices, {first:%d %b %Y} – "
            f"{last:%d %b %Y}"
        )
        where = "PostgreSQL, fresh schema" if args.postgres else "SQLite temp file"
        print(
            f"python {platform.python_version()} on {platform.machine()}, {where}, {reps} "
            "repetitions"
        )

        bare_times, parse_times, import_times = [], [], []
        results = []
        for rep in range(reps + 1):  # repetition 0 warms up and is not counted
            t_bare, _ = timed(lambda: bare_pass(text))
            t_parse, _ = timed(lambda: whatsapp_export.parse(text))
            actor, client_id, drop = fresh_database(folder, rep, args.postgres)
            t_import, result = timed(
                lambda a=actor, c=client_id: db.call(
                    contact_log.import_whatsapp,
                    a,
                    c,
                    contact_log.read_chat(path.name, data),
                    THERAPIST,
                )
            )
            drop()
            if rep:
                bare_times.append(t_bare)
                parse_times.append(t_parse)
                import_times.append(t_import)
                results.append(result)

        if args.profile:
            actor, client_id, drop = fresh_database(folder, reps + 1, args.postgres)
            profiler = cProfile.Profile()
            profiler.enable()
            upload = contact_log.read_chat(path.name, data)
            db.call(contact_log.import_whatsapp, actor, client_id, upload, THERAPIST)
            profiler.disable()
            drop()
            stream = io.StringIO()
            pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
            print(stream.getvalue())

    assert all(r.added == len(chat.messages) and r.skipped == 0 for r in results), results
    bare, parsed, imported = (statistics.median(t) for t in (bare_times, parse_times, import_times))
    print(f"{'':34}{'median':>10}{'min':>10}{'max':>10}{'× bare':>10}")
    for label, times, median in (
        ("C. bare pass over the lines", bare_times, bare),
        ("A. whatsapp_export.parse", parse_times, parsed),
        ("B. contact_log.import_whatsapp", import_times, imported),
    ):
        print(
            f"{label:34}{median * 1000:>8.0f}ms{min(times) * 1000:>8.0f}ms"
            f"{max(times) * 1000:>8.0f}ms{median / bare:>9.1f}×"
        )
    print(
        f"import: {results[0].added:,} records added; "
        f"{imported / len(chat.messages) * 1e6:.1f} µs per message"
    )
    verdict = "met" if imported < GOAL_SECONDS else "MISSED"
    print(f"goal: import under {GOAL_SECONDS:.0f} s — {verdict} ({imported:.2f} s)")
    sys.exit(0 if imported < GOAL_SECONDS else 1)


if __name__ == "__main__":
    main()
