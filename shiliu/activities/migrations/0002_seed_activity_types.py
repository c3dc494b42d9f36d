from django.db import migrations

# Names are stored in Chinese (the platform's working language); codes are stable identifiers.
TYPES = [
    ("theory_study", "理论学习", 10),
    ("lecture_tour", "宣讲", 20),
    ("party_day", "主题党日", 30),
    ("festival", "节庆活动", 40),
    ("performance", "文艺演出", 50),
    ("contest", "知识竞赛", 60),
    ("training", "培训班", 70),
    ("language", "语言培训", 80),
    ("volunteer", "志愿服务", 90),
    ("exhibition", "展览", 100),
    ("legal_education", "法治宣传", 110),
    ("sports", "体育活动", 120),
    ("youth_exchange", "青少年交流", 130),
    ("other", "其他", 200),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    for code, name, order in TYPES:
        ActivityType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
