"""The scope matrix of model candidates and honours: web lists (with search), details, edit and stage forms,
exports, and the figures, for users from the same area, an ancestor, a sibling, an unrelated branch, a unit
liaison, a read-only leader and a user without an area.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test.
"""

import datetime

import pytest
from django.urls import reverse

from shiliu.honors.choices import CandidateStage, HonourLevel
from shiliu.honors.models import Honour, ModelCandidate
from shiliu.honors.selectors import honour_figures
from shiliu.honors.tests.factories import advance, make_candidate

from .test_scope_matrix import USERS, client_for, oracle_area_ids, xlsx_text
from .test_scope_matrix import world as world  # the fixture, re-exported for pytest


@pytest.fixture
def ledger(world):
    t = world
    t.cands = {
        "王芳": make_candidate(t.office_a, unit=t.unit_a, name="王芳"),
        "东关服务队": make_candidate(t.office_a, area=t.town_a, name="东关服务队"),
        "李明": make_candidate(t.office_b, unit=t.unit_b, name="李明"),
        "远方先进": make_candidate(t.admin, unit=t.other_unit, name="远方先进"),
        "市局标兵": make_candidate(t.city_office, unit=t.dept, name="市局标兵"),
    }
    for name in ("王芳", "李明", "远方先进"):
        advance(t.admin, t.cands[name], CandidateStage.COMMENDED, level=HonourLevel.CITY,
                decision_date=datetime.date(2025, 9, 1))  # fmt: skip
    return t


def oracle_candidates(user) -> set[str]:
    areas = oracle_area_ids(user)
    qs = ModelCandidate.objects.filter(area_id__in=areas)
    if user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    return set(qs.values_list("name", flat=True))


def oracle_honours(user) -> set[str]:
    names = oracle_candidates(user)
    return set(Honour.objects.filter(candidate__name__in=names).values_list("candidate__name", flat=True))


def get_user(username):
    from shiliu.accounts.models import User

    return User.objects.get(username=username)


SURFACES = {
    "candidate list": (lambda: reverse("honors:candidate_list"), {}, oracle_candidates, lambda r: r.obj.name),
    "candidate search": (
        lambda: reverse("honors:candidate_list"), {"q": "王"},
        lambda u: {n for n in oracle_candidates(u) if "王" in n}, lambda r: r.obj.name,
    ),
    "honour list": (lambda: reverse("honors:honour_list"), {}, oracle_honours, lambda r: r.obj.candidate.name),
}  # fmt: skip


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("surface", SURFACES)
def test_lists_show_exactly_the_scope(ledger, username, surface):
    url, params, oracle, label = SURFACES[surface]
    user = get_user(username)
    expected = oracle(user)
    response = client_for(username).get(url(), params)
    assert response.status_code == 200
    assert {label(row) for row in response.context["rows"]} == expected
    assert response.context["total"] == len(expected)
    body = response.content.decode()
    for name in set(ledger.cands) - expected:
        assert f">{name}<" not in body, f"{surface}: {name} leaked to {username}"


@pytest.mark.parametrize("username", USERS)
def test_details_and_forms_follow_the_scope(ledger, username):
    user = get_user(username)
    visible = oracle_candidates(user)
    client = client_for(username)
    for name, candidate in ledger.cands.items():
        detail = client.get(reverse("honors:candidate_detail", args=[candidate.pk])).status_code
        assert detail == (200 if name in visible else 404), (name, detail)
        edit = client.get(reverse("honors:candidate_edit", args=[candidate.pk])).status_code
        stage = client.post(
            reverse("honors:candidate_stage", args=[candidate.pk, "reject"]), {"reason": "测试"}
        )
        if name not in visible or username == "leader":
            assert edit == 404 and stage.status_code == 404, (name, edit, stage.status_code)
        else:
            assert edit == 200, name
    # Nothing outside the scope moved.
    for name, candidate in ledger.cands.items():
        candidate.refresh_from_db()
        if name not in visible:
            assert candidate.stage != CandidateStage.REJECTED


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(
    "sheet,oracle", [("model_candidates", oracle_candidates), ("honours", oracle_honours)]
)
def test_exports_hold_exactly_the_scope(ledger, username, sheet, oracle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = get_user(username)
    response = client_for(username).get(reverse("exchange:export", args=[sheet]))
    assert response.status_code == 200
    text = xlsx_text(b"".join(response.streaming_content))
    expected = oracle(user)
    for name in expected:
        assert name in text
    for name in set(ledger.cands) - expected:
        assert name not in text, f"{sheet}: {name} leaked to {username}"


@pytest.mark.parametrize("username", USERS)
def test_figures_count_exactly_the_scope(ledger, username):
    user = get_user(username)
    figures = honour_figures(user=user)
    assert figures["candidates_total"].value == len(oracle_candidates(user))
    assert figures["honours_total"].value == len(oracle_honours(user))
    assert {c.name for c in figures["candidates_total"].records} == oracle_candidates(user)


@pytest.mark.parametrize("username", USERS)
def test_home_panel_counts_the_scope_and_links_to_it(ledger, username):
    import re

    user = get_user(username)
    response = client_for(username).get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    expected = oracle_candidates(user)
    if not expected:
        assert 'id="honour-figures"' not in body
        return
    total = sum(
        int(n)
        for n in re.findall(r'data-figure="candidates_\w+">\s*<div class="card-body">\s*<div class="subheader">'
                            r'[^<]*</div>\s*<div class="h2 mb-0">(\d+)<', body)
    )  # fmt: skip
    assert total == len(expected)
    for name in set(ledger.cands) - expected:
        assert name not in body
