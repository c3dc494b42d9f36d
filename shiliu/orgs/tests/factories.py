"""Small builders for tests: a tree with siblings, units and one user per role."""

from itertools import count

from shiliu.accounts.models import User
from shiliu.core.roles import Role
from shiliu.core.validators import credit_code_check_char
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area, Unit, UnitType
from shiliu.orgs.services import unit_types_ensure_defaults

_seq = count(1)


def make_area(name: str, code: str, level: AreaLevel, parent: Area | None = None) -> Area:
    from shiliu.orgs.services import _path_for

    return Area.objects.create(name=name, code=code, level=level, parent=parent, path=_path_for(code, level))


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"91650100{n:09d}"[:17]
    return body + credit_code_check_char(body)


def make_unit(area: Area, name: str | None = None, type_code: str = "enterprise", **extra) -> Unit:
    unit_type = UnitType.objects.get(code=type_code)
    return Unit.objects.create(
        name=name or f"测试单位{next(_seq)}", unit_type=unit_type, area=area, area_path=area.path, **extra
    )


def make_user(username: str, role: str, area: Area | None = None, unit: Unit | None = None, **extra) -> User:
    user = User(username=username, role=role, area=area, unit=unit, **extra)
    user.set_password("Test-Passw0rd!")
    user.save()
    return user


class Tree:
    """province 99 → city 9901 → counties 990101 (A) and 990102 (B) → townships → villages → grids."""

    def __init__(self):
        # Transactional tests elsewhere may have flushed the rows the data migration seeded.
        unit_types_ensure_defaults()
        L = AreaLevel
        self.province = make_area("示范省", "990000000000", L.PROVINCE)
        self.city = make_area("石榴市", "990100000000", L.CITY, self.province)
        self.county_a = make_area("东城区", "990101000000", L.COUNTY, self.city)
        self.county_b = make_area("西山县", "990102000000", L.COUNTY, self.city)
        self.town_a = make_area("东关街道", "990101001000", L.TOWNSHIP, self.county_a)
        self.town_b = make_area("西山镇", "990102001000", L.TOWNSHIP, self.county_b)
        self.village_a = make_area("团结社区", "990101001001", L.VILLAGE, self.town_a)
        self.village_b = make_area("和睦村", "990102001001", L.VILLAGE, self.town_b)
        self.grid_a = make_area("团结社区第一网格", "990101001001001", L.GRID, self.village_a)
        self.unit_a = make_unit(
            self.village_a, "团结社区居委会", "community", contact_name="张三丰", contact_phone="13812345678"
        )
        self.unit_a2 = make_unit(self.town_a, "东关街道中心小学", "school")
        self.unit_b = make_unit(
            self.village_b, "和睦村村委会", "community", contact_name="李四", contact_phone="13900001111"
        )
        self.dept = make_unit(self.city, "石榴市教育局", "agency", is_member_department=True)
        self.admin = make_user("admin", Role.ADMIN, is_superuser=True, is_staff=True)
        self.city_office = make_user("city_office", Role.OFFICE, self.city)
        self.office_a = make_user("office_a", Role.OFFICE, self.county_a)
        self.office_b = make_user("office_b", Role.OFFICE, self.county_b)
        self.leader = make_user("leader", Role.LEADER, self.city)
        self.unit_user_a = make_user("unit_a", Role.UNIT, self.village_a, self.unit_a)
        self.dept_user = make_user("dept", Role.DEPARTMENT, self.city, self.dept)
        self.grid_user = make_user("grid_a", Role.GRID, self.grid_a)
        self.nobody = make_user("nobody", Role.OFFICE, None)
