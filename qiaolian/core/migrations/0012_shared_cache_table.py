from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The shared cache's table when it is the database one (no Redis configured): the
    public-link rate limit and the refused-access budget count there across processes.
    `manage.py createcachetable` does the same (idempotent) after a change of settings."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0011_username_case_insensitive")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
