from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qiaolian.core"
    label = "core"
    verbose_name = "Qiaolian core"

    def ready(self) -> None:
        from qiaolian.core import checks, roles, signals  # noqa: F401 - checks register themselves

        roles.connect(self)
        signals.connect()
