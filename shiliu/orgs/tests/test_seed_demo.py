"""The demo seed: deterministic, idempotent, valid codes, every unit type, one login per role."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection

from shiliu.accounts.models import User
from shiliu.core.roles import Role
from shiliu.core.validators import validate_credit_code
from shiliu.orgs.choices import SIGNIFICANT_DIGITS, AreaLevel
from shiliu.orgs.demo import SCALES, generate_city
from shiliu.orgs.models import Area, AreaStatistics, Unit, UnitType

pytestmark = pytest.mark.django_db

YEARS = ["--last-year", "2025"]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", *YEARS, *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(Area.objects.values_list("code", "name", "level", "path", "parent__code")),
        sorted(
            Unit.objects.values_list(
                "area__code", "unit_type__code", "name", "credit_code", "address", "is_member_department"
            )
        ),
        sorted(
            AreaStatistics.objects.values_list(
                "area__code", "year", "households", "population", "minority_population", "ethnic_groups"
            )
        ),
        sorted(User.objects.values_list("username", "role", "area__code", "unit__name")),
    )


def test_generation_is_deterministic():
    spec = SCALES["tiny"][0]
    first, second = generate_city(spec, [2023, 2024, 2025]), generate_city(spec, [2023, 2024, 2025])
    assert first.areas == second.areas
    assert first.units == second.units
    assert first.stats == second.stats


def test_second_run_changes_nothing():
    seed()
    before = snapshot()
    contacts = dict(Unit.objects.values_list("pk", "contact_phone"))
    output = seed()
    assert snapshot() == before
    assert dict(Unit.objects.values_list("pk", "contact_phone")) == contacts
    assert "0 areas, 0 units and 0 statistics rows added" in output


def test_flush_reseeds_the_same_data():
    seed()
    before = snapshot()
    seed("--flush")
    assert snapshot() == before


def test_codes_extend_their_parents_and_paths_are_significant_digits():
    seed()
    areas = list(Area.objects.select_related("parent"))
    assert {a.level for a in areas} == set(AreaLevel)
    for area in areas:
        assert area.code.startswith("99")
        assert area.path == area.code[: SIGNIFICANT_DIGITS[AreaLevel(area.level)]]
        if area.parent is None:
            assert area.level == AreaLevel.PROVINCE
        else:
            assert area.code.startswith(area.parent.path)
            assert area.level == area.parent.level + 1
    for unit in Unit.objects.select_related("area"):
        assert unit.area_path == unit.area.path
    for stats in AreaStatistics.objects.select_related("area"):
        assert stats.area_path == stats.area.path
        assert stats.minority_population <= stats.population
        assert stats.ethnic_groups <= 56


def test_credit_codes_are_valid_unique_and_present_where_required():
    seed()
    codes = list(Unit.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert codes and len(codes) == len(set(codes))
    for code in codes:
        assert validate_credit_code(code) == code
    assert not Unit.objects.filter(unit_type__requires_credit_code=True, credit_code="").exists()


def test_every_unit_type_has_units_and_there_are_member_departments():
    seed()
    assert set(Unit.objects.values_list("unit_type__code", flat=True)) == set(
        UnitType.objects.values_list("code", flat=True)
    )
    assert Unit.objects.filter(is_member_department=True, name="石榴市教育局").exists()


def test_contacts_are_encrypted_at_rest():
    seed()
    unit = Unit.objects.exclude(contact_phone="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_name FROM orgs_unit WHERE id = %s", [unit.pk])
        stored_phone, stored_name = cursor.fetchone()
    assert stored_phone.startswith("enc1:") and stored_name.startswith("enc1:")
    assert unit.contact_phone.isdigit() and len(unit.contact_phone) == 11


def test_one_login_per_role_with_the_printed_password():
    output = seed()
    users = {u.username: u for u in User.objects.select_related("area", "unit")}
    assert {u.role for u in users.values()} == set(Role.values)
    for username, user in users.items():
        assert username in output
        assert authenticate(username=username, password="Shiliu@2026") == user
    assert users["demo_unit"].unit.unit_type.code == "community"
    assert users["demo_department"].unit.is_member_department
    assert users["demo_grid"].area.level == AreaLevel.GRID
    assert users["demo_county_office"].area.level == AreaLevel.COUNTY
    assert "Shiliu@2026" in output
