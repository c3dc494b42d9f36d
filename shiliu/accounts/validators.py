import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A strong password mixes at least three of: lower case, upper case, digits, symbols."""

    def validate(self, password, user=None):
        classes = sum(
            bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
        )
        if classes < 3:
            raise ValidationError(
                _(
                    "The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."
                ),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Mix at least three of: lower-case letters, upper-case letters, digits, symbols.")
