"""Case attachments and tomb-sweeping proof move to the private storage (core/files.py):
the files already stored under MEDIA_ROOT move to PRIVATE_MEDIA_ROOT under the same names."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import qiaolian.core.files


def _move(apps, source: Path, target: Path) -> None:
    for model_name in ("Attachment", "TombProof"):
        model = apps.get_model("hotline", model_name)
        for name in model.objects.exclude(file="").values_list("file", flat=True).iterator():
            old, new = source / name, target / name
            if old.is_file() and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(old, new)


def to_private(apps, schema_editor):
    _move(apps, Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))


def to_media(apps, schema_editor):
    _move(apps, Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0003_call_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                storage=qiaolian.core.files.PrivateStorage(), upload_to="cases/%Y/%m/"
            ),
        ),
        migrations.AlterField(
            model_name="tombproof",
            name="file",
            field=models.FileField(
                storage=qiaolian.core.files.PrivateStorage(), upload_to="tomb/%Y/%m/"
            ),
        ),
        migrations.RunPython(to_private, to_media, elidable=True),
    ]
