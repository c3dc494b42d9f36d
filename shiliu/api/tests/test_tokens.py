"""A user's own API tokens, through the JSON endpoints and through the "My API tokens" page."""

import copy
import re

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def pages(settings, tmp_path):
    """A stand-in ``base.html`` for as long as the real one is not there; the real one wins when present."""
    (tmp_path / "base.html").write_text(
        "<title>{% block title %}{% endblock %}</title><h1>{% block page_title %}{% endblock %}</h1>"
        "{% for m in messages %}<p class=msg>{{ m }}</p>{% endfor %}{% block content %}{% endblock %}"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    settings.LOGIN_URL = "/accounts/login/"


# ---------------------------------------------------------------- JSON


def test_create_shows_the_token_once_and_stores_only_its_hash(tree, api_as):
    client = api_as("office_a")

    response = client.post("/api/me/tokens", {"name": "统计脚本"}, JSON)

    assert response.status_code == 201
    raw = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert raw.startswith("sl_")
    assert token.digest == ApiToken.hash(raw)
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    listed = client.get("/api/me/tokens").json()
    assert all("token" not in row for row in listed)
    assert (
        Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).json()["username"] == "office_a"
    )


def test_blank_name_is_refused(tree, api_as):
    response = api_as("office_a").post("/api/me/tokens", {"name": "  "}, JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_token_list_shows_only_own_tokens(tree, api_as):
    ApiToken.issue(user=tree.office_b, name="b's")

    names = {row["name"] for row in api_as("office_a").get("/api/me/tokens").json()}

    assert names == {"test"}


def test_another_users_token_cannot_be_revoked(tree, api_as):
    theirs, raw = ApiToken.issue(user=tree.office_b, name="b's")

    response = api_as("office_a").post(f"/api/me/tokens/{theirs.pk}/revoke")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_me_describes_the_scope(tree, api_as):
    body = api_as("unit_a").get("/api/me").json()

    assert body["role"] == "unit"
    assert body["area"]["id"] == tree.village_a.pk
    assert body["unit"] == {"id": tree.unit_a.pk, "name": tree.unit_a.name}
    assert api_as("nobody").get("/api/me").json()["area"] is None


# ---------------------------------------------------------------- page


def test_page_needs_login(tree, pages):
    response = Client().get(reverse("api:tokens"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_lists_own_tokens_only(tree, pages):
    ApiToken.issue(user=tree.office_a, name="mine")
    ApiToken.issue(user=tree.office_b, name="someone else's")
    client = Client()
    client.force_login(tree.office_a)

    response = client.get(reverse("api:tokens"))

    assert response.status_code == 200
    assert "mine" in response.content.decode()
    assert "someone else" not in response.content.decode()


def test_page_creates_a_token_and_shows_it_once(tree, pages):
    client = Client()
    client.force_login(tree.office_a)

    response = client.post(reverse("api:tokens"), {"name": "报表脚本"})

    assert response.status_code == 200
    raw = re.search(r"sl_[A-Za-z0-9_-]{20,}", response.content.decode()).group(0)
    assert ApiToken.objects.get(user=tree.office_a, name="报表脚本").digest == ApiToken.hash(raw)
    assert response["Cache-Control"] == "no-store"
    assert raw not in client.get(reverse("api:tokens")).content.decode()


def test_page_revokes_own_token(tree, pages):
    token, raw = ApiToken.issue(user=tree.office_a, name="old")
    client = Client()
    client.force_login(tree.office_a)

    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_page_cannot_revoke_another_users_token(tree, pages):
    theirs, _raw = ApiToken.issue(user=tree.office_b, name="b's")
    client = Client()
    client.force_login(tree.office_a)

    response = client.post(reverse("api:token_revoke", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_page_forms_need_csrf(tree, pages):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.office_a)

    assert client.post(reverse("api:tokens"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=tree.office_a).exists()
