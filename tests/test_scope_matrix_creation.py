"""The scope matrix of demonstration creation: candidate and title lists (with search), exports, candidate pages,
gap lists (and their printable form), self-assessments, evidence, titles and step forms, for users from the same
area, an ancestor, a sibling, an unrelated branch, a unit liaison, a read-only leader and a user without an area.
Indicator systems are shared configuration: every user with an area reads them, nobody else.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test.
"""

import pytest
from django.urls import reverse

from shiliu.creation.choices import AssessmentKind, CandidateStage
from shiliu.creation.models import Candidate, Evidence, Title
from shiliu.creation.services import evidence_add
from shiliu.creation.tests.factories import make_batch, make_candidate, make_system, title_for

from .test_scope_matrix import USERS, client_for, oracle_area_ids, xlsx_text
from .test_scope_matrix import world as world  # the fixture, re-exported for pytest


@pytest.fixture
def ledger(world):
    t = world
    t.systems = [
        make_system(),  # communities
        make_system(name="测试学校测评体系", unit_type_code="school"),
        make_system(name="测试乡镇测评体系", target_kind="township", unit_type_code=None),
    ]
    batch_a, batch_b, batch_far = make_batch(t.county_a), make_batch(t.county_b), make_batch(t.other_county)
    t.cands = {
        "团结社区居委会": make_candidate(t.unit_user_a, batch_a, unit=t.unit_a),
        "东关街道": make_candidate(t.office_a, batch_a, area=t.town_a),
        "和睦村村委会": make_candidate(t.office_b, batch_b, unit=t.unit_b),
        "远方县民族中学": make_candidate(t.admin, batch_far, unit=t.other_unit),
    }
    t.titles = {
        "团结社区居委会": title_for(t.office_a, unit=t.unit_a),
        "和睦村村委会": title_for(t.office_b, unit=t.unit_b),
        "远方县民族中学": title_for(t.admin, unit=t.other_unit),
    }
    t.evidence = {}
    for name in ("团结社区居委会", "和睦村村委会"):
        score = t.cands[name].assessments.get(kind=AssessmentKind.SELF).item_scores.get(indicator__code="A1")
        t.evidence[name] = evidence_add(actor=t.admin, item_score=score, kind="document", title=f"{name}计划",
                                        note="会议纪要")  # fmt: skip
    return t


def get_user(username):
    from shiliu.accounts.models import User

    return User.objects.get(username=username)


def oracle_candidates(user) -> set[str]:
    areas = oracle_area_ids(user)
    qs = Candidate.objects.filter(area_id__in=areas)
    if user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    return {c.target_name for c in qs.select_related("unit", "area")}


def oracle_titles(user) -> set[str]:
    areas = oracle_area_ids(user)
    qs = Title.objects.filter(area_id__in=areas)
    if user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    return {t.holder_name for t in qs.select_related("unit", "area")}


SURFACES = {
    "candidate list": (lambda: reverse("creation:candidate_list"), {}, oracle_candidates, "cands"),
    "candidate search": (
        lambda: reverse("creation:candidate_list"), {"q": "村"},
        lambda u: {n for n in oracle_candidates(u) if "村" in n}, "cands",
    ),
    "title list": (lambda: reverse("creation:title_list"), {}, oracle_titles, "titles"),
    "title search": (
        lambda: reverse("creation:title_list"), {"q": "远方"},
        lambda u: {n for n in oracle_titles(u) if "远方" in n}, "titles",
    ),
}  # fmt: skip


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("surface", SURFACES)
def test_lists_show_exactly_the_scope(ledger, username, surface):
    url, params, oracle, kind = SURFACES[surface]
    user = get_user(username)
    expected = oracle(user)
    response = client_for(username).get(url(), params)
    assert response.status_code == 200
    label = (lambda r: r.obj.target_name) if kind == "cands" else (lambda r: r.obj.holder_name)
    assert {label(row) for row in response.context["rows"]} == expected
    assert response.context["total"] == len(expected)
    body = response.content.decode()
    for name in set(getattr(ledger, kind)) - expected:
        assert f">{name}<" not in body, f"{surface}: {name} leaked to {username}"


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("sheet,oracle,kind", [("creation_candidates", oracle_candidates, "cands"),
                                               ("creation_titles", oracle_titles, "titles")])  # fmt: skip
def test_exports_hold_exactly_the_scope(ledger, username, sheet, oracle, kind, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = get_user(username)
    response = client_for(username).get(reverse("exchange:export", args=[sheet]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = xlsx_text(content)
    expected = oracle(user)
    for name in expected:
        assert name in text
    for name in set(getattr(ledger, kind)) - expected:
        assert name not in text, f"{sheet}: {name} leaked to {username}"


@pytest.mark.parametrize("username", USERS)
def test_candidate_pages_follow_the_scope(ledger, username):
    """Same 404 for foreign and missing: detail, gap list (and print), self-assessment, evidence."""
    user = get_user(username)
    visible = oracle_candidates(user)
    client = client_for(username)
    missing = Candidate.objects.order_by("-pk").first().pk + 1000
    for name, candidate in [*ledger.cands.items(), ("missing", None)]:
        pk = candidate.pk if candidate else missing
        expected = 200 if name in visible else 404
        assert client.get(reverse("creation:candidate_detail", args=[pk])).status_code == expected, name
        assert client.get(reverse("creation:gap_list", args=[pk])).status_code == expected, name
        assert client.get(reverse("creation:gap_list", args=[pk]), {"print": "1"}).status_code == expected, (
            name
        )
        if candidate is not None:
            assessment = candidate.assessments.get(kind=AssessmentKind.SELF)
            status = client.get(reverse("creation:assessment_edit", args=[assessment.pk])).status_code
            assert status == expected, (name, status)
    for name, evidence in ledger.evidence.items():
        expected = 200 if name in visible else 404
        assert client.get(reverse("creation:evidence_detail", args=[evidence.pk])).status_code == expected, (
            name
        )
        if name not in visible:
            assert client.post(reverse("creation:evidence_remove", args=[evidence.pk])).status_code == 404
    assert Evidence.objects.count() == len(ledger.evidence)


@pytest.mark.parametrize("username", USERS)
def test_steps_on_foreign_candidates_give_404_and_change_nothing(ledger, username):
    user = get_user(username)
    visible = oracle_candidates(user)
    client = client_for(username)
    for name, candidate in ledger.cands.items():
        if name in visible:
            continue
        for step in ("submit", "withdraw", "reject"):
            response = client.post(
                reverse(f"creation:candidate_{step}", args=[candidate.pk]), {"reason": "测试"}
            )
            assert response.status_code == 404, (name, step)
    for candidate in ledger.cands.values():
        candidate.refresh_from_db()
        assert candidate.stage == CandidateStage.DRAFT


@pytest.mark.parametrize("username", USERS)
def test_title_pages_follow_the_scope(ledger, username):
    user = get_user(username)
    visible = oracle_titles(user)
    client = client_for(username)
    for name, title in ledger.titles.items():
        expected = 200 if name in visible else 404
        assert client.get(reverse("creation:title_detail", args=[title.pk])).status_code == expected, name
        if name not in visible:
            status = client.post(
                reverse("creation:title_revoke", args=[title.pk]), {"reason": "x"}
            ).status_code
            assert status == 404, (name, status)
    assert client.get(reverse("creation:title_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("username", USERS)
def test_systems_are_shared_configuration(ledger, username):
    user = get_user(username)
    client = client_for(username)
    response = client.get(reverse("creation:system_list"))
    assert response.status_code == 200
    shown = {row.obj.pk for row in response.context["rows"]}
    expected = {s.pk for s in ledger.systems} if user.area_id or user.role == "admin" else set()
    assert shown == expected
    detail = client.get(reverse("creation:system_detail", args=[ledger.systems[0].pk])).status_code
    assert detail == (200 if expected else 404)
