from django.db import migrations

# Names are stored in Chinese (the platform's working language); codes are stable identifiers.
TYPES = [
    ("education_base", "教育基地", 10),
    ("theme_park", "主题公园", 20),
    ("square", "广场", 30),
    ("street", "街区", 40),
    ("exhibition_hall", "展馆", 50),
    ("cultural_station", "文化站", 60),
    ("other", "其他", 100),
]


def seed(apps, schema_editor):
    VenueType = apps.get_model("venues", "VenueType")
    for code, name, order in TYPES:
        VenueType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
