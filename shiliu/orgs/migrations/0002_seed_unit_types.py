from django.db import migrations

# Names are stored in Chinese (the platform's working language); codes are stable identifiers.
TYPES = [
    ("agency", "机关", True, 10),
    ("enterprise", "企业", True, 20),
    ("community", "社区", True, 30),
    ("township", "乡镇", True, 40),
    ("school", "学校", True, 50),
    ("military", "连队", False, 60),
    ("religious", "宗教活动场所", True, 70),
    ("new_org", "新经济组织和新社会组织", True, 80),
    ("window", "窗口单位", True, 90),
    ("education_base", "教育基地", False, 100),
    ("other", "其他", False, 110),
]


def seed(apps, schema_editor):
    UnitType = apps.get_model("orgs", "UnitType")
    for code, name, requires_credit_code, order in TYPES:
        UnitType.objects.get_or_create(
            code=code, defaults={"name": name, "requires_credit_code": requires_credit_code, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
