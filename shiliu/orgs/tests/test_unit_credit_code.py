"""The credit code rule of unit_clean: required where the unit type has one, for new units, a changed type
or a cleared code; legacy units without a code stay editable."""

import pytest

from shiliu.core.errors import ApplicationError
from shiliu.orgs import services
from shiliu.orgs.models import Unit, UnitType
from shiliu.orgs.tests.factories import credit_code

pytestmark = pytest.mark.django_db


def unit_type(code):
    return UnitType.objects.get(code=code)


def test_a_new_school_without_a_credit_code_is_refused(tree):
    before = Unit.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.unit_create(
            actor=tree.office_a, name="东关第二小学", unit_type=unit_type("school"), area=tree.town_a
        )
    assert exc.value.field == "credit_code"
    assert "学校" in exc.value.message
    assert Unit.objects.count() == before


def test_spaces_only_count_as_no_credit_code(tree):
    with pytest.raises(ApplicationError) as exc:
        services.unit_create(
            actor=tree.office_a,
            name="东关第二小学",
            unit_type=unit_type("school"),
            area=tree.town_a,
            credit_code="  ",
        )
    assert exc.value.field == "credit_code"


def test_a_new_school_with_a_credit_code_is_created(tree):
    unit = services.unit_create(
        actor=tree.office_a,
        name="东关第二小学",
        unit_type=unit_type("school"),
        area=tree.town_a,
        credit_code=credit_code(3001).lower(),
    )
    assert unit.credit_code == credit_code(3001)


@pytest.mark.parametrize("type_code", ["military", "education_base", "other"])
def test_types_without_a_credit_code_need_none(tree, type_code):
    unit = services.unit_create(
        actor=tree.office_a, name="东关民兵连", unit_type=unit_type(type_code), area=tree.town_a
    )
    assert unit.pk and unit.credit_code == ""


def test_a_legacy_unit_without_a_credit_code_stays_editable(tree):
    legacy = Unit.objects.create(
        name="老字号企业", unit_type=unit_type("enterprise"), area=tree.town_a, area_path=tree.town_a.path
    )
    services.unit_update(actor=tree.office_a, unit=legacy, address="东关路1号", contact_phone="13700001234")
    legacy.refresh_from_db()
    assert (legacy.address, legacy.contact_phone, legacy.credit_code) == ("东关路1号", "13700001234", "")
    # Passing the empty code it has on record is no change either (forms always send every field).
    services.unit_update(actor=tree.office_a, unit=legacy, name="老字号企业有限公司", credit_code="")
    legacy.refresh_from_db()
    assert legacy.name == "老字号企业有限公司"


def test_a_legacy_unit_cannot_change_to_another_type_with_a_credit_code_without_one(tree):
    legacy = Unit.objects.create(
        name="老字号企业", unit_type=unit_type("enterprise"), area=tree.town_a, area_path=tree.town_a.path
    )
    with pytest.raises(ApplicationError) as exc:
        services.unit_update(actor=tree.office_a, unit=legacy, unit_type=unit_type("school"))
    assert exc.value.field == "credit_code"
    legacy.refresh_from_db()
    assert legacy.unit_type.code == "enterprise"
    # With a code, or to a type without one, the change goes through.
    services.unit_update(actor=tree.office_a, unit=legacy, unit_type=unit_type("other"))
    services.unit_update(
        actor=tree.office_a, unit=legacy, unit_type=unit_type("school"), credit_code=credit_code(3002)
    )
    legacy.refresh_from_db()
    assert (legacy.unit_type.code, legacy.credit_code) == ("school", credit_code(3002))


def test_a_credit_code_on_record_cannot_be_cleared(tree):
    code = credit_code(3003)
    unit = services.unit_create(
        actor=tree.office_a,
        name="东关第二小学",
        unit_type=unit_type("school"),
        area=tree.town_a,
        credit_code=code,
    )
    with pytest.raises(ApplicationError) as exc:
        services.unit_update(actor=tree.office_a, unit=unit, credit_code="")
    assert exc.value.field == "credit_code"
    unit.refresh_from_db()
    assert unit.credit_code == code
    # Where the new type has no credit code, it may go with the type.
    services.unit_update(
        actor=tree.office_a, unit=unit, unit_type=unit_type("education_base"), credit_code=""
    )
    unit.refresh_from_db()
    assert (unit.unit_type.code, unit.credit_code) == ("education_base", "")
