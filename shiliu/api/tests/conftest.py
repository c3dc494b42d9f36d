import pytest
from django.test import Client

from shiliu.accounts.models import ApiToken, User

USERNAMES = ["admin", "city_office", "office_a", "office_b", "leader", "unit_a", "dept", "grid_a", "nobody"]


def token_client(user, **kwargs) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"}, **kwargs)


@pytest.fixture
def api_as(tree):
    """``api_as("office_a")``: a client authenticated with a fresh personal token of that user."""
    cache = {}

    def make(username: str) -> Client:
        if username not in cache:
            cache[username] = token_client(User.objects.get(username=username))
        return cache[username]

    return make
