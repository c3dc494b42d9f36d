"""The scope matrix of pairing assistance: lists (with search), details, edit and record forms, exports and the
figures, for users from the same area, an ancestor, a sibling, an unrelated branch, unit and department liaisons,
a read-only leader and a user without an area.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test: a pairing is visible when its village lies at or below the user's area and,
for a liaison, when it is their unit's pairing.
"""

import pytest
from django.urls import reverse

from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.tests.factories import make_area
from shiliu.pairing.models import Pairing, PairingFund, PairingOutcome, PairingProject, PairingVisit
from shiliu.pairing.selectors import pairing_figures
from shiliu.pairing.tests.factories import make_fund, make_outcome, make_pairing, make_project, make_visit

from .test_scope_matrix import USERS, client_for, oracle_area_ids, xlsx_text
from .test_scope_matrix import world as world  # the fixture, re-exported for pytest

MATRIX_USERS = [*USERS, "dept"]


@pytest.fixture
def ledger(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = world
    far_town = make_area("远方镇", "990201001000", AreaLevel.TOWNSHIP, t.other_county)
    far_village = make_area("远方村", "990201001001", AreaLevel.VILLAGE, far_town)
    t.pairings = {
        "dept": make_pairing(t.dept, t.village_a),
        "school": make_pairing(t.unit_a2, t.village_a),
        "community": make_pairing(t.unit_a, t.village_a),
        "west": make_pairing(t.unit_b, t.village_b),
        "far": make_pairing(t.other_unit, far_village),
    }
    for key, pairing in t.pairings.items():
        Pairing.objects.filter(pk=pairing.pk).update(goals=f"目标{key}")
        make_visit(pairing, activities=f"走访{key}")
        make_fund(pairing, purpose=f"资金{key}")
        make_project(pairing, name=f"项目{key}")
        make_outcome(pairing, description=f"成效{key}")
    return t


def get_user(username):
    from shiliu.accounts.models import User

    return User.objects.get(username=username)


def oracle_pairings(user) -> set[int]:
    areas = oracle_area_ids(user)
    qs = Pairing.objects.filter(village_id__in=areas)
    if user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    return set(qs.values_list("pk", flat=True))


def oracle_records(model):
    def oracle(user):
        return set(model.objects.filter(pairing_id__in=oracle_pairings(user)).values_list("pk", flat=True))

    return oracle


SURFACES = {
    "pairing list": ("pairing:pairing_list", {}, oracle_pairings),
    "pairing search": (
        "pairing:pairing_list", {"q": "团结"},
        lambda u: oracle_pairings(u) & set(Pairing.objects.filter(village__name__contains="团结").values_list("pk", flat=True)),
    ),
    "visit list": ("pairing:visit_list", {}, oracle_records(PairingVisit)),
    "fund list": ("pairing:fund_list", {}, oracle_records(PairingFund)),
    "project list": ("pairing:project_list", {}, oracle_records(PairingProject)),
    "outcome list": ("pairing:outcome_list", {}, oracle_records(PairingOutcome)),
}  # fmt: skip


@pytest.mark.parametrize("username", MATRIX_USERS)
@pytest.mark.parametrize("surface", SURFACES)
def test_lists_show_exactly_the_scope(ledger, username, surface):
    url_name, params, oracle = SURFACES[surface]
    user = get_user(username)
    expected = oracle(user)
    response = client_for(username).get(reverse(url_name), params)
    assert response.status_code == 200
    assert {row.obj.pk for row in response.context["rows"]} == expected
    assert response.context["total"] == len(expected)
    body = response.content.decode()
    visible_keys = {k for k, p in ledger.pairings.items() if p.pk in oracle_pairings(user)}
    for key in set(ledger.pairings) - visible_keys:
        for word in ("走访", "资金", "项目", "成效"):
            assert f"{word}{key}<" not in body, f"{surface}: {key} leaked to {username}"


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_details_and_forms_follow_the_scope(ledger, username):
    user = get_user(username)
    visible = oracle_pairings(user)
    client = client_for(username)
    for key, pairing in ledger.pairings.items():
        seen = pairing.pk in visible
        assert client.get(reverse("pairing:pairing_detail", args=[pairing.pk])).status_code == (
            200 if seen else 404
        )
        visit = pairing.visits.get()
        assert client.get(reverse("pairing:visit_detail", args=[visit.pk])).status_code == (
            200 if seen else 404
        )
        edit = client.get(reverse("pairing:pairing_edit", args=[pairing.pk])).status_code
        assert edit == (200 if seen and user.role == "office" else 404), (key, edit)
        record = client.get(reverse("pairing:visit_create", args=[pairing.pk])).status_code
        if not seen:
            assert record == 404, (key, record)
        else:
            assert record == (403 if user.role == "leader" else 200), (key, record)
        posted = client.post(
            reverse("pairing:visit_edit", args=[visit.pk]),
            {"visited_on": "2025-03-02", "people": "1", "activities": "改"},
        )
        assert posted.status_code == (302 if seen and user.role != "leader" else 404)
    changed = set(PairingVisit.objects.filter(activities="改").values_list("pairing_id", flat=True))
    assert changed == (set() if user.role == "leader" else visible)


@pytest.mark.parametrize("username", MATRIX_USERS)
@pytest.mark.parametrize(
    "sheet,model",
    [("pairings", None), ("pairing_visits", PairingVisit), ("pairing_funds", PairingFund),
     ("pairing_projects", PairingProject)],
)  # fmt: skip
def test_exports_hold_exactly_the_scope(ledger, username, sheet, model):
    user = get_user(username)
    response = client_for(username).get(reverse("exchange:export", args=[sheet]))
    assert response.status_code == 200
    text = xlsx_text(b"".join(response.streaming_content) if response.streaming else response.content)
    visible = oracle_pairings(user)
    prefix = {None: "目标", PairingVisit: "走访", PairingFund: "资金", PairingProject: "项目"}[model]
    for key, pairing in ledger.pairings.items():
        assert (f"{prefix}{key}" in text) == (pairing.pk in visible), (sheet, key, username)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_figures_count_exactly_the_scope(ledger, username):
    user = get_user(username)
    figures = pairing_figures(user=user)
    visible = oracle_pairings(user)
    assert set(figures["pairings_active"].records.values_list("pk", flat=True)) == visible
    assert figures["visits"].value == len(oracle_records(PairingVisit)(user))
    assert figures["projects"].value == len(oracle_records(PairingProject)(user))
    assert figures["jobs_arranged"].value == 2 * len(visible)
