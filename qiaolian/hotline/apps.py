from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HotlineConfig(AppConfig):
    name = "qiaolian.hotline"
    label = "hotline"
    verbose_name = "热线与专家服务 / Hotline and expert services"

    def ready(self) -> None:
        # The built-in SLA calendars and policies, like core's built-in roles: created after
        # every migrate when missing, never overwritten.
        from qiaolian.hotline.services.sla import ensure_default_policies

        post_migrate.connect(ensure_default_policies, sender=self)
