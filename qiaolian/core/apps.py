from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qiaolian.core"
    label = "core"
    verbose_name = "Qiaolian core"

    def ready(self) -> None:
        from qiaolian.core import roles, signals

        roles.connect(self)
        signals.connect()
