"""The one scoping chokepoint: `Model.objects.restrict(user, action)`.

An action names its domain and verb ("people.view", "hotline.change"): each app declares its
domain's verbs (core/registry.py) and a role grants a set of such actions. A grant (UnitRole) at
a unit covers the unit's whole subtree (materialized path prefix). A role may narrow what it
grants: to records assigned to the user (liaison officers, volunteers) or to the user's own
records (portal users). Every view, API handler, export, search and count starts from
`restrict()`; an object outside it is a 404, and 403 is reserved for users who hold the action
nowhere (`holds_anywhere`).

Where a model is at hand (`restrict`, `get_visible`, `assert_visible`, `restrict_by_unit_ids`)
a bare verb (`Action.CHANGE`) means that verb in the model's domain (`scope_domain`, by default
the model's app label). The functions without a model (`grants_for`, `holds_anywhere`,
`reaches_unit`, `grant_roots`, `require_unit`, `shared_down_q`) take a qualified action; given a
bare verb they answer for the verb in any domain (what a role with that verb held before
actions had domains).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Self

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class Action(enum.StrEnum):
    """The verbs of the actions: what a role lets its holder do in a domain of a unit subtree."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    REVEAL = "reveal"  # see sensitive fields in clear; each reveal is audited
    ADMIN = "admin"  # manage units, users and grants of the subtree
    AUDIT = "audit"  # read the operation and login logs of the subtree
    CONFIGURE = "configure"  # edit shared dictionaries (at a root unit only)
    APPROVE = "approve"  # approve what someone else entered (ledgers, appeals)


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
    Action.APPROVE: _("Approve"),
}


def qualify(action: str, domain: str) -> str:
    """`action` as "domain.verb": a bare verb takes `domain`, a qualified action stays."""
    if "." in action:
        return str(action)
    return f"{domain}.{Action(action).value}"


class DomainActions:
    """The actions of one domain by verb: with `HOTLINE = DomainActions("hotline")`,
    `HOTLINE.CHANGE` is "hotline.change" and `HOTLINE(verb)` qualifies a bare verb."""

    VIEW: str
    ADD: str
    CHANGE: str
    DELETE: str
    EXPORT: str
    REVEAL: str
    ADMIN: str
    AUDIT: str
    CONFIGURE: str
    APPROVE: str

    def __init__(self, code: str) -> None:
        self.code = code
        for verb in Action:
            setattr(self, verb.name, f"{code}.{verb.value}")

    def __call__(self, action: str) -> str:
        return qualify(action, self.code)


def verb_of(action: str) -> Action:
    """The verb of a qualified action ("hotline.change" → CHANGE) or of a bare verb."""
    return Action(str(action).rpartition(".")[2])


def model_domain(model: Any) -> str:
    """The permission domain of a model's records: `scope_domain`, else its app's label when
    the app declares a domain, else core's (an app without permissions of its own, such as a
    kit's test app, lives under core's)."""
    explicit = getattr(model, "scope_domain", None)
    if explicit:
        return str(explicit)
    label = model._meta.app_label
    declare = getattr(apps.get_app_config(label), "domain", None)
    return label if callable(declare) and declare() is not None else "core"


def declared_actions() -> dict[str, tuple[Action, ...]]:
    """Every declared domain's verbs, by domain code, in app order: what each installed app's
    config (core/registry.py: `QiaolianApp.domain()`) declares. Read through Django's app
    registry, so this module imports none of the modules that import it."""
    found: dict[str, tuple[Action, ...]] = {}
    for config in apps.get_app_configs():
        declare = getattr(config, "domain", None)
        domain = declare() if callable(declare) else None
        if domain is not None:
            found[domain.code] = tuple(domain.verbs)
    return found


def expand_verbs(verbs: Any) -> list[str]:
    """The qualified actions of every declared domain that has one of `verbs`."""
    wanted = {Action(verb) for verb in verbs}
    return [
        f"{code}.{verb.value}"
        for code, domain_verbs in declared_actions().items()
        for verb in domain_verbs
        if verb in wanted
    ]


def holds_in(actions: Any, action: str) -> bool:
    """Whether a role's `actions` hold `action` ("hotline.view"), named or through its bare
    verb ("view": that verb in every domain)."""
    held = actions or ()
    return str(action) in held or verb_of(action).value in held


class Narrowing(models.TextChoices):
    """How a role's grant is narrowed inside the unit subtree."""

    SUBTREE = "subtree", _("Whole subtree")
    ASSIGNED = "assigned", _("Assigned to the user")
    OWN = "own", _("The user's own records")


@dataclass(frozen=True)
class Grant:
    path: str
    narrowing: str


class OutOfScope(PermissionDenied):
    """A write left its object outside the actor's scope; the transaction must roll back."""


def grants_for(user: AbstractBaseUser | AnonymousUser | None, action: str) -> tuple[Grant, ...]:
    """The unit paths (with narrowing) where `user` holds `action` ("hotline.view").

    Computed once per request: the whole grant table of the user is loaded on first use and
    cached on the user object, keyed by qualified action (a new request gets a new user object).
    A bare verb gives the grants of that verb in any domain.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cache: dict[str, tuple[Grant, ...]] | None = getattr(user, "_scope_grants", None)
    if cache is None:
        cache = _load_grants(user)
        user._scope_grants = cache  # type: ignore[union-attr,attr-defined]
    key = str(action)
    if "." not in key and key not in cache:
        verb = Action(key).value
        found = {g for name, grants in cache.items() if name.endswith(f".{verb}") for g in grants}
        cache[key] = _drop_covered(found)
    return cache.get(key, ())


def _load_grants(user: Any) -> dict[str, tuple[Grant, ...]]:
    # The user's own model reads its grant rows (`User.grant_rows`): the models sit on this
    # module's querysets, so this module reaches them only through the objects it is given.
    table: dict[str, set[Grant]] = {}
    bare: dict[str, set[Grant]] = {}
    for path, actions, narrowing in user.grant_rows():
        for value in actions or ():
            grant = Grant(path, narrowing)
            if "." in value:
                table.setdefault(value, set()).add(grant)
                continue
            # A bare verb (a role stored before actions had domains, a superuser's every
            # verb) counts in every declared domain, and for the verb asked in any domain.
            bare.setdefault(Action(value).value, set()).add(grant)
            for name in expand_verbs([value]):
                table.setdefault(name, set()).add(grant)
    for verb, grants in bare.items():
        table[verb] = grants | {
            g for name, held in table.items() if name.endswith(f".{verb}") for g in held
        }
    return {name: _drop_covered(grants) for name, grants in table.items()}


def _drop_covered(grants: set[Grant]) -> tuple[Grant, ...]:
    """Drop grants already covered by a wider subtree grant (keeps the SQL short)."""
    wide = [g for g in grants if g.narrowing == Narrowing.SUBTREE]
    kept = [g for g in grants if not any(w != g and g.path.startswith(w.path) for w in wide)]
    return tuple(sorted(kept, key=lambda g: (g.path, g.narrowing)))


def holds_anywhere(user: Any, action: str) -> bool:
    """Whether `user` holds `action` ("people.add") at any unit (403 when not)."""
    return bool(grants_for(user, action))


def holds_subtree(user: Any, action: str) -> bool:
    """Whether `user` holds `action` through a whole-subtree grant somewhere: what creating a
    record needs (`require_unit`), and what the pages of a whole unit (its figures, its
    settings) are for. A grant narrowed to assigned or own records does neither."""
    return any(grant.narrowing == Narrowing.SUBTREE for grant in grants_for(user, action))


def only_own_records(user: Any) -> bool:
    """Whether every grant of `user` is narrowed to their own records (a portal user): the
    staff pages have nothing for them. A superuser or a user without grants is not."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    grants_for(user, Action.VIEW)  # loads the user's grant table
    table: dict[str, tuple[Grant, ...]] = getattr(user, "_scope_grants", {})
    narrowings = {grant.narrowing for grants in table.values() for grant in grants}
    return narrowings == {Narrowing.OWN}


def reaches_unit(user: Any, action: str, unit: Any, *, narrowed: bool = True) -> bool:
    """Whether `user` holds `action` at `unit` or above it. Narrowed grants count unless
    `narrowed=False` (a volunteer granted at a unit reaches it for the cases assigned to them,
    but does not put records into it)."""
    if unit is None:
        return False
    return any(
        unit.path.startswith(grant.path)
        for grant in grants_for(user, action)
        if narrowed or grant.narrowing == Narrowing.SUBTREE
    )


def grant_roots(user: Any, action: str, *, subtree_only: bool = False) -> tuple[str, ...]:
    """The paths of the units where `user` holds `action`, sorted (only whole-subtree grants
    with `subtree_only`)."""
    return tuple(
        sorted(
            {
                grant.path
                for grant in grants_for(user, action)
                if not subtree_only or grant.narrowing == Narrowing.SUBTREE
            }
        )
    )


def grant_narrowings(user: Any, action: str) -> set[str]:
    """How the user's grants of `action` are narrowed ({"subtree"}, {"assigned"}, both, or
    none): whether they see whole subtrees, only what is assigned to them, or their own."""
    return {grant.narrowing for grant in grants_for(user, action)}


def ancestor_paths(path: str) -> list[str]:
    """The paths of the units above the unit at `path`, nearest last."""
    step = apps.get_model("core", "Unit").steplen
    return [path[:end] for end in range(step, len(path), step)]


def shared_down_q(user: Any, action: str, path_field: str = "unit__path") -> Q | None:
    """Rows of the units above the user's grants (a city FAQ serves every district), as a
    condition on `path_field`; None when there are none. Grants narrowed to the user's own
    records share nothing down."""
    ancestors = {
        path
        for grant in grants_for(user, action)
        if grant.narrowing != Narrowing.OWN
        for path in ancestor_paths(grant.path)
    }
    if not ancestors:
        return None
    return Q(**{f"{path_field}__in": sorted(ancestors)})


def narrowing_q(model: Any, user: Any, narrowing: str) -> Q:
    """What a grant narrowed to assigned or own records keeps of `model` (all for a subtree)."""
    if narrowing == Narrowing.ASSIGNED:
        return model.assigned_to(user)
    if narrowing == Narrowing.OWN:
        return model.owned_by(user)
    return Q()


def reach_q(user: Any, action: str, model: Any, through: str | None = None) -> Q | None:
    """What `model.objects.restrict(user, action)` keeps, as a condition: on `model` itself, or
    with `through`, on rows whose foreign key `through` points at such a `model` row. None when
    the user holds the action nowhere. A bare verb takes the model's domain."""
    grants = grants_for(user, qualify(action, model_domain(model)))
    if not grants:
        return None
    lookup = model.unit_path_lookup
    condition = Q()
    for grant in grants:
        if through is None:
            subtree = Q(**{f"{lookup}__startswith": grant.path})
            condition |= subtree & narrowing_q(model, user, grant.narrowing)
        elif grant.narrowing == Narrowing.SUBTREE:
            condition |= Q(**{f"{through}__{lookup}__startswith": grant.path})
        else:
            # A join cannot carry the narrowing's own lookups: name the rows it keeps.
            rows = model._default_manager.filter(
                Q(**{f"{lookup}__startswith": grant.path})
                & narrowing_q(model, user, grant.narrowing)
            )
            condition |= Q(**{f"{through}__in": rows.values("pk")})
    return condition


def clear_grant_cache(user: Any) -> None:
    if hasattr(user, "_scope_grants"):
        del user._scope_grants


class RestrictedQuerySet(models.QuerySet):
    """QuerySet whose `restrict()` is the only sanctioned way to read scoped records."""

    def qualified(self, action: str) -> str:
        """`action` in this model's domain when it is a bare verb."""
        return qualify(action, model_domain(self.model))

    def restrict(self, user: Any, action: str = Action.VIEW) -> Self:
        condition = reach_q(user, action, self.model)
        if condition is None:
            return self.none()
        return self.filter(condition)

    def restrict_shared_down(
        self, user: Any, action: str = Action.VIEW, *, shared: Q | None = None
    ) -> Self:
        """`restrict()`, plus the rows of the units above the user's grants that match
        `shared` (e.g. published answers): what a unit shares down to the units below it."""
        scoped = self.restrict(user, action)
        lookup = getattr(self.model, "unit_path_lookup")  # noqa: B009 - set by ScopedMixin
        down = shared_down_q(user, self.qualified(action), lookup)
        if down is None:
            return scoped
        inherited = self.filter(down & (shared or Q()))
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=inherited.values("pk")))

    def restrict_by_unit_ids(
        self,
        user: Any,
        action: str = Action.VIEW,
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
        grants = grants_for(user, self.qualified(action))
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
            condition |= subtree & narrowing_q(model, user, grant.narrowing)
        if not condition:
            return self.none()
        return self.filter(condition)

    def in_subtree(self, unit: Any) -> Self:
        """Narrow to one unit's subtree (the unit picked in the header switcher)."""
        if unit is None:
            return self
        lookup = getattr(self.model, "unit_path_lookup")  # noqa: B009 - set by ScopedMixin
        return self.filter(**{f"{lookup}__startswith": unit.path})

    def get_visible(self, user: Any, action: str = Action.VIEW, **lookup: Any) -> Any:
        """The one record matching `lookup` inside the user's scope, else 404 (or 403)."""
        if not holds_anywhere(user, self.qualified(action)):
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
    `assigned_to` / `owned_by` to say which records a narrowed role sees, and `scope_domain`
    when their records belong to another domain than their app's.
    """

    unit_path_lookup = "unit__path"
    scope_domain: str | None = None

    @classmethod
    def assigned_to(cls, user: Any) -> Q:
        return Q(pk__in=[])

    @classmethod
    def owned_by(cls, user: Any) -> Q:
        return Q(pk__in=[])


def require_unit(actor: Any, action: str, unit: Any, message: str | None = None) -> None:
    """Services' guard: the actor must hold `action` ("people.add") on `unit` through a
    whole-subtree grant (it lies in one of their subtrees; narrowed grants put nothing in).

    Raises PermissionDenied with `message`, or a generic one naming the unit as out of reach.
    """
    paths = grant_roots(actor, action, subtree_only=True)
    if (
        unit is None
        or not paths
        or not type(unit)
        .objects.filter(reduce(or_, [Q(path__startswith=p) for p in paths]))
        .filter(pk=unit.pk)
        .exists()
    ):
        raise PermissionDenied(message or _("You cannot put records into this unit."))


def assert_visible(actor: Any, obj: models.Model, action: str = Action.CHANGE) -> None:
    """Re-check inside a write's transaction that the actor still reaches the object.

    Stops "move a record into a sibling unit": the write is rolled back by raising.
    """
    manager = type(obj)._default_manager
    if not manager.restrict(actor, action).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise OutOfScope("The record would leave your scope / 记录将超出您的管辖范围")
