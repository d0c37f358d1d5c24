"""Deployment checks of our own: `manage.py check --deploy` fails on local-only secrets."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_field_encryption_key(app_configs, **kwargs):
    key = settings.FIELD_ENCRYPTION_KEY
    if not key or key == settings.LOCAL_FIELD_ENCRYPTION_KEY:
        return [
            checks.Error(
                "FIELD_ENCRYPTION_KEY is the local development key.",
                hint="Set FIELD_ENCRYPTION_KEY to 32 random url-safe base64 bytes.",
                id="qiaolian.E001",
            )
        ]
    return []
