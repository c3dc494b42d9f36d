"""Writes for personal API tokens. A user manages only their own tokens."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.accounts.models import ApiToken
from shiliu.core.errors import ApplicationError
from shiliu.core.validators import normalize_text

MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def api_token_issue(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    name = normalize_text(name)
    if not name:
        raise ApplicationError(_("Give the token a name so you can recognise it later."), field="name")
    if len(name) > 60:
        raise ApplicationError(_("The name can have at most 60 characters."), field="name")
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ApplicationError(
            _("You already have {n} active tokens; revoke one first.").format(n=MAX_ACTIVE_TOKENS),
            field="name",
        )
    return ApiToken.issue(user=actor, name=name)


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise ApplicationError(_("You can only revoke your own tokens."))
    if token.revoked_at is not None:
        raise ApplicationError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
