"""Writing workbooks: exports in openpyxl's write-only mode (constant memory) and the import templates."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .engine import INSTRUCTIONS_TITLE, Sheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
PROGRESS_EVERY = 1000


def _header_cells(ws, columns, *, mark_required: bool = False) -> list:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = REQUIRED_FONT if (mark_required and column.required) else HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def write_export(sheet: Sheet, rows: Iterable, path: str | Path, *, progress: Callable | None = None) -> int:
    """Write ``rows`` (model objects) to ``path`` through the sheet's ``export_row``; returns the row count.

    The file is written next to its destination and renamed into place, so a crash never leaves half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet.title)
    for index, column in enumerate(sheet.columns):
        ws.column_dimensions[_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws, sheet.columns))
    count = 0
    for obj in rows:
        ws.append(sheet.export_row(obj))
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(fd)
    try:
        workbook.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_template(sheet: Sheet, path: str | Path) -> None:
    """A blank import file: the data sheet with headers, then instructions per column and an example row."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.title
    columns = sheet.import_columns
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        dimension = ws.column_dimensions[_column_letter(index - 1)]
        dimension.width = column.width
        # Codes and phones are text: keep Excel from turning them into numbers in scientific notation.
        dimension.number_format = "@"
    ws.freeze_panes = "A2"

    info = workbook.create_sheet(INSTRUCTIONS_TITLE)
    info.append([_("How to fill in this file")])
    info["A1"].font = Font(bold=True, size=14)
    info.append(
        [
            _(
                "Fill in the sheet “{title}” from its second row; keep the header row as it is. "
                "Columns in red are required. Upload the file, check the dry run, then confirm."
            ).format(title=sheet.title)
        ]
    )
    info.append([])
    info.append([_("Column"), _("Meaning"), _("Required"), _("Format"), _("Example")])
    for cell in info[4]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in columns:
        info.append(
            [
                column.header,
                str(column.meaning),
                _("Yes") if column.required else _("No"),
                str(column.format),
                str(column.example),
            ]
        )
    info.append([])
    info.append([_("Example row")])
    info.cell(row=info.max_row, column=1).font = Font(bold=True)
    info.append([c.header for c in columns])
    for cell in info[info.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    info.append([str(c.example) for c in columns])
    for letter, width in zip("ABCDE", (22, 48, 10, 40, 28), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)
