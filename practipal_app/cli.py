"""The `practipal` command: demo data, the outbox worker."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import timedelta

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError


def _demo(args: argparse.Namespace) -> int:
    from practipal_app.demo import large as demo_large
    from practipal_app.demo import small as demo

    base_url = get_settings().base_url
    try:
        if args.scale == "large":
            found = db.call(demo_large.seed_large, base_url)
        else:
            found = db.call(demo.seed, base_url)
    except DomainError as exc:
        print(f"practipal demo: {exc.message}", file=sys.stderr)
        return 1
    print(f"Demo Practice is ready at {base_url}/login")
    names = max([14, *(len(login.name) for login in found)])
    emails = max([28, *(len(login.email) for login in found)])
    for login in found:
        print(
            f"  {login.role:<18} {login.name:<{names}} {login.email:<{emails}} password: "
            f"{login.password}"
        )
    if args.scale == "large":
        therapists, appointments, portal, outside = db.read(demo_large.counts)
        print(
            f"  {therapists} therapists, {appointments:,} appointments, {portal + outside:,} "
            f"messages ({portal:,} in the portal, {outside:,} outside it)"
        )
    return 0


def _worker(args: argparse.Namespace) -> int:
    from practipal_app.worker import run_forever

    settings = get_settings()
    if not settings.smtp_configured:
        print(
            "practipal worker: set PRACTIPAL_SMTP_HOST to send email; until then it stays in the "
            "outbox.",
            file=sys.stderr,
        )
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(
            run_forever(settings, poll_seconds=args.poll, lease=timedelta(seconds=args.lease))
        )
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="practipal", description="PractiPal administration")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="seed the demo practice into an empty database")
    demo.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: one therapist, three clients; large: 10 therapists with 5 years of "
        "history (about 60,000 appointments and 500,000 messages)",
    )
    demo.set_defaults(run=_demo)
    worker = commands.add_parser("worker", help="send queued email (runs until stopped)")
    worker.add_argument("--poll", type=float, default=5.0, help="seconds between outbox checks")
    worker.add_argument(
        "--lease",
        type=float,
        default=300.0,
        help="seconds a claimed email stays reserved for this worker",
    )
    worker.set_defaults(run=_worker)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
