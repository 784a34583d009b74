"""First run: the practice and its owner are created once."""

from __future__ import annotations

import pytest

from practipal_app import db
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.models import Practice, Role
from practipal_app.onboarding import setup as practice


def test_fresh_install_needs_setup_until_the_owner_exists(engine):
    assert db.call(practice.needs_setup) is True
    assert db.call(practice.the_practice) is None

    owner = db.call(
        practice.create_practice,
        practice_name="  Sunrise Counselling ",
        timezone="Asia/Kolkata",
        owner_name="Asha Rao",
        email="  Asha@Example.COM ",
        password="Calm-Harbour-Tea-42",
    )

    assert db.call(practice.needs_setup) is False
    found = db.call(practice.the_practice)
    assert isinstance(found, Practice)
    assert (found.name, found.timezone) == ("Sunrise Counselling", "Asia/Kolkata")
    assert owner.role == Role.OWNER
    assert owner.email == "asha@example.com"
    assert owner.practice_id == found.id


def test_setup_cannot_run_a_second_time(owner):
    with pytest.raises(DomainError) as caught:
        db.call(
            practice.create_practice,
            practice_name="Takeover Clinic",
            timezone="Asia/Kolkata",
            owner_name="Mallory",
            email="mallory@example.com",
            password="Rusty-Anchor-Violet-88",
        )
    assert caught.value.message == "This practice is already set up. Sign in instead."
    assert db.call(practice.the_practice).name == "Sunrise Counselling"


def test_setup_form_errors_are_keyed_by_field_and_nothing_is_saved(engine):
    with pytest.raises(InvalidInput) as caught:
        db.call(
            practice.create_practice,
            practice_name=" ",
            timezone="Mars/Olympus",
            owner_name="",
            email="asha-at-example",
            password="password123",
        )
    assert set(caught.value.errors) == {
        "practice_name",
        "timezone",
        "owner_name",
        "email",
        "password",
    }
    assert caught.value.errors["owner_name"] == "Enter a name."
    assert caught.value.errors["email"] == "Enter an email address like name@example.com."
    assert caught.value.errors["timezone"] == "Choose a timezone from the list."
    assert db.call(practice.needs_setup) is True
    assert db.call(practice.the_practice) is None


def test_password_resembling_the_owners_own_name_is_refused(engine):
    with pytest.raises(InvalidInput) as caught:
        db.call(
            practice.create_practice,
            practice_name="Sunrise",
            timezone="Asia/Kolkata",
            owner_name="Asha Rao",
            email="asha@example.com",
            password="asha@example.com",
        )
    assert list(caught.value.errors) == ["password"]


def test_staff_email_must_be_unique_whatever_its_case(owner):
    with pytest.raises(InvalidInput) as caught:
        db.call(
            practice.add_staff,
            owner.practice_id,
            "Second Asha",
            "ASHA@example.com",
            Role.THERAPIST,
            "Rusty-Anchor-Violet-88",
        )
    assert caught.value.errors == {"email": "An account with this email already exists."}
