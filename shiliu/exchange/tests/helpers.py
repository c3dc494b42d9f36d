"""Builders of test workbooks (good and bad) with openpyxl."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

UNIT_HEADERS = [
    "单位名称",
    "单位类型",
    "所属区划代码",
    "统一社会信用代码",
    "地址",
    "联系人",
    "联系电话",
    "是否成员单位",
]
AREA_HEADERS = ["区划代码", "名称", "层级", "上级区划代码", "是否启用"]
STAT_HEADERS = ["区划代码", "年份", "户数", "人口数", "少数民族人口数", "民族数"]


def xlsx(path: Path, headers: list, rows: list, *, title: str = "Sheet1", above: list | None = None) -> Path:
    """Write a workbook: optional rows above the header (titles, merged), the header, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for extra in above or []:
        ws.append(extra)
        if extra:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def errors_at(report) -> set[tuple]:
    return {(e.row, e.column) for e in report.errors}


def messages(report) -> str:
    return "\n".join(f"{e.row} {e.column} {e.message}" for e in report.errors)
