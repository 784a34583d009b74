"""Setup, sign-in, password reset and invite acceptance."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import views as boundary_views
from practipal_app.boundaries.views import CrisisContact
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError, InvalidInput, LinkInvalid
from practipal_app.onboarding import invites
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, passwords
from practipal_app.state.navigation import collect_session
from practipal_app.state.session import cookie_value, page_params, signed_in, ticked

#: The longest text a public form field may carry: one past each limit, so that "too long" is
#: still reported.
NAME_MAX, EMAIL_MAX, PASSWORD_MAX = 200, 320, passwords.MAX_LENGTH + 1


def _text(form: dict, name: str, limit: int = NAME_MAX) -> str:
    """A text field of a public form, cut to a bounded length."""
    return str(form.get(name, ""))[:limit]


TIMEZONES = [
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Singapore",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
]


class SetupState(rx.State):
    errors: dict[str, str] = {}
    form_error: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        if not await db.aread(practice.needs_setup):
            return rx.redirect("/login")

    @rx.event
    async def submit(self, form: dict):
        self.busy, self.errors, self.form_error = True, {}, ""
        yield
        try:
            await db.acall(
                practice.set_up,
                client_token=self.router.session.client_token,
                practice_name=_text(form, "practice_name"),
                timezone=_text(form, "timezone", 64),
                owner_name=_text(form, "owner_name"),
                email=_text(form, "email", EMAIL_MAX),
                password=_text(form, "password", PASSWORD_MAX),
                starter_library=ticked(form, "starter_library"),
            )
        except InvalidInput as exc:
            self.errors = exc.errors
        except DomainError as exc:
            self.form_error = exc.message
        else:
            yield collect_session(self.router.session.client_token)
        finally:
            self.busy = False


class LoginState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        self.error, self.busy = "", False
        query = page_params(self)
        self.notice = (
            "Your sign-in took too long. Please sign in again." if query.get("expired") else ""
        )
        if await db.aread(practice.needs_setup):
            return rx.redirect("/setup")
        actor = await signed_in(self)
        if actor is not None:
            return rx.redirect(auth.safe_next(query.get("next"), actor.role))

    @rx.event
    async def submit(self, form: dict):
        self.busy, self.error = True, ""
        yield
        try:
            await db.acall(
                auth.sign_in,
                _text(form, "email", EMAIL_MAX),
                _text(form, "password", PASSWORD_MAX),
                self.router.session.client_token,
                str(page_params(self).get("next", "")),
            )
        except DomainError as exc:
            self.error = exc.message
        else:
            yield collect_session(self.router.session.client_token)
        finally:
            self.busy = False


class ResetState(rx.State):
    """/reset asks for a link; opened from the emailed link (?link=1) it sets the new password."""

    choosing: bool = False
    sent: bool = False
    name: str = ""
    invalid: str = ""
    error: str = ""
    busy: bool = False

    def _token(self) -> str:
        return cookie_value(self, auth.RESET_COOKIE)

    @rx.event
    async def load(self):
        self.sent, self.error, self.busy, self.invalid, self.name = False, "", False, "", ""
        self.choosing = bool(page_params(self).get("link"))
        if not self.choosing:
            return
        try:
            self.name = await db.aread(auth.reset_name, self._token())
        except LinkInvalid as exc:
            self.invalid = exc.message

    @rx.event
    async def request_link(self, form: dict):
        try:
            await db.acall(
                auth.request_reset, _text(form, "email", EMAIL_MAX), get_settings().base_url
            )
        except InvalidInput as exc:
            self.error = exc.errors.get("email", exc.message)
            return
        self.error, self.sent = "", True

    @rx.event
    async def choose_password(self, form: dict):
        self.busy, self.error = True, ""
        yield
        try:
            await db.acall(
                auth.reset_password,
                self._token(),
                _text(form, "password", PASSWORD_MAX),
                self.router.session.client_token,
            )
        except InvalidInput as exc:
            self.error = exc.errors.get("password", exc.message)
        except LinkInvalid as exc:
            self.invalid = exc.message
        else:
            yield collect_session(self.router.session.client_token)
        finally:
            self.busy = False


class InviteState(rx.State):
    client_name: str = ""
    therapist_name: str = ""
    practice_name: str = ""
    statement: str = ""
    charter_version: int = 0
    own_contacts: list[CrisisContact] = []
    invalid: str = ""
    errors: dict[str, str] = {}
    busy: bool = False
    loaded: bool = False

    def _token(self) -> str:
        return cookie_value(self, auth.INVITE_COOKIE)

    @rx.event
    async def load(self):
        self.errors, self.busy = {}, False
        try:
            view = await db.aread(invites.inspect, self._token())
        except LinkInvalid as exc:
            self.invalid, self.loaded = exc.message, True
            return
        self.invalid, self.loaded = "", True
        self.client_name, self.therapist_name = view.client_name, view.therapist_name
        self.practice_name = view.practice_name
        self.statement, self.charter_version = view.charter.statement, view.charter.version
        self.own_contacts = boundary_views.crisis_contacts(view.charter.own_contacts)

    @rx.event
    async def submit(self, form: dict):
        self.busy, self.errors = True, {}
        yield
        try:
            await db.acall(
                invites.accept,
                self._token(),
                _text(form, "password", PASSWORD_MAX),
                ticked(form, "acknowledged"),
                self.charter_version,
                self.router.session.client_token,
            )
        except InvalidInput as exc:
            self.errors = exc.errors
        except LinkInvalid as exc:
            self.invalid = exc.message
        else:
            yield collect_session(self.router.session.client_token)
        finally:
            self.busy = False
