"""The default intake form every therapist starts with, aware of the Mental Healthcare Act 2017
(nominated representative) and the Digital Personal Data Protection Act 2023 (notice and consent).

Plain data: `forms.ensure_intake` saves it as the therapist's first Intake form, which they can
edit.
"""

from __future__ import annotations

INTAKE_TITLE = "Intake"


def _field(key: str, type_: str, label: str = "", **extra) -> dict:
    field = {
        "key": key,
        "type": type_,
        "label": label,
        "required": False,
        "help": "",
        "options": [],
        "text": "",
        "risk": False,
        "profile": "",
    }
    field.update(extra)
    return field


def _contact_fields() -> list[dict]:
    return [
        _field(
            "about_you",
            "info",
            "About you",
            text=(
                "Thank you for taking the time to fill this in. You can save it and come back "
                "later; nothing is sent to your therapist until you press Submit."
            ),
        ),
        _field("preferred_name", "short_text", "What would you like to be called?"),
        _field("phone", "phone", "Your phone number", required=True),
        _field("email", "email", "Your email address"),
        _field("date_of_birth", "date", "Date of birth", required=True),
        _field("address", "long_text", "Your address", help="Where you live now."),
    ]


def _emergency_fields() -> list[dict]:
    return [
        _field(
            "emergency_heading",
            "info",
            "Emergency contact",
            text="Someone we can call if we are seriously worried about your safety.",
        ),
        _field(
            "emergency_contact_name",
            "short_text",
            "Emergency contact's name",
            required=True,
            profile="emergency_contact_name",
        ),
        _field(
            "emergency_contact_relation",
            "short_text",
            "How are they related to you?",
            help="For example: mother, partner, friend.",
            profile="emergency_contact_relation",
        ),
        _field(
            "emergency_contact_phone",
            "phone",
            "Emergency contact's phone number",
            required=True,
            profile="emergency_contact_phone",
        ),
    ]


def _representative_fields() -> list[dict]:
    return [
        _field(
            "representative_heading",
            "info",
            "Nominated representative (optional)",
            text=(
                "Under the Mental Healthcare Act 2017 you may name a person you trust to support "
                "you and speak up for your wishes if you ever cannot make treatment decisions "
                "yourself. You can leave this empty or change it at any time."
            ),
        ),
        _field("representative_name", "short_text", "Nominated representative's name"),
        _field("representative_relation", "short_text", "How are they related to you?"),
        _field("representative_phone", "phone", "Nominated representative's phone number"),
    ]


def _therapy_fields() -> list[dict]:
    return [
        _field(
            "therapy_heading",
            "info",
            "What brings you here",
            text=(
                "There are no right or wrong answers. Share as much or as little as feels "
                "comfortable."
            ),
        ),
        _field(
            "reasons",
            "long_text",
            "What would you like help with?",
            required=True,
            help="A few sentences is enough. We will talk about it together.",
        ),
        _field(
            "previous_therapy",
            "yes_no",
            "Have you seen a therapist, counsellor or psychiatrist before?",
        ),
        _field(
            "previous_therapy_details",
            "long_text",
            "If yes, tell us a little about it",
            help="When it was, and what helped or did not help.",
        ),
        _field(
            "medication",
            "long_text",
            "Are you taking any medication at the moment?",
            help="Optional. Include anything prescribed for sleep, mood or anxiety.",
        ),
        _field(
            "risk_thoughts",
            "yes_no",
            "In the last two weeks, have you had thoughts of ending your life or harming yourself?",
            required=True,
            risk=True,
            help="Your honest answer helps your therapist keep you safe. If you are in danger now, "
            "please call one of the crisis lines shown.",
        ),
    ]


def _charter_fields(charter_statement: str) -> list[dict]:
    return [
        _field(
            "charter",
            "charter",
            "I have read how messages and contact between sessions work",
            required=True,
            text=charter_statement,
        ),
    ]


def data_notice(grievance_contact: str) -> str:
    return (
        "What we collect: what you write in this form, your contact details, and notes from your "
        "sessions. Why: to provide therapy, to contact you about sessions and payments, and to "
        "keep you safe in an emergency. Who sees it: only your therapist (and the practice's "
        "administrator for scheduling and invoices). It is never sold or shared for marketing. It "
        "is kept securely for as long as the law requires for health and financial records. Under "
        "the Digital Personal Data Protection Act 2023 you can ask for a copy of your "
        "information, ask us to correct it, or ask us to erase what we are not required to keep, "
        "and you can withdraw your consent at any time. For any of these, or for a complaint, "
        f"contact {grievance_contact}."
    )


def _consent_fields(grievance_contact: str) -> list[dict]:
    return [
        _field(
            "data_notice",
            "info",
            "How your information is used",
            text=data_notice(grievance_contact),
        ),
        _field(
            "data_consent",
            "consent",
            "I agree to my information being used as described above",
            required=True,
        ),
        _field(
            "online_consent",
            "consent",
            "I agree to have sessions online (video or phone) when we plan them",
            required=True,
            text=(
                "Online sessions are private on our side. Please join from a place where you "
                "cannot be overheard, and do not record sessions without agreeing it first."
            ),
        ),
        _field("signature", "signature", "Type your full name to sign", required=True),
    ]


def intake_fields(charter_statement: str, grievance_contact: str = "your therapist") -> list[dict]:
    """The default Intake's fields, with the therapist's charter statement placed inline."""
    return [
        *_contact_fields(),
        *_emergency_fields(),
        *_representative_fields(),
        *_therapy_fields(),
        *_charter_fields(charter_statement),
        *_consent_fields(grievance_contact),
    ]
