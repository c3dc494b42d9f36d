"""Indicator systems: items and their rules, publishing checks, immutability once published, and cloning for a
new year with the item mapping."""

import pytest

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.creation import services
from shiliu.creation.choices import SystemStatus, TargetKind
from shiliu.creation.models import IndicatorMapping

from .factories import make_system

pytestmark = pytest.mark.django_db


def _draft(tree, **extra):
    return services.system_create(actor=tree.admin, name="测试县体系", target_kind=TargetKind.COUNTY, year=2026,
                                  total_points=20, pass_line=18, bonus_cap=0, **extra)  # fmt: skip


def test_build_publish_and_lock(tree):
    system = _draft(tree)
    cat = services.item_create(actor=tree.admin, system=system, code="1", title="党的领导", points=20)
    assert cat.level == "category"
    services.item_create(actor=tree.admin, system=system, parent=cat, code="1.1", title="领导小组", points=8,
                         rule_kind="all_or_nothing")  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.system_publish(actor=tree.admin, system=system)
    # Language-independent: the message names the category, its items' sum and its points.
    message = str(err.value.message)
    assert message.startswith("1") and "8.00" in message and "20.00" in message
    item = services.item_create(actor=tree.admin, system=system, parent=cat, code="1.2", title="会议", points=12,
                                rule_kind="deduct_per_missing", rule_params={"required": 2, "deduct": 6})  # fmt: skip
    sub = services.item_create(
        actor=tree.admin, system=system, parent=item, code="1.2.1", title="子项", points=12
    )
    assert sub.level == "sub_item"
    with pytest.raises(ApplicationError):
        services.item_create(
            actor=tree.admin, system=system, parent=sub, code="x", title="too deep", points=1
        )
    services.system_publish(actor=tree.admin, system=system)
    system.refresh_from_db()
    assert system.status == SystemStatus.PUBLISHED and system.published_at
    with pytest.raises(ApplicationError) as err:
        services.item_update(actor=tree.admin, item=item, points=10)
    assert err.value.code == "locked"
    with pytest.raises(ApplicationError):
        services.system_publish(actor=tree.admin, system=system)
    services.system_retire(actor=tree.admin, system=system)


def test_item_rules_are_validated_and_codes_unique(tree):
    system = _draft(tree)
    cat = services.item_create(actor=tree.admin, system=system, code="1", title="类", points=20)
    with pytest.raises(ApplicationError) as err:
        services.item_create(actor=tree.admin, system=system, parent=cat, code="1.1", title="x", points=5,
                             rule_kind="bands", rule_params={"bands": [[1, 6]]})  # fmt: skip
    assert err.value.field == "rule_params"
    with pytest.raises(ApplicationError) as err:
        services.item_create(actor=tree.admin, system=system, parent=cat, code="1", title="x", points=5)
    assert err.value.field == "code"
    with pytest.raises(ApplicationError) as err:
        services.item_create(actor=tree.admin, system=system, parent=cat, code="1.3", title="x", points=5,
                             source="activities")  # manual rule with a source  # fmt: skip
    assert err.value.field == "rule_kind"


def test_platform_systems_are_edited_by_administrators_and_area_systems_by_their_office(tree):
    with pytest.raises(NotVisible):
        services.system_create(actor=tree.office_a, name="x", target_kind="county", year=2026)
    with pytest.raises(NotVisible):
        services.system_create(
            actor=tree.unit_user_a, name="x", target_kind="county", year=2026, area=tree.village_a
        )
    own = services.system_create(actor=tree.office_a, name="东城体系", target_kind="township", year=2026,
                                 area=tree.county_a)  # fmt: skip
    with pytest.raises(NotVisible):
        services.system_update(actor=tree.office_b, system=own, note="x")
    services.system_update(actor=tree.city_office, system=own, note="市级修改")


def test_item_move_swaps_siblings(tree):
    system = _draft(tree)
    a = services.item_create(actor=tree.admin, system=system, code="A", title="a", points=10)
    b = services.item_create(actor=tree.admin, system=system, code="B", title="b", points=10)
    services.item_move(actor=tree.admin, item=b, direction="up")
    from shiliu.creation.selectors import indicator_tree

    assert [n.code for n in indicator_tree(system=system)] == ["B", "A"]
    services.item_delete(actor=tree.admin, item=a)
    assert [n.code for n in indicator_tree(system=system)] == ["B"]


def test_clone_copies_tree_veto_items_and_maps_old_to_new(tree):
    system = make_system()
    clone = services.system_clone(actor=tree.admin, system=system, year=2026)
    assert clone.status == SystemStatus.DRAFT and clone.cloned_from == system and clone.year == 2026
    old_codes = sorted(system.indicators.values_list("code", flat=True))
    assert sorted(clone.indicators.values_list("code", flat=True)) == old_codes
    assert clone.veto_items.count() == 2
    maps = IndicatorMapping.objects.filter(old_indicator__system=system)
    assert maps.count() == len(old_codes)
    assert all(m.old_indicator.code == m.new_indicator.code for m in maps)
    a2_new = clone.indicators.get(code="A2")
    assert a2_new.parent.system == clone and a2_new.rule_params == {"required": 4, "deduct": 5}
    # A split: old A1 now maps to two new items.
    a1_old = system.indicators.get(code="A1")
    extra = services.item_create(actor=tree.admin, system=clone, parent=clone.indicators.get(code="A"), code="A3",
                                 title="新增", points=0)  # fmt: skip
    services.mapping_set(
        actor=tree.admin, old_indicator=a1_old, new_indicators=[clone.indicators.get(code="A1"), extra]
    )
    assert set(
        IndicatorMapping.objects.filter(old_indicator=a1_old).values_list("new_indicator__code", flat=True)
    ) == {"A1", "A3"}
    with pytest.raises(ApplicationError):
        services.mapping_set(
            actor=tree.admin, old_indicator=a1_old, new_indicators=[system.indicators.get(code="B1")]
        )
    from shiliu.creation.selectors import mapping_rows

    rows = {r["old"].code: [n.code for n in r["new"]] for r in mapping_rows(system=clone)}
    assert rows["A1"] == ["A1", "A3"] and rows["B2"] == ["B2"]
