"""Creation benchmark (issue 5 item 8) on PostgreSQL: gap lists for every unit in a background task, and the page.

    .venv/bin/python bench/creation.py                  # recreate, migrate, seed, generate, measure
    .venv/bin/python bench/creation.py --reuse          # keep the seeded and generated ledgers, redo creation only
    .venv/bin/python bench/creation.py --data-only      # stop after the ledgers are generated
    BENCH_CREATION_PG_URL=postgres://user@host:5432/db .venv/bin/python bench/creation.py

The database (default ``shiliu_bench_creation``, apart from the other benchmarks') is recreated, migrated and
seeded with ``seed_demo --scale province --no-records`` (100,007 units), then the ledgers the gap-list rules read
are filled by SQL (``INSERT ... SELECT generate_series``, never the ORM): activities of units and area offices
over three years by type (a few busy units, a long tail, a fifth in September), publicity items, pairings with
visits, funds, projects and outcomes (as ``bench/ledgers.py`` makes them), and model collectives of units with
their honours at the four levels. With ``--reuse`` these are kept when their counts match and only the creation
part is redone (its tables and the task queue are emptied first).

Creation part:
- the demo indicator systems are created and published (``shiliu.creation.demo_systems``);
- the task ``gap_lists_compute`` is enqueued through django-tasks (``django_tasks_db`` backend, as settings
  configure it) and run by ``manage.py db_worker`` in a separate process, started before the enqueue as in
  production; the time from the enqueue to the task result's finish is measured, and the gap snapshots are
  counted against the active units (target: all 100,000 units within 10 minutes);
- the batch function the task calls is timed directly as well (same process, no queue);
- the gap list page (``creation:gap_list``) is requested through ``django.test.Client`` as the unit's liaison
  and as the city office (warm-up, then timed requests; target p95 < 300 ms), with its statement count and an
  EXPLAIN ANALYZE of its slowest statements in ``var/bench/``.
Results go to ``var/bench/creation-postgres.json`` and a Markdown summary is printed. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/shiliu_bench_creation"
CITY_CODE = "990200000000"
TARGET_TASK_SECONDS = 600
TARGET_PAGE_P95_MS = 300

sys.path.insert(0, str(ROOT / "bench"))
import run as bench_run  # noqa: E402  (shared helpers: machine, database reset, percentile, load average)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=1_500_000)
    parser.add_argument("--publicity", type=int, default=300_000)
    parser.add_argument("--pairing-records", type=int, default=200_000)
    parser.add_argument("--service-requests", type=int, default=300_000)
    parser.add_argument("--honoured-units", type=int, default=15_000, help="Model collectives of units.")
    parser.add_argument(
        "--quiz-units",
        type=int,
        default=20_000,
        help="Units with a knowledge quiz (every county has one too).",
    )
    parser.add_argument("--quiz-responses", type=int, default=25, help="Responses per quiz.")
    parser.add_argument("--requests", type=int, default=40, help="Timed requests per page scenario.")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Keep the seeded and generated ledgers.")
    parser.add_argument("--data-only", action="store_true", help="Stop after generating the ledgers.")
    parser.add_argument("--skip-task", action="store_true", help="Do not run the queued task (page only).")
    parser.add_argument("--skip-direct", action="store_true", help="Do not time the batch function directly.")
    parser.add_argument(
        "--profile", action="store_true", help="pyinstrument profile of the page (if installed)."
    )
    parser.add_argument("--task-timeout", type=int, default=1800, help="Give up waiting for the task (s).")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shiliu.settings.local"
    os.environ["DEBUG"] = "0"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_CREATION_PG_URL", DEFAULT_PG_URL)
    started_all = time.perf_counter()
    kept = bench_run.reset_database("postgres", os.environ["DATABASE_URL"], args.reuse)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict = {
        "database": "postgres",
        "database_version": bench_run.database_version(connection),
        "machine": bench_run.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": ".venv/bin/python bench/creation.py " + " ".join(sys.argv[1:]),
        "commit": git_commit(),
    }
    call_command("migrate", verbosity=0, interactive=False)
    result["seed"] = seed(kept)
    print(f"seed: {result['seed']}", flush=True)
    result["generate"] = generate(args)
    print(f"data: {json.dumps(result['generate'], default=str)}", flush=True)
    if args.data_only:
        save(result)
        return 0
    from django.apps import apps

    if not apps.is_installed("shiliu.creation") or not creation_ready():
        result["skipped"] = "the creation models, task or selector are not there yet"
        print(f"creation: skipped: {result['skipped']}", flush=True)
        save(result)
        return 1
    result["loadavg_before"] = bench_run.loadavg()
    result["systems"] = prepare_creation(args)
    print(f"systems: {result['systems']}", flush=True)
    if not args.skip_task:
        result["task"] = measure_task(args)
        print(f"task: {result['task']}", flush=True)
    if not args.skip_direct:
        result["direct"] = measure_direct()
        print(f"direct: {result['direct']}", flush=True)
    # The state the page meets in production hours after the nightly run: autovacuum has analysed the upserted
    # snapshots and set the visibility map (right after two full upserts half the heap is dead row versions).
    started = time.perf_counter()
    sql("VACUUM ANALYZE creation_gapsnapshot")
    result["vacuum_snapshots_seconds"] = time.perf_counter() - started
    result["pages"] = measure_pages(args, result["systems"])
    if args.profile:
        result["profile_file"] = profile_page(result["systems"])
    result["loadavg_after"] = bench_run.loadavg()
    result["total_seconds"] = time.perf_counter() - started_all
    save(result)
    print("\n" + markdown(result))
    return 0


def save(result: dict) -> None:
    (OUT / "creation-postgres.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))


def git_commit() -> str:
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# ---------------------------------------------------------------- data


def seed(kept: bool) -> dict:
    from shiliu.orgs.models import Unit

    if kept and Unit.objects.count() >= 100_000:
        return {"seconds": 0.0, "reused": True, "units": Unit.objects.count()}
    return bench_run.measure_seed(kept)


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def count(table: str) -> int:
    return sql(f"SELECT count(*) FROM {table}")[0][0]


def generate(args) -> dict:
    """Fill the ledgers by SQL unless a reused database already holds the asked-for rows."""
    import ledgers  # bench/ledgers.py: its pairing generator is reused as is

    entry: dict = {}
    generated = False
    temp_tables()
    if count("activities_activity") != args.activities:
        started = time.perf_counter()
        generate_activities(args.activities)
        entry["activities_seconds"] = time.perf_counter() - started
        generated = True
    if count("activities_publicityitem") != args.publicity:
        started = time.perf_counter()
        generate_publicity(args.publicity)
        entry["publicity_seconds"] = time.perf_counter() - started
        generated = True
    records = sum(count(f"pairing_pairing{m}") for m in ("visit", "fund", "project", "outcome"))
    if records != args.pairing_records:
        started = time.perf_counter()
        ledgers.generate_pairing(args.pairing_records)
        entry["pairing_seconds"] = time.perf_counter() - started
        generated = True
    if count("honors_modelcandidate") != args.honoured_units:
        started = time.perf_counter()
        generate_honours(args.honoured_units)
        entry["honours_seconds"] = time.perf_counter() - started
        generated = True
    if requests_ready() and count("service_requests_servicerequest") != args.service_requests:
        started = time.perf_counter()
        generate_requests(args.service_requests)
        entry["requests_seconds"] = time.perf_counter() - started
        generated = True
    if quizzes_ready() and count("quizzes_response") != quiz_response_total(args):
        started = time.perf_counter()
        generate_quizzes(args.quiz_units, args.quiz_responses)
        entry["quizzes_seconds"] = time.perf_counter() - started
        generated = True
    if generated:
        # The steady state autovacuum leaves (statistics and the visibility map), not the state after a load.
        started = time.perf_counter()
        sql("VACUUM ANALYZE")
        entry["vacuum_seconds"] = time.perf_counter() - started
    entry["reused"] = not generated
    for table in (
        "activities_activity",
        "activities_publicityitem",
        "pairing_pairing",
        "pairing_pairingvisit",
        "pairing_pairingfund",
        "pairing_pairingproject",
        "pairing_pairingoutcome",
        "pairing_pairingassessment",
        "honors_modelcandidate",
        "honors_honour",
    ):
        entry[table] = count(table)
    if requests_ready():
        entry["service_requests_servicerequest"] = count("service_requests_servicerequest")
    if quizzes_ready():
        entry["quizzes_quiz"] = count("quizzes_quiz")
        entry["quizzes_response"] = count("quizzes_response")
    from django.utils import timezone

    year = timezone.localdate().year  # the year the task assesses by default
    entry[f"units_with_activities_{year}"] = sql(
        """SELECT count(DISTINCT unit_id) FROM activities_activity
           WHERE unit_id IS NOT NULL AND start_date BETWEEN make_date(%s, 1, 1) AND make_date(%s, 12, 31)""",
        [year, year],
    )[0][0]
    entry[f"activities_{year}"] = sql(
        "SELECT count(*) FROM activities_activity WHERE start_date BETWEEN make_date(%s, 1, 1) AND make_date(%s, 12, 31)",
        [year, year],
    )[0][0]
    entry["units_with_pairings"] = sql("SELECT count(DISTINCT unit_id) FROM pairing_pairing")[0][0]
    return entry


def temp_tables() -> None:
    """Numbered units, offices and activity types to draw from (session temporary tables)."""
    sql("SELECT setseed(0.23)")
    sql("DROP TABLE IF EXISTS bench_units, bench_offices, bench_types")
    # Units in a random order; a power of the draw then makes a few units busy and leaves a long tail.
    sql("""CREATE TEMP TABLE bench_units AS SELECT row_number() OVER (ORDER BY random()) AS n, id, area_id,
           area_path, unit_type_id FROM orgs_unit WHERE status = 'active'""")
    sql("""CREATE TEMP TABLE bench_offices AS SELECT row_number() OVER (ORDER BY random()) AS n, id, path
           FROM orgs_area WHERE level BETWEEN 2 AND 4""")
    sql("""CREATE TEMP TABLE bench_types AS SELECT row_number() OVER (ORDER BY "order", code) AS n, id, name
           FROM activities_activitytype WHERE is_active""")
    for table in ("bench_units", "bench_offices", "bench_types"):
        sql(f"CREATE UNIQUE INDEX ON {table} (n)")
        sql(f"ANALYZE {table}")


def temp_counts() -> dict:
    return {
        "n_units": count("bench_units"),
        "n_offices": count("bench_offices"),
        "n_types": count("bench_types"),
    }


# Three years up to the day the data stops (2024-01-01 .. 2026-11-20); a fifth in September (publicity month).
ACTIVITY_INSERT = """
INSERT INTO activities_activity (created_at, updated_at, title, activity_type_id, area_id, area_path, unit_id,
    entry_type_id, start_date, end_date, venue_id, organisers, participants, audience, summary)
SELECT now(), now(),
    t.name || '活动第' || r.g || '期', t.id,
    coalesce(u.area_id, o.id), coalesce(u.area_path, o.path), u.id, u.unit_type_id,
    r.day, r.day + r.span, NULL, '', 10 + floor(power(r.rp, 3) * 290)::int, '', ''
FROM (
    SELECT g, rt, rp,
        CASE WHEN rs < 0.2
             THEN make_date(2024 + floor(rd * 3)::int, 9, 1 + floor(rl * 30)::int)
             ELSE DATE '2024-01-01' + floor(rd * (DATE '2026-11-20' - DATE '2024-01-01'))::int END AS day,
        CASE WHEN rl < 0.8 THEN 0 WHEN rl < 0.95 THEN 1 + floor(rd * 2)::int ELSE 3 + floor(rs * 11)::int END
            AS span,
        ro, ru
    FROM (SELECT g, random() rt, random() rp, random() rs, random() rd, random() rl, random() ro, random() ru
          FROM generate_series(%(first)s, %(last)s) g) raw
) r
JOIN bench_types t ON t.n = 1 + floor(power(r.rt, 1.4) * %(n_types)s)::int
LEFT JOIN bench_units u ON r.ro >= 0.1 AND u.n = 1 + floor(power(r.ru, 1.5) * %(n_units)s)::int
LEFT JOIN bench_offices o ON r.ro < 0.1 AND o.n = 1 + floor(r.ru * %(n_offices)s)::int
"""


def generate_activities(total: int) -> None:
    from django.db import transaction

    counts = temp_counts()
    sql("TRUNCATE activities_activity CASCADE")
    batch = 500_000
    for first in range(1, total + 1, batch):
        last = min(total, first + batch - 1)
        started = time.perf_counter()
        with transaction.atomic():
            sql(ACTIVITY_INSERT, {"first": first, "last": last, **counts})
        print(f"activities {last:,}/{total:,} ({time.perf_counter() - started:.1f} s)", flush=True)


PUBLICITY_INSERT = """
INSERT INTO activities_publicityitem (created_at, updated_at, title, kind, area_id, area_path, unit_id,
    start_date, end_date, outlet, reach, summary)
SELECT now(), now(), '民族团结进步宣传第' || r.g || '期',
    (ARRAY['banner', 'board', 'led', 'media', 'online'])[1 + floor(r.rk * 5)::int],
    coalesce(u.area_id, o.id), coalesce(u.area_path, o.path), u.id,
    r.day, r.day + r.span, '', floor(power(r.rp, 2) * 20000)::int, ''
FROM (
    SELECT g, rk, rp, ro, ru,
        CASE WHEN rs < 0.3
             THEN make_date(2024 + floor(rd * 3)::int, 9, 1 + floor(rl * 30)::int)
             ELSE DATE '2024-01-01' + floor(rd * (DATE '2026-11-20' - DATE '2024-01-01'))::int END AS day,
        floor(rl * 30)::int AS span
    FROM (SELECT g, random() rk, random() rp, random() rs, random() rd, random() rl, random() ro, random() ru
          FROM generate_series(1, %(n)s) g) raw
) r
LEFT JOIN bench_units u ON r.ro >= 0.15 AND u.n = 1 + floor(power(r.ru, 1.5) * %(n_units)s)::int
LEFT JOIN bench_offices o ON r.ro < 0.15 AND o.n = 1 + floor(r.ru * %(n_offices)s)::int
"""


def generate_publicity(total: int) -> None:
    from django.db import transaction

    counts = temp_counts()
    with transaction.atomic():
        sql("TRUNCATE activities_publicityitem CASCADE")
        sql(PUBLICITY_INSERT, {"n": total, **counts})


def generate_honours(units: int) -> None:
    """Model collectives of units (先进集体), most commended, with one to three honours each at rising levels."""
    from django.db import transaction

    with transaction.atomic():
        sql("TRUNCATE honors_honour, honors_candidatetransition, honors_modelcandidate CASCADE")
        sql(
            """
            INSERT INTO honors_modelcandidate (created_at, updated_at, kind, name, unit_id, area_id, area_path,
                deeds, discovered_on, stage)
            SELECT now(), now(), 'collective', u.name, u.id, u.area_id, u.area_path, '民族团结进步先进事迹',
                   DATE '2019-01-01' + floor(random() * 2500)::int,
                   CASE WHEN random() < 0.7 THEN 'commended' ELSE 'cultivating' END
            FROM (SELECT id, name, area_id, area_path FROM orgs_unit WHERE status = 'active'
                  ORDER BY random() LIMIT %(n)s) u
            """,
            {"n": units},
        )
        sql(
            """
            INSERT INTO honors_honour (created_at, updated_at, candidate_id, area_path, level, title, reason,
                deciding_body, decision_date, document_number)
            SELECT now(), now(), c.id, c.area_path, lv.level,
                   '民族团结进步模范集体', '事迹突出', lv.body,
                   least(c.discovered_on + 200 + lv.k * 400, DATE '2026-11-20'), ''
            FROM honors_modelcandidate c
            CROSS JOIN LATERAL (SELECT 1 + floor(random() * 3 + (c.id * 0))::int AS levels) n
            JOIN (VALUES (0, 'county', '县委、县政府'), (1, 'city', '市委、市政府'),
                         (2, 'province', '省委、省政府'), (3, 'national', '国务院')) lv(k, level, body)
              ON lv.k < n.levels
            WHERE c.stage = 'commended'
            """
        )


def requests_ready() -> bool:
    from django.apps import apps

    return apps.is_installed("shiliu.service_requests") and bool(
        sql("SELECT 1 FROM pg_tables WHERE tablename = 'service_requests_servicerequest'")
    )


# Closed-loop requests in villages, communities and grids over the same three years: most dispatched to a member
# department, signed and replied (most on time), most replies rated. The rates the gap list reads (on-time
# closure, satisfaction) come out of these columns. Personal fields stay empty (nothing to encrypt).
REQUEST_INSERT = """
INSERT INTO service_requests_servicerequest (created_at, updated_at, ticket, rating_code_hash, channel, priority,
    area_id, area_path, category_id, description, address, requester_name, requester_phone, external_ref,
    involves_ethnic_factors, ethnic_factors_reason, status, lead_department_id, reject_reason, result,
    result_reason, reply_note, rating, rating_comment, reopened_count, transfer_count, return_count, is_supervised,
    submitted_at, accepted_at, dispatched_at, signed_at, replied_at, closed_at, rated_at, signed_on_time,
    replied_on_time, next_step, pause_reason, paused_seconds, media_url, rating_attempts)
SELECT now(), now(), 'BENCH' || lpad(r.g::text, 9, '0'), '',
    (ARRAY['grid', 'phone', 'walk_in', 'web'])[1 + floor(r.rc * 4)::int], 'normal',
    a.id, a.path, c.id, '基准测试诉求', '', '', '', '', false, '',
    CASE WHEN r.closed THEN 'closed' WHEN r.rr < 0.95 THEN 'in_progress' ELSE 'dispatched' END,
    d.id, '', r.result, CASE WHEN r.result IN ('partly', 'unresolved') THEN '需上级部门协调' ELSE '' END, '',
    r.rating, '', 0, 0, 0, false,
    r.at, r.at + interval '1 hour', r.at + interval '2 hours', r.at + interval '5 hours',
    CASE WHEN r.closed THEN r.at + interval '2 days' END,
    CASE WHEN r.closed THEN r.at + interval '3 days' END,
    CASE WHEN r.rating <> '' THEN r.at + interval '4 days' END,
    r.rt < 0.92, CASE WHEN r.closed THEN r.rs < 0.88 END,
    '', '', 0, '', 0
FROM (
    SELECT g, rc, rr, rs, rt, ra, closed, at,
        CASE WHEN NOT closed THEN '' WHEN rs < 0.8 THEN 'resolved' WHEN rs < 0.93 THEN 'partly'
             ELSE 'unresolved' END AS result,
        CASE WHEN NOT closed OR rt >= 0.75 THEN '' WHEN rs < 0.72 THEN 'satisfied' WHEN rs < 0.9 THEN 'basically'
             ELSE 'dissatisfied' END AS rating
    FROM (SELECT g, rc, rr, rs, rt, ra, rr < 0.85 AS closed,
                 timestamptz '2024-01-01 00:00+08' + (rd * (DATE '2026-11-20' - DATE '2024-01-01')) * interval '1 day'
                     AS at
          FROM (SELECT g, random() rc, random() rr, random() rs, random() rt, random() ra, random() rd
                FROM generate_series(1, %(n)s) g) raw) x
) r
JOIN bench_request_areas a ON a.n = 1 + floor(r.ra * %(n_areas)s)::int
JOIN bench_categories c ON c.n = 1 + floor(r.rc * %(n_categories)s)::int
JOIN bench_departments d ON d.n = 1 + floor(r.rs * %(n_departments)s)::int
"""


def generate_requests(total: int) -> None:
    from django.db import transaction

    sql("DROP TABLE IF EXISTS bench_request_areas, bench_categories, bench_departments")
    sql("""CREATE TEMP TABLE bench_request_areas AS SELECT row_number() OVER (ORDER BY random()) AS n, id, path
           FROM orgs_area WHERE level IN (5, 6)""")
    sql("""CREATE TEMP TABLE bench_categories AS SELECT row_number() OVER (ORDER BY id) AS n, id
           FROM service_requests_requestcategory WHERE is_active""")
    sql("""CREATE TEMP TABLE bench_departments AS SELECT row_number() OVER (ORDER BY random()) AS n, id
           FROM orgs_unit WHERE is_member_department AND status = 'active'""")
    for table in ("bench_request_areas", "bench_categories", "bench_departments"):
        sql(f"CREATE UNIQUE INDEX ON {table} (n)")
        sql(f"ANALYZE {table}")
    counts = {
        "n_areas": count("bench_request_areas"),
        "n_categories": count("bench_categories"),
        "n_departments": count("bench_departments"),
    }
    with transaction.atomic():
        sql("TRUNCATE service_requests_servicerequest CASCADE")
        sql(REQUEST_INSERT, {"n": total, **counts})


def quizzes_ready() -> bool:
    from django.apps import apps

    return apps.is_installed("shiliu.quizzes") and bool(
        sql("SELECT 1 FROM pg_tables WHERE tablename = 'quizzes_response'")
    )


def quiz_response_total(args) -> int:
    counties = sql("SELECT count(*) FROM orgs_area WHERE level = 3 AND is_active")[0][0]
    return (min(args.quiz_units, active_units()) + counties) * args.quiz_responses


def generate_quizzes(units: int, per_quiz: int) -> None:
    """Knowledge quizzes of ``units`` random units and of every county (the survey-rate items read their
    policy-awareness rate), each with ``per_quiz`` responses in the current year, about 70 % passing. Only the
    response rows the rates count are written (no per-option answers: the gap lists never read them)."""
    from django.db import transaction

    author = sql("SELECT id FROM accounts_user ORDER BY id LIMIT 1")[0][0]
    with transaction.atomic():
        sql("TRUNCATE quizzes_answer, quizzes_response, quizzes_option, quizzes_question, quizzes_quiz, "
            "quizzes_historicalquiz CASCADE")  # fmt: skip
        quiz_columns = """INSERT INTO quizzes_quiz (created_at, updated_at, area_id, area_path, unit_id, kind, title,
            intro, year, opens_on, closes_on, pass_percent, status, token, created_by_id)"""
        sql(
            quiz_columns
            + """ SELECT now(), now(), u.area_id, u.area_path, u.id, 'knowledge', '政策知识测试', '',
                     extract(year FROM now())::int, make_date(extract(year FROM now())::int, 1, 1),
                     make_date(extract(year FROM now())::int, 12, 31), 60, 'open', 'bench-u' || u.id, %(author)s
              FROM (SELECT id, area_id, area_path FROM orgs_unit WHERE status = 'active'
                    ORDER BY random() LIMIT %(n)s) u""",
            {"n": units, "author": author},
        )
        sql(
            quiz_columns
            + """ SELECT now(), now(), a.id, a.path, NULL, 'knowledge', '政策知识测试', '',
                     extract(year FROM now())::int, make_date(extract(year FROM now())::int, 1, 1),
                     make_date(extract(year FROM now())::int, 12, 31), 60, 'open', 'bench-a' || a.id, %(author)s
              FROM orgs_area a WHERE a.level = 3 AND a.is_active""",
            {"author": author},
        )
        # The LATERAL refers to q, so random() is drawn for every response, not once for all quizzes.
        sql(
            """
            INSERT INTO quizzes_response (created_at, updated_at, quiz_id, area_path, submitted_at, correct,
                questions, passed, satisfied, basic, dissatisfied)
            SELECT now(), now(), q.id, q.area_path, r.at, r.correct, 10, r.correct >= 6, 0, 0, 0
            FROM quizzes_quiz q
            CROSS JOIN LATERAL (
                SELECT least(10, floor(random() * 6 + 4 + (q.id * 0)))::int AS correct,
                       date_trunc('year', now()) + random() * (now() - date_trunc('year', now())) AS at
                FROM generate_series(1, %(per)s)
            ) r
            """,
            {"per": per_quiz},
        )


# ---------------------------------------------------------------- creation: systems, candidates


def creation_ready() -> bool:
    try:
        from shiliu.creation import demo_systems, gaps, selectors, tasks
    except ImportError:
        return False
    return (
        hasattr(selectors, "gap_list")
        and hasattr(tasks, "gap_lists_compute")
        and hasattr(gaps, "compute_snapshots")
        and hasattr(demo_systems, "demo_systems_ensure")
    )


def reset_creation() -> None:
    """Empty every table of the creation app and the task queue (the ledgers stay)."""
    tables = [
        r[0]
        for r in sql(
            """SELECT tablename FROM pg_tables WHERE schemaname = 'public'
               AND (tablename LIKE 'creation\\_%' OR tablename = 'django_tasks_database_dbtaskresult')"""
        )
    ]
    if tables:
        sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def bench_users(unit, county, city) -> dict:
    from shiliu.accounts.models import User
    from shiliu.core.roles import Role

    def user(username, role, area, unit=None):
        found, _created = User.objects.update_or_create(
            username=username, defaults={"role": role, "area": area, "unit": unit, "is_active": True}
        )
        return found

    return {
        "liaison": user("bench_creation_liaison", Role.UNIT, unit.area, unit),
        "county_office": user("bench_creation_county", Role.OFFICE, county),
        "city_office": user("bench_creation_city", Role.OFFICE, city),
    }


def pick_unit(year: int):
    """A community of 天池市 (9902) whose village has an active pairing and which held activities and publicity in
    the year: every record-backed item of the community system then has records to count."""
    from shiliu.orgs.models import Unit

    row = sql(
        """
        SELECT u.id FROM orgs_unit u
        JOIN orgs_unittype t ON t.id = u.unit_type_id AND t.code = 'community'
        WHERE u.status = 'active' AND u.area_path LIKE %(city)s
          AND EXISTS (SELECT 1 FROM pairing_pairing p WHERE p.village_id = u.area_id
                      AND p.start <= make_date(%(y)s, 12, 31) AND p."end" >= make_date(%(y)s, 1, 1))
          AND EXISTS (SELECT 1 FROM activities_publicityitem i WHERE i.unit_id = u.id
                      AND i.start_date BETWEEN make_date(%(y)s, 1, 1) AND make_date(%(y)s, 12, 31))
        ORDER BY (SELECT count(*) FROM activities_activity a WHERE a.unit_id = u.id
                  AND a.start_date BETWEEN make_date(%(y)s, 1, 1) AND make_date(%(y)s, 12, 31)) DESC, u.id
        LIMIT 1
        """,
        {"city": CITY_CODE[:4] + "%", "y": year},
    )
    return Unit.objects.select_related("area", "unit_type").get(pk=row[0][0])


def prepare_creation(args) -> dict:
    """The indicator systems the way C1's design has them (one per unit type, one per assessed area level), all
    published, and a county batch with candidates scored from their records as a unit would."""
    from django.utils import timezone

    from shiliu.creation import demo_systems
    from shiliu.creation.choices import CreationLevel, TargetKind
    from shiliu.creation.models import Candidate, Indicator, IndicatorSystem
    from shiliu.creation.services import assessment_suggest, batch_create, candidate_create
    from shiliu.orgs.models import Area, Unit, UnitType

    started = time.perf_counter()
    reset_creation()
    year = timezone.localdate().year
    community, county_system = demo_systems.demo_systems_ensure(year=year)
    # The demo has the community system only; every other unit type gets its own system (same demo weights,
    # published apart, as an office would configure them) so that every unit has a gap list.
    for unit_type in UnitType.objects.exclude(pk=community.unit_type_id).order_by("code"):
        demo_systems.demo_system_ensure(
            name=f"民族团结进步示范单位测评体系（{unit_type.name}，演示）", target_kind=TargetKind.UNIT,
            unit_type=unit_type, year=year, categories=demo_systems.COMMUNITY, bonus=demo_systems.COMMUNITY_BONUS,
        )  # fmt: skip
    for kind, label in ((TargetKind.CITY, "市（州）"), (TargetKind.TOWNSHIP, "乡镇（街道）")):
        demo_systems.demo_system_ensure(
            name=f"民族团结进步示范{label}测评体系（演示）", target_kind=kind, year=year,
            categories=demo_systems.COUNTY, bonus=demo_systems.COUNTY_BONUS,
        )  # fmt: skip
    entry: dict = {
        "year": year,
        "systems": IndicatorSystem.objects.filter(status="published").count(),
        "leaf_items_per_unit_system": Indicator.objects.filter(
            system=community, children__isnull=True
        ).count(),
        "record_items_per_unit_system": Indicator.objects.filter(system=community, children__isnull=True)
        .exclude(source="")
        .count(),
    }
    unit = pick_unit(year)
    county = Area.objects.get(path=unit.area_path[:6])
    city = Area.objects.get(path=unit.area_path[:4])
    users = bench_users(unit, county, city)
    batch = batch_create(
        actor=users["county_office"], area=county, level=CreationLevel.COUNTY, year=year,
        name=f"{year}年度{county.name}民族团结进步示范单位（基准测试）", quota=50,
    )  # fmt: skip
    candidate = candidate_create(actor=users["liaison"], batch=batch, unit=unit)
    assessment_suggest(actor=users["liaison"], assessment=candidate.assessments.get(kind="self"))
    # Other candidates of the county's batch (the peers the gap list compares with): 40 units of the county.
    others = (
        Unit.objects.filter(status="active", area_path__startswith=county.path)
        .exclude(pk=unit.pk)
        .order_by("id")[:40]
    )
    for other in others:
        peer = candidate_create(actor=users["county_office"], batch=batch, unit=other)
        assessment_suggest(actor=users["county_office"], assessment=peer.assessments.get(kind="self"))
    entry.update(
        candidates=Candidate.objects.count(),
        candidate_id=candidate.pk,
        unit=f"{unit.name} (id {unit.pk}, {unit.unit_type.code}, area {unit.area_path})",
        seconds=time.perf_counter() - started,
    )
    return entry


# ---------------------------------------------------------------- the background task


def active_units() -> int:
    return count("orgs_unit WHERE status = 'active'")


def unit_snapshots() -> dict:
    """Unit snapshots (``u<id>``, one per unit whatever its candidacies): how many, of how many distinct units."""
    rows = sql(
        """SELECT count(*), count(DISTINCT unit_id) FROM creation_gapsnapshot
           WHERE subject_key LIKE 'u%%' AND unit_id IS NOT NULL"""
    )[0]
    return {"snapshots": rows[0], "units_covered": rows[1]}


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure_task(args) -> dict:
    """Enqueue ``gap_lists_compute`` through django-tasks and let ``manage.py db_worker`` run it."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from shiliu.creation.tasks import gap_lists_compute

    entry: dict = {"backend": settings.TASKS["default"]["BACKEND"]}
    if entry["backend"] != "django_tasks_db.DatabaseBackend":
        entry["skipped"] = f"TASKS backend is {entry['backend']}, not the database backend"
        return entry
    DBTaskResult.objects.all().delete()
    sql("TRUNCATE creation_gapsnapshot")
    log = OUT / "creation-db-worker.log"
    env = dict(os.environ)
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.5", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        # The worker is up and polling before the enqueue, as in production (its start-up is not counted).
        deadline = time.perf_counter() + 120
        while "Starting worker" not in log.read_text() and time.perf_counter() < deadline:
            if worker.poll() is not None:
                break
            time.sleep(0.2)
        time.sleep(1)
        if worker.poll() is not None:
            entry["skipped"] = f"db_worker exited with {worker.returncode}; see {log.relative_to(ROOT)}"
            return entry
        started = time.perf_counter()
        result = gap_lists_compute.enqueue()
        peak = None
        while True:
            time.sleep(0.5)
            row = DBTaskResult.objects.get(pk=result.id)
            peak = peak_rss_mb(worker.pid) or peak
            if row.status in ("SUCCESSFUL", "FAILED"):
                break
            if time.perf_counter() - started > args.task_timeout:
                entry["timeout"] = True
                break
        entry["seconds"] = time.perf_counter() - started
        entry["status"] = row.status
        entry["worker_peak_rss_mb"] = peak
        if row.started_at and row.finished_at:
            entry["queue_wait_seconds"] = (row.started_at - row.enqueued_at).total_seconds()
            entry["run_seconds"] = (row.finished_at - row.started_at).total_seconds()
        entry["return_value"] = row.return_value
        if row.status == "FAILED":
            entry["traceback"] = row.traceback[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    entry.update(unit_snapshots())
    entry["active_units"] = active_units()
    entry["all_units_covered"] = entry["units_covered"] == entry["active_units"]
    return entry


def measure_direct() -> dict:
    """The batch function the task runs, called in this process (no queue, no worker): a second full run, so
    every snapshot is an update of the one the task stored."""
    from shiliu.creation.gaps import compute_snapshots

    started = time.perf_counter()
    stats = compute_snapshots()
    entry = {"seconds": time.perf_counter() - started, "return_value": stats}
    entry.update(unit_snapshots())
    entry["active_units"] = active_units()
    entry["all_units_covered"] = entry["units_covered"] == entry["active_units"]
    return entry


# ---------------------------------------------------------------- the gap list page


def explain_statements(name: str, queries: list[dict], top: int = 3) -> str:
    parts = []
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:top]:
        try:
            plan = sql("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        except Exception as exc:  # a statement that cannot be explained as captured (e.g. a savepoint)
            parts.append(f"-- {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n\n(not explained: {exc})")
            continue
        parts.append(
            f"-- {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n\n" + "\n".join(r[0] for r in plan)
        )
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name).strip("-")
    path = OUT / f"creation-explain-{slug}.txt"
    path.write_text(f"-- {name}: the {top} slowest statements\n\n" + "\n\n".join(parts) + "\n")
    return str(path.relative_to(ROOT))


def db_execution_ms(queries: list[dict]) -> float:
    """The server's own execution time of the page's statements (EXPLAIN ANALYZE "Execution Time", summed): what
    the database spends, apart from round trips and from waiting for a CPU on a loaded machine."""
    total = 0.0
    for query in queries:
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        for (line,) in sql("EXPLAIN (ANALYZE) " + query["sql"]):
            if line.startswith("Execution Time:"):
                total += float(line.split(":")[1].split()[0])
    return total


def measure_pages(args, prepared: dict) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import escape

    from shiliu.accounts.models import User
    from shiliu.creation.models import Candidate

    candidate = Candidate.objects.select_related("unit").get(pk=prepared["candidate_id"])
    try:
        url = reverse("creation:gap_list", args=[candidate.pk])
    except NoReverseMatch:
        return [{"name": "gap list", "skipped": "the URL creation:gap_list does not exist yet"}]
    results = []
    for label, username, params in (
        ("unit liaison", "bench_creation_liaison", {}),
        ("city office", "bench_creation_city", {}),
        ("city office, printable", "bench_creation_city", {"print": "1"}),
    ):
        entry: dict = {"name": f"gap list as {label}", "url": url, "params": params}
        client = Client()
        # As shiliu/wsgi.py does when a server starts (gc.freeze of the start-up objects).
        from shiliu.core.runtime import freeze_startup_objects

        freeze_startup_objects()
        client.force_login(User.objects.get(username=username))
        first = client.get(url, params)
        if first.status_code != 200:
            entry["skipped"] = f"HTTP {first.status_code}"
            results.append(entry)
            print(f"{entry['name']}: {entry['skipped']}", flush=True)
            continue
        entry["shows_unit"] = escape(candidate.unit.name).encode() in first.content
        entry["bytes"] = len(first.content)
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
            p95_ms=bench_run.percentile(timings, 95),
            max_ms=max(timings),
            queries=len(ctx.captured_queries),
            queries_ms=sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
            slowest_ms=max(float(q["time"]) for q in ctx.captured_queries) * 1000,
        )
        entry["explain_file"] = explain_statements(entry["name"], ctx.captured_queries)
        entry["db_execution_ms"] = db_execution_ms(ctx.captured_queries)
        print(
            f"{entry['name']}: p50 {entry['p50_ms']:.1f} ms, p95 {entry['p95_ms']:.1f} ms, {entry['queries']} "
            f"queries ({entry['queries_ms']:.1f} ms)",
            flush=True,
        )
        results.append(entry)
    return results


def profile_page(prepared: dict) -> str | None:
    """A pyinstrument profile of five gap list requests as the city office (pyinstrument is not a dependency)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    from django.test import Client
    from django.urls import reverse

    from shiliu.accounts.models import User

    client = Client()
    # As shiliu/wsgi.py does when a server starts (gc.freeze of the start-up objects).
    from shiliu.core.runtime import freeze_startup_objects

    freeze_startup_objects()
    client.force_login(User.objects.get(username="bench_creation_city"))
    url = reverse("creation:gap_list", args=[prepared["candidate_id"]])
    client.get(url)
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(5):
        client.get(url)
    profiler.stop()
    path = OUT / "creation-profile-gap-list.txt"
    path.write_text(profiler.output_text(unicode=False, color=False))
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------- report


def markdown(r: dict) -> str:
    g = r["generate"]
    lines = [
        f"- {r['machine']}; {r['database_version']}; {r['date']} (commit {r.get('commit', '?')}); load average "
        f"before / after: {r.get('loadavg_before', '?')} / {r.get('loadavg_after', '?')}",
        f"- Command: `{r['command'].strip()}`; whole run {r.get('total_seconds', 0) / 60:.1f} min",
        f"- Data: {r['seed']['units']:,} units; {g['activities_activity']:,} activities, "
        f"{g['activities_publicityitem']:,} publicity items, {g['pairing_pairing']:,} pairings with "
        f"{g['pairing_pairingproject']:,} projects (and {g['pairing_pairingvisit'] + g['pairing_pairingfund'] + g['pairing_pairingoutcome']:,} "
        f"visits, funds, outcomes), {g['honors_modelcandidate']:,} model collectives with {g['honors_honour']:,} honours"
        + (
            f", {g['service_requests_servicerequest']:,} service requests"
            if "service_requests_servicerequest" in g
            else ""
        )
        + (
            f", {g['quizzes_response']:,} quiz responses to {g['quizzes_quiz']:,} knowledge quizzes"
            if "quizzes_response" in g
            else ""
        )
        + "".join(
            f"; {g[k]:,} activities in {k[-4:]} ({g['units_with_activities_' + k[-4:]]:,} units with one or more)"
            for k in g
            if k.startswith("activities_") and k[-4:].isdigit()
        ),
    ]
    s = r.get("systems", {})
    if s:
        lines.append(
            f"- Creation: {s['systems']} published systems (year {s['year']}; unit systems with "
            f"{s['leaf_items_per_unit_system']} scored items, {s['record_items_per_unit_system']} of them from records), "
            f"{s['candidates']} candidates; set up in {s['seconds']:.1f} s (not counted)"
        )
    lines += ["", "| Gap lists for every unit | seconds | units covered / active | snapshots | target < 10 min |",
              "|---|---:|---:|---:|---|"]  # fmt: skip
    for key, label in (("task", "task `gap_lists_compute` via django_tasks_db + `db_worker`, enqueue → finished"),
                       ("direct", "batch function `compute_snapshots()` called directly (second run: updates)")):  # fmt: skip
        t = r.get(key)
        if not t:
            continue
        if t.get("skipped"):
            lines.append(f"| {label} | | | | skipped: {t['skipped']} |")
            continue
        ok = t.get("status", "SUCCESSFUL") == "SUCCESSFUL" and t["all_units_covered"]
        verdict = (
            "met" if ok and t["seconds"] < TARGET_TASK_SECONDS else ("**missed**" if ok else "**failed**")
        )
        lines.append(
            f"| {label} | {t['seconds']:.1f} | {t['units_covered']:,} / {t['active_units']:,} | "
            f"{t['return_value'].get('units', 0) + t['return_value'].get('areas', 0) + t['return_value'].get('candidates', 0):,} "
            f"| {verdict} |"
        )
    lines += ["", f"| Gap list page of {s.get('unit', '')} | p50 ms | p95 ms | max ms | statements "
              f"(wall ms as captured / executed in PostgreSQL ms) | target p95 < {TARGET_PAGE_P95_MS} ms |",
              "|---|---:|---:|---:|---:|---|"]  # fmt: skip
    for p in r.get("pages", []):
        if p.get("skipped"):
            lines.append(f"| {p['name']} | | | | | skipped: {p['skipped']} |")
            continue
        verdict = "met" if p["p95_ms"] < TARGET_PAGE_P95_MS else "**missed**"
        times = f"{p['queries_ms']:.1f}" + (
            f" / {p['db_execution_ms']:.1f}" if "db_execution_ms" in p else ""
        )
        lines.append(
            f"| {p['name']} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['max_ms']:.1f} | {p['queries']} "
            f"({times}) | {verdict} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
