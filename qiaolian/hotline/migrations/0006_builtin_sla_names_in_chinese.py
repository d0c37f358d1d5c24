"""The built-in SLA calendars and policies were named "中文 / English"; a name is data in the
federation's language, so the bilingual built-in names become their Chinese half. Names an
admin changed are left as they are."""

from django.db import migrations

RENAMED = {
    "SlaCalendar": {
        "24×7 热线 / 24×7 hotline": "24×7 热线",
        "工作时间（中国）/ Business hours (China)": "工作时间（中国）",
    },
    "SlaPolicy": {
        "热线默认 / Default (hotline)": "热线默认",
        "紧急 / Urgent": "紧急",
        "法律维权 / Legal rights": "法律维权",
        "政策解读 / Policy interpretation": "政策解读",
    },
}


def rename(apps, schema_editor):
    for model_name, names in RENAMED.items():
        model = apps.get_model("hotline", model_name)
        for old, new in names.items():
            if not model.objects.filter(name=new).exists():
                model.objects.filter(name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0005_tomb_links_in_core")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
