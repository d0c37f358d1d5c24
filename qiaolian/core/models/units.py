import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from qiaolian.core.scoping import Action, RestrictedQuerySet, ScopedMixin


class UnitKind(models.TextChoices):
    CITY = "city", _("City federation")
    DISTRICT = "district", _("District / county")
    TOWNSHIP = "township", _("Township / street")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    SCHOOL = "school", _("School")
    OVERSEAS_OFFICE = "overseas_office", _("Overseas liaison office")


class UnitQuerySet(MP_NodeQuerySet, RestrictedQuerySet):
    pass


class UnitManager(MP_NodeManager):
    def get_queryset(self):
        return UnitQuerySet(self.model).order_by("path")

    # Same defaults as RestrictedQuerySet, so `Unit.objects.restrict(user)` reads like any model.
    def restrict(self, user, action=Action.VIEW):
        return self.get_queryset().restrict(user, action)

    def get_visible(self, user, action=Action.VIEW, **lookup):
        return self.get_queryset().get_visible(user, action, **lookup)


class Unit(ScopedMixin, MP_Node):
    """A node of the federation tree (city → district → township → grassroots).

    The materialized `path` is the scoping key: a grant at a unit covers every record whose
    unit path starts with this one. Units are deactivated, never deleted, so history keeps
    pointing at them.
    """

    unit_path_lookup = "path"
    node_order_by = None

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the English name when reading English)."""
        from qiaolian.core.models.dictionaries import localized

        return localized(self.name, self.name_en)
