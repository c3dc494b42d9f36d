"""Sign-in, password change and the users pages through HTTP."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.accounts.models import User
from shiliu.core.roles import Role

PASSWORD = "Test-Passw0rd!"


def client_for(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def row_ids(response):
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


def errors_for(response, field):
    return re.findall(rf'data-error-for="{field}">([^<]+)<', response.content.decode())


def test_anonymous_is_sent_to_login(tree):
    response = Client().get(reverse("orgs:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_and_logout(tree):
    client = Client()
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.post(reverse("accounts:login"), {"username": "office_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_shows_form_error(tree):
    response = Client().post(reverse("accounts:login"), {"username": "office_a", "password": "wrong"})
    assert response.status_code == 200
    assert "data-form-errors" in response.content.decode()


def test_must_change_password_redirects_until_changed(tree):
    User.objects.filter(pk=tree.office_a.pk).update(must_change_password=True)
    client = client_for("office_a")
    for name in ("core:home", "orgs:unit_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    unit_url = reverse("orgs:unit_detail", args=[tree.unit_a.pk])
    assert client.get(unit_url)["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "data-must-change" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Gr4nate-Seeds!", "new_password2": "Gr4nate-Seeds!"},
    )
    assert response.status_code == 302
    tree.office_a.refresh_from_db()
    assert not tree.office_a.must_change_password
    assert client.get(reverse("orgs:unit_list")).status_code == 200


@pytest.mark.parametrize("new", ["short1A!", "alllowercaseletters", "1234567890123", "office_a_2024"])
def test_password_change_enforces_rules(tree, new):
    client = client_for("office_a")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert errors_for(response, "new_password2")
    tree.office_a.refresh_from_db()
    assert tree.office_a.check_password(PASSWORD)


def test_password_change_page_shows_rules(tree):
    html = client_for("office_a").get(reverse("accounts:password_change")).content.decode()
    assert "form-hint" in html
    assert "10" in html  # the minimum length from settings


def test_user_list_is_scoped(tree):
    response = client_for("office_a").get(reverse("accounts:user_list"))
    assert set(row_ids(response)) == {tree.office_a.pk, tree.unit_user_a.pk, tree.grid_user.pk}


def test_admin_sees_users_with_areas(tree):
    response = client_for("admin").get(reverse("accounts:user_list"), {"role": Role.OFFICE})
    assert set(row_ids(response)) == {tree.city_office.pk, tree.office_a.pk, tree.office_b.pk, tree.nobody.pk}


@pytest.mark.parametrize("username", ["leader", "unit_a", "grid_a"])
def test_users_pages_need_an_office_role(tree, username):
    client = client_for(username)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403


def test_user_detail_of_sibling_is_404(tree):
    client = client_for("office_b")
    assert client.get(reverse("accounts:user_detail", args=[tree.unit_user_a.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[tree.office_b.pk])).status_code == 200


def test_create_user(tree):
    client = client_for("office_a")
    data = {
        "username": "grid_new",
        "full_name": "新网格员",
        "role": Role.GRID,
        "area": tree.village_a.pk,
        "password1": "Gr4nate-Seeds!",
        "password2": "Gr4nate-Seeds!",
    }
    response = client.post(reverse("accounts:user_create"), data)
    user = User.objects.get(username="grid_new")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.area == tree.village_a


def test_create_user_errors(tree):
    client = client_for("office_a")
    base = {"full_name": "", "role": Role.GRID, "area": tree.village_a.pk, "password1": "x", "password2": "x"}
    weak = client.post(reverse("accounts:user_create"), {**base, "username": "weak"})
    assert errors_for(weak, "password1")
    taken = client.post(
        reverse("accounts:user_create"),
        {**base, "username": "grid_a", "password1": "Gr4nate-Seeds!", "password2": "Gr4nate-Seeds!"},
    )
    assert errors_for(taken, "username")
    outside = client.post(
        reverse("accounts:user_create"),
        {
            **base,
            "username": "spy",
            "area": tree.county_b.pk,
            "password1": "Gr4nate-Seeds!",
            "password2": "Gr4nate-Seeds!",
        },
    )
    assert errors_for(outside, "area")
    no_admin = client.post(
        reverse("accounts:user_create"),
        {
            **base,
            "username": "boss",
            "role": Role.ADMIN,
            "password1": "Gr4nate-Seeds!",
            "password2": "Gr4nate-Seeds!",
        },
    )
    assert errors_for(no_admin, "role")
    assert not User.objects.filter(username__in=["weak", "spy", "boss"]).exists()


def test_create_user_offers_units_of_the_chosen_area_only(tree):
    client = client_for("city_office")
    blank = client.get(reverse("accounts:user_create")).content.decode()
    assert f'value="{tree.unit_a.pk}"' not in blank
    chosen = client.get(reverse("accounts:user_create"), {"area": tree.county_a.pk}).content.decode()
    options = re.findall(r'<option value="(\d+)"', chosen.split('name="unit"')[1].split("</select>")[0])
    assert sorted(map(int, options)) == sorted([tree.unit_a.pk, tree.unit_a2.pk])
    outside = (
        client_for("office_b")
        .get(reverse("accounts:user_create"), {"area": tree.county_a.pk})
        .content.decode()
    )
    assert "团结社区居委会" not in outside


def test_create_unit_liaison(tree):
    client = client_for("office_a")
    data = {
        "username": "liaison_new",
        "role": Role.UNIT,
        "area": tree.village_a.pk,
        "unit": tree.unit_a.pk,
        "password1": "Gr4nate-Seeds!",
        "password2": "Gr4nate-Seeds!",
    }
    assert client.post(reverse("accounts:user_create"), data).status_code == 302
    assert User.objects.get(username="liaison_new").unit == tree.unit_a
