from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    name = "qiaolian.core.testing.sampleapp"
    label = "sampleapp"
    verbose_name = "Core kits' test app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qiaolian.core.testing.sampleapp import figures  # noqa: F401 - registers the rollups
