"""The candidate workflow through the services: every transition, illegal transitions, the ladder rule, the
quota, the mandatory reason of a return, objections blocking approval, and naming."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.creation import services
from shiliu.creation.choices import AssessmentStatus, CandidateStage, CreationLevel, TitleStatus
from shiliu.creation.models import CandidateEvent, Title

from .factories import advance, make_batch, make_candidate, make_system, score_self, title_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(tree):
    system = make_system()
    batch = make_batch(tree.county_a)
    return tree, system, batch


def test_unit_applies_and_gets_a_self_assessment_of_the_applicable_system(setup):
    tree, system, batch = setup
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    assert candidate.stage == CandidateStage.DRAFT and candidate.system == system
    assert candidate.level == CreationLevel.COUNTY and candidate.area_path == tree.unit_a.area_path
    assessment = candidate.assessments.get(kind="self")
    assert sorted(assessment.item_scores.values_list("indicator__code", flat=True)) == [
        "A1",
        "A2",
        "B1",
        "B2",
        "X1",
    ]
    assert assessment.veto_checks.count() == 2
    assert CandidateEvent.objects.filter(candidate=candidate, action="created").count() == 1


def test_applying_needs_a_published_system_and_refuses_twice_and_foreign_units(setup):
    tree, system, batch = setup
    with pytest.raises(ApplicationError) as err:
        make_candidate(tree.office_a, batch, unit=tree.unit_a2)  # a school: no school system
    assert err.value.field == "system"
    make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    with pytest.raises(ApplicationError):
        make_candidate(tree.office_a, batch, unit=tree.unit_a)
    with pytest.raises(NotVisible):
        make_candidate(tree.office_b, batch, unit=tree.unit_a)
    with pytest.raises(ApplicationError) as err:
        make_candidate(tree.admin, batch, unit=tree.unit_b)  # outside the batch's county
    assert err.value.field == "batch"


def test_the_most_specific_latest_system_applies(setup):
    tree, system, batch = setup
    local = make_system(name="东城区社区体系")
    local.area, local.area_path = tree.county_a, tree.county_a.path
    local.save()
    make_system(name="未来体系", year=2030)
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    assert candidate.system == local


def test_submit_needs_every_item_scored_and_locks(setup):
    tree, system, batch = setup
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    score_self(tree.unit_user_a, candidate, points={"A1": 10}, default=None)
    with pytest.raises(ApplicationError) as err:
        services.candidate_submit(actor=tree.unit_user_a, candidate=candidate)
    assert "A2" in str(err.value.message)
    assessment = score_self(tree.unit_user_a, candidate, points={"A2": 20}, default="max")
    assert assessment.score == 90 and assessment.bonus == 5
    services.candidate_submit(actor=tree.unit_user_a, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.SUBMITTED and candidate.self_score == 95
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    with pytest.raises(ApplicationError) as err:
        score_self(tree.unit_user_a, candidate)
    assert err.value.code == "locked"


def test_points_cannot_exceed_the_item(setup):
    tree, system, batch = setup
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    with pytest.raises(ApplicationError):
        score_self(tree.unit_user_a, candidate, points={"A1": 11}, default=None)


def test_return_needs_a_reason_and_unlocks(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "submitted",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_return(actor=tree.office_a, candidate=candidate, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(NotVisible):
        services.candidate_return(actor=tree.unit_user_a, candidate=candidate, reason="自己退回")
    services.candidate_return(actor=tree.office_a, candidate=candidate, reason="佐证材料不全")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.RETURNED
    event = candidate.events.order_by("-id").first()
    assert (event.from_stage, event.to_stage, event.reason, event.actor) == (
        "submitted",
        "returned",
        "佐证材料不全",
        tree.office_a,
    )
    score_self(tree.unit_user_a, candidate, points={"A1": 0})  # unlocked again
    services.candidate_submit(actor=tree.unit_user_a, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.SUBMITTED and candidate.self_score == 95


@pytest.mark.parametrize(
    "call",
    [
        lambda t, c: services.candidate_recommend(actor=t.office_a, candidate=c),
        lambda t, c: services.candidate_start_review(actor=t.office_a, candidate=c),
        lambda t, c: services.candidate_approve(actor=t.office_a, candidate=c),
        lambda t, c: services.candidate_name(
            actor=t.office_a, candidate=c, document_number="x", named_on=TODAY
        ),
        lambda t, c: services.candidate_return(actor=t.office_a, candidate=c, reason="r"),
    ],
)
def test_illegal_transitions_from_draft(setup, call):
    tree, system, batch = setup
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    with pytest.raises(ApplicationError) as err:
        call(tree, candidate)
    assert err.value.code in ("transition", "invalid")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.DRAFT


def test_unit_cannot_take_office_steps(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "submitted",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    for call in (services.candidate_recommend, services.candidate_start_review):
        with pytest.raises(NotVisible):
            call(actor=tree.unit_user_a, candidate=candidate)
    with pytest.raises(NotVisible):
        services.candidate_recommend(actor=tree.office_b, candidate=candidate)


def test_happy_path_to_naming_with_two_reviewers_and_timeline(setup):
    tree, system, batch = setup
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    candidate = advance(candidate, "named", unit_actor=tree.unit_user_a, office=tree.office_a,
                        reviewers=[tree.office_a, tree.city_office])  # fmt: skip
    assert candidate.stage == CandidateStage.NAMED and candidate.final_score == 105
    title = Title.objects.get(candidate=candidate)
    assert title.unit == tree.unit_a and title.level == "county" and title.status == TitleStatus.ACTIVE
    assert title.valid_until == TODAY.replace(year=TODAY.year + 5)
    actions = list(candidate.events.values_list("action", flat=True))
    assert actions == [
        "created",
        "submitted",
        "recommended",
        "preliminary_review",
        "review_submitted",
        "review_submitted",
        "site_assessment",
        "site_visit",
        "final_score",
        "public_notice",
        "approved",
        "named",
    ]
    assert candidate.assessments.filter(kind="review", status="submitted").count() == 2


def test_final_score_mean_of_reviews_and_explicit_scores_need_reasons(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "recommended",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    services.candidate_start_review(actor=tree.office_a, candidate=candidate)
    leaves = {i.code: i for i in system.indicators.filter(children__isnull=True)}
    full = {i.pk: (i.points, "") for i in leaves.values()}
    with pytest.raises(ApplicationError):  # a deduction without a reason
        services.review_save(
            actor=tree.office_a, candidate=candidate, scores=full | {leaves["A2"].pk: (20, "")}, submit=True
        )
    services.review_save(
        actor=tree.office_a, candidate=candidate, scores=full | {leaves["A2"].pk: (20, "少2次")}, submit=True
    )
    services.review_save(
        actor=tree.city_office,
        candidate=candidate,
        scores=full | {leaves["A2"].pk: (25, "少1次")},
        submit=True,
    )
    with pytest.raises(ApplicationError) as err:
        services.review_save(actor=tree.office_a, candidate=candidate, scores=full)
    assert err.value.code == "locked"
    with pytest.raises(ApplicationError):
        services.review_finalize(actor=tree.office_a, candidate=candidate, reason="")
    final = services.review_finalize(actor=tree.office_a, candidate=candidate, reason="取平均")
    assert final.item_scores.get(indicator=leaves["A2"]).points == 22.5
    assert final.total == D("97.5")  # 70 + 22.5 + bonus 5
    with pytest.raises(ApplicationError):
        services.review_finalize(
            actor=tree.office_a, candidate=candidate, reason="改分", scores={leaves["A1"].pk: (5, "")}
        )
    table = __import__("shiliu.creation.selectors", fromlist=["review_table"]).review_table(
        user=tree.office_a, candidate=candidate
    )
    a2 = next(r for r in table["rows"] if r["indicator"].code == "A2")
    assert [s.points for s in a2["scores"]] == [20, 25] and a2["mean"] == 22.5 and a2["final"].points == 22.5


def test_ladder_rule_for_the_city_level(tree):
    make_system()
    batch = make_batch(tree.city, level=CreationLevel.CITY)
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "submitted",
                        unit_actor=tree.unit_user_a, office=tree.city_office)  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_recommend(actor=tree.city_office, candidate=candidate)
    assert err.value.code == "ladder"
    title = title_for(tree.office_a, unit=tree.unit_a)
    services.title_revoke(actor=tree.office_a, title=title, reason="撤销", decision_document="撤〔2026〕1号",
                          decided_on=TODAY)  # fmt: skip
    with pytest.raises(ApplicationError):  # a revoked title does not count
        services.candidate_recommend(actor=tree.city_office, candidate=candidate)
    title_for(tree.office_a, unit=tree.unit_a)
    services.candidate_recommend(actor=tree.city_office, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.RECOMMENDED


def test_expired_title_does_not_count_for_the_ladder(tree):
    make_system()
    title_for(tree.office_a, unit=tree.unit_a, named_on=TODAY - datetime.timedelta(days=6 * 366))
    batch = make_batch(tree.city, level=CreationLevel.CITY)
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "submitted",
                        unit_actor=tree.unit_user_a, office=tree.city_office)  # fmt: skip
    with pytest.raises(ApplicationError):
        services.candidate_recommend(actor=tree.city_office, candidate=candidate)


def test_quota_per_batch(tree):
    make_system()
    batch = make_batch(tree.county_a, quota=1)
    from shiliu.orgs.tests.factories import make_unit

    other = make_unit(tree.village_a, "团结社区第二居委会", "community")
    first = advance(make_candidate(tree.office_a, batch, unit=tree.unit_a), "submitted",
                    unit_actor=tree.office_a, office=tree.office_a)  # fmt: skip
    second = advance(make_candidate(tree.office_a, batch, unit=other), "submitted",
                     unit_actor=tree.office_a, office=tree.office_a)  # fmt: skip
    services.candidate_recommend(actor=tree.office_a, candidate=first)
    with pytest.raises(ApplicationError) as err:
        services.candidate_recommend(actor=tree.office_a, candidate=second)
    assert err.value.code == "quota"
    services.candidate_withdraw(actor=tree.office_a, candidate=first, reason="主动撤回")
    services.candidate_recommend(actor=tree.office_a, candidate=second)


def test_open_objection_blocks_approval_until_resolved(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "public_notice",
                        unit_actor=tree.unit_user_a, office=tree.office_a, objection=True)  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_approve(actor=tree.office_a, candidate=candidate)
    assert err.value.code == "objections"
    objection = candidate.notices.get().objections.get()
    with pytest.raises(ApplicationError):
        services.objection_resolve(actor=tree.office_a, objection=objection, upheld=False, resolution="")
    services.objection_resolve(
        actor=tree.office_a, objection=objection, upheld=False, resolution="经核查不属实"
    )
    services.candidate_approve(actor=tree.office_a, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.APPROVED


def test_upheld_objection_leads_to_rejection_not_approval(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "public_notice",
                        unit_actor=tree.unit_user_a, office=tree.office_a, objection=True)  # fmt: skip
    objection = candidate.notices.get().objections.get()
    services.objection_resolve(actor=tree.office_a, objection=objection, upheld=True, resolution="情况属实")
    with pytest.raises(ApplicationError):
        services.candidate_approve(actor=tree.office_a, candidate=candidate)
    services.candidate_reject(actor=tree.office_a, candidate=candidate, reason="公示异议属实")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.REJECTED
    with pytest.raises(ApplicationError):
        services.candidate_withdraw(actor=tree.office_a, candidate=candidate, reason="x")


def test_approval_waits_for_the_end_of_the_notice(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "site_assessment",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    services.candidate_open_notice(actor=tree.office_a, candidate=candidate, start_date=TODAY,
                                   end_date=TODAY + datetime.timedelta(days=7))  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_approve(actor=tree.office_a, candidate=candidate)
    assert err.value.field == "notice"
    with pytest.raises(ApplicationError):
        services.objection_record(actor=tree.office_a, candidate=candidate, received_on=TODAY - datetime.timedelta(days=1),
                                  content="早于公示")  # fmt: skip


def test_notice_needs_a_site_visit_and_a_passing_final_score(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "preliminary_review",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    services.candidate_start_site_assessment(actor=tree.office_a, candidate=candidate)
    with pytest.raises(ApplicationError) as err:
        services.candidate_open_notice(
            actor=tree.office_a, candidate=candidate, start_date=TODAY, end_date=TODAY
        )
    assert err.value.field == "site_visit"
    services.site_visit_record(actor=tree.office_a, candidate=candidate, visit_date=TODAY, team="组",
                               method="announced", findings="好")  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_open_notice(
            actor=tree.office_a, candidate=candidate, start_date=TODAY, end_date=TODAY
        )
    assert err.value.field == "final_score"
    leaves = system.indicators.filter(children__isnull=True)
    services.review_finalize(actor=tree.office_a, candidate=candidate, reason="实地核减",
                             scores={i.pk: (0, "无") for i in leaves})  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.candidate_open_notice(
            actor=tree.office_a, candidate=candidate, start_date=TODAY, end_date=TODAY
        )
    assert "pass line" in str(err.value.message)


def test_area_candidate_is_recommended_by_the_level_above_only(tree):
    from shiliu.creation.choices import TargetKind

    make_system(name="乡镇体系", target_kind=TargetKind.TOWNSHIP, unit_type_code=None)
    batch = make_batch(tree.county_a)
    candidate = make_candidate(tree.office_a, batch, area=tree.town_a)
    assert candidate.unit is None and candidate.system.target_kind == "township"
    advance(candidate, "submitted", unit_actor=tree.office_a, office=tree.office_a)
    from shiliu.orgs.tests.factories import make_user

    town_office = make_user("town_office", "office", tree.town_a)
    with pytest.raises(NotVisible):
        services.candidate_recommend(actor=town_office, candidate=candidate)
    services.candidate_recommend(actor=tree.office_a, candidate=candidate)


def test_return_during_review_reopens_the_reviewers_sheets(setup):
    tree, system, batch = setup
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "preliminary_review",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    services.candidate_return(actor=tree.office_a, candidate=candidate, reason="材料需补充")
    review = candidate.assessments.get(kind="review")
    assert review.status == AssessmentStatus.DRAFT
    candidate = advance(candidate, "preliminary_review", unit_actor=tree.unit_user_a, office=tree.office_a)
    review.refresh_from_db()
    assert (
        review.status == AssessmentStatus.SUBMITTED and candidate.stage == CandidateStage.PRELIMINARY_REVIEW
    )
