"""`practipal demo`: a demo practice in an empty database, and nothing else."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from practipal_app import cli, config, db
from practipal_app.boundaries import charter
from practipal_app.core.errors import DomainError
from practipal_app.demo import small as demo
from practipal_app.models import OutboxEmail, Practice, User
from practipal_app.people import auth, clients

pytestmark = pytest.mark.usefixtures("default_settings")


def _count(model) -> int:
    return db.call(lambda s: s.exec(select(func.count()).select_from(model)).one())


def test_demo_seeds_an_empty_database_with_working_logins(engine, capsys, sign_in, t0):
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Demo Practice is ready at http://localhost:3000/login" in out
    assert "asha@demo.practipal.in" in out and "Calm-Harbour-Tea-42" in out
    assert "riya@demo.practipal.in" in out and "Quiet-Lantern-Sky-7" in out

    _, where = sign_in("asha@demo.practipal.in", "Calm-Harbour-Tea-42")
    assert where == "/app"
    riya_session, where = sign_in("riya@demo.practipal.in", "Quiet-Lantern-Sky-7")
    assert where == "/portal"
    riya = db.call(auth.resolve, riya_session, now=t0)
    assert db.call(charter.needs_acknowledgement, riya.user_id) is False

    owner = auth.actor_for(db.call(auth.find_user, "asha@demo.practipal.in"))
    rows, total = db.call(clients.list_clients, owner)
    assert total == 3
    assert {r.name: r.portal for r in rows} == {
        "Riya Sharma": "Active",
        "Arjun Mehta": "Invited",
        "Meera Iyer": "Not invited",
    }
    assert db.call(lambda s: s.exec(select(Practice)).one()).is_demo is True


def test_seeding_again_changes_nothing(engine):
    first = db.call(demo.seed, "http://localhost:3000")
    counts = (_count(Practice), _count(User), _count(OutboxEmail))
    again = db.call(demo.seed, "http://localhost:3000")
    assert again == first
    assert (
        (_count(Practice), _count(User), _count(OutboxEmail)) == counts == (1, 4, 8)
    )  # invites 2, booking 1, invoices 3, receipts 2


def test_demo_refuses_a_database_holding_a_real_practice(owner, capsys):
    assert cli.main(["demo"]) == 1
    assert "This database holds a real practice." in capsys.readouterr().err
    with pytest.raises(DomainError):
        db.call(demo.seed, "http://localhost:3000")
    assert _count(Practice) == 1
    assert db.call(auth.find_user, "asha@demo.practipal.in") is None


def test_worker_without_a_mail_server_says_so_and_runs_housekeeping_only(
    engine, capsys, monkeypatch
):
    monkeypatch.setenv("PRACTIPAL_BACKUP_TIME", "off")  # the daily backup is test_backup's
    config.get_settings.cache_clear()
    assert cli.main(["worker", "--once"]) == 0
    err = capsys.readouterr().err
    assert "set PRACTIPAL_SMTP_HOST" in err and "housekeeping (daily backups) only" in err
