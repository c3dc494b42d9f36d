"""Benchmarks at province scale (100,000 units) on SQLite and PostgreSQL. Run with ``make bench``.

    .venv/bin/python bench/run.py                      # both databases, full run
    .venv/bin/python bench/run.py --db postgres        # one database
    .venv/bin/python bench/run.py --reuse              # keep a database seeded by an earlier run
    BENCH_PG_URL=postgres://user@host:5432/db .venv/bin/python bench/run.py

Each database is measured in its own process (settings fix the database at start-up): the database is
recreated, migrated and seeded with ``seed_demo --scale province`` (timed), then unit list pages are requested
through ``django.test.Client`` in-process as a logged-in province office user (p50/p95 of the wall time of each
request: middleware, view, queries and template), then a 100,000-row unit sheet is imported with
``shiliu.exchange.services.import_file`` (timed). A measurement whose dependency is not there yet is skipped with
the reason. On PostgreSQL the slowest query of each list scenario is kept with its EXPLAIN ANALYZE in
``var/bench/``. Results are written to ``var/bench/results-<db>.json`` and summarised as Markdown at the end.
These are benchmarks, not tests: nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/shiliu_bench"
SQLITE_PATH = OUT / "bench.sqlite3"
TARGET_LIST_P95_MS = 50
TARGET_IMPORT_S = 60


# ---------------------------------------------------------------- orchestration (no Django here)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per list scenario.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests before each scenario.")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="Do not recreate and reseed a seeded database.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.worker:
        return worker(args)
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "shiliu.settings.local"
        env["DEBUG"] = "0"  # no query log, cached templates: as in production
        env["DATABASE_URL"] = (
            f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        )
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--db", db]
        cmd += [
            "--requests",
            str(args.requests),
            "--warmup",
            str(args.warmup),
            "--import-rows",
            str(args.import_rows),
        ]
        cmd += ["--skip-import"] * args.skip_import + ["--reuse"] * args.reuse
        print(f"\n=== {db} ===", flush=True)
        code = subprocess.call(cmd, env=env, cwd=ROOT)
        result_file = OUT / f"results-{db}.json"
        if code != 0 or not result_file.exists():
            print(f"{db}: the benchmark process failed (exit {code}).")
            continue
        results.append(json.loads(result_file.read_text()))
    print("\n" + markdown(results))
    return 0


def markdown(results: list[dict]) -> str:
    lines = []
    for r in results:
        lines.append(f"### {r['database']} ({r['database_version']})")
        lines.append("")
        lines.append(
            f"- {r['machine']}; {r['date']}; load average before / after the list requests: "
            f"{r.get('loadavg_before_lists', '?')} / {r.get('loadavg_after_lists', '?')}"
        )
        seed = r.get("seed")
        if seed:
            lines.append(
                f"- Seeding `seed_demo --scale province`: **{seed['seconds']:.1f} s** "
                f"({seed['areas']:,} areas, {seed['units']:,} units, {seed['statistics']:,} statistics rows)"
                + (" (reused)" if seed.get("reused") else "")
            )
        lines.append("")
        lines.append(
            "| Unit list scenario | rows in scope | p50 ms | p95 ms | max ms | queries | target p95 < 50 ms |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---|")
        for s in r.get("lists", []):
            if s.get("skipped"):
                lines.append(f"| {s['name']} | | | | | | skipped: {s['skipped']} |")
                continue
            verdict = (
                "met"
                if s["p95_ms"] < TARGET_LIST_P95_MS
                else f"missed by {s['p95_ms'] - TARGET_LIST_P95_MS:.1f} ms"
            )
            lines.append(
                f"| {s['name']} | {s.get('rows_in_scope', '')} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
                f"{s['max_ms']:.1f} | {s['queries']} | {verdict} |"
            )
        imp = r.get("import")
        if imp:
            lines.append("")
            if imp.get("skipped"):
                lines.append(f"- Import of {imp['rows']:,} unit rows: skipped: {imp['skipped']}")
            else:
                verdict = (
                    "met"
                    if imp["seconds"] < TARGET_IMPORT_S
                    else f"missed by {imp['seconds'] - TARGET_IMPORT_S:.1f} s"
                )
                lines.append(
                    f"- Import of {imp['rows']:,} unit rows via `import_file`: **{imp['seconds']:.1f} s** "
                    f"({imp['created']:,} units committed; target < {TARGET_IMPORT_S} s: {verdict}; "
                    f"writing the xlsx took {imp['xlsx_seconds']:.1f} s, not counted)"
                )
                if imp.get("note"):
                    lines.append(f"  - {imp['note']}")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- worker (one database per process)


def reset_database(db: str, url: str, reuse: bool) -> bool:
    """Recreate the benchmark database unless ``reuse`` and it is already seeded; True when it was kept."""
    if db == "sqlite":
        if reuse and SQLITE_PATH.exists():
            return True
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return False
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    conninfo = {
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": cfg.get("PORT") or 5432,
        "user": cfg.get("USER") or "postgres",
        "password": cfg.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            return True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def worker(args) -> int:
    db = args.db
    kept = reset_database(db, os.environ["DATABASE_URL"], args.reuse)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict = {
        "database": db,
        "database_version": database_version(connection),
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": "make bench  (.venv/bin/python bench/run.py "
        + " ".join(sys.argv[1:]).replace("--worker ", "")
        + ")",
    }
    call_command("migrate", verbosity=0, interactive=False)
    result["seed"] = measure_seed(kept)
    print(f"seed: {result['seed']}", flush=True)
    result["loadavg_before_lists"] = loadavg()
    result["lists"] = measure_lists(args)
    result["loadavg_after_lists"] = loadavg()
    if args.skip_import:
        result["import"] = {"rows": args.import_rows, "skipped": "--skip-import given"}
    else:
        result["import"] = measure_import(args.import_rows)
        print(f"import: {result['import']}", flush=True)
    (OUT / f"results-{db}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def loadavg() -> str:
    """Other work on the machine skews p95; the load average is kept with the figures."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def measure_seed(kept: bool) -> dict:
    from io import StringIO

    from django.core.management import call_command

    from shiliu.orgs.models import Area, AreaStatistics, Unit

    started = time.perf_counter()
    out = StringIO()
    call_command("seed_demo", "--scale", "province", "--no-records", stdout=out)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "reused": kept,
        "areas": Area.objects.count(),
        "units": Unit.objects.count(),
        "statistics": AreaStatistics.objects.count(),
    }


def bench_user():
    """A province-level office user: sees all 100,000 units through the scope engine's prefix filter."""
    from shiliu.accounts.models import User
    from shiliu.core.roles import Role
    from shiliu.orgs.demo import PROVINCE_CODE
    from shiliu.orgs.models import Area

    province = Area.objects.get(code=PROVINCE_CODE)
    user, _created = User.objects.update_or_create(
        username="bench_province_office", defaults={"role": Role.OFFICE, "area": province, "is_active": True}
    )
    return user


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cursor_for_page(*, user, params: dict, sort: str, page: int) -> tuple[str | None, str]:
    """The opaque cursor of ``page`` (1-based) and the name of its first row, found by walking the keyset pages
    of the list's own selector (setup, not timed)."""
    from django.conf import settings

    from shiliu.core.pagination import keyset_page
    from shiliu.orgs.selectors import unit_list

    qs = unit_list(user=user, filters=params)
    cursor = None
    for _ in range(page - 1):
        result = keyset_page(qs, sort=sort, cursor=cursor, page_size=settings.LIST_PAGE_SIZE)
        if not result.has_next:
            return None, ""
        cursor = result.next_cursor
    result = keyset_page(qs, sort=sort, cursor=cursor, page_size=settings.LIST_PAGE_SIZE)
    return cursor, result.rows[0].name if result.rows else ""


def measure_lists(args) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, resolve, reverse
    from django.utils.html import escape

    from shiliu.orgs.models import Area
    from shiliu.orgs.selectors import unit_list

    try:
        url = reverse("orgs:unit_list")
    except NoReverseMatch:
        reason = "the URL orgs:unit_list does not exist yet (UI part not merged)"
        print(f"lists: skipped: {reason}", flush=True)
        return [{"name": "unit list", "skipped": reason}]
    try:
        from shiliu.core.pagination import keyset_page
    except ImportError:
        keyset_page = None

    user = bench_user()
    client = Client()
    # As shiliu/wsgi.py does when a server starts (gc.freeze of the start-up objects).
    from shiliu.core.runtime import freeze_startup_objects

    freeze_startup_objects()
    client.force_login(user)
    second_city = Area.objects.get(code="990200000000")
    county = Area.objects.filter(path__startswith=second_city.path, level=3).order_by("path").first()
    view_class = getattr(resolve(url).func, "view_class", None)
    sort_keys = getattr(view_class, "sort_keys", {"id": "id"})
    default_sort = getattr(view_class, "default_sort", "-id")

    def lookup_of(public: str) -> str:
        """The field lookup the view sorts by for a public sort key (what its cursors encode)."""
        key = public.lstrip("-")
        if key not in sort_keys:
            public, key = default_sort, default_sort.lstrip("-")
        return ("-" if public.startswith("-") else "") + sort_keys[key]

    newest = "-created" if "created" in sort_keys else "-id"
    scenarios: list[tuple[str, dict, int]] = [
        (f"first page (default sort: {default_sort})", {}, 1),
        (f"page 1,000 (default sort: {default_sort})", {}, 1000),
        (f"first page, sort={newest}", {"sort": newest}, 1),
        (f"page 1,000, sort={newest}", {"sort": newest}, 1000),
        ("page 1,000, sort=type", {"sort": "type"}, 1000),
        ("subtree: a city (area=天池市), first page", {"area": str(second_city.pk)}, 1),
        ("subtree: a city, page 250", {"area": str(second_city.pk)}, 250),
        (
            "subtree: a county + unit_type=school, first page",
            {"area": str(county.pk), "unit_type": "school"},
            1,
        ),
        ("search q=清真寺, first page", {"q": "清真寺"}, 1),
    ]
    results = []
    for name, params, page in scenarios:
        params = dict(params)
        scenario_sort = lookup_of(params.get("sort", default_sort))
        entry: dict = {"name": name, "params": dict(params), "page": page}
        rows_in_scope = unit_list(user=user, filters=params).count()
        entry["rows_in_scope"] = rows_in_scope
        if page > 1:
            if keyset_page is None:
                entry["skipped"] = "shiliu.core.pagination.keyset_page is missing, cannot find deep cursors"
                results.append(entry)
                continue
            cursor, expected_first = cursor_for_page(user=user, params=params, sort=scenario_sort, page=page)
            if cursor is None:
                entry["skipped"] = f"only {rows_in_scope} rows: page {page} does not exist"
                results.append(entry)
                continue
            params["cursor"] = cursor
        first = client.get(url, params)
        if first.status_code != 200:
            entry["skipped"] = f"HTTP {first.status_code} from {url}"
            results.append(entry)
            print(f"{name}: {entry['skipped']}", flush=True)
            continue
        if page > 1 and escape(expected_first).encode() not in first.content:
            entry["warning"] = (
                "the page does not show the row the walked cursor leads to (sort or page size differ)"
            )
        for _ in range(args.warmup):
            client.get(url, params)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        entry.update(
            p50_ms=statistics.median(timings),
            p95_ms=percentile(timings, 95),
            max_ms=max(timings),
            queries=len(ctx.captured_queries),
        )
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
        if slowest is not None:
            entry["slowest_query_ms"] = float(slowest["time"]) * 1000
            if connection.vendor == "postgresql":
                entry["explain_file"] = explain(connection, name, slowest["sql"])
        print(
            f"{name}: p50 {entry['p50_ms']:.1f} ms, p95 {entry['p95_ms']:.1f} ms, {entry['queries']} queries"
            + (f" [{entry['warning']}]" if entry.get("warning") else ""),
            flush=True,
        )
        results.append(entry)
    return results


def explain(connection, name: str, sql: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.encode("ascii", "ignore").decode()).strip("-")[:60]
    path = OUT / f"explain-postgres-{slug or 'query'}.txt"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    path.write_text(f"-- {name}\n{sql}\n\n{plan}\n")
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------- import


def write_unit_sheet(path: Path, rows: int) -> None:
    """A unit sheet of new units spread over the demo villages, with valid and unique credit codes."""
    from openpyxl import Workbook

    from shiliu.core.validators import credit_code_check_char
    from shiliu.orgs.demo import org_code, person_name, phone
    from shiliu.orgs.models import Area

    headers = [
        "单位名称",
        "单位类型",
        "所属区划代码",
        "统一社会信用代码",
        "地址",
        "联系人",
        "联系电话",
        "是否成员单位",
    ]
    try:
        from shiliu.exchange.registry import get_sheet

        sheet = get_sheet("units")
        title = sheet.title
        by_key = {c.key: c.header for c in sheet.import_columns}
        keys = ["name", "unit_type", "area_code", "credit_code", "address", "contact_name", "contact_phone",
                "is_member_department"]  # fmt: skip
        headers = [by_key[k] for k in keys]
    except Exception:
        title = "单位"
    villages = list(Area.objects.filter(level=5, path__startswith="99").values_list("code", "name"))
    rng = random.Random("shiliu-bench-import")
    kinds = [("企业", "91", "商贸有限公司"), ("学校", "12", "学校"), ("新经济组织和新社会组织", "52", "服务中心"),
             ("窗口单位", "11", "便民服务窗口"), ("其他", "", "文化活动室")]  # fmt: skip
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(headers)
    for i in range(1, rows + 1):
        code, village = rng.choice(villages)
        kind, prefix, suffix = rng.choice(kinds)
        credit = ""
        if prefix:
            # Organisation codes beginning 9x: the demo seed uses 01–14 there, so these never collide.
            body = prefix + code[:6] + org_code(f"9{i:07d}")
            credit = body + credit_code_check_char(body)
        ws.append(
            [f"{village}导入{suffix}{i:06d}", kind, code, credit, f"{village}导入路{i % 400 + 1}号",
             person_name(rng), phone(rng), "否"]
        )  # fmt: skip
    wb.save(path)


def measure_import(rows: int) -> dict:
    entry: dict = {"rows": rows}
    try:
        from shiliu.exchange.services import import_file
    except ImportError as exc:
        entry["skipped"] = f"shiliu.exchange.services.import_file is not there yet ({exc})"
        print(f"import: skipped: {entry['skipped']}", flush=True)
        return entry
    from shiliu.orgs.models import Unit

    path = OUT / f"units-{rows}.xlsx"
    started = time.perf_counter()
    write_unit_sheet(path, rows)
    entry["xlsx_seconds"] = time.perf_counter() - started
    entry["xlsx_bytes"] = path.stat().st_size
    user = bench_user()
    # Units left by an earlier import into a reused database (raw delete: no history rows for bench data).
    leftovers = Unit.objects.filter(area_path__startswith="99", name__contains="导入")
    leftovers._raw_delete(leftovers.db)
    before = Unit.objects.count()
    started = time.perf_counter()
    outcome = import_file(actor=user, sheet="units", path=str(path))
    entry["seconds"] = time.perf_counter() - started
    entry["created"] = Unit.objects.count() - before
    report = getattr(outcome, "report", outcome)
    errors = getattr(report, "errors", None)
    if errors:
        entry["errors"] = len(errors)
        entry["first_errors"] = [e.as_dict() if hasattr(e, "as_dict") else str(e) for e in errors[:5]]
    if entry["created"] != rows:
        entry["note"] = (
            f"only {entry['created']:,} of {rows:,} rows were committed; see first_errors in the JSON"
        )
    return entry


if __name__ == "__main__":
    sys.exit(main())
