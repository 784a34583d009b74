"""UPI payment links and their QR codes, so a client can pay an invoice from any UPI app."""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import quote

import segno

from practipal_app.core.money import plain_rupees

_UPI_ID = re.compile(r"[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}")
_PAYEE_NAME_MAX = 50
_QR_TITLE = "UPI payment QR code"


def upi_id_problem(vpa: str) -> str:
    """'' if vpa looks like a UPI ID (name@bank), else a hint for the person typing it."""
    if _UPI_ID.fullmatch(vpa.strip()):
        return ""
    return "A UPI ID looks like name@bank, e.g. asha.rao@okhdfcbank."


def _q(value: str) -> str:
    return quote(value, safe="@")


def payment_link(vpa: str, payee_name: str, amount_paise: int, reference: str) -> str:
    """'upi://pay?pa=…&pn=…&am=1200.00&cu=INR&tn=…&tr=…' for one payment."""
    problem = upi_id_problem(vpa)
    if problem:
        raise ValueError(problem)
    if amount_paise <= 0:
        raise ValueError("A UPI payment needs an amount above zero.")
    params = (
        ("pa", vpa.strip()),
        ("pn", payee_name.strip()[:_PAYEE_NAME_MAX]),
        ("am", plain_rupees(amount_paise)),
        ("cu", "INR"),
        ("tn", reference),
        ("tr", reference),
    )
    return "upi://pay?" + "&".join(f"{key}={_q(value)}" for key, value in params)


def _qr(link: str) -> segno.QRCode:
    return segno.make_qr(link, error="m")


def qr_svg(link: str, scale: int = 4) -> str:
    """A standalone SVG of the link's QR code, to serve as an image."""
    out = BytesIO()
    _qr(link).save(out, kind="svg", scale=scale, border=2, xmldecl=False, title=_QR_TITLE)
    return out.getvalue().decode("utf-8")


def qr_png(link: str, scale: int = 6) -> bytes:
    """PNG bytes of the link's QR code."""
    out = BytesIO()
    _qr(link).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
