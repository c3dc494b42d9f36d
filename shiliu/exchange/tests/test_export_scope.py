"""Every export is scoped like its list: same user, same rows; personal data masked; constant query count."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shiliu.orgs.models import AreaStatistics
from shiliu.orgs.tests.factories import make_unit

UNITS = {
    "admin": {"团结社区居委会", "东关街道中心小学", "和睦村村委会", "石榴市教育局"},
    "city_office": {"团结社区居委会", "东关街道中心小学", "和睦村村委会", "石榴市教育局"},
    "office_a": {"团结社区居委会", "东关街道中心小学"},
    "office_b": {"和睦村村委会"},
    "unit_a": {"团结社区居委会"},
    "leader": {"团结社区居委会", "东关街道中心小学", "和睦村村委会", "石榴市教育局"},
    "nobody": set(),
}
AREAS = {
    "office_a": {"990101000000", "990101001000", "990101001001", "990101001001001"},
    "office_b": {"990102000000", "990102001000", "990102001001"},
    "grid_a": {"990101001001001"},
    "nobody": set(),
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def exported(client, username, sheet, query=""):
    assert client.login(username=username, password="Test-Passw0rd!")
    response = client.get(reverse("exchange:export", args=[sheet]) + query)
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    return rows[0], rows[1:]


@pytest.mark.parametrize("username", sorted(UNITS))
def test_unit_export_scope(client, tree, username):
    header, rows = exported(client, username, "units")
    assert {r[0] for r in rows} == UNITS[username]
    phones = {r[header.index("联系电话")] for r in rows}
    assert not {"13812345678", "13900001111"} & phones


@pytest.mark.parametrize("username", sorted(AREAS))
def test_area_export_scope(client, tree, username):
    _header, rows = exported(client, username, "areas")
    assert {r[0] for r in rows} == AREAS[username]


def test_statistics_export_scope(client, tree):
    for area in (tree.village_a, tree.village_b):
        AreaStatistics.objects.create(
            area=area, area_path=area.path, year=2024, households=1, population=2, minority_population=1,
            ethnic_groups=1,
        )  # fmt: skip
    _header, rows = exported(client, "office_b", "area_statistics")
    assert [r[0] for r in rows] == ["990102001001"]


def test_anonymous_export_goes_to_login(client, tree):
    response = client.get(reverse("exchange:export", args=["units"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_export_query_count_does_not_grow_with_rows(client, tree, django_assert_max_num_queries):
    for i in range(30):
        make_unit(tree.village_a, f"批量单位{i}", contact_phone="13800000000")
    assert client.login(username="city_office", password="Test-Passw0rd!")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("exchange:export", args=["units"]))
        b"".join(response.streaming_content)
