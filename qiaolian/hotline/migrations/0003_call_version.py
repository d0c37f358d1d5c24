from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0002_figures_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
