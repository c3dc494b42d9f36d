"""PostgreSQL only: a trigram index so that searching unit names (LIKE '%term%') does not scan the table.

Skipped on SQLite, and skipped with a notice where the pg_trgm extension cannot be created (no privilege).
"""

from django.db import DatabaseError, migrations

INDEX = "orgs_unit_name_trgm"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT shiliu_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:  # lacking the privilege only costs search speed
            cursor.execute("ROLLBACK TO SAVEPOINT shiliu_trgm")
            print("\n  pg_trgm could not be created; unit name search will scan the table.")
            return
        cursor.execute("RELEASE SAVEPOINT shiliu_trgm")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON orgs_unit USING gin (name gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_seed_unit_types")]
    operations = [migrations.RunPython(forwards, backwards)]
