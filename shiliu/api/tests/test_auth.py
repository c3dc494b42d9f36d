"""Both ways into the API: personal tokens and the browser session (with CSRF)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shiliu.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

ME = "/api/me"
UNITS = "/api/units"


def bearer(raw):
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


@pytest.mark.parametrize(
    "url", [ME, UNITS, "/api/areas", "/api/unit-types", "/api/area-statistics", "/api/units/1"]
)
def test_anonymous_gets_401(tree, url):
    response = Client(headers={"Accept-Language": "en"}).get(url)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were missing or not valid."}


def test_anonymous_write_gets_401_and_writes_nothing(tree):
    before = tree.unit_a.__class__.objects.count()

    response = Client().post(
        UNITS, {"name": "x", "unit_type": "school", "area": tree.village_a.pk}, "application/json"
    )

    assert response.status_code == 401
    assert tree.unit_a.__class__.objects.count() == before


def test_valid_token_authenticates_as_its_user(tree):
    _token, raw = ApiToken.issue(user=tree.office_a, name="script")

    response = Client().get(ME, headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["username"] == "office_a"
    assert response.json()["area"]["id"] == tree.county_a.pk


def test_revoked_token_is_refused(tree, api_as):
    token, raw = ApiToken.issue(user=tree.office_a, name="script")
    client = Client(headers=bearer(raw))
    assert client.get(ME).status_code == 200

    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])

    assert client.get(ME).status_code == 401
    assert client.get(UNITS).status_code == 401


def test_token_revoked_through_the_api_stops_working(tree):
    token, raw = ApiToken.issue(user=tree.office_a, name="script")
    client = Client(headers=bearer(raw))

    response = client.post(f"/api/me/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert client.get(ME).status_code == 401


def test_expired_token_is_refused(tree):
    token, raw = ApiToken.issue(user=tree.office_a, name="script")
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save(update_fields=["expires_at"])

    assert Client().get(ME, headers=bearer(raw)).status_code == 401


def test_token_of_inactive_user_is_refused(tree):
    _token, raw = ApiToken.issue(user=tree.office_a, name="script")
    tree.office_a.is_active = False
    tree.office_a.save(update_fields=["is_active"])

    assert Client().get(ME, headers=bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer sl_not-a-real-token", "Bearer ", "Token sl_x", "Basic b2ZmaWNlX2E6eA=="]
)
def test_unknown_or_malformed_tokens_are_refused(tree, header):
    ApiToken.issue(user=tree.office_a, name="script")

    assert Client().get(ME, headers={"Authorization": header}).status_code == 401


def test_token_of_another_digest_does_not_match(tree):
    token, raw = ApiToken.issue(user=tree.office_a, name="script")
    # The stored digest is not a credential: sending it as the token must fail.
    assert Client().get(ME, headers=bearer(token.digest)).status_code == 401
    assert Client().get(ME, headers=bearer("sl_" + token.digest)).status_code == 401


def test_last_used_at_is_written_at_most_once_a_minute(tree):
    token, raw = ApiToken.issue(user=tree.office_a, name="script")
    client = Client(headers=bearer(raw))

    client.get(ME)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_second_request_within_a_minute_does_not_write(tree, django_assert_num_queries):
    _token, raw = ApiToken.issue(user=tree.office_a, name="script")
    client = Client(headers=bearer(raw))
    client.get(ME)

    # token lookup (with user and area) + the /me read; no UPDATE of last_used_at
    with django_assert_num_queries(2):
        assert client.get(ME).status_code == 200


def test_session_auth_reads(tree):
    client = Client()
    client.force_login(tree.office_b)

    response = client.get(UNITS)

    assert response.status_code == 200
    assert [u["id"] for u in response.json()["items"]] == [tree.unit_b.pk]


def test_session_login_through_the_login_backend_works(tree):
    client = Client()
    assert client.login(username="office_a", password="Test-Passw0rd!")

    assert client.get(ME).json()["username"] == "office_a"


def test_session_write_without_csrf_token_is_refused(tree):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(tree.office_a)

    response = client.post(f"/api/units/{tree.unit_a.pk}/archive", {}, "application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.status == "active"


def test_session_write_with_csrf_token_is_accepted(tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.office_a)
    csrf = "k" * 32  # a CSRF secret as the browser would hold it in its cookie
    client.cookies["csrftoken"] = csrf

    response = client.post(
        f"/api/units/{tree.unit_a.pk}/archive", {}, "application/json", headers={"X-CSRFToken": csrf}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "archived"


def test_token_request_needs_no_csrf_even_with_a_session_cookie(tree):
    _token, raw = ApiToken.issue(user=tree.office_a, name="script")
    client = Client(enforce_csrf_checks=True, headers=bearer(raw))
    client.force_login(tree.office_b)  # a session of someone else must not be what acts

    response = client.post(f"/api/units/{tree.unit_a.pk}/archive", {}, "application/json")

    assert response.status_code == 200
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.status == "archived"
    assert tree.unit_a.history.first().history_user == tree.office_a


def test_history_records_the_token_user(tree, api_as):
    response = api_as("office_a").patch(
        f"/api/units/{tree.unit_a.pk}", {"address": "团结路1号"}, "application/json"
    )

    assert response.status_code == 200
    assert tree.unit_a.history.first().history_user == tree.office_a
