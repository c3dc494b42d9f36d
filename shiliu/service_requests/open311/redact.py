"""Redaction of free text published through the public Open311 endpoints.

A resident's description may contain their own or someone else's phone number, ID card number or email address.
The public request list is open to anyone (GeoReport v2 has no authentication on reads), so what can be found by
pattern is replaced before publication. Names cannot be recognised reliably in free text: deployments that cannot
accept that set ``OPEN311_PUBLIC_DESCRIPTIONS = False`` and publish no descriptions at all.
"""

from __future__ import annotations

import re

# 18-character resident ID numbers (last character may be X) and the old 15-digit ones.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally written with +86 and separators.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
# Landlines: area code 0xx(x) with a 7-8 digit number.
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Anything else that is a long run of digits (bank cards, licence numbers).
_LONG_DIGITS = re.compile(r"(?<!\d)\d{9,}(?!\d)")


def _stars(match: re.Match) -> str:
    # Fully starred: the list is public, so even the partial masks of the office lists give away too much.
    return re.sub(r"[0-9A-Za-z]", "*", match.group(0))


def redact(text: str | None) -> str:
    if not text:
        return ""
    for pattern in (_ID_NUMBER, _MOBILE, _LANDLINE, _LONG_DIGITS):
        text = pattern.sub(_stars, text)
    return _EMAIL.sub("***@***", text)
