"""Roles grant domain-qualified actions ("hotline.change") instead of global verbs ("change").

Each verb a role held becomes that verb in every domain that declared it when actions got
domains, so every built-in and custom role keeps exactly what it could do. The table is written
out here (not read from the app registry): a migration must mean the same thing whenever it runs.
"""

from django.db import migrations

RECORD_VERBS = ("view", "add", "change", "delete", "export", "reveal")
DOMAINS = {
    "core": ("view", "add", "change", "delete", "export", "admin", "audit", "configure"),
    "people": RECORD_VERBS,
    "network": RECORD_VERBS,
    "hotline": RECORD_VERBS,
}


def qualify(actions):
    """A role's verb list as the qualified actions of every domain with that verb."""
    verbs = {action for action in actions or () if "." not in action}
    kept = {action for action in actions or () if "." in action}
    for code, domain_verbs in DOMAINS.items():
        kept.update(f"{code}.{verb}" for verb in domain_verbs if verb in verbs)
    return sorted(kept)


def unqualify(actions):
    return sorted({action.rpartition(".")[2] for action in actions or ()})


def forwards(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for role in Role.objects.all():
        role.actions = qualify(role.actions)
        role.save(update_fields=["actions"])


def backwards(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for role in Role.objects.all():
        role.actions = unqualify(role.actions)
        role.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [("core", "0006_exchange_rate")]

    operations = [migrations.RunPython(forwards, backwards)]
