# ruff: noqa: F811  (the ``ledger`` fixture is imported from test_figures and requested by name)
"""pairing_figures computes every number in one statement (a UNION ALL of one aggregate per ledger), builds the
drill-down querysets and URLs only when asked, and its numbers equal the aggregates of each figure's own records."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from shiliu.pairing.selectors import pairing_figures

from .factories import D
from .test_figures import ledger  # noqa: F401  (the fixture)

PERIOD = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}

# figure key -> (aggregate over the figure's records, how the value reads it)
ORACLES = {
    "pairings_active": Count("id"),
    "visits": Count("id"),
    "visit_people": Sum("people"),
    "funds": Sum("amount"),
    "projects": Count("id"),
    "projects_amount": Sum("amount"),
    "beneficiaries": Sum("beneficiaries"),
    "jobs_arranged": Sum("jobs_arranged"),
    "problems_solved": Sum("problems_solved"),
    "assessments": Count("id"),
}


def test_one_statement_and_one_more_for_an_area_id(ledger, django_assert_num_queries):
    t = ledger
    with django_assert_num_queries(1):
        pairing_figures(user=t.city_office, **PERIOD)
    with django_assert_num_queries(1):  # an Area object is checked against the scope without a read
        pairing_figures(user=t.city_office, area=t.county_a, **PERIOD)
    with django_assert_num_queries(2):  # an area id is looked up once
        pairing_figures(user=t.city_office, area=t.county_a.pk, **PERIOD)
    with django_assert_num_queries(0):  # nothing in scope: no statement at all
        figures = pairing_figures(user=t.nobody)
    assert all(f.value == 0 for f in figures.values())


@pytest.mark.parametrize("who", ["city_office", "office_a", "office_b", "dept_user", "leader"])
@pytest.mark.parametrize("kwargs", [{}, PERIOD, "county_a", "county_b"])
def test_every_value_equals_the_aggregate_of_its_records(ledger, who, kwargs):
    user = getattr(ledger, who)
    if isinstance(kwargs, str):
        kwargs = {"area": getattr(ledger, kwargs)}
    figures = pairing_figures(user=user, **kwargs)
    for key, aggregate in ORACLES.items():
        expected = figures[key].records.aggregate(v=aggregate)["v"] or 0
        assert figures[key].value == expected, (who, key, kwargs)
        assert isinstance(figures[key].value, Decimal if key in ("funds", "projects_amount") else int), key
    for key in ("projects", "assessments"):
        for sub in figures[key].breakdown.values():
            assert sub.value == sub.records.count(), (who, sub.key, kwargs)
        assert sum(sub.value for sub in figures[key].breakdown.values()) == figures[key].value


def test_drill_downs_are_built_only_when_asked(ledger, django_assert_num_queries):
    figures = pairing_figures(user=ledger.city_office, **PERIOD)
    with django_assert_num_queries(0):
        records = figures["visits"].records  # a queryset, not evaluated
        url = figures["visits"].url
    assert records.model.__name__ == "PairingVisit"
    assert url.startswith("/") and "start=2025-01-01" in url
