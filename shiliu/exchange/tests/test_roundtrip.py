"""Export → edit in Excel → re-import: the exported file is a valid import file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shiliu.exchange.services import import_file
from shiliu.orgs.models import Area, AreaStatistics, Unit
from shiliu.orgs.tests.factories import credit_code

from .helpers import messages


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def export(client, user, sheet, tmp_path):
    assert client.login(username=user.username, password="Test-Passw0rd!")
    response = client.get(reverse("exchange:export", args=[sheet]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return wb


def test_units_round_trip_keeps_masked_contacts_and_applies_edits(client, tree, tmp_path):
    wb = export(client, tree.office_a, "units", tmp_path)
    ws = wb.active
    path = tmp_path / "same.xlsx"
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)

    for row in ws.iter_rows(min_row=2):
        if row[0].value == "东关街道中心小学":
            row[5].value = "中心路8号"  # address
    ws.append(["新增的单位", "企业", "990101001001", None, credit_code(1101), None, None, None, None, None])
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert Unit.objects.get(pk=tree.unit_a2.pk).address == "中心路8号"
    unit_a = Unit.objects.get(pk=tree.unit_a.pk)
    assert (unit_a.contact_name, unit_a.contact_phone) == ("张三丰", "13812345678")


def test_areas_and_statistics_round_trip(client, tree, tmp_path):
    AreaStatistics.objects.create(
        area=tree.village_a, area_path=tree.village_a.path, year=2024, households=10, population=30,
        minority_population=12, ethnic_groups=4,
    )  # fmt: skip
    before = Area.objects.count()
    wb = export(client, tree.office_a, "areas", tmp_path)
    wb.save(tmp_path / "areas.xlsx")
    report = import_file(actor=tree.office_a, sheet="areas", path=tmp_path / "areas.xlsx")
    assert report.ok, messages(report)
    assert report.unchanged == report.rows == 4 and Area.objects.count() == before
    wb = export(client, tree.office_a, "area_statistics", tmp_path)
    wb.active["D2"] = 31
    wb.save(tmp_path / "stats.xlsx")
    report = import_file(actor=tree.office_a, sheet="area_statistics", path=tmp_path / "stats.xlsx")
    assert report.ok and report.updated == 1, messages(report)
    assert AreaStatistics.objects.get(area=tree.village_a, year=2024).households == 31
