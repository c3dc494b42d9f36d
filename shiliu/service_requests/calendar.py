"""The working-day calendar for request deadlines.

Working days follow China's public holiday schedule with its make-up working days (调休) from the maintained
``chinese_calendar`` package; the office corrects single dates with ``CalendarOverride`` rows. Years the package has
no data for fall back to Monday–Friday plus the overrides (``calendar_has_official_data`` tells which).
Working hours are the office hours of a working day (settings ``REQUEST_OFFICE_HOURS``, default 9:00–12:00 and
13:30–17:30) in ``REQUEST_TIME_ZONE`` (default Asia/Shanghai).

``WorkCalendar`` reads the overrides once per year it touches: create one per operation (a sweep over many
requests), or call the module functions, which use a fresh one each time.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

DEFAULT_OFFICE_HOURS = (((9, 0), (12, 0)), ((13, 30), (17, 30)))
MAX_DAYS = 3660  # ten years: no deadline arithmetic walks further


def office_hours() -> tuple:
    return getattr(settings, "REQUEST_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)


def time_zone() -> ZoneInfo:
    return _zone(getattr(settings, "REQUEST_TIME_ZONE", "Asia/Shanghai"))


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=64)
def calendar_has_official_data(year: int) -> bool:
    """Whether the holiday package knows the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


has_official_data = calendar_has_official_data


def official_is_workday(day: datetime.date) -> bool:
    """The official answer (or Monday–Friday when the package has no data for the year), ignoring overrides."""
    if calendar_has_official_data(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def official_holiday_name(day: datetime.date) -> str | None:
    """The festival a date belongs to (holiday or make-up working day), in English, or None."""
    if not calendar_has_official_data(day.year):
        return None
    return chinese_calendar.get_holiday_detail(day)[1]


class WorkCalendar:
    """Working days and hours with the overrides of the years it touches, read once."""

    def __init__(self, overrides: dict[datetime.date, bool] | None = None):
        self._given = overrides
        self._years: dict[int, dict[datetime.date, bool]] = {}
        self.tz = time_zone()
        self.hours = office_hours()

    def _overrides(self, year: int) -> dict[datetime.date, bool]:
        if self._given is not None:
            return self._given
        if year not in self._years:
            from .models import CalendarOverride

            self._years[year] = dict(
                CalendarOverride.objects.filter(date__year=year).values_list("date", "is_workday")
            )
        return self._years[year]

    # ---- days

    def is_workday(self, day: datetime.date) -> bool:
        override = self._overrides(day.year).get(day)
        if override is not None:
            return override
        return official_is_workday(day)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day counted from the day after ``start`` (``n`` = 0: ``start`` itself)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, found = start, 0
        for _ in range(MAX_DAYS):
            if found == n:
                return day
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                found += 1
        raise ValueError("no working day within ten years")

    # ---- hours

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(self.tz)

    def periods(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The office-hour periods of ``day`` (none on a rest day), as aware local datetimes."""
        if not self.is_workday(day):
            return []
        return [
            (
                datetime.datetime.combine(day, datetime.time(*start), self.tz),
                datetime.datetime.combine(day, datetime.time(*end), self.tz),
            )
            for start, end in self.hours
        ]

    def end_of_working_day(self, day: datetime.date) -> datetime.datetime:
        """Close of office on ``day`` (end of its last period; the configured close on a rest day)."""
        return datetime.datetime.combine(day, datetime.time(*self.hours[-1][1]), self.tz)

    def end_of_day(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(23, 59, 59), self.tz)

    def add_working_seconds(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        """The moment ``seconds`` of office time after ``start`` (outside office hours the clock waits)."""
        start = self.local(start)
        remaining = datetime.timedelta(seconds=seconds)
        if remaining <= datetime.timedelta(0):
            return start
        day = start.date()
        for _ in range(MAX_DAYS):
            for period_start, period_end in self.periods(day):
                begin = max(period_start, start)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("no working time within ten years")

    def subtract_working_seconds(self, end: datetime.datetime, seconds: float) -> datetime.datetime:
        """The moment ``seconds`` of office time before ``end``."""
        end = self.local(end)
        remaining = datetime.timedelta(seconds=seconds)
        if remaining <= datetime.timedelta(0):
            return end
        day = end.date()
        for _ in range(MAX_DAYS):
            for period_start, period_end in reversed(self.periods(day)):
                finish = min(period_end, end)
                if finish <= period_start:
                    continue
                available = finish - period_start
                if remaining <= available:
                    return finish - remaining
                remaining -= available
            day -= datetime.timedelta(days=1)
        raise ValueError("no working time within ten years")

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        return self.add_working_seconds(start, hours * 3600)

    def working_seconds_between(self, a: datetime.datetime, b: datetime.datetime) -> int:
        """Office seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
        a, b = self.local(a), self.local(b)
        if b <= a:
            return 0
        total = datetime.timedelta(0)
        day = a.date()
        last = b.date()
        while day <= last:
            for period_start, period_end in self.periods(day):
                begin, finish = max(period_start, a), min(period_end, b)
                if finish > begin:
                    total += finish - begin
            day += datetime.timedelta(days=1)
        return int(total.total_seconds())


def is_workday(day: datetime.date) -> bool:
    return WorkCalendar().is_workday(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    return WorkCalendar().add_working_days(start, n)


def add_working_hours(start_dt: datetime.datetime, hours: float) -> datetime.datetime:
    return WorkCalendar().add_working_hours(start_dt, hours)


def working_seconds_between(a: datetime.datetime, b: datetime.datetime) -> int:
    return WorkCalendar().working_seconds_between(a, b)


def year_days(year: int, cal: WorkCalendar | None = None) -> list[dict]:
    """Every date of ``year`` with its official status, the override (if any) and the result (for the calendar
    page)."""
    from .models import CalendarOverride

    cal = cal or WorkCalendar()
    overrides = {o.date: o for o in CalendarOverride.objects.filter(date__year=year)}
    day, rows = datetime.date(year, 1, 1), []
    while day.year == year:
        override = overrides.get(day)
        official = official_is_workday(day)
        rows.append({
            "date": day,
            "official_is_workday": official,
            "holiday": official_holiday_name(day),
            "override": override,
            "is_workday": override.is_workday if override else official,
        })  # fmt: skip
        day += datetime.timedelta(days=1)
    return rows
