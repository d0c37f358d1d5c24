"""The one scoping chokepoint: `Model.objects.restrict(user, action)`.

A grant (UnitRole) at a unit covers the unit's whole subtree (materialized path prefix). A role
may narrow what it grants: to records assigned to the user (liaison officers, volunteers) or to
the user's own records (portal users). Every view, API handler, export, search and count starts
from `restrict()`; an object outside it is a 404, and 403 is reserved for users who hold the
action nowhere (`holds_anywhere`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class Action(enum.StrEnum):
    """What a role lets its holder do to the records of a unit subtree."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    REVEAL = "reveal"  # see sensitive fields in clear; each reveal is audited
    ADMIN = "admin"  # manage units, users and grants of the subtree
    AUDIT = "audit"  # read the operation and login logs of the subtree
    CONFIGURE = "configure"  # edit shared dictionaries (at a root unit only)


ACTION_LABELS = {
    Action.VIEW: _("View"),
    Action.ADD: _("Add"),
    Action.CHANGE: _("Change"),
    Action.DELETE: _("Delete"),
    Action.EXPORT: _("Export"),
    Action.REVEAL: _("Reveal sensitive fields"),
    Action.ADMIN: _("Manage units, users and roles"),
    Action.AUDIT: _("Read audit logs"),
    Action.CONFIGURE: _("Edit dictionaries and roles (city level)"),
}


class Narrowing(models.TextChoices):
    """How a role's grant is narrowed inside the unit subtree."""

    SUBTREE = "subtree", "整个下级范围 / Whole subtree"
    ASSIGNED = "assigned", "仅分配给本人 / Assigned to the user"
    OWN = "own", "仅本人记录 / The user's own records"


@dataclass(frozen=True)
class Grant:
    path: str
    narrowing: str


class OutOfScope(PermissionDenied):
    """A write left its object outside the actor's scope; the transaction must roll back."""


def grants_for(
    user: AbstractBaseUser | AnonymousUser | None, action: Action | str
) -> tuple[Grant, ...]:
    """The unit paths (with narrowing) where `user` holds `action`.

    Computed once per request: the whole grant table of the user is loaded on first use and
    cached on the user object (a new request gets a new user object).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    # Transitional: a domain-qualified action ("hotline.view") counts as its verb until roles
    # grant domain actions.
    action = Action(str(action).rpartition(".")[2])
    cache: dict[Action, tuple[Grant, ...]] | None = getattr(user, "_scope_grants", None)
    if cache is None:
        cache = _load_grants(user)
        user._scope_grants = cache  # type: ignore[union-attr,attr-defined]
    return cache.get(action, ())


def _load_grants(user: Any) -> dict[Action, tuple[Grant, ...]]:
    # The user's own model reads its grant rows (`User.grant_rows`): the models sit on this
    # module's querysets, so this module reaches them only through the objects it is given.
    table: dict[Action, set[Grant]] = {}
    for path, actions, narrowing in user.grant_rows():
        for value in actions or ():
            table.setdefault(Action(value), set()).add(Grant(path, narrowing))
    return {action: _drop_covered(grants) for action, grants in table.items()}


def _drop_covered(grants: set[Grant]) -> tuple[Grant, ...]:
    """Drop grants already covered by a wider subtree grant (keeps the SQL short)."""
    wide = [g for g in grants if g.narrowing == Narrowing.SUBTREE]
    kept = [g for g in grants if not any(w != g and g.path.startswith(w.path) for w in wide)]
    return tuple(sorted(kept, key=lambda g: (g.path, g.narrowing)))


def holds_anywhere(user: Any, action: Action | str) -> bool:
    return bool(grants_for(user, action))


def clear_grant_cache(user: Any) -> None:
    if hasattr(user, "_scope_grants"):
        del user._scope_grants


class RestrictedQuerySet(models.QuerySet):
    """QuerySet whose `restrict()` is the only sanctioned way to read scoped records."""

    def restrict(self, user: Any, action: Action = Action.VIEW) -> Self:
        grants = grants_for(user, action)
        if not grants:
            return self.none()
        model: Any = self.model
        condition = Q()
        for grant in grants:
            subtree = Q(**{f"{model.unit_path_lookup}__startswith": grant.path})
            if grant.narrowing == Narrowing.ASSIGNED:
                subtree &= model.assigned_to(user)
            elif grant.narrowing == Narrowing.OWN:
                subtree &= model.owned_by(user)
            condition |= subtree
        return self.filter(condition)

    def restrict_by_unit_ids(
        self,
        user: Any,
        action: Action = Action.VIEW,
        *,
        within: Any = None,
        unit_field: str = "unit",
    ) -> Self:
        """`restrict(user, action).in_subtree(within)`, written as `<unit_field>_id IN (SELECT
        id FROM core_unit WHERE path LIKE …)` instead of a join on the unit's path.

        The same grants, narrowings and subtree; for counts and aggregates over many rows,
        where a condition on the row's own column lets the database drive from an index on
        it (SQLite otherwise scans the table in the order of the GROUP BY). `unit_field` names
        the foreign key that leads to the owning unit (e.g. "case__unit").
        """
        grants = grants_for(user, action)
        model: Any = self.model
        units_of = _related_model(model, unit_field)._default_manager
        condition = Q()
        for grant in grants:
            path = grant.path
            if within is not None:
                if within.path.startswith(path):
                    path = within.path
                elif not path.startswith(within.path):
                    continue  # this grant reaches nothing inside `within`
            units = units_of.filter(path__startswith=path).order_by().values("pk")
            subtree = Q(**{f"{unit_field}_id__in": units})
            if grant.narrowing == Narrowing.ASSIGNED:
                subtree &= model.assigned_to(user)
            elif grant.narrowing == Narrowing.OWN:
                subtree &= model.owned_by(user)
            condition |= subtree
        if not condition:
            return self.none()
        return self.filter(condition)

    def in_subtree(self, unit: Any) -> Self:
        """Narrow to one unit's subtree (the unit picked in the header switcher)."""
        if unit is None:
            return self
        lookup = getattr(self.model, "unit_path_lookup")  # noqa: B009 - set by ScopedMixin
        return self.filter(**{f"{lookup}__startswith": unit.path})

    def get_visible(self, user: Any, action: Action = Action.VIEW, **lookup: Any) -> Any:
        """The one record matching `lookup` inside the user's scope, else 404 (or 403)."""
        if not holds_anywhere(user, action):
            raise PermissionDenied
        try:
            return self.restrict(user, action).get(**lookup)
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
            # ValidationError: a malformed id (e.g. not a UUID) names no record either.
            raise Http404 from exc


def _related_model(model: Any, lookup: str) -> Any:
    """The model a `__`-separated chain of foreign keys leads to ("case__unit" → Unit)."""
    for name in lookup.split("__"):
        model = model._meta.get_field(name).related_model
    return model


ScopedManager = models.Manager.from_queryset(RestrictedQuerySet)


class ScopedMixin:
    """Behaviour shared by every model that lives inside the unit tree.

    Subclasses set `unit_path_lookup` (how to reach the owning unit's path) and may override
    `assigned_to` / `owned_by` to say which records a narrowed role sees.
    """

    unit_path_lookup = "unit__path"

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(pk__in=[])

    @classmethod
    def owned_by(cls, user: Any) -> Q:
        return Q(pk__in=[])


def require_unit(actor: Any, action: Action, unit: Any, message: str | None = None) -> None:
    """Services' guard: the actor must hold `action` on `unit` (it lies in one of their subtrees).

    Raises PermissionDenied with `message`, or a generic one naming the unit as out of reach.
    """
    if unit is None or not type(unit).objects.restrict(actor, action).filter(pk=unit.pk).exists():
        raise PermissionDenied(message or _("You cannot put records into this unit."))


def assert_visible(actor: Any, obj: models.Model, action: Action = Action.CHANGE) -> None:
    """Re-check inside a write's transaction that the actor still reaches the object.

    Stops "move a record into a sibling unit": the write is rolled back by raising.
    """
    manager = type(obj)._default_manager
    if not manager.restrict(actor, action).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise OutOfScope("The record would leave your scope / 记录将超出您的管辖范围")
