"""The UI shell through HTTP: landing page, navigation, error pages, language switch, CSP-safe markup."""

import re

import pytest
from django.test import Client
from django.urls import reverse

PASSWORD = "Test-Passw0rd!"


def client_for(username, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=username, password=PASSWORD)
    return client


def figure(html, name):
    match = re.search(rf'href="([^"]+)" data-figure="{name}">.*?<div class="h1 mb-0">(\d+)</div>', html, re.S)
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


@pytest.mark.parametrize("username", ["city_office", "office_a", "unit_a", "leader"])
def test_home_figures_link_to_the_rows_they_count(tree, username):
    client = client_for(username)
    html = client.get(reverse("core:home")).content.decode()
    for name in ("units", "units-active", "members", "areas"):
        url, count = figure(html, name)
        listed = client.get(url).content.decode()
        assert f'data-total="{count}"' in listed or (count == 0 and "data-empty" in listed)


def test_home_counts_follow_scope(tree):
    assert figure(client_for("city_office").get("/").content.decode(), "units")[1] == 4
    assert figure(client_for("office_a").get("/").content.decode(), "units")[1] == 2
    assert figure(client_for("unit_a").get("/").content.decode(), "units")[1] == 1


def test_home_without_area_explains(tree):
    html = client_for("nobody").get(reverse("core:home")).content.decode()
    assert "data-empty" in html
    assert "data-figure" not in html


def test_navigation_depends_on_role(tree):
    users_url = reverse("accounts:user_list")
    assert f'href="{users_url}"' in client_for("office_a").get("/").content.decode()
    assert f'href="{users_url}"' not in client_for("leader").get("/").content.decode()
    assert reverse("orgs:unit_list") in client_for("leader").get("/").content.decode()


def test_not_found_page_is_helpful(tree):
    response = client_for("office_a").get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/"' in html
    assert '<html lang="zh-hans">' in html


def test_forbidden_object_looks_like_missing_one(tree):
    client = client_for("office_b")
    forbidden = client.get(reverse("orgs:unit_detail", args=[tree.unit_a.pk]))
    missing = client.get(reverse("orgs:unit_detail", args=[987654]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_forbidden_page(tree):
    response = client_for("leader").get(reverse("orgs:unit_create"))
    assert response.status_code == 403
    assert 'href="/"' in response.content.decode()


def test_language_switch(tree):
    client = client_for("office_a")
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/orgs/units/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/orgs/units/").content.decode()


@pytest.mark.parametrize(
    "name,args",
    [
        ("core:home", []),
        ("orgs:unit_list", []),
        ("orgs:unit_create", []),
        ("orgs:area_tree", []),
        ("orgs:unit_detail", None),
    ],
)
def test_pages_have_no_inline_scripts_or_handlers(tree, name, args):
    args = [tree.unit_a.pk] if args is None else args
    html = client_for("office_a").get(reverse(name, args=args)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "hx-headers" in html and "X-CSRFToken" in html


def test_base_blocks_and_assets(tree):
    html = client_for("office_a").get(reverse("orgs:unit_list")).content.decode()
    for asset in (
        "vendor/tabler/tabler.min.css",
        "vendor/tabler/tabler.min.js",
        "vendor/htmx/htmx.min.js",
        "js/app.js",
    ):
        assert asset in html
    assert 'class="breadcrumb' in html and 'class="page-title"' in html


def test_area_picker_requires_sign_in(tree):
    assert Client().get(reverse("core:area_picker")).status_code == 302


def test_htmx_request_after_sign_out_redirects_the_window(tree):
    response = Client().get(
        reverse("core:area_picker"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/orgs/units/",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert "next=/orgs/units/" in response["HX-Redirect"]
