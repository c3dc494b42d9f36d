"""Reads of personal API tokens: a user sees only their own, and another user's token reads as missing."""

from django.db.models import QuerySet

from shiliu.accounts.models import ApiToken
from shiliu.core.errors import NotVisible


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")


def api_token_get(*, user, pk) -> ApiToken:
    try:
        return api_token_list(user=user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
