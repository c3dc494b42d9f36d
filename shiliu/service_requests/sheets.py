"""The ``requests`` sheet: export of any request list (the same filters as the page, personal data masked) and
import of historical requests (closed requests from an earlier system) through the shared exchange engine.

Each imported row becomes one call of ``request_import_historical``, the service that records a closed request
with its timestamps and timeline. The dry run makes that call inside a savepoint it rolls back, so the problems
it reports are the service's own, by row and column; the commit makes the calls for real in one transaction.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.privacy import mask_name, mask_phone
from shiliu.core.scope import visible_to
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_code, yes_no
from shiliu.exchange.registry import register
from shiliu.orgs.models import Area, Unit

from . import selectors, services
from .choices import Channel, Priority, Rating, Result
from .models import RequestCategory, ServiceRequest

DATETIME_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?$"
)


def parse_moment(text: str) -> datetime.datetime:
    """2024-03-01, 2024/3/1 9:30, 2024年3月1日 09:30:00 (local time); Excel dates arrive as ISO text."""
    match = DATETIME_RE.match(text.strip().replace("T", " ").split(".")[0])
    try:
        if not match:
            raise ValueError
        parts = [int(g) if g else 0 for g in match.groups()]
        moment = datetime.datetime(*parts)
    except ValueError:
        raise ApplicationError(
            _("Enter a date and time such as 2024-03-01 09:30; got “{value}”.").format(value=text)
        ) from None
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _choice_parser(choices, words: dict[str, str] | None = None):
    """Accept a value, its label in the interface language, or a Chinese word from ``words``."""

    def parse(text: str) -> str:
        key = text.replace(" ", "").lower()
        if words and key in words:
            return words[key]
        for value, label in choices:
            if key in (value, str(label).replace(" ", "").lower()):
                return value
        raise ApplicationError(
            _("Unknown value “{value}”; use one of: {values}.").format(
                value=text, values="、".join(words.keys() if words else [str(label) for _v, label in choices])
            )
        )

    return parse


CHANNEL_WORDS = {"网格员": Channel.GRID, "电话": Channel.PHONE, "来访": Channel.WALK_IN, "网上": Channel.WEB,
                 "网站": Channel.WEB, "open311": Channel.OPEN311, "导入": Channel.IMPORT}  # fmt: skip
PRIORITY_WORDS = {"一般": Priority.NORMAL, "紧急": Priority.URGENT, "特急": Priority.EMERGENCY}
RESULT_WORDS = {"已解决": Result.RESOLVED, "部分解决": Result.PARTLY, "未解决": Result.UNRESOLVED}
RATING_WORDS = {"满意": Rating.SATISFIED, "基本满意": Rating.BASICALLY, "不满意": Rating.DISSATISFIED}
CHINESE = {
    **{v: k for k, v in CHANNEL_WORDS.items() if k not in ("网站",)},
    **{v: k for k, v in PRIORITY_WORDS.items()},
    **{v: k for k, v in RESULT_WORDS.items()},
    **{v: k for k, v in RATING_WORDS.items()},
}

# Service argument -> column key, for the service's refusals.
FIELD_COLUMNS = {"category": "category", "area": "area_code", "channel": "channel", "priority": "priority",
                 "description": "description", "requester_name": "requester_name",
                 "requester_phone": "requester_phone", "submitted_at": "submitted_at", "replied_at": "replied_at",
                 "closed_at": "closed_at", "department": "department", "result": "result",
                 "result_reason": "result_reason", "reply_note": "reply_note", "rating": "rating",
                 "unit": "unit", "ticket": "ticket", "external_ref": "ticket", "address": "address"}  # fmt: skip


def _fmt(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@dataclass
class ImportPlan:
    rows: list[tuple[int, dict]] = field(default_factory=list)


class _Undo(Exception):
    pass


@register
class RequestSheet(Sheet):
    name = "requests"
    title = "诉求工单"
    verbose_name = _l("Service requests")
    model = ServiceRequest
    list_url_name = "service_requests:request_list"
    columns = (
        Column("ticket", "工单编号", _l("The ticket code; empty on import gives a new code."),
               format=_l("Text such as SR-7KQ4-M2XD-9H."), example="", width=18),
        Column("submitted_at", "受理时间", _l("When the request was submitted."), required=True,
               format=_l("A date and time such as 2024-03-01 09:30."), example="2024-03-01 09:30",
               parse=parse_moment, aliases=("提交时间",), width=17),
        Column("channel", "来源渠道", _l("How the request came in."), required=True,
               format="网格员、电话、来访、网上", example="电话",
               parse=_choice_parser(Channel.choices, CHANNEL_WORDS), width=10),
        Column("category", "诉求类别", _l("The category's name or code."), required=True,
               format=_l("The name or code of a request category."), example="就业", width=12),
        Column("area_code", "网格或区划代码", _l("Division code of the grid or lowest area known."), required=True,
               format=_l("An existing division code inside your scope."), example="990101001001001",
               parse=parse_code, aliases=("区划代码",), width=17),
        Column("area_name", "网格或区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column("priority", "紧急程度", _l("Priority."), format="一般、紧急、特急", example="一般",
               parse=_choice_parser(Priority.choices, PRIORITY_WORDS), width=8),
        Column("description", "诉求内容", _l("What the resident asked for."), required=True,
               format=_l("Text."), example="小区路灯不亮", width=40),
        Column("address", "地点", _l("Address or place."), format=_l("Text."), example="", width=20),
        Column("unit", "涉及单位", _l("The unit the request concerns, if any."),
               format=_l("The name of a unit in your scope."), example="", width=20),
        Column("requester_name", "诉求人", _l("The resident's name (masked in exports)."), format=_l("Text."),
               example="张某某", width=10),
        Column("requester_phone", "联系电话", _l("The resident's phone (masked in exports)."), format=_l("Digits."),
               example="13800000000", width=14),
        Column("status", "状态", _l("Shown in exports only; imported requests are closed."), importable=False),
        Column("department", "承办部门", _l("The lead department that handled the request."), required=True,
               format=_l("The name of a member department."), example="石榴市教育局", width=20),
        Column("replied_at", "答复时间", _l("When the department replied; empty: the closing time."),
               format=_l("A date and time such as 2024-03-01 09:30."), parse=parse_moment, width=17),
        Column("result", "办理结果", _l("The result."), required=True, format="已解决、部分解决、未解决",
               example="已解决", parse=_choice_parser(Result.choices, RESULT_WORDS), width=10),
        Column("result_reason", "未解决原因", _l("Required when partly resolved or unresolved."), format=_l("Text."),
               example="", width=20),
        Column("reply_note", "答复内容", _l("The reply to the resident."), format=_l("Text."), example="已修复",
               width=30),
        Column("closed_at", "办结时间", _l("When the request was closed."), required=True,
               format=_l("A date and time such as 2024-03-01 09:30."), example="2024-03-05 17:00",
               parse=parse_moment, width=17),
        Column("rating", "满意度", _l("The resident's rating, if any."), format="满意、基本满意、不满意",
               example="满意", parse=_choice_parser(Rating.choices, RATING_WORDS), width=10),
        Column("ethnic", "涉及民族因素", _l("Shown in exports only; set by the office on the request's page."),
               importable=False, width=8),
        Column("on_time", "按时答复", _l("Shown in exports only."), importable=False, width=8),
    )  # fmt: skip

    def can_import(self, user) -> bool:
        """Historical imports are the office's: departments and grid workers record requests one by one."""
        from shiliu.core.roles import Role
        from shiliu.core.scope import scope_of

        scope = scope_of(user)
        return scope.unrestricted or (scope.role == Role.OFFICE and not scope.is_empty)

    # ---- export

    def export_queryset(self, *, user, filters):
        qs = selectors.request_list(user=user, filters=filters).select_related(
            "category", "area", "lead_department", "unit"
        )
        sort = (filters or {}).get("sort") or "-submitted"
        lookup = {"submitted": "submitted_at", "deadline": "next_due", "id": "id"}.get(sort.lstrip("-"))
        if lookup:
            sign = "-" if sort.startswith("-") else ""
            return qs.order_by(sign + lookup, sign + "id")
        return qs.order_by("-submitted_at", "-id")

    def export_row(self, r: ServiceRequest) -> list:
        return [
            r.ticket, _fmt(r.submitted_at), CHINESE.get(r.channel, r.get_channel_display()), r.category.name,
            r.area.code, r.area.name, CHINESE.get(r.priority, r.get_priority_display()), r.description, r.address,
            r.unit.name if r.unit_id else "", mask_name(r.requester_name), mask_phone(r.requester_phone),
            r.get_status_display(), r.lead_department.name if r.lead_department_id else "", _fmt(r.replied_at),
            CHINESE.get(r.result, r.get_result_display()) if r.result else "", r.result_reason, r.reply_note,
            _fmt(r.closed_at), CHINESE.get(r.rating, r.get_rating_display()) if r.rating else "",
            yes_no(r.involves_ethnic_factors),
            "" if r.replied_on_time is None else yes_no(r.replied_on_time),
        ]  # fmt: skip

    # ---- import

    def prefetch(self, *, actor, rows: list[Row]):
        codes = {r.values.get("area_code") for r in rows if r.values.get("area_code")}
        areas = {a.code: a for a in visible_to(Area.objects.filter(code__in=codes), actor)}
        categories: dict[str, RequestCategory] = {}
        for c in RequestCategory.objects.all():
            categories[c.name.replace(" ", "").lower()] = c
            categories.setdefault(c.code.lower(), c)
        departments: dict[str, list[Unit]] = {}
        for unit in selectors.department_choices(user=actor):
            departments.setdefault(unit.name, []).append(unit)
        names = {r.values.get("unit") for r in rows if r.values.get("unit")}
        units: dict[str, list[Unit]] = {}
        for unit in visible_to(Unit.objects.filter(name__in=names), actor):
            units.setdefault(unit.name, []).append(unit)
        return areas, categories, departments, units

    def row_data(self, *, row: Row, report: Report, areas, categories, departments, units) -> dict | None:
        v = row.values
        problems = []
        area = areas.get(v.get("area_code"))
        if area is None:
            problems.append(("area_code", _("No area in your scope has the division code {code}.").format(
                code=v.get("area_code"))))  # fmt: skip
        category = categories.get((v.get("category") or "").replace(" ", "").lower())
        if category is None:
            problems.append(("category", _("Unknown category “{value}”.").format(value=v.get("category"))))
        found = departments.get(v.get("department") or "", [])
        if len(found) != 1:
            problems.append(("department", _("No single department you may dispatch to is named {name}.").format(
                name=v.get("department"))))  # fmt: skip
        unit = None
        if v.get("unit"):
            matches = units.get(v["unit"], [])
            if len(matches) != 1:
                problems.append(
                    ("unit", _("No single unit named {name} lies in your scope.").format(name=v["unit"]))
                )
            else:
                unit = matches[0]
        for key, message in problems:
            report.add(row.number, self.header_of(key), message)
        if problems:
            return None
        ticket = (v.get("ticket") or "").strip()
        return {
            "channel": v.get("channel"),
            "category": category,
            "area": area,
            "description": v.get("description") or "",
            "priority": v.get("priority") or Priority.NORMAL,
            "requester_name": v.get("requester_name") or "",
            "requester_phone": v.get("requester_phone") or "",
            "submitted_at": v.get("submitted_at"),
            "replied_at": v.get("replied_at"),
            "closed_at": v.get("closed_at"),
            "department": found[0],
            "result": v.get("result"),
            "result_reason": v.get("result_reason") or "",
            "reply_note": v.get("reply_note") or "",
            "address": v.get("address") or "",
            "rating": v.get("rating") or None,
            "unit": unit,
            "ticket": ticket or None,
        }

    def _report(self, report: Report, number: int, exc: ApplicationError) -> None:
        column = FIELD_COLUMNS.get(exc.field or "", "description")
        report.add(number, self.header_of(column), exc.message)

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> ImportPlan:
        areas, categories, departments, units = self.prefetch(actor=actor, rows=rows)
        bad = {e.row for e in report.errors}
        plan = ImportPlan()
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index)
            if row.number in bad:
                continue
            data = self.row_data(row=row, report=report, areas=areas, categories=categories,
                                 departments=departments, units=units)  # fmt: skip
            if data is None:
                continue
            if data["ticket"]:
                if data["ticket"] in seen:
                    report.add(row.number, self.header_of("ticket"),
                               _("The ticket {ticket} is also on row {row}.").format(
                                   ticket=data["ticket"], row=seen[data["ticket"]]))  # fmt: skip
                    continue
                seen[data["ticket"]] = row.number
            # The service's own checks, in a savepoint that is always rolled back.
            try:
                with transaction.atomic():
                    services.request_import_historical(actor=actor, **data)
                    raise _Undo()
            except _Undo:
                pass
            except ApplicationError as exc:
                self._report(report, row.number, exc)
                continue
            except NotVisible:
                report.add(row.number, self.header_of("area_code"),
                           _("This request would lie outside what you may record."))  # fmt: skip
                continue
            plan.rows.append((row.number, data))
            report.created += 1
        return plan

    def apply(self, *, actor, plan: ImportPlan) -> None:
        for number, data in plan.rows:
            try:
                services.request_import_historical(actor=actor, **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=number, message=exc.message)
                ) from exc
