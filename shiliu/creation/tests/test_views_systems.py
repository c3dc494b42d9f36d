"""Indicator system pages through HTTP: create, tree editing (add child, edit, reorder, delete with confirmation)
while draft, publish, clone with the old → new mapping, Excel export, and who may do what."""

import re

import pytest
from django.urls import reverse

from shiliu.creation.choices import SystemStatus
from shiliu.creation.models import Indicator, IndicatorMapping, IndicatorSystem

from .factories import make_system
from .test_views import client_for, errors_for, row_ids, url

pytestmark = pytest.mark.django_db


def create_system(client, area, **extra):
    data = {"name": "东城区社区测评体系", "target_kind": "unit", "unit_type": _community().pk, "year": 2026,
            "total_points": "20", "pass_line": "15", "bonus_cap": "0", "area": area.pk} | extra  # fmt: skip
    response = client.post(url("system_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return IndicatorSystem.objects.get(name=data["name"], year=data["year"])


def _community():
    from shiliu.orgs.models import UnitType

    return UnitType.objects.get(code="community")


def add_item(client, system, parent=None, **fields):
    data = {
        "code": "A",
        "title": "组织领导",
        "points": "20",
        "rule_kind": "manual",
        "method": "materials",
    } | fields
    target = url("item_create", system.pk) + (f"?parent={parent.pk}" if parent else "")
    return client.post(target, data)


def test_office_builds_edits_and_publishes_a_system(tree):
    office = client_for("office_a")
    system = create_system(office, tree.county_a)
    assert system.status == SystemStatus.DRAFT and system.area == tree.county_a
    assert add_item(office, system).status_code == 302
    category = system.indicators.get(code="A")
    assert add_item(office, system, category, code="A1", title="领导小组", points="12", rule_kind="all_or_nothing",
                    evidence_kinds=["document"]).status_code == 302  # fmt: skip
    assert add_item(office, system, category, code="A2", title="年度计划", points="8").status_code == 302
    # Bad rule parameters are refused on their field.
    bad = add_item(
        office, system, category, code="A3", title="x", points="1", rule_kind="bands", rule_params="{}"
    )
    assert bad.status_code == 200 and errors_for(bad, "rule_params")
    page = office.get(url("system_detail", system.pk)).content.decode()
    assert page.index('data-item="A1"') < page.index('data-item="A2"')
    # Reorder: A2 up, before A1.
    a2 = system.indicators.get(code="A2")
    assert office.post(url("item_move", a2.pk), {"direction": "up"}).status_code == 302
    page = office.get(url("system_detail", system.pk)).content.decode()
    assert page.index('data-item="A2"') < page.index('data-item="A1"')
    # Edit an item.
    edit = office.post(url("item_edit", a2.pk), {"code": "A2", "title": "年度工作计划", "points": "8",
                                                 "rule_kind": "manual", "method": "materials"})  # fmt: skip
    assert edit.status_code == 302
    a2.refresh_from_db()
    assert a2.title == "年度工作计划"
    # Delete asks first (GET), deletes on POST.
    extra = add_item(office, system, category, code="A9", title="多余", points="1")
    assert extra.status_code == 302
    a9 = system.indicators.get(code="A9")
    assert office.get(url("item_delete", a9.pk)).status_code == 200
    assert office.post(url("item_delete", a9.pk)).status_code == 302
    assert not Indicator.objects.filter(pk=a9.pk).exists()
    # Veto item.
    assert office.post(url("veto_item_create", system.pk), {"code": "V1", "kind": "falsified",
                                                            "title": "弄虚作假"}).status_code == 302  # fmt: skip
    # Publish; afterwards the tree is frozen.
    assert office.get(url("system_publish", system.pk)).status_code == 200
    assert office.post(url("system_publish", system.pk)).status_code == 302
    system.refresh_from_db()
    assert system.status == SystemStatus.PUBLISHED
    page = office.get(url("system_detail", system.pk)).content.decode()
    assert 'data-action="add-child"' not in page and 'data-action="publish"' not in page
    assert office.post(url("item_edit", a2.pk), {"code": "A2", "title": "改", "points": "8", "rule_kind": "manual",
                                                 "method": "materials"}).status_code == 200  # refused  # fmt: skip
    a2.refresh_from_db()
    assert a2.title == "年度工作计划"


def test_publish_refused_while_the_points_do_not_add_up(tree):
    office = client_for("office_a")
    system = create_system(office, tree.county_a)
    add_item(office, system, points="10")
    response = office.post(url("system_publish", system.pk))
    assert response.status_code == 200
    assert "data-form-errors" in response.content.decode()
    system.refresh_from_db()
    assert system.status == SystemStatus.DRAFT


def test_clone_for_a_new_year_and_adjust_the_mapping(tree):
    office = client_for("office_a")
    system = create_system(office, tree.county_a)
    add_item(office, system)
    category = system.indicators.get(code="A")
    add_item(office, system, category, code="A1", title="领导小组", points="12")
    add_item(office, system, category, code="A2", title="年度计划", points="8")
    office.post(url("system_publish", system.pk))
    response = office.post(url("system_clone", system.pk), {"year": 2027, "name": ""})
    clone = IndicatorSystem.objects.get(cloned_from=system)
    assert response.status_code == 302 and response["Location"] == url("system_mapping", clone.pk)
    assert clone.year == 2027 and clone.status == SystemStatus.DRAFT
    page = office.get(url("system_mapping", clone.pk))
    assert page.status_code == 200
    old_a1, old_a2 = system.indicators.get(code="A1"), system.indicators.get(code="A2")
    new_a1 = clone.indicators.get(code="A1")
    # A2 is merged into A1 in the new version.
    data = {
        f"map_{n.pk}": [str(m.new_indicator_id) for m in n.mapped_to.all()] for n in system.indicators.all()
    }
    data[f"map_{old_a2.pk}"] = [str(new_a1.pk)]
    assert office.post(url("system_mapping", clone.pk), data).status_code == 302
    assert set(
        IndicatorMapping.objects.filter(old_indicator=old_a2).values_list("new_indicator", flat=True)
    ) == {new_a1.pk}
    assert IndicatorMapping.objects.filter(old_indicator=old_a1, new_indicator=new_a1).exists()
    # The mapping of a system that is no clone does not exist.
    assert office.get(url("system_mapping", system.pk)).status_code == 404


def test_who_may_configure(tree):
    shared = make_system()  # platform-wide: administrators only
    for username in ("unit_a", "leader", "grid_a"):
        assert client_for(username).get(url("system_create")).status_code == 403, username
    assert client_for("unit_a").get(url("system_detail", shared.pk)).status_code == 200  # everyone reads
    office = client_for("office_a")
    assert office.get(url("system_edit", shared.pk)).status_code == 403
    assert office.get(url("item_create", shared.pk)).status_code == 403
    own = create_system(office, tree.county_a)
    # A sibling county's office cannot edit county A's system.
    assert client_for("office_b").get(url("system_edit", own.pk)).status_code == 403
    assert client_for("admin").get(url("system_edit", shared.pk)).status_code == 200
    assert client_for("unit_a").get(url("system_detail", 999999)).status_code == 404


def test_system_list_filters(tree):
    county = make_system(name="县级测评体系", target_kind="county", unit_type_code=None, year=2024)
    community = make_system()
    client = client_for("office_a")
    assert set(row_ids(client.get(url("system_list")))) == {county.pk, community.pk}
    assert row_ids(client.get(url("system_list"), {"target_kind": "county"})) == [county.pk]
    assert row_ids(client.get(url("system_list"), {"year": "2024"})) == [county.pk]
    assert row_ids(client.get(url("system_list"), {"status": "draft"})) == []


def test_indicator_export_of_one_system(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    system = make_system()
    page = client_for("office_a").get(url("system_detail", system.pk)).content.decode()
    export = re.search(r'href="([^"]+)" data-action="export"', page).group(1).replace("&amp;", "&")
    response = client_for("office_a").get(export)
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(body))
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)
    assert "每年开展主题活动不少于4次" in text
    assert reverse("exchange:import", args=["indicators"]) not in page  # published: no import offered


def test_retire_a_published_system(tree):
    office = client_for("office_a")
    system = create_system(office, tree.county_a)
    add_item(office, system)
    add_item(office, system, system.indicators.get(code="A"), code="A1", title="领导小组", points="20")
    assert 'data-action="retire"' not in office.get(url("system_detail", system.pk)).content.decode()  # draft
    office.post(url("system_publish", system.pk))
    assert 'data-action="retire"' in office.get(url("system_detail", system.pk)).content.decode()
    assert client_for("unit_a").post(url("system_retire", system.pk)).status_code == 403
    assert office.post(url("system_retire", system.pk)).status_code == 302
    system.refresh_from_db()
    assert system.status == SystemStatus.RETIRED
    assert row_ids(office.get(url("system_list"), {"status": "retired"})) == [system.pk]
