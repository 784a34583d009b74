"""Email bodies. No clinical content: a link to the portal instead."""

from __future__ import annotations

from dataclasses import dataclass

#: Outbox kinds of the emails that carry a sign-in link.
CLIENT_INVITE = "invite"
PASSWORD_RESET = "password_reset"  # noqa: S105 (an email kind, not a secret)
#: Emails whose link signs in the person they are addressed to, meant for that person alone: the
#: outbox shows that they are held or sent, never their link or body. A new kind of email with a
#: sign-in link (a staff invite, an email change) belongs here.
RECIPIENT_ONLY_KINDS = frozenset({PASSWORD_RESET})
#: Emails with a sign-in link that staff create on purpose to hand over (a client's portal
#: invite): the owner may open one to copy its link, and each opening is an audit event.
HANDED_OVER_KINDS = frozenset({CLIENT_INVITE})


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def invite(client_name: str, therapist_name: str, practice_name: str, link: str) -> Email:
    return Email(
        subject=f"{therapist_name} invited you to the {practice_name} client portal",
        body=(
            f"Hello {client_name},\n\n"
            f"{therapist_name} has invited you to the {practice_name} client portal, where you can "
            "see your sessions and send messages between sessions.\n\n"
            f"Open this link to set your password (it works once, for 7 days):\n{link}\n\n"
            "If you were not expecting this, you can ignore this email.\n"
        ),
    )


def password_reset(name: str, practice_name: str, link: str) -> Email:
    return Email(
        subject=f"Reset your {practice_name} password",
        body=(
            f"Hello {name},\n\n"
            "Someone asked to reset the password of your account. If it was you, open this link "
            f"within one hour to choose a new password:\n{link}\n\n"
            "If it was not you, ignore this email; your password stays as it is.\n"
        ),
    )
