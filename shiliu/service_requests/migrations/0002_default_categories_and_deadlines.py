"""Seed the default category tree and the default deadline rules (the office edits both afterwards)."""

from django.db import migrations

# Copied (not imported) so that the migration keeps its meaning when choices.py changes.
CATEGORIES = [
    ("employment", "就业", 10),
    ("schooling", "就学", 20),
    ("medical_care", "就医", 30),
    ("social_security", "社会保障", 40),
    ("housing", "住房", 50),
    ("legal_aid", "法律援助", 60),
    ("dispute", "矛盾纠纷", 70),
    ("discrimination", "歧视投诉", 80),
    ("infrastructure", "基础设施", 90),
    ("other", "其他", 100),
]
RULES = [
    (None, "", "accept", 4, "working_hours", 1),
    (None, "", "sign", 2, "working_hours", 1),
    (None, "", "reply", 3, "working_days", 8),
    (None, "", "verify", 2, "working_days", 4),
    ("dispute", "", "reply", 13, "working_days", 16),
    ("discrimination", "", "reply", 13, "working_days", 16),
    (None, "urgent", "accept", 1, "working_hours", 0),
    (None, "urgent", "sign", 1, "working_hours", 0),
    (None, "urgent", "reply", 1, "working_days", 2),
    (None, "emergency", "accept", 0, "natural_days", 1),
    (None, "emergency", "sign", 0, "natural_days", 1),
    (None, "emergency", "reply", 0, "natural_days", 2),
]


def seed(apps, schema_editor):
    Category = apps.get_model("service_requests", "RequestCategory")
    Rule = apps.get_model("service_requests", "DeadlineRule")
    by_code = {}
    for code, name, sort in CATEGORIES:
        by_code[code], _ = Category.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    for code, priority, step, amount, unit, remind in RULES:
        Rule.objects.get_or_create(
            category=by_code[code] if code else None, priority=priority, step=step,
            defaults={"amount": amount, "unit": unit, "remind_before_hours": remind},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("service_requests", "0001_requests")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
