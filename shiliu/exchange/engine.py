"""The generic Excel engine: sheet declarations, reading with header detection, normalisation and errors.

Each app declares its sheets in ``<app>/sheets.py`` as subclasses of :class:`Sheet` and registers them with
:func:`shiliu.exchange.registry.register`. The engine knows nothing about areas or units.

Column headers are literal Chinese text, not translated strings: they are part of a file format that people
fill in by hand and exchange between offices, so they must not change with the interface language.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.errors import ApplicationError
from shiliu.core.validators import normalize_text

HEADER_SCAN_ROWS = 20
# Characters normalize_text would change: whitespace other than single inner spaces, full-width forms.
NEEDS_NORMALIZING = re.compile(r"^\s|\s$|[^\S ]|  |[\uff01-\uff5e\u3000\u00a0\u200b]")
PROGRESS_EVERY = 1000


class ImportRefused(Exception):
    """The whole file is refused before any row is looked at (not an xlsx, too big, wrong sheet, empty)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# ---------------------------------------------------------------- errors and results


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Report:
    """Everything a dry run found: the problems, and what a commit would do."""

    sheet: str = ""
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)  # a sample of planned updates, for the dry-run page

    def add(self, row: int | None, column: str, message) -> None:
        self.errors.append(RowError(self.sheet, row, str(column), str(message)))

    def sort(self) -> None:
        self.errors.sort(key=lambda e: e.row or 0)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "rows": self.rows,
            "errors": [e.as_dict() for e in self.errors],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changes": self.changes,
        }


# ---------------------------------------------------------------- cell parsers


def cell_text(value) -> str:
    """A cell as normalised text. Whole numbers typed as numbers (codes, phones) lose their '.0'."""
    if value is None:
        return ""
    if type(value) is str and not NEEDS_NORMALIZING.search(value):
        return value  # already clean: skip normalize_text (most cells of a large file)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return normalize_text(value)


def parse_text(max_length: int | None = None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if max_length and len(text) > max_length:
            raise ApplicationError(
                _("This value has {n} characters; at most {max} are allowed.").format(
                    n=len(text), max=max_length
                )
            )
        return text

    return parse


def parse_code(text: str) -> str:
    """Digit codes: spaces removed (full-width digits were already made half-width)."""
    code = text.replace(" ", "").replace("-", "")
    if not code.isdigit():
        raise ApplicationError(_("Only digits are allowed here; got “{value}”.").format(value=text))
    return code


def parse_int(*, minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            number = Decimal(text.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            raise ApplicationError(_("Enter a whole number; got “{value}”.").format(value=text)) from None
        if number != number.to_integral_value():
            raise ApplicationError(_("Enter a whole number; got “{value}”.").format(value=text))
        number = int(number)
        if minimum is not None and number < minimum:
            raise ApplicationError(_("The number must be at least {min}.").format(min=minimum))
        if maximum is not None and number > maximum:
            raise ApplicationError(_("The number must be at most {max}.").format(max=maximum))
        return number

    return parse


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "成员单位"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "x"}


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def parse_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS or word == _("Yes").lower():
        return True
    if word in FALSE_WORDS or word == _("No").lower():
        return False
    raise ApplicationError(_("Enter “是” or “否”; got “{value}”.").format(value=text))


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``header`` is the literal (Chinese) header text; ``aliases`` are also accepted."""

    key: str
    header: str
    meaning: Any = ""
    required: bool = False
    format: Any = ""
    example: Any = ""
    parse: Callable[[str], Any] | None = None
    importable: bool = True
    aliases: tuple[str, ...] = ()
    width: int = 18

    def matches(self, text: str) -> bool:
        text = text.replace(" ", "").rstrip("*").lstrip("*")
        return text == self.header or text in self.aliases or text == self.key


@dataclass
class Row:
    """One data row: its 1-based row number in the worksheet and its parsed values by column key."""

    number: int
    values: dict[str, Any]
    raw: dict[str, str]


class Sheet:
    """Base class for a sheet declaration. Subclasses set the attributes and implement the hooks."""

    name: str = ""  # registry key used in URLs: "units"
    title: str = ""  # worksheet title in files (literal Chinese, like headers)
    verbose_name: Any = ""
    model: type | None = None
    columns: tuple[Column, ...] = ()
    list_url_name: str | None = None

    # ---- columns
    @property
    def import_columns(self) -> list[Column]:
        return [c for c in self.columns if c.importable]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header_of(self, key: str) -> str:
        return self.column(key).header

    # ---- permissions
    def can_import(self, user) -> bool:
        from shiliu.core.scope import CHANGE, role_may

        return role_may(user, self.model, CHANGE)

    # ---- export hooks
    def export_queryset(self, *, user, filters: Mapping):
        raise NotImplementedError

    def export_row(self, obj) -> list:
        raise NotImplementedError

    # ---- import hooks
    def plan(self, *, actor, rows: list[Row], report: Report, progress=None):
        """Validate every row against prefetched sets; return a plan for :meth:`apply` (errors go to report)."""
        raise NotImplementedError

    def apply(self, *, actor, plan) -> None:
        """Write the plan. Runs inside the commit's transaction; may raise ApplicationError to roll back."""
        raise NotImplementedError


INSTRUCTIONS_TITLE = "填写说明"
REQUIRED_MARK = gettext_lazy("Required")


# ---------------------------------------------------------------- reading


def _match_headers(sheet: Sheet, cells: list) -> dict[str, int]:
    """Column key -> index for the cells of one candidate header row (first match wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        for column in sheet.columns:
            if column.key not in found and column.matches(text):
                found[column.key] = index
                break
    return found


@dataclass
class ParsedSheet:
    worksheet: str
    header_row: int
    rows: list[Row]


def read_workbook(sheet: Sheet, path, report: Report) -> ParsedSheet:
    """Find the worksheet and header row, then parse every data row; cell problems go to ``report``.

    Raises ImportRefused when no worksheet carries the sheet's headers or there are no data rows.
    """
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises its own error types for broken files
        raise ImportRefused(
            _("The workbook could not be read; it may be damaged. Open it in Excel and save it again.")
        ) from None
    names = [n for n in workbook.sheet_names if n != INSTRUCTIONS_TITLE]
    names.sort(key=lambda n: n != sheet.title)  # the declared worksheet title first
    required = [c for c in sheet.import_columns if c.required]
    best: tuple[int, str, int, dict] | None = None
    any_content = False
    for name in names:
        # Only the top rows to find the header; the whole sheet is read once it is chosen.
        top = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        if any(cell_text(c) for row in top for c in row):
            any_content = True
        for index, cells in enumerate(top):
            found = _match_headers(sheet, cells)
            if best is None or len(found) > best[0]:
                best = (len(found), name, index, found)
        if best and best[1] == name and all(c.key in best[3] for c in required):
            break
    if not any_content or best is None:
        raise ImportRefused(_("The file is empty."))
    _score, worksheet, header_index, found = best
    missing = [c.header for c in required if c.key not in found]
    if missing:
        raise ImportRefused(
            _(
                "This does not look like the “{sheet}” sheet: the header row is missing the columns {missing}. "
                "Download the template and copy your data into it."
            ).format(sheet=sheet.verbose_name, missing="、".join(f"“{m}”" for m in missing))
        )
    report.sheet = worksheet
    data = workbook.get_sheet_by_name(worksheet).to_python(skip_empty_area=False)
    rows: list[Row] = []
    columns = [(c, found[c.key]) for c in sheet.import_columns if c.key in found]
    for offset, cells in enumerate(data[header_index + 1 :], start=header_index + 2):
        raw = {c.key: cell_text(cells[i]) if i < len(cells) else "" for c, i in columns}
        if not any(raw.values()):
            continue
        values: dict[str, Any] = {}
        for column, _index in columns:
            text = raw[column.key]
            if not text:
                if column.required:
                    report.add(offset, column.header, _("This column is required and is empty."))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(text) if column.parse else text
            except ApplicationError as exc:
                report.add(offset, column.header, exc.message)
                values[column.key] = None
        rows.append(Row(number=offset, values=values, raw=raw))
    if not rows:
        raise ImportRefused(_("The file has a header row but no data below it."))
    report.rows = len(rows)
    return ParsedSheet(worksheet=worksheet, header_row=header_index + 1, rows=rows)
