"""Rebuild the search tokens: given-name pinyin prefixes (xiaom of 王小明) and Western-order
prefixes are new tokens, and Chinese names are now indexed folded to simplified characters
(張偉 as 张伟). Only rows change; `qiaolian search --reindex` does the same by hand."""

from django.db import migrations


def rebuild_search_tokens(apps, schema_editor):
    from qiaolian.people.search.index import reindex_with_models

    reindex_with_models(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_list_indexes"),
    ]

    operations = [
        migrations.RunPython(rebuild_search_tokens, migrations.RunPython.noop, elidable=True),
    ]
