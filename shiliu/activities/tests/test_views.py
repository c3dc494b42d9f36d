"""Pages of activities and publicity through HTTP: list (filters, search, sort), detail, create, edit, delete."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.activities.models import Activity, PublicityItem
from shiliu.core.attachments import attachments_of
from shiliu.venues.tests.factories import make_venue

from .factories import activity_type, make_activity, make_campaign, make_publicity, png_bytes, upload

D = datetime.date


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def rows(response):
    return [row.obj.title for row in response.context["rows"]]


@pytest.fixture
def ledger(tree):
    tree.venue = make_venue(tree.county_a, "东城民族团结广场", "square")
    tree.fest = make_activity(
        unit=tree.unit_a, title="团结社区古尔邦节联欢", start=D(2026, 6, 10), participants=80
    )
    tree.study = make_activity(
        area=tree.county_a,
        title="东城区理论学习",
        type_code="theory_study",
        start=D(2026, 9, 5),
        venue=tree.venue,
    )
    tree.school = make_activity(
        unit=tree.unit_a2, title="中心小学知识竞赛", type_code="contest", start=D(2026, 9, 20)
    )
    tree.far = make_activity(
        unit=tree.unit_b, title="和睦村文艺演出", type_code="performance", start=D(2026, 9, 1)
    )
    tree.campaign = make_campaign()
    return tree


def test_list_shows_the_scope_and_filters(ledger):
    url = reverse("activities:activity_list")
    office = client_for(ledger.office_a)
    assert set(rows(office.get(url))) == {"团结社区古尔邦节联欢", "东城区理论学习", "中心小学知识竞赛"}
    assert rows(office.get(url, {"activity_type": "contest"})) == ["中心小学知识竞赛"]
    assert rows(office.get(url, {"entry_type": "none"})) == ["东城区理论学习"]
    assert rows(office.get(url, {"entry_type": "school"})) == ["中心小学知识竞赛"]
    assert rows(office.get(url, {"unit": ledger.unit_a.pk})) == ["团结社区古尔邦节联欢"]
    assert rows(office.get(url, {"campaign": ledger.campaign.pk, "sort": "start"})) == [
        "东城区理论学习",
        "中心小学知识竞赛",
    ]
    assert rows(office.get(url, {"date_from": "2026-06-01", "date_to": "2026-06-30"})) == [
        "团结社区古尔邦节联欢"
    ]
    assert rows(office.get(url, {"date_from": "not-a-date"})) == []
    assert rows(office.get(url, {"q": "理论"})) == ["东城区理论学习"]
    assert rows(office.get(url, {"area": ledger.village_a.pk})) == ["团结社区古尔邦节联欢"]
    assert rows(office.get(url, {"area": ledger.county_b.pk})) == []  # outside the scope: nothing
    assert rows(office.get(url, {"sort": "-participants"}))[0] == "团结社区古尔邦节联欢"
    liaison = client_for(ledger.unit_user_a).get(url)
    assert rows(liaison) == ["团结社区古尔邦节联欢"]
    assert liaison.context["create_url"] == reverse("activities:activity_create")
    assert client_for(ledger.leader).get(url).context["create_url"] is None


def test_detail_follows_the_scope_and_shows_history_and_attachments(ledger):
    url = reverse("activities:activity_detail", args=[ledger.study.pk])
    response = client_for(ledger.office_a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "东城民族团结广场" in body and 'id="attachments"' in body and 'id="history"' in body
    assert response.context["can_change"]
    assert client_for(ledger.office_b).get(url).status_code == 404
    assert client_for(ledger.unit_user_a).get(url).status_code == 404  # an office's own record
    assert client_for(ledger.leader).get(url).context["can_change"] is False


def test_a_liaison_records_an_activity_with_a_photo(ledger):
    client = client_for(ledger.unit_user_a)
    form = client.get(reverse("activities:activity_create"))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    assert "area" not in form.context["form"].fields
    response = client.post(
        reverse("activities:activity_create"),
        {
            "title": "石榴籽家园宣讲",
            "activity_type": activity_type("lecture_tour").pk,
            "unit": ledger.unit_a.pk,
            "start_date": "2026-09-12",
            "participants": "35",
            "photo": upload("合影.png", png_bytes()),
        },
    )
    activity = Activity.objects.get(title="石榴籽家园宣讲")
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.unit == ledger.unit_a and activity.end_date == D(2026, 9, 12)
    assert attachments_of(activity).get().original_name == "合影.png"


def test_form_errors_come_back_on_the_fields(ledger):
    client = client_for(ledger.office_a)
    response = client.post(
        reverse("activities:activity_create"),
        {
            "title": "倒序活动",
            "activity_type": activity_type().pk,
            "area": ledger.county_a.pk,
            "start_date": "2026-09-12",
            "end_date": "2026-09-01",
            "participants": "3",
            "photo": upload("evil.png", b"<html><script>x</script>"),
        },
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not Activity.objects.filter(title="倒序活动").exists()
    response = client.post(
        reverse("activities:activity_create"),
        {"title": "坏照片", "activity_type": activity_type().pk, "area": ledger.county_a.pk,
         "start_date": "2026-09-12", "participants": "3", "photo": upload("evil.png", b"<html>")},
    )  # fmt: skip
    assert response.status_code == 200 and "photo" not in response.context["form"].errors
    assert "JPEG" in response.content.decode()
    assert not Activity.objects.filter(title="坏照片").exists()


def test_edit_and_delete(ledger):
    client = client_for(ledger.office_a)
    edit = reverse("activities:activity_edit", args=[ledger.fest.pk])
    form = client.get(edit)
    assert form.context["form"].initial["unit"] == ledger.unit_a.pk
    response = client.post(
        edit,
        {"title": "古尔邦节联欢（更正）", "activity_type": ledger.fest.activity_type_id, "unit": ledger.unit_a.pk,
         "start_date": "2026-06-10", "end_date": "2026-06-11", "participants": "90"},
    )  # fmt: skip
    assert response.status_code == 302
    ledger.fest.refresh_from_db()
    assert (ledger.fest.title, ledger.fest.participants) == ("古尔邦节联欢（更正）", 90)
    detail = client.get(reverse("activities:activity_detail", args=[ledger.fest.pk])).content.decode()
    assert "古尔邦节联欢（更正）" in detail and "data-history-entry" in detail
    assert client_for(ledger.office_b).get(edit).status_code == 404
    assert client_for(ledger.leader).get(edit).status_code == 404
    delete = reverse("activities:activity_delete", args=[ledger.fest.pk])
    assert client_for(ledger.office_b).post(delete).status_code == 404
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"reason": "重复"}).status_code == 302
    assert not Activity.objects.filter(pk=ledger.fest.pk).exists()


def test_publicity_pages(ledger):
    make_publicity(unit=ledger.unit_a, title="团结横幅", kind="banner", reach=200)
    make_publicity(area=ledger.county_b, title="西山电子屏", kind="led", reach=1000)
    client = client_for(ledger.office_a)
    url = reverse("activities:publicity_list")
    assert rows(client.get(url)) == ["团结横幅"]
    assert rows(client.get(url, {"kind": "led"})) == []
    response = client.post(
        reverse("activities:publicity_create"),
        {"title": "公众号推文", "kind": "online", "area": ledger.county_a.pk, "start_date": "2026-09-02",
         "outlet": "东城发布", "reach": "5000"},
    )  # fmt: skip
    item = PublicityItem.objects.get(title="公众号推文")
    assert response.status_code == 302 and item.area == ledger.county_a and item.unit is None
    assert client.get(reverse("activities:publicity_detail", args=[item.pk])).status_code == 200
    assert (
        client_for(ledger.office_b).get(reverse("activities:publicity_detail", args=[item.pk])).status_code
        == 404
    )
    edit = reverse("activities:publicity_edit", args=[item.pk])
    assert client.get(edit).status_code == 200
    assert client.post(reverse("activities:publicity_delete", args=[item.pk])).status_code == 302
    assert not PublicityItem.objects.filter(pk=item.pk).exists()


def test_navigation_lists_the_ledgers(ledger):
    body = client_for(ledger.leader).get(reverse("core:home")).content.decode()
    for name in ("activities:activity_list", "activities:publicity_list", "venues:venue_list"):
        assert reverse(name) in body


@pytest.mark.parametrize(
    "url_name", ["activities:activity_list", "activities:publicity_list", "venues:venue_list"]
)
def test_list_query_count_does_not_grow_with_rows(tree, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(tree.office_a)
    url = reverse(url_name)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(n):
        for i in range(n):
            make_activity(unit=tree.unit_a if i % 2 else tree.unit_a2, venue=None)
            make_publicity(unit=tree.unit_a, kind="board")
            make_venue(tree.county_a, f"阵地{Activity.objects.count()}")

    add(2)
    few = queries()
    add(20)
    assert queries() == few


@pytest.mark.parametrize("username", ["city_office", "office_a", "unit_a", "leader", "office_b"])
def test_home_figures_link_to_the_rows_they_count(ledger, username):
    import re

    from shiliu.accounts.models import User

    client = client_for(User.objects.get(username=username))
    html = client.get(reverse("core:home")).content.decode()
    for key in ("activities", "publicity", "venues"):
        match = re.search(
            rf'href="([^"]+)" data-figure="{key}">.*?<div class="h1 mb-0">(\d+)</div>', html, re.S
        )
        url, value = match.group(1).replace("&amp;", "&"), int(match.group(2))
        listed = client.get(url)
        assert listed.context["total"] == value, key
    assert "data-figure-campaign" in html
    assert (
        "data-ledger-figures" not in client_for(User.objects.get(username="nobody")).get("/").content.decode()
    )


def test_with_many_units_the_unit_is_typed(ledger, monkeypatch):
    from shiliu.activities import forms

    monkeypatch.setattr(forms, "UNIT_SELECT_LIMIT", 1)
    client = client_for(ledger.office_a)
    page = client.get(reverse("activities:activity_create"))
    assert "<select" not in str(page.context["form"]["unit"])
    base = {"activity_type": activity_type().pk, "start_date": "2026-09-12", "participants": "3"}
    response = client.post(
        reverse("activities:activity_create"), base | {"title": "打字选单位", "unit": "东关街道中心小学"}
    )
    assert response.status_code == 302
    assert Activity.objects.get(title="打字选单位").unit == ledger.unit_a2
    response = client.post(
        reverse("activities:activity_create"), base | {"title": "别处单位", "unit": "和睦村村委会"}
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    edit = client.get(reverse("activities:activity_edit", args=[ledger.fest.pk]))
    assert edit.context["form"].initial["unit"] == "团结社区居委会"
