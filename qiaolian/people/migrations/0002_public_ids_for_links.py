"""Opaque public ids for consents, family links and association posts (their URLs)."""

import uuid

from django.db import migrations, models

MODELS = ("consent", "relationship", "associationleader")


def fill_public_ids(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("people", name)
        rows = list(model.objects.filter(public_id__isnull=True).only("pk"))
        for row in rows:
            row.public_id = uuid.uuid4()
        model.objects.bulk_update(rows, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        *(
            migrations.AddField(
                model_name=name, name="public_id", field=models.UUIDField(null=True, editable=False)
            )
            for name in MODELS
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
            )
            for name in MODELS
        ),
    ]
