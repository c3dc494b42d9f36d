"""Services of model candidates: the stage table, rejection reasons, scope refusals and rollbacks."""

import datetime

import pytest

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.honors import services
from shiliu.honors.choices import STAGE_TRANSITIONS, CandidateKind, CandidateStage, HonourLevel
from shiliu.honors.models import CandidateTransition, Honour, ModelCandidate

from .factories import DAY, HONOUR, advance, make_candidate


def test_candidate_records_only_name_unit_and_deeds():
    """A person is stored with name, unit and honour only (DOMAIN.md): no sensitive or identifying attribute."""
    forbidden = ("ethnic", "nationalit", "minzu", "religio", "faith", "belief", "identity", "idcard", "phone",
                 "mobile", "gender", "sex", "birth", "age", "address", "email", "photo", "political", "health")  # fmt: skip
    for model in (ModelCandidate, Honour, CandidateTransition):
        tokens = {(f.name, t) for f in model._meta.get_fields() for t in f.name.lower().split("_")}
        leaks = [
            name
            for name, token in tokens
            if token.startswith(forbidden) or token in ("id", "no") and name != "id"
        ]
        assert leaks == [], (model.__name__, leaks)
    own = {f.name for f in ModelCandidate._meta.concrete_fields}
    assert own == {"id", "created_at", "updated_at", "kind", "name", "unit", "area", "area_path", "deeds",
                   "discovered_on", "stage"}  # fmt: skip


def test_happy_path_records_every_step_with_who_when_why(tree):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    assert candidate.stage == CandidateStage.DISCOVERED and candidate.area_path == tree.village_a.path
    services.candidate_cultivate(actor=tree.unit_user_a, candidate=candidate, reason="纳入培育库")
    services.candidate_recommend(actor=tree.office_a, candidate=candidate, reason="群众公认")
    honour = services.candidate_commend(
        actor=tree.city_office, candidate=candidate, level=HonourLevel.CITY, decision_date=datetime.date(2025, 9, 1),
        **HONOUR,
    )  # fmt: skip
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.COMMENDED
    assert honour.area_path == candidate.area_path and honour.level == HonourLevel.CITY
    steps = list(candidate.transitions.values_list("from_stage", "to_stage", "actor__username", "reason"))
    assert steps == [
        ("", "discovered", "office_a", ""),
        ("discovered", "cultivating", "unit_a", "纳入培育库"),
        ("cultivating", "recommended", "office_a", "群众公认"),
        ("recommended", "commended", "city_office", HONOUR["reason"]),
    ]
    assert all(t.at is not None for t in candidate.transitions.all())
    assert candidate.history.count() == 4


@pytest.mark.parametrize("source", list(CandidateStage))
@pytest.mark.parametrize(
    "service,target",
    [
        (services.candidate_cultivate, CandidateStage.CULTIVATING),
        (services.candidate_recommend, CandidateStage.RECOMMENDED),
        (services.candidate_reject, CandidateStage.REJECTED),
    ],
)
def test_only_the_table_moves_a_stage(tree, source, service, target):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    ModelCandidate.objects.filter(pk=candidate.pk).update(stage=source)  # set the scene only
    candidate.refresh_from_db()
    before = CandidateTransition.objects.count()
    if target in STAGE_TRANSITIONS[source]:
        service(actor=tree.office_a, candidate=candidate, reason="理由")
        candidate.refresh_from_db()
        assert candidate.stage == target
        assert CandidateTransition.objects.count() == before + 1
    else:
        with pytest.raises(ApplicationError) as exc:
            service(actor=tree.office_a, candidate=candidate, reason="理由")
        assert exc.value.code == "illegal_transition"
        candidate.refresh_from_db()
        assert candidate.stage == source
        assert CandidateTransition.objects.count() == before


def test_commend_only_from_recommended_and_nothing_is_left_behind(tree):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    with pytest.raises(ApplicationError):
        services.candidate_commend(
            actor=tree.office_a, candidate=candidate, level=HonourLevel.COUNTY, decision_date=DAY, **HONOUR
        )
    assert not Honour.objects.exists()
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.DISCOVERED


def test_commend_with_a_bad_honour_rolls_the_stage_back(tree):
    candidate = advance(
        tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.RECOMMENDED
    )
    with pytest.raises(ApplicationError) as exc:
        services.candidate_commend(
            actor=tree.office_a, candidate=candidate, level="galactic", decision_date=DAY, **HONOUR
        )
    assert exc.value.field == "level"
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.RECOMMENDED
    assert not candidate.transitions.filter(to_stage=CandidateStage.COMMENDED).exists()


@pytest.mark.parametrize("reason", ["", "   ", "\u3000"])
def test_rejection_without_reason_is_refused(tree, reason):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    with pytest.raises(ApplicationError) as exc:
        services.candidate_reject(actor=tree.office_a, candidate=candidate, reason=reason)
    assert exc.value.field == "reason"
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.DISCOVERED


def test_rejection_keeps_its_reason_and_closes_the_candidate(tree):
    candidate = advance(
        tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.CULTIVATING
    )
    services.candidate_reject(actor=tree.office_a, candidate=candidate, reason="事迹不够典型")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.REJECTED and not candidate.is_open
    assert candidate.transitions.last().reason == "事迹不够典型"
    with pytest.raises(ApplicationError):
        services.candidate_cultivate(actor=tree.office_a, candidate=candidate)


def test_unit_liaison_may_cultivate_but_not_decide(tree):
    candidate = make_candidate(tree.unit_user_a, unit=tree.unit_a)
    services.candidate_cultivate(actor=tree.unit_user_a, candidate=candidate)
    with pytest.raises(ApplicationError) as exc:
        services.candidate_recommend(actor=tree.unit_user_a, candidate=candidate)
    assert exc.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        services.candidate_reject(actor=tree.unit_user_a, candidate=candidate, reason="不予推荐")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.CULTIVATING


@pytest.mark.parametrize("username", ["office_b", "leader", "nobody", "grid_a", "unit_a"])
def test_writes_outside_scope_are_refused_and_write_nothing(tree, username):
    from shiliu.accounts.models import User

    actor = User.objects.get(username=username)
    target = tree.unit_a2 if username == "unit_a" else tree.unit_a  # unit_a may only write its own unit
    with pytest.raises(NotVisible):
        make_candidate(actor, unit=target)
    assert not ModelCandidate.objects.exists() and not CandidateTransition.objects.exists()
    candidate = make_candidate(tree.office_a, unit=target)
    for call in (
        lambda: services.candidate_update(actor=actor, candidate=candidate, name="改名"),
        lambda: services.candidate_cultivate(actor=actor, candidate=candidate),
        lambda: services.candidate_reject(actor=actor, candidate=candidate, reason="x"),
    ):
        with pytest.raises(NotVisible):
            call()
    candidate.refresh_from_db()
    assert (candidate.name, candidate.stage, candidate.transitions.count()) == ("王芳", "discovered", 1)


def test_unit_liaison_cannot_record_a_collective_without_their_unit(tree):
    with pytest.raises(NotVisible):
        make_candidate(tree.unit_user_a, area=tree.village_a, name="团结社区志愿服务队")


def test_a_write_that_leaves_the_scope_is_rolled_back(tree, monkeypatch):
    """Should the check before the write miss, the re-read after it undoes the whole write."""
    monkeypatch.setattr(services, "ensure_writable", lambda *a, **k: None)
    with pytest.raises(NotVisible):
        make_candidate(tree.office_b, unit=tree.unit_a)
    assert not ModelCandidate.objects.exists()
    assert not CandidateTransition.objects.exists()
    assert not ModelCandidate.history.exists()
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    with pytest.raises(NotVisible):
        services.candidate_update(actor=tree.office_a, candidate=candidate, unit=tree.unit_b)
    candidate.refresh_from_db()
    assert candidate.unit_id == tree.unit_a.pk and candidate.area_path == tree.village_a.path


def test_clean_rules(tree):
    with pytest.raises(ApplicationError) as exc:
        services.candidate_create(actor=tree.office_a, kind=CandidateKind.INDIVIDUAL, name="王芳",
                                  area=tree.village_a, deeds="x")  # fmt: skip
    assert exc.value.field == "unit"
    with pytest.raises(ApplicationError) as exc:
        make_candidate(tree.office_a, unit=tree.unit_a, name=" ")
    assert exc.value.field == "name"
    with pytest.raises(ApplicationError) as exc:
        make_candidate(tree.office_a, unit=tree.unit_a, discovered_on=datetime.date(2999, 1, 1))
    assert exc.value.field == "discovered_on"
    with pytest.raises(ApplicationError):
        services.candidate_update(actor=tree.office_a, candidate=make_candidate(tree.office_a, unit=tree.unit_a),
                                  stage=CandidateStage.COMMENDED)  # fmt: skip
    collective = make_candidate(tree.office_a, area=tree.village_a, name="团结社区志愿服务队")
    assert collective.unit is None and collective.area_path == tree.village_a.path


def test_moving_a_candidate_moves_its_honours(tree):
    candidate = advance(
        tree.city_office, make_candidate(tree.city_office, unit=tree.unit_a), CandidateStage.COMMENDED
    )
    services.candidate_update(actor=tree.city_office, candidate=candidate, unit=tree.unit_b)
    assert set(Honour.objects.values_list("area_path", flat=True)) == {tree.village_b.path}


def test_further_honours_only_for_commended_candidates(tree):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    with pytest.raises(ApplicationError):
        services.honour_add(actor=tree.office_a, candidate=candidate, level=HonourLevel.PROVINCE,
                            decision_date=DAY, **HONOUR)  # fmt: skip
    advance(tree.office_a, candidate, CandidateStage.COMMENDED, level=HonourLevel.COUNTY)
    services.honour_add(actor=tree.office_a, candidate=candidate, level=HonourLevel.PROVINCE,
                        decision_date=datetime.date(2025, 10, 1), **HONOUR)  # fmt: skip
    assert sorted(candidate.honours.values_list("level", flat=True)) == ["county", "province"]
    with pytest.raises(NotVisible):
        services.honour_add(actor=tree.unit_user_a, candidate=candidate, level=HonourLevel.CITY,
                            decision_date=datetime.date(2025, 10, 1), **HONOUR)  # fmt: skip
