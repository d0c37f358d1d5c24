from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "qiaolian.network"
    label = "network"
    verbose_name = "Liaison grid"
