"""Excel export of request lists (same filters as the page, personal data masked) and import of historical
requests through the shared exchange engine (errors by row and column, all or nothing)."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_dry_run, import_file
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import RequestEvent, ServiceRequest

from .factories import make_request

S = RequestStatus
HEADERS = ["工单编号", "受理时间", "来源渠道", "诉求类别", "网格或区划代码", "紧急程度", "诉求内容", "地点", "涉及单位",
           "诉求人", "联系电话", "承办部门", "答复时间", "办理结果", "未解决原因", "答复内容", "办结时间", "满意度"]  # fmt: skip


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    cache.clear()


def workbook(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "诉求工单"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def export(user, **params):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(reverse("exchange:export", args=["requests"]), params)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]


def flat(rows):
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)


def test_export_follows_the_list_filters_and_masks_personal_data(tree):
    a = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept, requester_name="王小明",
                     requester_phone="13800001234", rating="satisfied", rated_at=timezone.now())  # fmt: skip
    b = make_request(tree.village_a, status=S.SUBMITTED, category_code="housing")
    far = make_request(tree.village_b)
    rows = export(tree.office_a)
    text = flat(rows)
    assert a.ticket in text and b.ticket in text and far.ticket not in text
    assert "13800001234" not in text and "138****1234" in text and "王小明" not in text
    only_closed = flat(export(tree.office_a, status="closed"))
    assert a.ticket in only_closed and b.ticket not in only_closed
    assert b.ticket in flat(export(tree.office_a, category="housing"))
    assert a.ticket not in flat(export(tree.office_a, category="housing"))


GOOD = [
    [None, "2024-03-01 09:30", "电话", "就业", "990101001001001", "一般", "求职登记无人受理", "团结社区", None,
     "张某", "13800000000", "石榴市教育局", "2024-03-02 10:00", "已解决", None, "已协调", "2024-03-05 17:00", "满意"],
    [None, "2024/4/2", "来访", "housing", "990101001001", "紧急", "房屋漏水", None, None,
     None, None, "石榴市教育局", None, "部分解决", "需业主配合", "已部分维修", "2024-04-10 12:00", None],
]  # fmt: skip


def test_import_creates_closed_requests_with_their_timestamps(tree, tmp_path):
    report = import_file(actor=tree.office_a, sheet="requests", path=workbook(tmp_path / "ok.xlsx", GOOD))
    assert report.ok, report.errors
    assert report.created == 2
    first = ServiceRequest.objects.get(description="求职登记无人受理")
    assert first.status == S.CLOSED and first.lead_department == tree.dept
    assert first.submitted_at.year == 2024 and first.closed_at.month == 3
    assert first.requester_phone == "13800000000" and first.rating == "satisfied"
    assert first.reply_note == "已协调" and first.address == "团结社区"
    second = ServiceRequest.objects.get(description="房屋漏水")
    assert second.result == "partly" and second.result_reason == "需业主配合" and second.priority == "urgent"
    assert RequestEvent.objects.filter(request=first).exists()


def test_import_reports_errors_by_row_and_column_and_writes_nothing(tree, tmp_path):
    rows = GOOD + [
        [None, "2024-13-01", "电话", "就业", "990101001001001", "一般", "坏日期", None, None, None, None,
         "石榴市教育局", None, "已解决", None, None, "2024-03-05", None],
        [None, "2024-03-01", "飞鸽", "就业", "990101001001001", "一般", "坏渠道", None, None, None, None,
         "石榴市教育局", None, "已解决", None, None, "2024-03-05", None],
        [None, "2024-03-01", "电话", "不存在的类别", "990102001001", "一般", "越界", None, None, None, None,
         "石榴市教育局", None, "已解决", None, None, "2024-03-05", None],
        [None, "2024-03-01", "电话", "就业", "990101001001001", "一般", "无此部门", None, None, None, None,
         "不存在的局", None, "已解决", None, None, "2024-03-05", None],
        [None, "2024-03-06", "电话", "就业", "990101001001001", "一般", "办结早于受理", None, None, None, None,
         "石榴市教育局", None, "未解决", None, None, "2024-03-05", None],
    ]  # fmt: skip
    path = workbook(tmp_path / "bad.xlsx", rows)
    report = import_dry_run(actor=tree.office_a, sheet="requests", path=path)
    found = {(e.row, e.column) for e in report.errors}
    assert (4, "受理时间") in found
    assert (5, "来源渠道") in found
    assert (6, "诉求类别") in found and (6, "网格或区划代码") in found
    assert (7, "承办部门") in found
    assert (8, "办结时间") in found, [(e.row, e.column, e.message) for e in report.errors]
    assert not any(row in (2, 3) for row, _col in found)
    committed = import_file(actor=tree.office_a, sheet="requests", path=path)
    assert not committed.ok
    assert not ServiceRequest.objects.exists()


def test_only_the_office_imports(tree):
    from shiliu.exchange.registry import get_sheet

    sheet = get_sheet("requests")
    assert sheet.can_import(tree.office_a)
    assert not sheet.can_import(tree.dept_user)
    assert not sheet.can_import(tree.grid_user)
    assert not sheet.can_import(tree.leader)


def test_template_download_and_reimport_of_an_export_refuses_known_tickets(tree, tmp_path):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tree.office_a)
    template = client.get(reverse("exchange:template", args=["requests"]))
    assert template.status_code == 200
    content = template.content if not template.streaming else b"".join(template.streaming_content)
    headers = [
        c for c in next(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)) if c
    ]
    assert any("工单编号" in str(h) for h in headers) and any("办结时间" in str(h) for h in headers)
    closed = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept)
    exported = client.get(reverse("exchange:export", args=["requests"]))
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(exported.streaming_content))
    report = import_dry_run(actor=tree.office_a, sheet="requests", path=path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "工单编号")], report.errors
    assert ServiceRequest.objects.get() == closed
