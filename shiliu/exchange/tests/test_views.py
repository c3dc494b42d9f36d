import io
import re
import zipfile

import pytest
from django.core import signing
from django.urls import reverse
from openpyxl import load_workbook

from shiliu.exchange import services
from shiliu.exchange.models import ExchangeJob, JobStatus
from shiliu.orgs.models import Unit
from shiliu.orgs.tests.factories import credit_code

from .helpers import UNIT_HEADERS, xlsx

PASSWORD = "Test-Passw0rd!"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def upload(client, path, sheet="units"):
    with open(path, "rb") as fh:
        return client.post(reverse("exchange:import", args=[sheet]), {"file": fh})


# ---------------------------------------------------------------- template


def test_template_has_headers_instructions_and_an_example(client, tree):
    response = login(client, tree.office_a).get(reverse("exchange:template", args=["units"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = workbook_of(response)
    data, info = wb["单位"], wb["填写说明"]
    assert [c.value for c in data[1]] == UNIT_HEADERS
    assert data.max_row == 1  # no example among the data rows
    rows = [[c.value for c in r] for r in info.iter_rows()]
    described = {r[0]: r for r in rows[4 : 4 + len(UNIT_HEADERS)]}
    assert list(described) == UNIT_HEADERS
    assert described["单位名称"][2] in ("Yes", "是") and described["地址"][2] in ("No", "否")
    assert all(r[1] and r[3] and r[4] for r in described.values())  # meaning, format, example
    assert rows[-2] == UNIT_HEADERS and rows[-1][0] == "团结社区居民委员会"


def test_the_template_filled_in_with_its_example_row_imports(client, tree, tmp_path):
    response = login(client, tree.office_a).get(reverse("exchange:template", args=["units"]))
    wb = workbook_of(response)
    example = [c.value for c in list(wb["填写说明"].iter_rows())[-1]]
    wb["单位"].append(example)
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    report = services.import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, report.errors
    assert Unit.objects.filter(name="团结社区居民委员会").exists()


def test_unknown_sheet_is_404(client, tree):
    assert login(client, tree.office_a).get(reverse("exchange:template", args=["nope"])).status_code == 404


# ---------------------------------------------------------------- upload, dry run, commit


def test_upload_dry_run_commit_flow(client, tree, tmp_path):
    login(client, tree.office_a)
    page = client.get(reverse("exchange:import", args=["units"]))
    assert page.status_code == 200
    assert reverse("exchange:template", args=["units"]) in page.content.decode()
    path = xlsx(
        tmp_path / "ok.xlsx", UNIT_HEADERS, [["网页导入单位", "企业", "990101001001", credit_code(700)]]
    )
    response = upload(client, path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-dry-run="ok"' in html and 'data-count="created">1<' in html
    assert not Unit.objects.filter(name="网页导入单位").exists()
    token = response.context["commit_form"].initial["token"]
    commit = client.post(reverse("exchange:import_commit", args=["units"]), {"token": token})
    job = ExchangeJob.objects.get()
    assert commit.status_code == 302 and commit["Location"] == reverse("exchange:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.summary["created"] == 1
    assert Unit.objects.filter(name="网页导入单位").count() == 1
    # A second submit of the same dry run does not import twice.
    client.post(reverse("exchange:import_commit", args=["units"]), {"token": token})
    assert Unit.objects.filter(name="网页导入单位").count() == 1
    assert ExchangeJob.objects.count() == 1
    detail = client.get(commit["Location"])
    assert detail.status_code == 200 and "data-job-result" in detail.content.decode()


def test_dry_run_page_lists_problems_with_row_and_column(client, tree, tmp_path):
    login(client, tree.office_a)
    path = xlsx(
        tmp_path / "bad.xlsx",
        UNIT_HEADERS,
        [["甲", "火星单位", "990101001001"], ["", "企业", "990101001001"]],
    )
    response = upload(client, path)
    html = response.content.decode()
    assert 'data-dry-run="errors"' in html
    assert 'data-row="2" data-column="单位类型"' in html
    assert 'data-row="3" data-column="单位名称"' in html
    assert "data-commit" not in html


def test_forged_expired_and_foreign_tokens_are_refused(client, tree, tmp_path, settings):
    login(client, tree.office_a)
    path = xlsx(tmp_path / "ok.xlsx", UNIT_HEADERS, [["令牌单位", "企业", "990101001001", credit_code(701)]])
    token = upload(client, path).context["commit_form"].initial["token"]
    url = reverse("exchange:import_commit", args=["units"])
    forged = signing.dumps({"u": tree.office_a.pk, "s": "units", "f": "a" * 32}, salt="wrong")
    assert client.post(url, {"token": forged}).status_code == 400
    assert client.post(url, {"token": token + "x"}).status_code == 400
    # Another user's token is refused even if genuine.
    client.logout()
    login(client, tree.city_office)
    assert client.post(url, {"token": token}).status_code == 400
    settings.IMPORT_TOKEN_MAX_AGE = -1
    client.logout()
    login(client, tree.office_a)
    response = client.post(url, {"token": token})
    assert response.status_code == 400 and "data-import-refused" in response.content.decode()
    assert not Unit.objects.filter(name="令牌单位").exists()
    assert not ExchangeJob.objects.exists()


def test_leader_may_not_open_the_import(client, tree):
    assert login(client, tree.leader).get(reverse("exchange:import", args=["units"])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("exchange:import", args=["units"]))
    assert response.status_code == 302 and "login" in response["Location"]


# ---------------------------------------------------------------- refusals


def refused(client, path, sheet="units") -> str:
    response = upload(client, path, sheet)
    assert response.status_code in (400, 413), response.status_code
    found = re.search(r"data-import-refused>(.*?)</div>", response.content.decode(), re.S)
    assert found, "no refusal message on the page"
    return found.group(1)


def test_non_xlsx_is_refused(client, tree, tmp_path):
    login(client, tree.office_a)
    csv = tmp_path / "units.xlsx"
    csv.write_text("单位名称,单位类型\n甲,企业\n", encoding="utf-8")
    assert ".xlsx" in refused(client, csv)
    # A zip that is not a workbook.
    fake = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hello.txt", "hi")
    assert ".xlsx" in refused(client, fake)
    assert Unit.objects.count() == 4


def test_zip_bomb_is_refused_before_parsing(client, tree, tmp_path, monkeypatch):
    login(client, tree.office_a)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1024 * 1024)
            for _ in range(300):  # 300 MB of zeros, a few hundred KB on disk
                member.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("the parser must not see a zip bomb")

    monkeypatch.setattr("shiliu.exchange.engine.read_workbook", never)
    monkeypatch.setattr("shiliu.exchange.services.read_workbook", never)
    html = refused(client, bomb)
    assert "200" in html  # names the ratio limit


def test_total_unzipped_size_is_limited(client, tree, tmp_path, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1000
    login(client, tree.office_a)
    path = xlsx(tmp_path / "ok.xlsx", UNIT_HEADERS, [["甲", "企业", "990101001001"]])
    assert "MB" in refused(client, path)


def test_oversized_upload_is_refused(client, tree, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    login(client, tree.office_a)
    path = xlsx(
        tmp_path / "big.xlsx", UNIT_HEADERS, [[f"单位{i}", "企业", "990101001001"] for i in range(300)]
    )
    assert path.stat().st_size > 2000
    refused(client, path)
    uploads = settings.MEDIA_ROOT / "exchange" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing kept


def test_oversized_body_is_refused_before_reading_it(client, tree, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    login(client, tree.office_a)
    response = client.post(
        reverse("exchange:import", args=["units"]),
        data=b"x" * 100_000,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413


def test_empty_and_header_only_files_are_refused(client, tree, tmp_path):
    login(client, tree.office_a)
    empty = xlsx(tmp_path / "empty.xlsx", [], [])
    assert refused(client, empty)
    header_only = xlsx(tmp_path / "header.xlsx", UNIT_HEADERS, [])
    refused(client, header_only)


def test_wrong_sheet_is_refused_naming_missing_headers(client, tree, tmp_path):
    login(client, tree.office_a)
    path = xlsx(tmp_path / "areas.xlsx", ["区划代码", "名称", "层级"], [["990101003000", "新镇", "乡镇"]])
    html = refused(client, path)
    assert "单位名称" in html and "单位类型" in html


# ---------------------------------------------------------------- export


def test_export_is_scoped_filtered_and_masked(client, tree):
    response = login(client, tree.office_b).get(reverse("exchange:export", args=["units"]))
    assert response.status_code == 200
    rows = [[c.value for c in r] for r in workbook_of(response).active.iter_rows()]
    names = {r[0] for r in rows[1:]}
    assert names == {"和睦村村委会"}
    row = rows[1]
    assert "13900001111" not in row and "139****1111" in row
    assert "李四" not in row
    # Same query string as the list: filter by type.
    client.logout()
    response = login(client, tree.city_office).get(
        reverse("exchange:export", args=["units"]) + "?unit_type=school"
    )
    rows = [[c.value for c in r] for r in workbook_of(response).active.iter_rows()]
    assert [r[0] for r in rows[1:]] == ["东关街道中心小学"]


def test_export_of_areas_and_statistics(client, tree):
    login(client, tree.office_a)
    rows = list(
        workbook_of(client.get(reverse("exchange:export", args=["areas"]))).active.iter_rows(values_only=True)
    )
    codes = {r[0] for r in rows[1:]}
    assert "990101000000" in codes and "990102000000" not in codes and "990100000000" not in codes
    response = client.get(reverse("exchange:export", args=["area_statistics"]))
    assert response.status_code == 200


def test_large_export_runs_as_a_job_only_its_owner_downloads(client, tree, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    login(client, tree.city_office)
    response = client.get(reverse("exchange:export", args=["units"]) + "?q=委会")
    job = ExchangeJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:job_detail", args=[job.pk]
    )
    assert job.status == JobStatus.SUCCEEDED and job.params == {"q": "委会"}
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    assert download.status_code == 200
    rows = list(workbook_of(download).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["和睦村村委会", "团结社区居委会"]
    client.logout()
    login(client, tree.office_a)
    assert client.get(reverse("exchange:job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:job_progress", args=[job.pk])).status_code == 404


def test_progress_fragment_polls_until_finished(client, tree):
    job = ExchangeJob.objects.create(
        kind="export", sheet="units", user=tree.office_a, status=JobStatus.RUNNING
    )
    login(client, tree.office_a)
    html = client.get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and reverse("exchange:job_progress", args=[job.pk]) in html
    page = client.get(reverse("exchange:job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<script>" not in page and " onclick=" not in page
    ExchangeJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="x")
    html = client.get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html and 'data-job-status="failed"' in html


def test_large_upload_is_dry_run_in_the_background_then_committed(client, tree, tmp_path, settings):
    settings.IMPORT_SYNC_DRY_RUN_BYTES = 0
    login(client, tree.office_a)
    path = xlsx(tmp_path / "big.xlsx", UNIT_HEADERS, [["后台单位", "企业", "990101001001", credit_code(702)]])
    response = upload(client, path)
    dry = ExchangeJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:job_detail", args=[dry.pk]
    )
    assert dry.status == JobStatus.SUCCEEDED and dry.summary["created"] == 1
    assert not Unit.objects.filter(name="后台单位").exists()
    page = client.get(response["Location"])
    assert "data-commit" in page.content.decode()
    token = page.context["commit_form"].initial["token"]
    commit = client.post(reverse("exchange:import_commit", args=["units"]), {"token": token})
    job = ExchangeJob.objects.exclude(pk=dry.pk).get()
    assert commit["Location"] == reverse("exchange:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and Unit.objects.filter(name="后台单位").count() == 1


def test_background_dry_run_with_problems_lists_them(client, tree, tmp_path, settings):
    settings.IMPORT_SYNC_DRY_RUN_BYTES = 0
    login(client, tree.office_a)
    path = xlsx(tmp_path / "bad.xlsx", UNIT_HEADERS, [["坏单位", "火星", "990101001001"]])
    response = upload(client, path)
    html = client.get(response["Location"]).content.decode()
    assert "data-problems" in html and "单位类型" in html and "data-commit" not in html


def test_understated_member_sizes_are_caught_before_parsing(client, tree, tmp_path, monkeypatch):
    """A crafted directory claims a small size; inflating past it is refused by the CRC check."""
    login(client, tree.office_a)
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 500_000)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # central directory entry of the last member
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # claim 1,000 bytes unpacked
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 1000

    def never(*args, **kwargs):
        raise AssertionError("the parser must not see this file")

    monkeypatch.setattr("shiliu.exchange.services.read_workbook", never)
    assert ".xlsx" in refused(client, path)
