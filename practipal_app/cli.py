"""The `practipal` command: demo data, the outbox worker."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import timedelta

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.services.errors import DomainError


def _demo(_args: argparse.Namespace) -> int:
    from practipal_app.services import demo

    try:
        found = db.call(demo.seed, get_settings().base_url)
    except DomainError as exc:
        print(f"practipal demo: {exc.message}", file=sys.stderr)
        return 1
    print(f"Demo Practice is ready at {get_settings().base_url}/login")
    for login in found:
        print(f"  {login.role:<18} {login.name:<14} {login.email:<28} password: {login.password}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from practipal_app.notifications.worker import run_forever

    settings = get_settings()
    if not settings.smtp_configured:
        print("practipal worker: set PRACTIPAL_SMTP_HOST to send email; until then it stays in the outbox.",
              file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(run_forever(settings, poll_seconds=args.poll, lease=timedelta(seconds=args.lease)))
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="practipal", description="PractiPal administration")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="seed the demo practice into an empty database").set_defaults(run=_demo)
    worker = commands.add_parser("worker", help="send queued email (runs until stopped)")
    worker.add_argument("--poll", type=float, default=5.0, help="seconds between outbox checks")
    worker.add_argument("--lease", type=float, default=300.0,
                        help="seconds a claimed email stays reserved for this worker")
    worker.set_defaults(run=_worker)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
