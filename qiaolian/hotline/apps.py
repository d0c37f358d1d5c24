from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "qiaolian.hotline"
    label = "hotline"
    verbose_name = "热线与专家服务 / Hotline and expert services"
