from django.db import migrations

FIELDS = [
    ("press", "Báo chí"),
    ("publishing", "Xuất bản, in, phát hành"),
    ("post", "Bưu chính"),
    ("telecoms", "Viễn thông"),
    ("it", "Công nghệ thông tin"),
    ("social_network", "Mạng xã hội"),
    ("broadcasting", "Phát thanh, truyền hình"),
    ("other", "Lĩnh vực khác"),
]


def load(apps, schema_editor):
    Field = apps.get_model("cases", "Field")
    for position, (code, name) in enumerate(FIELDS, start=1):
        Field.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
