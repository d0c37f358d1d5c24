from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    name = "tests.sampleapp"
    label = "sampleapp"
    verbose_name = "Core kits' test app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tests.sampleapp import figures  # noqa: F401 - registers the rollups
