"""The reminders inbox (催办提醒): what the deadline sweep sent, to the office of the area and to the department."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shiliu.core.views import Column, ListFilter, ScopedListView

from .. import selectors
from ..choices import DeadlineStep, ReminderKind
from .common import department_options, requests_crumbs
from .requests import ONLY


class ReminderListView(ScopedListView):
    title = gettext_lazy("Reminders")
    pretitle = gettext_lazy("Reminders before deadlines, overdue notices and supervision sent by the system")
    selector = staticmethod(selectors.reminder_list)
    columns = (
        Column("sent_at", gettext_lazy("Sent at"), sort="sent", css="text-nowrap"),
        Column("kind", gettext_lazy("Reminder kind")),
        Column("request__ticket", gettext_lazy("Ticket"), link=True, css="text-nowrap"),
        Column("request__category__name", gettext_lazy("Category")),
        Column("step", gettext_lazy("Step")),
        Column("due", gettext_lazy("Deadline"), sort="due", css="text-nowrap"),
        Column("department__name", gettext_lazy("Department")),
        Column("request__status", gettext_lazy("Status")),
    )
    filters = (
        ListFilter("open", gettext_lazy("Still outstanding"), choices=ONLY),
        ListFilter("kind", gettext_lazy("Reminder kind"), choices=ReminderKind.choices),
        ListFilter("step", gettext_lazy("Step"), choices=DeadlineStep.choices),
        ListFilter("department", gettext_lazy("Department"), choices=department_options),
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("date_from", gettext_lazy("Sent from"), kind="date"),
        ListFilter("date_to", gettext_lazy("Sent until"), kind="date"),
    )
    search_placeholder = gettext_lazy("Ticket or words of the description")
    sort_keys = {"sent": "sent_at", "due": "due", "id": "id"}
    sort_labels = {
        "sent": gettext_lazy("Sent at"),
        "due": gettext_lazy("Deadline"),
        "id": gettext_lazy("Date created"),
    }
    default_sort = "-sent"
    empty_title = gettext_lazy("No reminders")
    empty_message = gettext_lazy(
        "When a step nears or passes its deadline, the system's reminders for your area or department appear here."
    )

    def get_breadcrumbs(self):
        return requests_crumbs((self.title, None))

    def detail_url(self, row) -> str | None:
        return reverse("service_requests:request_detail", args=[row.request_id])
