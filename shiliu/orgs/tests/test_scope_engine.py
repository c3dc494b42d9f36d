import pytest

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import CHANGE, visible_to
from shiliu.orgs import services
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area, Unit, UnitType


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_office_sees_only_its_subtree(tree):
    visible = visible_to(Unit.objects.all(), tree.office_a)
    assert names(visible) == ["东关街道中心小学", "团结社区居委会"]


def test_ancestor_office_sees_all_below(tree):
    assert visible_to(Unit.objects.all(), tree.city_office).count() == 4


def test_unit_liaison_sees_own_unit_only(tree):
    assert names(visible_to(Unit.objects.all(), tree.unit_user_a)) == ["团结社区居委会"]


def test_user_without_area_sees_nothing(tree):
    assert visible_to(Unit.objects.all(), tree.nobody).count() == 0
    assert visible_to(Area.objects.all(), tree.nobody).count() == 0


def test_leader_reads_but_never_writes(tree):
    assert visible_to(Unit.objects.all(), tree.leader).count() == 4
    assert visible_to(Unit.objects.all(), tree.leader, CHANGE).count() == 0


def test_area_code_must_extend_parent(tree):
    with pytest.raises(ApplicationError) as exc:
        services.area_create(
            actor=tree.city_office,
            name="错误镇",
            code="990201001000",
            level=AreaLevel.TOWNSHIP,
            parent=tree.county_a,
        )
    assert "990101" in str(exc.value.message)
    assert exc.value.field == "code"


def test_sibling_office_cannot_create_in_other_county(tree):
    with pytest.raises(NotVisible):
        services.area_create(
            actor=tree.office_b,
            name="新镇",
            code="990101002000",
            level=AreaLevel.TOWNSHIP,
            parent=tree.county_a,
        )
    assert not Area.objects.filter(code="990101002000").exists()


def test_area_move_rebases_subtree_and_units(tree):
    services.area_move(
        actor=tree.city_office, area=tree.town_a, new_parent=tree.county_b, new_code="990102009000"
    )
    tree.village_a.refresh_from_db()
    assert tree.village_a.code == "990102009001"
    assert tree.village_a.path == "990102009001"
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.area_path == "990102009001"
    assert visible_to(Unit.objects.all(), tree.office_b).filter(pk=tree.unit_a.pk).exists()


def test_unit_update_out_of_scope_rolls_back(tree):
    with pytest.raises(NotVisible):
        services.unit_update(actor=tree.office_a, unit=tree.unit_a2, area=tree.village_b)
    tree.unit_a2.refresh_from_db()
    assert tree.unit_a2.area == tree.town_a


def test_contact_is_encrypted_at_rest(tree):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select contact_phone from orgs_unit where id = %s", [tree.unit_a.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("enc1:") and "13812345678" not in raw
    assert Unit.objects.get(pk=tree.unit_a.pk).contact_phone == "13812345678"


def test_credit_code_checksum(tree):
    from shiliu.core.validators import validate_credit_code

    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(ApplicationError):
        validate_credit_code("91350100M000100Y44")
    unit_type = UnitType.objects.get(code="enterprise")
    with pytest.raises(ApplicationError) as exc:
        services.unit_create(
            actor=tree.office_a, name="坏代码公司", unit_type=unit_type, area=tree.town_a, credit_code="123"
        )
    assert exc.value.field == "credit_code"


def test_area_move_rebases_every_copied_path(tree):
    from shiliu.orgs.services import path_copying_models

    names = {model.__name__ for model in path_copying_models()}
    assert {"Unit", "AreaStatistics"} <= names
    assert not any(name.startswith("Historical") for name in names)
    services.area_move(
        actor=tree.city_office, area=tree.town_a, new_parent=tree.county_b, new_code="990102009000"
    )
    for model in path_copying_models():
        assert not model._base_manager.filter(area_path__startswith="990101001").exists(), model.__name__
