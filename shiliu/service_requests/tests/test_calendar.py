"""Deadline arithmetic on the working-day calendar: Spring Festival 2026, National Day 2025 and 2026 with their
make-up working days (调休), office corrections and the fallback for years the package does not know."""

import datetime

import pytest

from shiliu.service_requests import calendar
from shiliu.service_requests.calendar import WorkCalendar
from shiliu.service_requests.models import CalendarOverride

D = datetime.date
TZ = calendar.time_zone()


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


pytestmark = pytest.mark.django_db


class TestSpringFestival2026:
    def test_holiday_and_make_up_days(self):
        assert all(not calendar.is_workday(D(2026, 2, d)) for d in range(15, 24))  # Feb 15–23 off
        assert calendar.is_workday(D(2026, 2, 14))  # Saturday, make-up working day
        assert calendar.is_workday(D(2026, 2, 28))  # Saturday, make-up working day
        assert D(2026, 2, 14).weekday() == 5 and D(2026, 2, 28).weekday() == 5
        assert calendar.is_workday(D(2026, 2, 24))
        assert not calendar.is_workday(D(2026, 3, 1))  # an ordinary Sunday

    def test_three_working_days_from_friday_before_the_festival(self):
        # Received Fri Feb 13: day 1 = Sat Feb 14 (make-up), day 2 = Tue Feb 24, day 3 = Wed Feb 25.
        assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
        assert calendar.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)

    def test_thirteen_working_days_count_the_make_up_saturday(self):
        # From Feb 12: 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat), Mar 2, 3, 4, 5, 6, 9
        assert calendar.add_working_days(D(2026, 2, 12), 13) == D(2026, 3, 9)

    def test_working_hours_jump_over_the_holiday(self):
        # Sat Feb 14 16:30 + 2 working hours: 1 h on Feb 14, then Tue Feb 24 9:00 + 1 h.
        assert calendar.add_working_hours(at(2026, 2, 14, 16, 30), 2) == at(2026, 2, 24, 10, 0)

    def test_working_seconds_over_the_holiday(self):
        # Fri Feb 13 9:00 → Tue Feb 24 9:00: Feb 13 and Feb 14 are full days of 7 office hours.
        assert calendar.working_seconds_between(at(2026, 2, 13), at(2026, 2, 24)) == 14 * 3600


class TestNationalDay:
    def test_2025(self):
        assert calendar.is_workday(D(2025, 9, 28))  # Sunday make-up
        assert calendar.is_workday(D(2025, 10, 11))  # Saturday make-up
        assert all(not calendar.is_workday(D(2025, 10, d)) for d in range(1, 9))  # Oct 1–8 off
        # Received Tue Sep 30: 1 = Thu Oct 9, 2 = Fri Oct 10, 3 = Sat Oct 11 (make-up)
        assert calendar.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
        assert calendar.add_working_hours(at(2025, 9, 30, 17, 0), 1) == at(2025, 10, 9, 9, 30)

    def test_2026(self):
        assert calendar.is_workday(D(2026, 9, 20))  # Sunday make-up
        assert calendar.is_workday(D(2026, 10, 10))  # Saturday make-up
        assert not calendar.is_workday(D(2026, 9, 25))  # Mid-autumn
        assert all(not calendar.is_workday(D(2026, 10, d)) for d in range(1, 8))  # Oct 1–7 off
        # Received Wed Sep 30: 1 = Thu Oct 8, 2 = Fri Oct 9, 3 = Sat Oct 10 (make-up), 4 = Mon Oct 12
        assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
        assert calendar.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


class TestOfficeHours:
    def test_clock_waits_outside_office_hours(self):
        assert calendar.add_working_hours(at(2025, 3, 3, 7, 0), 1) == at(2025, 3, 3, 10, 0)  # Monday
        assert calendar.add_working_hours(at(2025, 3, 3, 11, 30), 1) == at(2025, 3, 3, 14, 0)  # over lunch
        assert calendar.add_working_hours(at(2025, 3, 7, 17, 0), 1) == at(
            2025, 3, 10, 9, 30
        )  # over the weekend
        assert calendar.add_working_hours(at(2025, 3, 3, 9, 0), 7) == at(2025, 3, 3, 17, 30)  # ends at close

    def test_subtract_is_the_inverse(self):
        cal = WorkCalendar()
        for start in (at(2026, 2, 13, 10), at(2025, 9, 30, 16, 45), at(2025, 3, 7, 9, 0)):
            for hours in (0.5, 2, 9, 30):
                end = cal.add_working_hours(start, hours)
                assert cal.working_seconds_between(start, end) == hours * 3600
                assert cal.subtract_working_seconds(end, hours * 3600) == start

    def test_utc_input(self):
        moment = datetime.datetime(2025, 3, 3, 1, 0, tzinfo=datetime.UTC)  # 9:00 in Shanghai
        assert calendar.add_working_hours(moment, 1) == at(2025, 3, 3, 10, 0)

    def test_settings_change_office_hours(self, settings):
        settings.REQUEST_OFFICE_HOURS = (((8, 0), (16, 0)),)
        assert calendar.add_working_hours(at(2025, 3, 3, 15, 0), 2) == at(2025, 3, 4, 9, 0)


class TestOverridesAndFallback:
    def test_override_turns_a_day_off_and_a_sunday_on(self):
        CalendarOverride.objects.create(date=D(2025, 3, 4), is_workday=False, note="local festival")
        CalendarOverride.objects.create(date=D(2025, 3, 9), is_workday=True, note="make-up")
        assert not calendar.is_workday(D(2025, 3, 4))
        assert calendar.is_workday(D(2025, 3, 9))
        # Mon Mar 3 + 2 working days: Wed Mar 5, Thu Mar 6
        assert calendar.add_working_days(D(2025, 3, 3), 2) == D(2025, 3, 6)

    def test_fallback_year_is_monday_to_friday_plus_overrides(self):
        assert calendar.calendar_has_official_data(2026)
        assert not calendar.calendar_has_official_data(2099)
        assert calendar.is_workday(D(2099, 1, 1))  # a Thursday: no official data, so a working day
        assert not calendar.is_workday(D(2099, 1, 3))  # Saturday
        CalendarOverride.objects.create(date=D(2099, 1, 1), is_workday=False, note="New Year")
        assert not calendar.is_workday(D(2099, 1, 1))
        assert calendar.add_working_days(D(2098, 12, 31), 1) == D(2099, 1, 2)

    def test_year_days_for_the_calendar_page(self):
        CalendarOverride.objects.create(date=D(2026, 2, 28), is_workday=False, note="no make-up here")
        rows = {row["date"]: row for row in calendar.year_days(2026)}
        assert len(rows) == 365
        assert rows[D(2026, 2, 14)]["holiday"] == "Spring Festival" and rows[D(2026, 2, 14)]["is_workday"]
        assert rows[D(2026, 2, 28)]["official_is_workday"] and not rows[D(2026, 2, 28)]["is_workday"]
