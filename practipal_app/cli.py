"""The `practipal` command: demo data, the background worker, backups and restore."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

from practipal_app import db
from practipal_app.backups.archive import BackupError
from practipal_app.backups.views import size_label
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError
from practipal_app.core.private_files import prepare_data_dir


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
    from practipal_app.worker import poll_once, run_forever

    settings = get_settings()
    if not settings.smtp_configured:
        print(
            "practipal worker: set PRACTIPAL_SMTP_HOST to send email; until then it stays in the "
            "outbox. Running housekeeping (daily backups) only.",
            file=sys.stderr,
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    lease = timedelta(seconds=args.lease)
    try:
        if args.once:
            asyncio.run(poll_once(settings, lease=lease))
        else:
            asyncio.run(run_forever(settings, poll_seconds=args.poll, lease=lease))
    except KeyboardInterrupt:
        pass
    return 0


def _secret_from_env(name: str | None, command: str) -> str:
    """A passphrase read from the environment variable the person named (never from argv)."""
    if name is None:
        return ""
    value = os.environ.get(name, "")
    if not value:
        raise BackupError(f"Set the environment variable {name} to the passphrase for {command}.")
    return value


def _backup(args: argparse.Namespace) -> int:
    from practipal_app.backups.take import take_backup

    try:
        passphrase = _secret_from_env(args.passphrase_env, "the backup")
        taken = take_backup(
            get_settings(), args.out, passphrase=passphrase, recipient=args.recipient or ""
        )
    except (BackupError, OSError) as exc:
        print(f"practipal backup: {exc}", file=sys.stderr)
        return 1
    manifest = taken.manifest
    revision = f" at revision {manifest.alembic_revision}" if manifest.alembic_revision else ""
    encrypted = ", encrypted" if taken.path.name.endswith(".age") else ""
    print(taken.path)
    print(size_label(taken.size))
    print(
        f"Backed up the {manifest.database_kind} database{revision} and {taken.upload_count} "
        f"uploaded files ({size_label(taken.upload_bytes)}){encrypted}."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from practipal_app.backups.restore import restore

    settings = get_settings()
    try:
        passphrase = _secret_from_env(args.passphrase_env, "the archive")
        identity = args.identity.read_text() if args.identity else ""
        done = restore(settings, args.archive, passphrase=passphrase, identity=identity)
    except (BackupError, OSError) as exc:
        print(f"practipal restore: {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n:,} {label}" for label, n in done.counts)
    print(
        f"Restored the {done.database_kind} database ({counts}) and {done.files} uploaded files "
        f"from the backup of {done.created_at:%Y-%m-%d %H:%M} UTC into {settings.data_dir}."
    )
    return 0


def _add_backup_commands(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser(
        "backup", help="write one archive of the database and the uploaded files"
    )
    backup.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for the archive (default: the data dir's backups folder)",
    )
    key = backup.add_mutually_exclusive_group()
    key.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt (age) to the passphrase held in this environment variable",
    )
    key.add_argument(
        "--recipient", metavar="AGE_PUBLIC_KEY", help="encrypt (age) to this public key (age1…)"
    )
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore", help="restore an archive into an empty data dir and database"
    )
    restore.add_argument("archive", type=Path, help="the .tar.gz or .tar.gz.age file")
    key = restore.add_mutually_exclusive_group()
    key.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="decrypt with the passphrase held in this environment variable",
    )
    key.add_argument(
        "--identity", type=Path, metavar="FILE", help="decrypt with this age identity (key) file"
    )
    restore.set_defaults(run=_restore)


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
    worker = commands.add_parser(
        "worker",
        help="run the background jobs until stopped: the daily backup, and sending queued email "
        "when PRACTIPAL_SMTP_HOST is set",
    )
    worker.add_argument("--poll", type=float, default=5.0, help="seconds between checks")
    worker.add_argument("--once", action="store_true", help="check once, then exit")
    worker.add_argument(
        "--lease",
        type=float,
        default=300.0,
        help="seconds a claimed email stays reserved for this worker",
    )
    worker.set_defaults(run=_worker)
    _add_backup_commands(commands)
    args = parser.parse_args(argv)
    prepare_data_dir(get_settings().data_dir)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
