"""Selectors: list filters, rates and rankings, figures — every figure equals the count of its drill-down list
(numerator and denominator), through the same filters the URL carries."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from shiliu.service_requests import selectors
from shiliu.service_requests.choices import RateKind, RequestStatus
from shiliu.service_requests.models import RankingSettings

from .factories import World, make_department, make_request

pytestmark = pytest.mark.django_db
S = RequestStatus
UTC = datetime.UTC


@pytest.fixture
def world(tree):
    return World(tree)


@pytest.fixture
def data(world):
    """A mix of states, outcomes and departments in 2025, plus noise outside the period and the area."""
    when = datetime.datetime(2025, 4, 1, 2, tzinfo=UTC)
    d1, d2 = world.dept, world.dept2
    rows = [
        # department, status, extra
        (d1, S.DISPATCHED, {"signed_on_time": None}),
        (d1, S.IN_PROGRESS, {"signed_on_time": False}),
        (d1, S.REPLIED, {"result": "partly", "result_reason": "部分", "replied_on_time": False}),
        (d1, S.CLOSED, {"rating": "satisfied", "rated_at": when}),
        (
            d1,
            S.CLOSED,
            {"rating": "dissatisfied", "rated_at": when, "result": "unresolved", "result_reason": "x"},
        ),
        (d1, S.CLOSED, {"rating": "basically", "rated_at": when}),
        (d2, S.CLOSED, {"rating": "satisfied", "rated_at": when}),
        (d2, S.SIGNED, {}),
        (None, S.SUBMITTED, {"involves_ethnic_factors": True, "ethnic_factors_reason": "风俗习惯"}),
        (None, S.REJECTED, {}),
    ]
    made = [
        make_request(world.grid, status=status, lead=dept, submitted_at=when, **extra)
        for dept, status, extra in rows
    ]
    # Outside the period and outside county A.
    make_request(world.grid, status=S.CLOSED, lead=d1, submitted_at=datetime.datetime(2024, 6, 1, tzinfo=UTC))
    make_request(world.tree.village_b, status=S.CLOSED, lead=d1, submitted_at=when)
    return made


def drill(user, figure_filters):
    return selectors.request_list(user=user, filters=figure_filters).count()


def test_each_rate_figure_equals_its_drill_down_lists(world, data):
    figures = selectors.request_figures(user=world.office, start="2025-01-01", end="2025-12-31")
    assert figures["requests"].value == 10 == figures["requests"].records.count()
    assert figures["closed"].value == 4 == figures["closed"].records.count()
    expected = {"response": (6, 8), "on_time": (4, 5), "resolution": (3, 5), "satisfaction": (3, 4)}
    for kind in RateKind:
        figure = figures[f"{kind}_rate"]
        num, den = figure.breakdown["numerator"], figure.breakdown["denominator"]
        assert (num.value, den.value) == expected[kind], kind
        assert drill(world.office, figure.breakdown["numerator_filters"]) == num.value == num.records.count()
        assert (
            drill(world.office, figure.breakdown["denominator_filters"]) == den.value == den.records.count()
        )
        assert figure.value == round(num.value / den.value, 4)
        # The URL carries exactly these filters.
        query = dict(parse_qsl(urlsplit(figure.url).query))
        assert query == figure.breakdown["numerator_filters"]
        assert selectors.request_list(user=world.office, filters=query).count() == num.value


def test_department_rates_match_their_lists(world, data):
    rows = {
        r.department: r
        for r in selectors.department_rates(user=world.office, start="2025-01-01", end="2025-12-31")
    }
    assert set(rows) == {world.dept, world.dept2}
    d1 = rows[world.dept]
    assert d1.request_count == 6 and d1.requests.value == 6 and d1.requests.records.count() == 6
    assert (d1.response.breakdown["numerator"].value, d1.response.breakdown["denominator"].value) == (4, 6)
    for row in rows.values():
        for kind in RateKind:
            figure = row.figures[f"{kind}_rate"]
            for part in ("numerator", "denominator"):
                assert (
                    drill(world.office, figure.breakdown[f"{part}_filters"]) == figure.breakdown[part].value
                )


def test_ranking_hides_small_departments_and_orders_by_score(world, data):
    ranking = selectors.department_ranking(
        user=world.office, start="2025-01-01", end="2025-12-31", min_requests=3
    )
    assert [r.department for r in ranking.rows] == [world.dept]
    assert ranking.hidden == 1 and ranking.hidden_rows[0].department == world.dept2
    assert ranking.rows[0].rank == 1 and ranking.rows[0].score is not None
    everyone = selectors.department_ranking(
        user=world.office, start="2025-01-01", end="2025-12-31", min_requests=0
    )
    assert [r.department for r in everyone.rows] == [world.dept2, world.dept]  # dept2: all rates 100 %
    assert set(everyone.formulas) == set(RateKind)


def test_ranking_settings_from_the_nearest_area(world, data):
    RankingSettings.objects.create(area=world.tree.city, area_path=world.tree.city.path, min_requests=7)
    assert selectors.ranking_settings_for(area=world.tree.county_a).min_requests == 7
    ranking = selectors.department_ranking(user=world.office, area=world.tree.county_a, start="2025-01-01",
                                           end="2025-12-31")  # fmt: skip
    assert ranking.min_requests == 7 and ranking.rows == [] and ranking.hidden == 2


def test_scope_of_rates_and_figures(world, data):
    assert selectors.request_figures(user=world.tree.office_b, start="2025-01-01")["requests"].value == 1
    assert selectors.department_rates(user=world.tree.office_b, area=world.tree.county_a) == []
    own = selectors.department_rates(user=world.dept2_user, start="2025-01-01", end="2025-12-31")
    assert [r.department for r in own] == [world.dept2]
    assert selectors.request_figures(user=world.tree.nobody)["requests"].value == 0


def test_list_filters(world, data):
    office = world.office
    count = lambda **f: selectors.request_list(user=office, filters=f).count()  # noqa: E731
    assert count() == 11  # county A only
    assert count(q=data[0].ticket.lower()) == 1
    assert count(q="路灯") == 11
    assert count(ethnic="1") == 1
    assert count(status="closed") == 5  # one of them in 2024
    assert count(status="bogus") == 0
    assert count(department=str(world.dept.pk)) == 7
    assert count(date_from="2025-01-01", date_to="2025-12-31") == 10
    assert count(date_from="not a date") == 0
    assert count(area=str(world.tree.county_b.pk)) == 0  # outside the office's scope
    assert count(category="employment") == 11 and count(category="housing") == 0
    past = timezone.now() - datetime.timedelta(hours=1)
    late = make_request(world.grid, status=S.IN_PROGRESS, lead=world.dept, next_due=past, next_step="reply")
    assert list(selectors.request_list(user=office, filters={"overdue": "1"})) == [late]
    assert count(rate="response", part="bogus") == 0


def test_category_filter_includes_subcategories(world):
    from shiliu.service_requests.models import RequestCategory

    parent = RequestCategory.objects.get(code="housing")
    child = RequestCategory.objects.create(code="housing-repair", name="房屋维修", parent=parent)
    make_request(world.grid, category_code="housing-repair")
    assert child.ancestor_ids() == [child.pk, parent.pk]
    assert selectors.request_list(user=world.office, filters={"category": "housing"}).count() == 1


def test_department_choices_cover_the_request(world):
    request = make_request(world.grid)
    county_dept = make_department(world.tree.county_a, "东城区教育局")
    choices = set(selectors.department_choices(user=world.office, request=request))
    assert {world.dept, world.dept2, county_dept} <= choices and world.far_dept not in choices
    assert world.far_dept not in set(selectors.department_choices(user=world.office))
    assert county_dept in set(selectors.department_choices(user=world.office))


def test_grid_choices(world):
    assert list(selectors.grid_choices(user=world.grid_user)) == [world.grid]
    assert list(selectors.grid_choices(user=world.office)) == [world.grid]
    assert list(selectors.grid_choices(user=world.tree.office_b)) == []
