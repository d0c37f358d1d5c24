"""Uploaded import sheets (lists of people) move to the private storage (core/files.py): the
files already under MEDIA_ROOT move to PRIVATE_MEDIA_ROOT under the same names."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import qiaolian.core.files


def _move(apps, source: Path, target: Path) -> None:
    ImportBatch = apps.get_model("people", "ImportBatch")
    for name in ImportBatch.objects.exclude(file="").values_list("file", flat=True).iterator():
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
        ("people", "0008_country_name_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="file",
            field=models.FileField(
                blank=True, storage=qiaolian.core.files.PrivateStorage(), upload_to="imports/%Y/%m/"
            ),
        ),
        migrations.RunPython(to_private, to_media, elidable=True),
    ]
