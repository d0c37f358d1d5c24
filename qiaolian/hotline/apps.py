from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HotlineConfig(AppConfig):
    name = "qiaolian.hotline"
    label = "hotline"
    verbose_name = "热线与专家服务 / Hotline and expert services"

    def ready(self) -> None:
        # The built-in SLA calendars and policies, like core's built-in roles: created after
        # every migrate when missing, never overwritten.
        from treebeard.mp_tree import path_updated

        from qiaolian.hotline.services import rollup
        from qiaolian.hotline.services.sla import ensure_default_policies

        post_migrate.connect(ensure_default_policies, sender=self)
        # The figures' rollup: counted once when the table is new (a database migrated with
        # cases in it), and kept by subtree when a unit moves (see services/rollup.py).
        post_migrate.connect(rollup.fill_if_empty, sender=self)
        path_updated.connect(rollup.on_path_updated, dispatch_uid="hotline-rollup-move")
