"""Seed the fictional demo province (codes 99…): areas, units, area statistics and one login per role.

Deterministic and idempotent: rows are matched on their natural keys (area code; unit area + name; statistics
area + year; username) and only missing ones are inserted, so a second run changes nothing. Seeded rows get no
history records (bulk inserts); the demo logins are printed at the end of every run.
"""

from __future__ import annotations

import time
from itertools import islice

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.core.demo import seeders
from shiliu.core.roles import Role
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.demo import DEMO_PREFIX, SCALES, CityData, generate_city, province_row
from shiliu.orgs.models import Area, AreaStatistics, Unit, UnitType
from shiliu.orgs.services import unit_types_ensure_defaults

DEFAULT_PASSWORD = "Shiliu@2026"
BATCH = 2000

# username, role, full name, how to find the area / unit (see _demo_users)
DEMO_USERS = [
    ("demo_admin", Role.ADMIN, "演示管理员"),
    ("demo_city_office", Role.OFFICE, "石榴市创建办"),
    ("demo_county_office", Role.OFFICE, "东城区创建办"),
    ("demo_department", Role.DEPARTMENT, "市教育局联络员"),
    ("demo_unit", Role.UNIT, "团结社区联络员"),
    ("demo_grid", Role.GRID, "团结社区网格员"),
    ("demo_leader", Role.LEADER, "石榴市领导"),
]


def _batches(iterable, size=BATCH):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


class Command(BaseCommand):
    help = "Seed the demo province 示范省 (codes 99…) with areas, units, statistics and one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default="city", help="tiny, city (default), province"
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of the demo logins.")
        parser.add_argument(
            "--last-year", type=int, default=None, help="Last year of area statistics (default: last year)."
        )
        parser.add_argument(
            "--no-records",
            action="store_true",
            help="Only the org tree, units, statistics and logins: skip the domain apps' demo records "
            "(the benchmarks generate their own).",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete the demo province first (demo logins are kept and re-attached).",
        )

    def handle(self, *args, scale, password, last_year, flush, no_records=False, **options):
        started = time.perf_counter()
        last_year = last_year or timezone.localdate().year - 1
        years = [last_year - 2, last_year - 1, last_year]
        if flush:
            self._flush()
        specs = SCALES[scale]
        for spec in specs:
            existing = Area.objects.filter(path__startswith=spec.code[:4], level=AreaLevel.VILLAGE).count()
            if existing and existing != spec.villages:
                raise CommandError(
                    f"{spec.name} ({spec.code}) holds {existing} villages, not the {spec.villages} of scale "
                    f"'{scale}': it was seeded at another scale. Run again with --flush to start over."
                )
        unit_types_ensure_defaults()
        unit_types = dict(UnitType.objects.values_list("code", "id"))
        totals = {"areas": 0, "units": 0, "statistics": 0}
        with transaction.atomic():
            totals["areas"] += self._save_areas([province_row()])
        for spec in specs:
            t0 = time.perf_counter()
            data = generate_city(spec, years)
            with transaction.atomic():
                created = {
                    "areas": self._save_areas(data.areas),
                    "units": self._save_units(data, unit_types),
                    "statistics": self._save_stats(data),
                }
            for key, n in created.items():
                totals[key] += n
            self.stdout.write(
                f"{spec.name}: {len(data.areas)} areas, {len(data.units)} units, {len(data.stats)} statistics rows "
                f"({created['areas']} / {created['units']} / {created['statistics']} new) "
                f"in {time.perf_counter() - t0:.1f} s"
            )
        if any(totals.values()):
            self._analyze()
        logins = self._save_users(password)
        if not no_records:
            for seeder in seeders():
                t0 = time.perf_counter()
                seeder.func(scale=scale, stdout=self.stdout)
                self.stdout.write(f"{seeder.name}: demo records ready in {time.perf_counter() - t0:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready (scale {scale}): {totals['areas']} areas, {totals['units']} units and "
                f"{totals['statistics']} statistics rows added in {time.perf_counter() - started:.1f} s."
            )
        )
        self._print_logins(logins, password)

    # ------------------------------------------------------------ writes

    def _analyze(self) -> None:
        """Refresh planner statistics after a bulk load: until autovacuum gets there, PostgreSQL believes the
        tables are nearly empty and sorts 100,000 units for a first page instead of walking an index."""
        tables = [model._meta.db_table for model in (Area, Unit, AreaStatistics)]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    def _flush(self) -> None:
        try:
            with transaction.atomic():
                # The domain apps' demo records first (they protect units and areas), later apps before earlier.
                for seeder in reversed(seeders()):
                    if seeder.flush is not None:
                        seeder.flush()
                # Demo logins are detached, not deleted (their own records elsewhere stay); the seed re-attaches them.
                User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).update(area=None, unit=None)
                AreaStatistics.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
                Unit.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
                for level in sorted(AreaLevel, reverse=True):
                    Area.objects.filter(path__startswith=DEMO_PREFIX, level=level).delete()
        except ProtectedError as exc:
            raise CommandError(
                f"The demo province is still referenced and cannot be flushed: {exc}"
            ) from None
        self.stdout.write("Flushed the demo province.")

    def _save_areas(self, rows) -> int:
        prefix = rows[0].path if rows[0].level > AreaLevel.PROVINCE else rows[0].path[:2]
        ids = dict(Area.objects.filter(path__startswith=prefix).values_list("code", "id"))
        parent_codes = {r.parent_code for r in rows if r.parent_code and r.parent_code not in ids}
        if parent_codes:
            ids.update(Area.objects.filter(code__in=parent_codes).values_list("code", "id"))
        created = 0
        for level in sorted({r.level for r in rows}):
            new = [
                Area(code=r.code, name=r.name, level=r.level, parent_id=ids.get(r.parent_code), path=r.path)
                for r in rows
                if r.level == level and r.code not in ids
            ]
            for chunk in _batches(new):
                Area.objects.bulk_create(chunk)
            created += len(new)
            if new:
                ids.update(
                    Area.objects.filter(code__in=[a.code for a in new]).values_list("code", "id")
                    if len(new) < 500
                    else Area.objects.filter(path__startswith=prefix, level=level).values_list("code", "id")
                )
        return created

    def _area_ids(self, data: CityData) -> dict[str, tuple[int, str]]:
        return {
            code: (pk, path)
            for code, pk, path in Area.objects.filter(path__startswith=data.spec.code[:4]).values_list(
                "code", "id", "path"
            )
        }

    def _save_units(self, data: CityData, unit_types: dict[str, int]) -> int:
        areas = self._area_ids(data)
        existing = set(
            Unit.objects.filter(area_path__startswith=data.spec.code[:4]).values_list("area_id", "name")
        )
        candidates = [u for u in data.units if (areas[u.area_code][0], u.name) not in existing]
        taken: set[str] = set()
        for chunk in _batches([u.credit_code for u in candidates if u.credit_code], 500):
            taken.update(Unit.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
        new = [
            Unit(
                name=u.name,
                unit_type_id=unit_types[u.type_code],
                area_id=areas[u.area_code][0],
                area_path=areas[u.area_code][1],
                credit_code=u.credit_code,
                address=u.address,
                contact_name=u.contact_name,
                contact_phone=u.contact_phone,
                is_member_department=u.is_member_department,
            )
            for u in candidates
            if u.credit_code not in taken
        ]
        for chunk in _batches(new):
            Unit.objects.bulk_create(chunk)
        return len(new)

    def _save_stats(self, data: CityData) -> int:
        areas = self._area_ids(data)
        existing = set(
            AreaStatistics.objects.filter(area_path__startswith=data.spec.code[:4]).values_list(
                "area_id", "year"
            )
        )
        new = [
            AreaStatistics(
                area_id=areas[s.area_code][0],
                area_path=areas[s.area_code][1],
                year=s.year,
                households=s.households,
                population=s.population,
                minority_population=s.minority_population,
                ethnic_groups=s.ethnic_groups,
            )
            for s in data.stats
            if (areas[s.area_code][0], s.year) not in existing
        ]
        for chunk in _batches(new):
            AreaStatistics.objects.bulk_create(chunk)
        return len(new)

    # ------------------------------------------------------------ logins

    def _targets(self) -> dict[str, tuple[Area | None, Unit | None]]:
        """Where each demo login sits: the city, its first district, a member department, a community, a grid."""
        city = Area.objects.get(code="990100000000")
        county = (
            Area.objects.filter(path__startswith=city.path, level=AreaLevel.COUNTY).order_by("path").first()
        )
        dept = (
            Unit.objects.filter(area=city, is_member_department=True, name__endswith="教育局").first()
            or Unit.objects.filter(area=city, is_member_department=True).order_by("id").first()
        )
        community = (
            Unit.objects.filter(
                area_path__startswith=county.path, unit_type__code="community", name="团结社区居民委员会"
            )
            .select_related("area")
            .first()
            or Unit.objects.filter(area_path__startswith=county.path, unit_type__code="community")
            .select_related("area")
            .order_by("area_path", "id")
            .first()
        )
        grid = Area.objects.filter(parent=community.area, level=AreaLevel.GRID).order_by("path").first()
        return {
            "demo_admin": (None, None),
            "demo_city_office": (city, None),
            "demo_county_office": (county, None),
            "demo_department": (city, dept),
            "demo_unit": (community.area, community),
            "demo_grid": (grid, None),
            "demo_leader": (city, None),
        }

    @transaction.atomic
    def _save_users(self, password: str) -> list[User]:
        targets = self._targets()
        users = []
        for username, role, full_name in DEMO_USERS:
            area, unit = targets[username]
            user = User.objects.filter(username=username).first() or User(username=username)
            wanted = {
                "role": role,
                "full_name": full_name,
                "area": area,
                "unit": unit,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "is_active": True,
                "must_change_password": False,
            }
            changed = [k for k, v in wanted.items() if getattr(user, k) != v]
            for key in changed:
                setattr(user, key, wanted[key])
            if user.pk is None or not user.check_password(password):
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError("The demo password is too weak: " + " ".join(exc.messages)) from None
                user.set_password(password)
                changed.append("password")
            if user.pk is None:
                user.save()
            elif changed:
                user.save(update_fields=changed)
            users.append(user)
        return users

    def _print_logins(self, users: list[User], password: str) -> None:
        rows = [
            (
                u.username,
                password,
                Role(u.role).label,
                u.unit.name if u.unit_id else (u.area.name if u.area_id else "全部 (all areas)"),
            )
            for u in users
        ]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (username / password / role / scope):"))
        width = max(len(r[0]) for r in rows)
        for username, pw, role, scope in rows:
            self.stdout.write(f"  {username:<{width}}  {pw}  {role!s:<28}  {scope}")
