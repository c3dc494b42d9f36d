"""Excel: exports hold the scope; imports go through the form's validation and report errors by row and column."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.activities.models import Activity, PublicityItem
from shiliu.exchange.services import import_file
from shiliu.exchange.tests.helpers import errors_at, messages, xlsx
from shiliu.venues.models import Venue
from shiliu.venues.tests.factories import make_venue

from .factories import make_activity, make_publicity

D = datetime.date
ACTIVITY_HEADERS = [
    "活动名称",
    "活动类型",
    "所属区划代码",
    "单位名称",
    "开始日期",
    "结束日期",
    "活动阵地",
    "参与人数",
]


def export_text(user, sheet, params=None) -> str:
    from tests.test_scope_matrix import xlsx_text

    client = Client()
    client.force_login(user)
    response = client.get(reverse("exchange:export", args=[sheet]), params or {})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return xlsx_text(content)


def test_activity_export_holds_the_scope_and_the_filters(tree):
    make_activity(unit=tree.unit_a, title="团结社区联欢", type_code="festival")
    make_activity(area=tree.county_a, title="东城理论学习", type_code="theory_study")
    make_activity(unit=tree.unit_b, title="和睦村演出", type_code="performance")
    text = export_text(tree.office_a, "activities")
    assert "团结社区联欢" in text and "东城理论学习" in text and "和睦村演出" not in text
    assert "活动名称" in text and "社区" in text  # header and the entry type
    text = export_text(tree.office_a, "activities", {"activity_type": "theory_study"})
    assert "东城理论学习" in text and "团结社区联欢" not in text
    assert "东城理论学习" not in export_text(tree.unit_user_a, "activities")
    make_publicity(unit=tree.unit_a, title="社区横幅")
    make_publicity(area=tree.county_b, title="西山电子屏", kind="led")
    text = export_text(tree.office_a, "publicity")
    assert "社区横幅" in text and "西山电子屏" not in text


def test_activity_import_creates_rows_or_reports_every_problem(tree, tmp_path):
    make_venue(tree.county_a, "东城民族团结广场", "square")
    make_venue(tree.county_b, "西山公园", "theme_park")
    good = [
        ["团结社区宣讲", "宣讲", "990101001001", "团结社区居委会", "2026-09-01", "", "东城民族团结广场", 40],
        ["东城区主题党日", "主题党日", "990101000000", "", "2026/9/5", "2026/9/5", "", "12"],
    ]
    path = xlsx(tmp_path / "ok.xlsx", ACTIVITY_HEADERS, good)
    report = import_file(actor=tree.office_a, sheet="activities", path=path)
    assert report.ok, messages(report)
    assert report.created == 2
    first = Activity.objects.get(title="团结社区宣讲")
    assert first.unit == tree.unit_a and first.venue.name == "东城民族团结广场" and first.participants == 40
    assert Activity.objects.get(title="东城区主题党日").unit is None
    bad = [
        ["", "宣讲", "990101001001", "", "2026-09-01", "", "", 1],  # 2: no title
        ["未知类型", "跳舞", "990101001001", "", "2026-09-01", "", "", 1],  # 3: type
        ["倒序", "宣讲", "990101001001", "", "2026-09-05", "2026-09-01", "", 1],  # 4: end before start
        ["别处", "宣讲", "990102000000", "", "2026-09-05", "", "", 1],  # 5: area outside the scope
        ["别处阵地", "宣讲", "990101000000", "", "2026-09-05", "", "西山公园", 1],  # 6: venue outside
        ["坏日期", "宣讲", "990101000000", "", "九月", "", "", 1],  # 7: date
        ["负人数", "宣讲", "990101000000", "", "2026-09-05", "", "", -3],  # 8: participants
        ["无此单位", "宣讲", "990101000000", "不存在的单位", "2026-09-05", "", "", 1],  # 9: unit
        ["正常", "宣讲", "990101000000", "", "2026-09-05", "", "", 1],  # 10: fine, but nothing is written
    ]
    path = xlsx(tmp_path / "bad.xlsx", ACTIVITY_HEADERS, bad)
    report = import_file(actor=tree.office_a, sheet="activities", path=path)
    assert errors_at(report) == {
        (2, "活动名称"), (3, "活动类型"), (4, "结束日期"), (5, "所属区划代码"), (6, "活动阵地"),
        (7, "开始日期"), (8, "参与人数"), (9, "单位名称"),
    }, messages(report)  # fmt: skip
    assert Activity.objects.count() == 2


def test_a_liaison_imports_only_for_their_own_unit(tree, tmp_path):
    rows = [["社区联欢", "节庆活动", "990101001001", "", "2026-09-01", "", "", 5]]
    report = import_file(
        actor=tree.unit_user_a, sheet="activities", path=xlsx(tmp_path / "a.xlsx", ACTIVITY_HEADERS, rows)
    )
    assert report.ok, messages(report)
    assert Activity.objects.get().unit == tree.unit_a
    rows = [["学校活动", "节庆活动", "990101001000", "东关街道中心小学", "2026-09-01", "", "", 5]]
    report = import_file(
        actor=tree.unit_user_a, sheet="activities", path=xlsx(tmp_path / "b.xlsx", ACTIVITY_HEADERS, rows)
    )
    assert not report.ok and Activity.objects.count() == 1


def test_publicity_import(tree, tmp_path):
    headers = [
        "宣传内容",
        "宣传形式",
        "所属区划代码",
        "单位名称",
        "开始日期",
        "结束日期",
        "发布渠道",
        "覆盖人次",
    ]
    rows = [
        ["宣传月横幅", "横幅", "990101001001", "团结社区居委会", "2026-09-01", "2026-09-30", "团结广场", 500],
        ["推文", "网络发布", "990101000000", "", "2026-09-02", "", "东城发布", 8000],
        ["海报", "海报", "990101000000", "", "2026-09-02", "", "", 1],
    ]
    report = import_file(
        actor=tree.office_a, sheet="publicity", path=xlsx(tmp_path / "p.xlsx", headers, rows)
    )
    assert errors_at(report) == {(4, "宣传形式")}, messages(report)
    assert not PublicityItem.objects.exists()
    report = import_file(
        actor=tree.office_a, sheet="publicity", path=xlsx(tmp_path / "q.xlsx", headers, rows[:2])
    )
    assert report.ok and PublicityItem.objects.count() == 2
    assert PublicityItem.objects.get(title="推文").kind == "online"


def test_venue_export_and_import(tree, tmp_path):
    make_venue(tree.county_a, "东城民族团结广场", "square")
    make_venue(tree.county_b, "西山公园", "theme_park")
    text = export_text(tree.office_a, "venues")
    assert "东城民族团结广场" in text and "西山公园" not in text
    headers = ["阵地名称", "阵地类型", "所属区划代码", "纬度", "经度", "级别", "容纳人数"]
    rows = [
        ["东城民族团结广场", "广场", "990101000000", "43.8", "87.6", "市级", 800],  # update
        ["社区文化站", "文化站", "990101001001", "", "", "", ""],  # create
        ["坏纬度", "广场", "990101000000", "95", "87.6", "", ""],
        ["别处", "广场", "990102000000", "", "", "", ""],
    ]
    report = import_file(actor=tree.office_a, sheet="venues", path=xlsx(tmp_path / "v.xlsx", headers, rows))
    assert errors_at(report) == {(4, "纬度"), (5, "所属区划代码")}, messages(report)
    report = import_file(
        actor=tree.office_a, sheet="venues", path=xlsx(tmp_path / "w.xlsx", headers, rows[:2])
    )
    assert report.ok and (report.created, report.updated) == (1, 1)
    square = Venue.objects.get(name="东城民族团结广场")
    assert (square.level, square.capacity, str(square.latitude)) == ("city", 800, "43.800000")
    assert Venue.objects.filter(name="社区文化站", area=tree.village_a).exists()


@pytest.mark.parametrize("sheet", ["activities", "publicity", "venues"])
def test_templates_download(tree, sheet):
    client = Client()
    client.force_login(tree.office_a)
    assert client.get(reverse("exchange:template", args=[sheet])).status_code == 200
