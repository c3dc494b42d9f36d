"""Encryption at rest for residents' and contacts' personal data (names, phones, ID numbers)."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(key_material: str, secret: str) -> MultiFernet:
    keys = [k for k in key_material.split(",") if k] or [secret]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode()).digest())) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return token
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return ""


class EncryptedCharField(models.TextField):
    """Stores ciphertext; Python code sees plain text. Not searchable or sortable in the database."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if value.startswith(PREFIX):
            return value
        return encrypt(value)
