"""Public ticket codes and secret rating codes.

A ticket (e.g. ``SR-7KQ4-M2XD-9H``) is what a resident quotes to look up a request: random, not a sequence, so
that nobody can walk through other people's requests. The rating code is a second secret handed to the resident
only; the database keeps its HMAC, never the code.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

# Crockford-like alphabet without 0/O, 1/I/L, U: easy to read out on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RATING_CODE_DIGITS = 6


def new_ticket() -> str:
    """``SR-`` and 10 random characters in groups of four (30**10 ≈ 5.9e14 codes)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"SR-{body[:4]}-{body[4:8]}-{body[8:]}"


def normalize_ticket(value: str) -> str:
    """Accept what a person types: lower case, spaces, missing dashes, O for 0 and I/L for 1."""
    raw = "".join(ch for ch in str(value or "").upper() if ch.isalnum())
    raw = raw.removeprefix("SR")
    if len(raw) != 10:
        return ""
    return f"SR-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_rating_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(RATING_CODE_DIGITS))


def rating_code_hash(ticket: str, code: str) -> str:
    key = (getattr(settings, "REQUEST_RATING_CODE_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, f"{ticket}:{str(code).strip()}".encode(), hashlib.sha256).hexdigest()


def rating_code_matches(ticket: str, code: str, stored_hash: str) -> bool:
    if not stored_hash or not code:
        return False
    return hmac.compare_digest(rating_code_hash(ticket, code), stored_hash)
