"""Creation pages through HTTP: lists, the candidate detail with its timeline, every step (allowed and refused,
reasons required), the self-assessment editor with evidence, reviewers' scoring and the gap list."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shiliu.activities.tests.factories import png_bytes
from shiliu.core.attachments import attachments_of
from shiliu.creation.choices import AssessmentKind, CandidateStage, ObjectionStatus
from shiliu.creation.models import Assessment, Candidate, CandidateEvent, Evidence, Objection

from .factories import advance, make_batch, make_candidate, make_system, score_self

PASSWORD = "Test-Passw0rd!"
pytestmark = pytest.mark.django_db


def client_for(username, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=username, password=PASSWORD)
    return client


def row_ids(response):
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


def errors_for(response, field):
    return re.findall(rf'data-error-for="{field}">([^<]+)<', response.content.decode())


def steps_on(response):
    return set(re.findall(r'data-step="(\w+)"', response.content.decode()))


@pytest.fixture
def world(tree):
    tree.system = make_system()
    tree.batch = make_batch(tree.county_a)
    tree.batch_b = make_batch(tree.county_b)
    tree.cand = make_candidate(tree.unit_user_a, tree.batch, unit=tree.unit_a)
    tree.cand_b = make_candidate(tree.office_b, tree.batch_b, unit=tree.unit_b)
    return tree


def url(name, *args):
    return reverse(f"creation:{name}", args=args)


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize(
    "name", ["system_list", "candidate_list", "title_list", "batch_list", "veto_event_list", "check_list",
             "rectification_list"],
)  # fmt: skip
def test_lists_render_for_an_office_and_a_unit(world, name):
    for username in ("office_a", "unit_a", "leader"):
        response = client_for(username).get(url(name))
        assert response.status_code == 200, (username, name)


def test_candidate_list_filters_and_scope(world):
    office = client_for("office_a")
    assert row_ids(office.get(url("candidate_list"))) == [world.cand.pk]
    assert row_ids(client_for("city_office").get(url("candidate_list"), {"sort": "-created"})) == [
        world.cand_b.pk, world.cand.pk,
    ]  # fmt: skip
    city = client_for("city_office")
    assert row_ids(city.get(url("candidate_list"), {"batch": world.batch_b.pk})) == [world.cand_b.pk]
    assert row_ids(city.get(url("candidate_list"), {"stage": "submitted"})) == []
    assert row_ids(city.get(url("candidate_list"), {"stage": "draft", "level": "county"})) != []
    assert row_ids(city.get(url("candidate_list"), {"q": "和睦"})) == [world.cand_b.pk]
    assert row_ids(office.get(url("candidate_list"), {"area": world.county_b.pk})) == []


def test_candidate_list_paginates_by_keyset(world, settings):
    settings.LIST_PAGE_SIZE = 1
    city = client_for("city_office")
    first = city.get(url("candidate_list"))
    assert len(row_ids(first)) == 1
    cursor = first.context["page"].next_cursor
    second = city.get(url("candidate_list"), {"cursor": cursor})
    assert row_ids(second) and row_ids(second) != row_ids(first)


# ---------------------------------------------------------------- candidate creation


def test_unit_liaison_opens_a_candidacy_through_the_form(world):
    world.cand.delete()  # the fixture's candidacy; the form creates it again
    client = client_for("unit_a")
    page = client.get(url("candidate_create"))
    assert page.status_code == 200
    response = client.post(
        url("candidate_create"),
        {"batch": world.batch.pk, "area": world.village_a.pk, "unit_name": "团结社区居委会"},
    )
    candidate = Candidate.objects.get(unit=world.unit_a, batch=world.batch)
    assert response.status_code == 302 and response["Location"] == url("candidate_detail", candidate.pk)
    assert candidate.assessments.filter(kind=AssessmentKind.SELF).exists()
    # A second application to the same batch is refused on the batch field.
    again = client.post(
        url("candidate_create"),
        {"batch": world.batch.pk, "area": world.village_a.pk, "unit_name": "团结社区居委会"},
    )
    assert again.status_code == 200 and errors_for(again, "batch")


def test_candidate_form_refuses_a_unit_outside_the_scope(world):
    response = client_for("unit_a").post(
        url("candidate_create"),
        {"batch": world.batch.pk, "area": world.village_b.pk, "unit_name": "和睦村村委会"},
    )
    assert response.status_code == 200
    assert errors_for(response, "area") or errors_for(response, "unit_name")


def test_leader_may_not_create(world):
    assert client_for("leader").get(url("candidate_create")).status_code == 403


# ---------------------------------------------------------------- detail and steps


def test_detail_shows_timeline_and_only_the_allowed_steps(world):
    unit = client_for("unit_a").get(url("candidate_detail", world.cand.pk))
    assert unit.status_code == 200
    assert 'data-timeline-step="created"' in unit.content.decode()
    assert steps_on(unit) == {"submit", "withdraw"}
    office = client_for("office_a").get(url("candidate_detail", world.cand.pk))
    assert "recommend" not in steps_on(office)  # nothing to recommend before submission


def test_step_refused_for_the_wrong_role_or_stage(world):
    unit = client_for("unit_a")
    # A unit does not recommend itself; a draft cannot be approved.
    assert unit.get(url("candidate_recommend", world.cand.pk)).status_code == 404
    assert unit.post(url("candidate_recommend", world.cand.pk), {"reason": "x"}).status_code == 404
    assert client_for("office_a").post(url("candidate_approve", world.cand.pk)).status_code == 404
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.DRAFT
    # A sibling county's office sees nothing at all.
    assert client_for("office_b").get(url("candidate_detail", world.cand.pk)).status_code == 404
    assert client_for("office_b").post(url("candidate_submit", world.cand.pk)).status_code == 404


def test_submit_then_return_requires_a_reason(world):
    score_self(world.unit_user_a, world.cand)
    unit = client_for("unit_a")
    assert unit.get(url("candidate_submit", world.cand.pk)).status_code == 200
    response = unit.post(url("candidate_submit", world.cand.pk))
    assert response.status_code == 302
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.SUBMITTED
    office = client_for("office_a")
    assert {"return", "recommend", "reject"} <= steps_on(office.get(url("candidate_detail", world.cand.pk)))
    refused = office.post(url("candidate_return", world.cand.pk), {"reason": ""})
    assert refused.status_code == 200 and errors_for(refused, "reason")
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.SUBMITTED
    done = office.post(url("candidate_return", world.cand.pk), {"reason": "台账不全"})
    assert done.status_code == 302
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.RETURNED
    event = CandidateEvent.objects.filter(candidate=world.cand).latest("id")
    assert event.reason == "台账不全" and event.actor == world.office_a
    page = client_for("unit_a").get(url("candidate_detail", world.cand.pk)).content.decode()
    assert "台账不全" in page


def test_reject_and_withdraw_require_a_reason(world):
    score_self(world.unit_user_a, world.cand)
    client_for("unit_a").post(url("candidate_submit", world.cand.pk))
    office = client_for("office_a")
    assert errors_for(office.post(url("candidate_reject", world.cand.pk), {"reason": " "}), "reason")
    assert errors_for(
        client_for("unit_a").post(url("candidate_withdraw", world.cand.pk), {"reason": ""}), "reason"
    )
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.SUBMITTED


def test_full_path_through_the_pages(world):
    """Self-assessment → submission → recommendation → review → site visit → notice → objection → approval →
    naming, every step through its page."""
    today = timezone.localdate()
    unit, office = client_for("unit_a"), client_for("office_a")
    assessment = world.cand.assessments.get(kind=AssessmentKind.SELF)
    rows = list(assessment.item_scores.select_related("indicator"))
    data = {}
    for row in rows:
        data[f"points_{row.indicator_id}"] = str(row.indicator.points)
        data[f"note_{row.indicator_id}"] = "齐全"
    saved = unit.post(url("assessment_edit", assessment.pk), data)
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert assessment.score > 0
    assert unit.post(url("candidate_submit", world.cand.pk)).status_code == 302
    # Locked after submission: the editor no longer accepts scores.
    assert unit.post(url("assessment_edit", assessment.pk), data).status_code == 404

    assert office.post(url("candidate_recommend", world.cand.pk), {"reason": "同意推荐"}).status_code == 302
    assert office.post(url("candidate_start_review", world.cand.pk)).status_code == 302
    review_page = office.get(url("candidate_review", world.cand.pk))
    assert review_page.status_code == 200
    review_data = {f"points_{r.indicator_id}": str(r.indicator.points) for r in rows} | {"submit": "1"}
    assert office.post(url("candidate_review", world.cand.pk), review_data).status_code == 302
    assert Assessment.objects.get(candidate=world.cand, kind=AssessmentKind.REVIEW).is_locked
    assert office.post(url("candidate_start_site_assessment", world.cand.pk)).status_code == 302
    visit_data = {"visit_date": (today - datetime.timedelta(days=25)).isoformat(), "team": "评审组",
                  "method": "unannounced", "findings": "台账齐全"}  # fmt: skip
    # A file that is not a photo refuses the whole visit: nothing is half-written.
    fake = SimpleUploadedFile("现场.jpg", b"not an image", content_type="image/jpeg")
    refused = office.post(url("candidate_site_visit", world.cand.pk), visit_data | {"photos": [fake]})
    assert refused.status_code == 200 and not world.cand.site_visits.exists()
    photo = SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png")
    visit = office.post(url("candidate_site_visit", world.cand.pk), visit_data | {"photos": [photo]})
    assert visit.status_code == 302
    site_visit = world.cand.site_visits.get()
    (stored,) = attachments_of(site_visit)
    page = office.get(url("candidate_detail", world.cand.pk)).content.decode()
    assert "data-site-visit-photos" in page and reverse("core:attachment", args=[stored.pk]) in page
    assert office.get(reverse("core:attachment", args=[stored.pk])).status_code == 200
    assert client_for("office_b").get(reverse("core:attachment", args=[stored.pk])).status_code == 404
    assert errors_for(office.post(url("candidate_finalize", world.cand.pk), {"reason": ""}), "reason")
    assert office.post(url("candidate_finalize", world.cand.pk), {"reason": "取平均分"}).status_code == 302
    notice = office.post(
        url("candidate_open_notice", world.cand.pk),
        {"start_date": (today - datetime.timedelta(days=20)).isoformat(),
         "end_date": (today - datetime.timedelta(days=10)).isoformat(), "channel": "政府网站"},
    )  # fmt: skip
    assert notice.status_code == 302
    assert (
        office.post(
            url("candidate_objection", world.cand.pk),
            {"received_on": (today - datetime.timedelta(days=15)).isoformat(), "content": "反映台账不实"},
        ).status_code
        == 302
    )
    objection = Objection.objects.get(notice__candidate=world.cand)
    # Approval is refused while the objection is open (the service says why).
    refused = office.post(url("candidate_approve", world.cand.pk))
    assert refused.status_code == 200
    resolved = office.post(
        url("objection_resolve", objection.pk), {"status": "dismissed", "resolution": "经核实不属实"}
    )
    assert resolved.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    assert office.post(url("candidate_approve", world.cand.pk)).status_code == 302
    naming_form = office.get(url("candidate_name", world.cand.pk)).content.decode()
    assert "data-step-context" in naming_form and world.batch.name in naming_form
    named = office.post(
        url("candidate_name", world.cand.pk),
        {"document_number": "东城创〔2026〕3号", "named_on": today.isoformat()},
    )
    assert named.status_code == 302
    world.cand.refresh_from_db()
    assert world.cand.stage == CandidateStage.NAMED
    detail = unit.get(url("candidate_detail", world.cand.pk)).content.decode()
    for action in (
        "submitted",
        "recommended",
        "site_visit",
        "public_notice",
        "objection",
        "approved",
        "named",
    ):
        assert f'data-timeline-step="{action}"' in detail, action
    titles = unit.get(url("title_list"))
    assert titles.status_code == 200 and "东城创〔2026〕3号" in titles.content.decode()


def test_unit_liaison_cannot_take_office_steps_later(world):
    advance(world.cand, "site_assessment", unit_actor=world.unit_user_a, office=world.office_a)
    unit = client_for("unit_a")
    for step in ("site_visit", "open_notice", "finalize", "reject"):
        assert unit.get(url(f"candidate_{step}", world.cand.pk)).status_code == 404, step
    assert unit.get(url("candidate_review", world.cand.pk)).status_code == 404


# ---------------------------------------------------------------- self-assessment and evidence


def test_editor_shows_items_suggestions_and_saves_notes(world):
    assessment = world.cand.assessments.get(kind=AssessmentKind.SELF)
    client = client_for("unit_a")
    page = client.get(url("assessment_edit", assessment.pk))
    body = page.content.decode()
    assert page.status_code == 200
    for code in ("A1", "A2", "B1", "B2", "X1"):
        assert f'data-item="{code}"' in body
    a1 = assessment.item_scores.get(indicator__code="A1")
    response = client.post(url("assessment_edit", assessment.pk), {f"points_{a1.indicator_id}": "10",
                                                                     f"note_{a1.indicator_id}": "已成立"})  # fmt: skip
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.points == 10 and a1.note == "已成立"
    # Above the item's points: a form error on that field, nothing saved.
    too_much = client.post(url("assessment_edit", assessment.pk), {f"points_{a1.indicator_id}": "11"})
    assert too_much.status_code == 200 and errors_for(too_much, f"points_{a1.indicator_id}")


def test_office_above_reads_the_self_assessment_but_cannot_edit(world):
    assessment = world.cand.assessments.get(kind=AssessmentKind.SELF)
    city = client_for("city_office")
    page = city.get(url("assessment_edit", assessment.pk))
    assert page.status_code == 200
    assert client_for("office_b").get(url("assessment_edit", assessment.pk)).status_code == 404


def test_evidence_upload_link_and_remove(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    assessment = world.cand.assessments.get(kind=AssessmentKind.SELF)
    score = assessment.item_scores.get(indicator__code="A1")
    client = client_for("unit_a")
    assert client.get(url("evidence_add", score.pk)).status_code == 200
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(
        url("evidence_add", score.pk), {"kind": "document", "title": "年度工作计划", "file": pdf}
    )
    assert response.status_code == 302, re.findall(
        r'(?:data-error-for="\w+"|data-form-errors)>([^<]+)<', response.content.decode()
    )
    evidence = Evidence.objects.get(item_score=score)
    assert evidence.title == "年度工作计划"
    from shiliu.core.attachments import attachments_of

    assert attachments_of(evidence).count() == 1
    assert client.get(url("evidence_detail", evidence.pk)).status_code == 200
    # The picker lists records in scope; linking one is done by the service.
    picker = client.get(url("evidence_search", score.pk), {"source": "honour"})
    assert picker.status_code == 200
    assert client.get(url("evidence_search", score.pk), {"source": "nonsense"}).status_code == 404
    # A sibling office cannot reach the item score at all.
    assert client_for("office_b").get(url("evidence_add", score.pk)).status_code == 404
    assert client_for("office_b").get(url("evidence_remove", evidence.pk)).status_code == 404
    assert client.post(url("evidence_remove", evidence.pk)).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_linking_a_platform_record_found_in_the_picker(world):
    from shiliu.honors.choices import CandidateStage as HonourStage
    from shiliu.honors.models import Honour
    from shiliu.honors.tests.factories import advance as commend
    from shiliu.honors.tests.factories import make_candidate as make_model

    own = make_model(world.office_a, unit=world.unit_a, name="王芳")
    foreign = make_model(world.office_b, unit=world.unit_b, name="李明")
    for person in (own, foreign):
        commend(world.admin, person, HonourStage.COMMENDED)
    own_honour, foreign_honour = Honour.objects.get(candidate=own), Honour.objects.get(candidate=foreign)
    score = world.cand.assessments.get(kind=AssessmentKind.SELF).item_scores.get(indicator__code="X1")
    client = client_for("unit_a")
    picker = client.get(url("evidence_search", score.pk), {"source": "honour"}).content.decode()
    assert f'data-record="honors.honour:{own_honour.pk}"' in picker
    assert f'data-record="honors.honour:{foreign_honour.pk}"' not in picker
    linked = client.post(url("evidence_link", score.pk),
                         {"record_kind": "honors.honour", "record_id": own_honour.pk, "kind": "ledger"})  # fmt: skip
    assert linked.status_code == 302
    evidence = Evidence.objects.get(item_score=score)
    assert evidence.object_id == own_honour.pk
    editor = client.get(url("assessment_edit", score.assessment_id)).content.decode()
    assert url("evidence_detail", evidence.pk) in editor
    # A record of another county is refused with the same 404 as a missing one.
    refused = client.post(url("evidence_link", score.pk),
                          {"record_kind": "honors.honour", "record_id": foreign_honour.pk, "kind": "ledger"})  # fmt: skip
    assert refused.status_code == 404
    assert not Evidence.objects.filter(object_id=foreign_honour.pk).exists()


def test_linking_a_quiz_from_the_picker_as_survey_evidence(world):
    from shiliu.quizzes.tests.factories import knowledge_quiz

    year = world.cand.year
    own = knowledge_quiz(world.office_a, unit=world.unit_a, year=year, title="团结社区政策知晓测试")
    foreign = knowledge_quiz(world.office_b, unit=world.unit_b, year=year, title="和睦村政策知晓测试")
    score = world.cand.assessments.get(kind=AssessmentKind.SELF).item_scores.get(indicator__code="B1")
    client = client_for("unit_a")
    picker = client.get(url("evidence_search", score.pk), {"source": "quiz"}).content.decode()
    assert f'data-record="quizzes.quiz:{own.pk}"' in picker and "团结社区政策知晓测试" in picker
    assert f'data-record="quizzes.quiz:{foreign.pk}"' not in picker
    assert 'name="kind" value="survey"' in picker
    linked = client.post(url("evidence_link", score.pk),
                         {"record_kind": "quizzes.quiz", "record_id": own.pk, "kind": "survey"})  # fmt: skip
    assert linked.status_code == 302
    evidence = Evidence.objects.get(item_score=score)
    assert (evidence.kind, evidence.object_id, evidence.rate) == ("survey", own.pk, None)
    refused = client.post(url("evidence_link", score.pk),
                          {"record_kind": "quizzes.quiz", "record_id": foreign.pk, "kind": "survey"})  # fmt: skip
    assert refused.status_code == 404


# ---------------------------------------------------------------- reviewers


def test_each_reviewer_sees_own_scores_only(world):
    from shiliu.orgs.tests.factories import make_user

    second = make_user("office_a2", "office", world.county_a)
    advance(world.cand, "recommended", unit_actor=world.unit_user_a, office=world.office_a)
    client_for("office_a").post(url("candidate_start_review", world.cand.pk))
    rows = list(world.system.indicators.filter(children__isnull=True))
    client_for("office_a2").post(url("candidate_review", world.cand.pk),
                                 {f"points_{r.pk}": "1" for r in rows})  # a draft  # fmt: skip
    draft = Assessment.objects.get(candidate=world.cand, reviewer=second)
    assert not draft.is_locked
    first_view = client_for("office_a").get(url("candidate_detail", world.cand.pk)).content.decode()
    assert f'href="{url("review_edit", draft.pk)}"' not in first_view  # another reviewer's draft stays hidden
    assert client_for("office_a2").get(url("review_edit", draft.pk)).status_code == 302  # own draft → editor
    assert client_for("office_a").get(url("review_edit", draft.pk)).status_code == 404
    assert client_for("city_office").get(url("review_edit", draft.pk)).status_code == 404


# ---------------------------------------------------------------- gap list


def test_gap_list_and_printable_todo(world):
    score_self(world.unit_user_a, world.cand, points={"A2": 20, "B1": 0})
    client = client_for("unit_a")
    page = client.get(url("gap_list", world.cand.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-gap-item="A2"' in body and "data-gap-shortfall" in body
    printable = client.get(url("gap_list", world.cand.pk), {"print": "1"})
    assert printable.status_code == 200
    text = printable.content.decode()
    assert 'data-todo="B1"' in text and 'data-todo="A2"' in text and 'data-todo="A1"' not in text
    assert client_for("office_b").get(url("gap_list", world.cand.pk)).status_code == 404


# ---------------------------------------------------------------- home panel and navigation


def test_home_panel_counts_candidates_in_scope_and_links_to_them(world):
    body = client_for("office_a").get(reverse("core:home")).content.decode()
    assert 'id="creation-figures"' in body
    draft = re.search(r'href="([^"]+)" data-figure="candidates_draft">\s*<div class="card-body">\s*'
                      r'<div class="subheader">[^<]*</div>\s*<div class="h2 mb-0">(\d+)<', body)  # fmt: skip
    assert draft and draft.group(2) == "1"  # county B's candidate is not counted
    assert row_ids(client_for("office_a").get(draft.group(1).replace("&amp;", "&"))) == [world.cand.pk]
    assert url("candidate_list") in body and url("title_list") in body  # navigation entries
    assert 'id="creation-figures"' not in client_for("nobody").get(reverse("core:home")).content.decode()


# ---------------------------------------------------------------- query counts


def _queries(client, path, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def test_list_and_gap_pages_do_not_grow_with_rows(world):
    from shiliu.orgs.tests.factories import make_unit

    city = client_for("city_office")
    lists = [url("candidate_list"), url("title_list"), url("batch_list")]
    before = [_queries(city, path) for path in lists]
    gap_before = _queries(city, url("gap_list", world.cand.pk))
    for index in range(4):
        unit = make_unit(world.village_a, f"团结社区第{index}居委会", "community")
        make_candidate(world.office_a, world.batch, unit=unit)
    assert [_queries(city, path) for path in lists] == before
    assert _queries(city, url("gap_list", world.cand.pk)) == gap_before
    assert gap_before <= 40, gap_before


def test_veto_check_on_the_self_assessment_needs_a_note(world):
    assessment = world.cand.assessments.get(kind=AssessmentKind.SELF)
    check = assessment.veto_checks.get(veto_item__code="V2")
    client = client_for("unit_a")
    refused = client.post(url("assessment_edit", assessment.pk), {f"veto_{check.pk}": "on"})
    assert refused.status_code == 200 and "data-form-errors" in refused.content.decode()
    check.refresh_from_db()
    assert not check.is_triggered
    done = client.post(url("assessment_edit", assessment.pk), {f"veto_{check.pk}": "on",
                                                               f"veto_note_{check.pk}": "自查发现台账补记"})  # fmt: skip
    assert done.status_code == 302
    check.refresh_from_db()
    assessment.refresh_from_db()
    assert check.is_triggered and assessment.is_vetoed


def test_request_statistics_linked_as_figure_evidence(world):
    score = world.cand.assessments.get(kind=AssessmentKind.SELF).item_scores.get(indicator__code="A1")
    client = client_for("unit_a")
    picker = client.get(url("evidence_search", score.pk), {"source": "requests"}).content.decode()
    assert 'data-record=":requests"' in picker and 'data-action="link-figure"' in picker
    assert client.post(url("evidence_figure", score.pk), {"figure": "forged"}).status_code == 404
    response = client.post(url("evidence_figure", score.pk), {"figure": "requests"})
    assert response.status_code == 302
    evidence = Evidence.objects.get(item_score=score)
    assert evidence.kind == "figure" and evidence.url.startswith("http") and "团结社区" in evidence.title
    assert (
        client_for("office_b").post(url("evidence_figure", score.pk), {"figure": "requests"}).status_code
        == 404
    )
