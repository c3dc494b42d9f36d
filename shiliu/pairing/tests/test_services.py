"""Services of pairing assistance: validation, transitions, assessment grades and locks, scope refusals."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.pairing import services
from shiliu.pairing.choices import AssessmentStatus, Grade, ProjectStatus
from shiliu.pairing.models import Pairing, PairingAssessment, PairingProject, PairingVisit

from .factories import D, make_pairing, make_project, make_rulebook

# ---------------------------------------------------------------- pairings


def test_office_creates_a_pairing_with_the_village_path_and_history(tree):
    pairing = services.pairing_create(
        actor=tree.city_office,
        unit=tree.dept,
        village=tree.village_a,
        start=D(2025, 1, 1),
        end=D(2026, 12, 31),
    )
    assert pairing.area_path == tree.village_a.path
    assert pairing.history.first().history_user == tree.city_office


def test_pairing_end_before_start_is_refused_by_service_and_database(tree):
    with pytest.raises(ApplicationError) as exc:
        services.pairing_create(
            actor=tree.city_office,
            unit=tree.dept,
            village=tree.village_a,
            start=D(2025, 1, 1),
            end=D(2024, 1, 1),
        )
    assert exc.value.field == "end"
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pairing(tree.dept, tree.village_a, start=D(2025, 1, 1), end=D(2024, 1, 1))


def test_pairing_needs_a_village_within_the_units_area(tree):
    with pytest.raises(ApplicationError) as exc:
        services.pairing_create(
            actor=tree.city_office,
            unit=tree.unit_a,
            village=tree.village_b,
            start=D(2025, 1, 1),
            end=D(2025, 12, 31),
        )
    assert exc.value.field == "village"
    with pytest.raises(ApplicationError) as exc:
        services.pairing_create(
            actor=tree.city_office,
            unit=tree.dept,
            village=tree.town_a,
            start=D(2025, 1, 1),
            end=D(2025, 12, 31),
        )
    assert exc.value.field == "village"


def test_pairing_outside_scope_is_refused_like_a_missing_object(tree):
    with pytest.raises(NotVisible):
        services.pairing_create(
            actor=tree.office_b,
            unit=tree.dept,
            village=tree.village_a,
            start=D(2025, 1, 1),
            end=D(2025, 12, 31),
        )
    for liaison in (tree.dept_user, tree.leader):
        with pytest.raises(NotVisible):
            services.pairing_create(
                actor=liaison,
                unit=tree.dept,
                village=tree.village_a,
                start=D(2025, 1, 1),
                end=D(2025, 12, 31),
            )
    assert not Pairing.objects.exists()


def test_duplicate_pairing_is_refused(tree):
    make_pairing(tree.dept, tree.village_a)
    with pytest.raises(ApplicationError) as exc:
        services.pairing_create(
            actor=tree.city_office,
            unit=tree.dept,
            village=tree.village_a,
            start=D(2025, 1, 1),
            end=D(2025, 12, 31),
        )
    assert exc.value.field == "start"


def test_moving_a_pairing_to_another_village_moves_its_records(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    visit = services.visit_create(
        actor=tree.dept_user, pairing=pairing, visited_on=D(2025, 2, 1), people=2, activities="座谈"
    )
    services.pairing_update(actor=tree.city_office, pairing=pairing, village=tree.village_b)
    visit.refresh_from_db()
    assert visit.area_path == tree.village_b.path


def test_pairing_with_a_unit_outside_scope_is_refused(tree):
    pairing = make_pairing(tree.unit_a2, tree.village_a)
    # office_a may edit the pairing, but cannot name a unit it cannot see (the city's department).
    with pytest.raises(NotVisible):
        services.pairing_update(actor=tree.office_a, pairing=pairing, unit=tree.dept)
    pairing.refresh_from_db()
    assert pairing.unit == tree.unit_a2


def test_a_failed_reread_rolls_the_write_back(tree, monkeypatch):
    pairing = make_pairing(tree.dept, tree.village_a)

    def refuse(user, obj):
        raise NotVisible()

    monkeypatch.setattr(services.common, "reread_or_rollback", refuse)
    with pytest.raises(NotVisible):
        services.visit_create(
            actor=tree.dept_user, pairing=pairing, visited_on=D(2025, 2, 1), people=1, activities="x"
        )
    with pytest.raises(NotVisible):
        services.pairing_update(actor=tree.city_office, pairing=pairing, goals="新目标")
    assert not PairingVisit.objects.exists()
    assert Pairing.objects.get().goals == ""


def test_shortening_the_period_past_its_records_is_refused(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    services.visit_create(
        actor=tree.dept_user, pairing=pairing, visited_on=D(2026, 6, 1), people=2, activities="x"
    )
    with pytest.raises(ApplicationError):
        services.pairing_update(actor=tree.city_office, pairing=pairing, end=D(2025, 12, 31))


# ---------------------------------------------------------------- records


def test_liaison_records_for_own_units_pairing_only(tree):
    own = make_pairing(tree.dept, tree.village_a)
    other = make_pairing(tree.unit_a2, tree.village_a)
    visit = services.visit_create(
        actor=tree.dept_user, pairing=own, visited_on=D(2025, 2, 1), people=4, activities="宣讲", notes=""
    )
    assert visit.history.first().history_user == tree.dept_user
    with pytest.raises(NotVisible):
        services.visit_create(
            actor=tree.dept_user, pairing=other, visited_on=D(2025, 2, 1), people=4, activities="x"
        )
    with pytest.raises(NotVisible):
        services.fund_create(
            actor=tree.leader, pairing=own, paid_on=D(2025, 2, 1), amount="10", source="own", purpose="x"
        )
    assert PairingVisit.objects.count() == 1


def test_records_validate_dates_counts_and_amounts(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    cases = [
        (services.visit_create, {"visited_on": D(2024, 12, 31), "people": 2, "activities": "x"}, "visited_on"),
        (services.visit_create, {"visited_on": D(2025, 1, 2), "people": 0, "activities": "x"}, "people"),
        (services.visit_create, {"visited_on": D(2025, 1, 2), "people": 1, "activities": " "}, "activities"),
        (services.fund_create, {"paid_on": D(2025, 1, 2), "amount": "0", "source": "own", "purpose": "x"}, "amount"),
        (services.fund_create, {"paid_on": D(2025, 1, 2), "amount": "abc", "source": "own", "purpose": "x"},
         "amount"),
        (services.fund_create, {"paid_on": D(2025, 1, 2), "amount": "5", "source": "bank", "purpose": "x"}, "source"),
        (services.outcome_create, {"reported_on": D(2025, 1, 2), "jobs_arranged": 0, "problems_solved": 0,
                                   "description": "x"}, "jobs_arranged"),
        (services.project_create, {"name": "x", "started_on": D(2025, 1, 2), "amount": "-1"}, "amount"),
    ]  # fmt: skip
    for service, data, field in cases:
        with pytest.raises(ApplicationError) as exc:
            service(actor=tree.dept_user, pairing=pairing, **data)
        assert exc.value.field == field, (service.__name__, data)
    fund = services.fund_create(
        actor=tree.dept_user,
        pairing=pairing,
        paid_on=D(2025, 1, 2),
        amount="1234.5",
        source="fiscal",
        purpose="x",
    )
    assert fund.amount == Decimal("1234.50")


# ---------------------------------------------------------------- project transitions


def test_project_moves_along_the_allowed_transitions(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    project = services.project_create(
        actor=tree.dept_user, pairing=pairing, name="文化广场", started_on=D(2025, 3, 1), amount="8000",
        beneficiaries=120,
    )  # fmt: skip
    assert project.status == ProjectStatus.PLANNED
    with pytest.raises(ApplicationError):
        services.project_transition(
            actor=tree.dept_user, project=project, to="completed", completed_on=D(2025, 9, 1)
        )
    project = services.project_transition(actor=tree.dept_user, project=project, to="in_progress")
    with pytest.raises(ApplicationError) as exc:
        services.project_transition(
            actor=tree.dept_user, project=project, to="completed", completed_on=D(2025, 1, 1)
        )
    assert exc.value.field == "completed_on"
    project = services.project_transition(
        actor=tree.dept_user, project=project, to="completed", completed_on=D(2025, 9, 1)
    )
    assert project.status == ProjectStatus.COMPLETED and project.completed_on == D(2025, 9, 1)
    for target in ("planned", "in_progress", "cancelled"):
        with pytest.raises(ApplicationError):
            services.project_transition(actor=tree.dept_user, project=project, to=target)
    with pytest.raises(ApplicationError):
        services.project_update(actor=tree.dept_user, project=project, status="planned")


def test_cancelled_project_is_final_and_duplicate_names_refused(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    project = make_project(pairing)
    with pytest.raises(ApplicationError):
        services.project_create(actor=tree.dept_user, pairing=pairing, name=project.name, started_on=D(2025, 3, 1),
                                amount="1")  # fmt: skip
    services.project_transition(actor=tree.dept_user, project=project, to="cancelled", reason="资金未到位")
    project.refresh_from_db()
    assert project.history.first().history_change_reason == "资金未到位"
    with pytest.raises(ApplicationError):
        services.project_update(actor=tree.dept_user, project=project, amount="2")


def test_completed_project_needs_a_date_in_the_database(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(pairing, status="completed")


def test_transition_outside_scope_changes_nothing(tree):
    project = make_project(make_pairing(tree.dept, tree.village_a))
    for actor in (tree.office_b, tree.unit_user_a, tree.leader):
        with pytest.raises(NotVisible):
            services.project_transition(actor=actor, project=project, to="in_progress")
    assert PairingProject.objects.get().status == ProjectStatus.PLANNED


# ---------------------------------------------------------------- assessment


@pytest.mark.parametrize(
    "points,grade",
    [
        ((30, 40, 20), Grade.EXCELLENT),  # 90
        ((30, 39.5, 20), Grade.GOOD),  # 89.5
        ((30, 30, 20), Grade.GOOD),  # 80
        ((20, 30, 10), Grade.PASS),  # 60
        ((20, 29.9, 10), Grade.FAIL),  # 59.9
    ],
)
def test_assessment_total_and_grade_are_computed(tree, points, grade):
    pairing = make_pairing(tree.dept, tree.village_a)
    rulebook = make_rulebook(tree.city)
    items = list(rulebook.items.all())
    assessment = services.assessment_save(
        actor=tree.city_office, pairing=pairing, year=2025, assessed_on=D(2025, 12, 20),
        scores={item.pk: Decimal(str(p)) for item, p in zip(items, points, strict=True)},
    )  # fmt: skip
    assert assessment.total == sum(Decimal(str(p)) for p in points)
    assert assessment.grade == grade
    assert assessment.assessor == tree.city_office


def test_grade_uses_the_rulebook_thresholds_as_a_percentage(tree):
    rulebook = make_rulebook(tree.city, items=(("a", "50"),), excellent_from=95, good_from=85, pass_from=70)
    assert (
        services.grade_for(rulebook=rulebook, total=Decimal("47"), maximum=Decimal("50")) == Grade.GOOD
    )  # 94%
    assert (
        services.grade_for(rulebook=rulebook, total=Decimal("47.5"), maximum=Decimal("50")) == Grade.EXCELLENT
    )
    assert services.grade_for(rulebook=rulebook, total=Decimal("34.5"), maximum=Decimal("50")) == Grade.FAIL


def test_assessment_scores_are_validated_against_the_items(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    items = list(make_rulebook(tree.city).items.all())
    good = {item.pk: Decimal("10") for item in items}
    for scores in (
        good | {items[0].pk: Decimal("31")},
        good | {items[1].pk: Decimal("-1")},
        {items[0].pk: 1},
    ):
        with pytest.raises(ApplicationError):
            services.assessment_save(
                actor=tree.city_office, pairing=pairing, year=2025, scores=scores, assessed_on=D(2025, 12, 1)
            )
    with pytest.raises(ApplicationError) as exc:
        services.assessment_save(actor=tree.city_office, pairing=pairing, year=2024, scores=good,
                                 assessed_on=D(2025, 12, 1))  # fmt: skip
    assert exc.value.field == "year"
    with pytest.raises(ApplicationError):  # no rulebook for 2026
        services.assessment_save(actor=tree.city_office, pairing=pairing, year=2026, scores=good,
                                 assessed_on=D(2026, 12, 1))  # fmt: skip
    assert not PairingAssessment.objects.exists()


def test_nearest_rulebook_applies(tree):
    pairing = make_pairing(tree.unit_a2, tree.village_a)
    make_rulebook(tree.city)
    county = make_rulebook(tree.county_a)
    assert services.rulebook_for(pairing=pairing, year=2025) == county
    assert (
        services.rulebook_for(pairing=make_pairing(tree.unit_b, tree.village_b), year=2025).area == tree.city
    )


def test_submitted_assessment_is_locked(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    items = list(make_rulebook(tree.city).items.all())
    scores = {item.pk: Decimal("20") for item in items}
    assessment = services.assessment_save(
        actor=tree.city_office, pairing=pairing, year=2025, scores=scores, assessed_on=D(2025, 12, 1)
    )
    assessment = services.assessment_save(
        actor=tree.city_office, pairing=pairing, year=2025, scores=scores | {items[1].pk: 40},
        assessed_on=D(2025, 12, 2),
    )  # fmt: skip
    assert assessment.total == Decimal("80") and assessment.grade == Grade.GOOD
    services.assessment_submit(actor=tree.city_office, assessment=assessment)
    with pytest.raises(ApplicationError):
        services.assessment_save(
            actor=tree.city_office, pairing=pairing, year=2025, scores=scores, assessed_on=D(2025, 12, 3)
        )
    with pytest.raises(ApplicationError):
        services.assessment_submit(actor=tree.city_office, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.total == Decimal("80")


def test_assessment_is_for_offices_in_scope(tree):
    pairing = make_pairing(tree.dept, tree.village_a)
    items = list(make_rulebook(tree.city).items.all())
    scores = {item.pk: Decimal("20") for item in items}
    for actor in (tree.dept_user, tree.office_b, tree.leader):
        with pytest.raises(NotVisible):
            services.assessment_save(
                actor=actor, pairing=pairing, year=2025, scores=scores, assessed_on=D(2025, 1, 1)
            )


def test_rulebook_validation_and_lock_once_used(tree):
    with pytest.raises(ApplicationError):
        services.rulebook_create(actor=tree.city_office, area=tree.city, year=2025, name="x", items=[])
    with pytest.raises(ApplicationError):
        services.rulebook_create(actor=tree.city_office, area=tree.city, year=2025, name="x",
                                 items=[{"name": "a", "max_points": 10}], good_from=95)  # fmt: skip
    with pytest.raises(NotVisible):
        services.rulebook_create(actor=tree.office_a, area=tree.city, year=2025, name="x",
                                 items=[{"name": "a", "max_points": 10}])  # fmt: skip
    rulebook = services.rulebook_create(
        actor=tree.city_office, area=tree.city, year=2025, name="细则",
        items=[{"name": "a", "max_points": "60"}, {"name": "b", "max_points": "40", "description": "d"}],
    )  # fmt: skip
    assert (rulebook.excellent_from, rulebook.good_from, rulebook.pass_from) == (90, 80, 60)
    assert [i.name for i in rulebook.items.all()] == ["a", "b"]
    services.rulebook_update(
        actor=tree.city_office, rulebook=rulebook, items=[{"name": "c", "max_points": 100}]
    )
    assert [i.name for i in rulebook.items.all()] == ["c"]
    pairing = make_pairing(tree.dept, tree.village_a, start=datetime.date(2025, 1, 1))
    services.assessment_save(actor=tree.city_office, pairing=pairing, year=2025,
                             scores={rulebook.items.get().pk: 70}, assessed_on=D(2025, 12, 1))  # fmt: skip
    with pytest.raises(ApplicationError):
        services.rulebook_update(actor=tree.city_office, rulebook=rulebook, name="改")
