import unicodedata

import django.db.models.functions.text
from django.db import migrations, models


def normalise_usernames(apps, schema_editor):
    """NFKC-normalise stored usernames and rename names that clash in letter case, so the
    case-insensitive constraint can be added. Such accounts could not log in by username
    anyway (login found two matches); the older account keeps the name, a later one gets
    `<name>-<id>` and still logs in by phone or e-mail."""
    User = apps.get_model("core", "User")
    seen: set[str] = set()
    for user in User.objects.order_by("pk").only("pk", "username"):
        name = unicodedata.normalize("NFKC", user.username)
        if name.lower() in seen:
            name = f"{name}-{user.pk}"
        seen.add(name.lower())
        if name != user.username:
            User.objects.filter(pk=user.pk).update(username=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0010_export_job"),
    ]

    operations = [
        migrations.RunPython(normalise_usernames, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="core_user_username_ci_unique",
                violation_error_code="username_taken",
                violation_error_message="This username is taken.",
            ),
        ),
    ]
