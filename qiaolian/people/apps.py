from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qiaolian.people"
    label = "people"
    verbose_name = "People and associations"
