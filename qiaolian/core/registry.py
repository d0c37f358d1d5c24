"""The app contract: what each Qiaolian app contributes, declared in one place of its own.

An app's `AppConfig` subclasses `QiaolianApp` and declares its URL prefix, API router, domain
(its permissions), navigation, seed steps, periodic tasks, figures, the tables that hold a
person's data and what narrowed users see through it. Core iterates over the registered apps
(`qiaolian_apps()`) and imports none of them, the way Django's admin discovers `admin.py` and
NetBox's plugins declare their menus on a `PluginConfig`.

Declarations name code by dotted path ("qiaolian.hotline.seed:seed_hotline") or build it inside
a method, so that reading the registry at start-up imports no models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import AppConfig, apps
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from qiaolian.core.scoping import Action

# The verbs every domain has unless it says otherwise. ADMIN, AUDIT and CONFIGURE belong to
# core's own domain (units, users, logs, dictionaries); APPROVE to domains with approvals.
RECORD_VERBS: tuple[Action, ...] = (
    Action.VIEW,
    Action.ADD,
    Action.CHANGE,
    Action.DELETE,
    Action.EXPORT,
    Action.REVEAL,
)


def resolve(target: str | Callable[..., Any]) -> Callable[..., Any]:
    """A callable from a dotted path ("pkg.module:name" or "pkg.module.name")."""
    if callable(target):
        return target
    return import_string(target.replace(":", "."))


@dataclass(frozen=True)
class Domain:
    """A permission domain: `code` joined with each verb gives the actions ("hotline.view")."""

    code: str
    label: Any
    verbs: tuple[Action, ...] = RECORD_VERBS

    def actions(self) -> tuple[str, ...]:
        return tuple(f"{self.code}.{verb}" for verb in self.verbs)


@dataclass(frozen=True)
class NavItem:
    """A link in the side navigation, shown to users who hold `permission` somewhere."""

    label: Any
    url_name: str
    icon: str
    permission: str
    # A further test of the user (dotted path to `f(user) -> bool`), for pages whose rule is
    # narrower than holding the permission somewhere (city-level settings).
    visible: str | Callable[[Any], bool] | None = None
    # Whether the permission must be held over a whole unit subtree: a grant narrowed to the
    # records assigned to the user (liaison officers, volunteers) or to their own (portal
    # users) does not show the item. None: only for creating (an ADD permission), which a
    # narrowed grant never allows (`scoping.require_unit`). True for the pages of a whole unit
    # (its figures, settings and reports), which show a narrowed user nothing to do.
    whole_subtree: bool | None = None

    def needs_whole_subtree(self) -> bool:
        if self.whole_subtree is not None:
            return self.whole_subtree
        return self.permission.rpartition(".")[2] == Action.ADD


@dataclass(frozen=True)
class NavSection:
    """Sections with the same `key` from several apps merge, ordered by `order`."""

    key: str
    label: Any
    order: int
    items: tuple[NavItem, ...]


@dataclass(frozen=True)
class SeedStep:
    """`run(scale)` loads an app's demo data, idempotently; `after` names steps it needs.

    A name ending in "?" is a step to follow only when its app is installed ("giving?": ship
    the donated goods when there are any), so an app can order itself after one it must not
    import.
    """

    name: str
    run: str | Callable[[int], Any]
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodicTask:
    """A `django.tasks` task (dotted path) enqueued every `every` seconds, once across workers."""

    task: str
    every: int


@dataclass(frozen=True)
class PersonData:
    """A table that holds a person's data: the model label and the path to the Person."""

    model: str
    person_path: str
    label: Any = ""


@dataclass(frozen=True)
class Narrowed:
    """What a narrowed role (assigned / own) sees of a model, in words for the roles page.

    With `condition` (a dotted path to `f(user) -> Q`), the app contributes to what the model's
    narrowed users see: a model below the app (people's Person) ORs every contribution in its
    `assigned_to` / `owned_by` (`narrowed_condition()`), so it never names the apps above it.
    """

    narrowing: str
    model: str
    description: Any
    condition: str | Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Figure:
    """A named number over `restrict()`ed data.

    `compute(user=, unit=, period=)` returns an int or Decimal, counted from what `user` may
    see inside `unit`'s subtree during `period` (a `core.figures.Period`); `records_url(unit=,
    period=)` gives the page that lists the records behind it (or "").
    """

    key: str
    label: Any
    measure: Any
    compute: str | Callable[..., Any]
    records_url: str | Callable[..., str] | None = None
    permission: str = ""
    order: int = 100
    # True for a count of the present state (groups, stewards): the period does not apply.
    snapshot: bool = False


@dataclass(frozen=True)
class WorkItem:
    """One line of a "my work" panel: what it is, where it opens, and a short note (a due
    time); `tone` "danger" or "warning" marks what is late or nearly so."""

    text: Any
    url: str
    note: Any = ""
    tone: str = ""


@dataclass(frozen=True)
class WorkList:
    """What a "my work" panel shows: the count, the first few items, and the filtered list
    behind them (`url`)."""

    count: int
    url: str
    items: tuple[WorkItem, ...] = ()


@dataclass(frozen=True)
class WorkPanel:
    """A panel of the dashboard's "my work": `compute(user=, within=)` returns a `WorkList`
    read through `restrict()` (or None when the panel has nothing for this user: a volunteer
    reviews no duplicates). Shown to users who hold `permission` somewhere."""

    key: str
    label: Any
    compute: str | Callable[..., WorkList | None]
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class NotificationKind:
    """A kind of in-app notification (`core.services.notification_send(kind=…)`): its label and
    its text with `%(name)s` placeholders filled from the notification's params, translated
    when the recipient reads it."""

    code: str
    label: Any
    text: Any
    # Params stored as codes (a status) and their labels, {param: {code: lazy label}}: the
    # reader sees the label in their language, never the code.
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)

    def render(self, params: dict[str, Any]) -> str:
        shown = {
            name: str(self.labels.get(name, {}).get(value, value)) for name, value in params.items()
        }
        return str(self.text) % shown


@dataclass
class Contribution:
    """Everything one app declares, read once (see `contributions()`)."""

    app: QiaolianApp
    domain: Domain | None = None
    navigation: list[NavSection] = field(default_factory=list)
    seed_steps: list[SeedStep] = field(default_factory=list)
    periodic_tasks: list[PeriodicTask] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    person_data: list[PersonData] = field(default_factory=list)
    narrowed: list[Narrowed] = field(default_factory=list)
    audit_actions: dict[str, Any] = field(default_factory=dict)
    my_work: list[WorkPanel] = field(default_factory=list)
    notification_kinds: list[NotificationKind] = field(default_factory=list)


class QiaolianApp(AppConfig):
    """Base `AppConfig` of every Qiaolian app. Override what the app contributes.

    `url_prefix` ("hotline/") mounts `<name>.urls`; `api_router` ("pkg.api:router") mounts at
    `/api<api_prefix>` with OpenAPI operation ids prefixed by `api_operation_prefix`.
    """

    # Django picks the one AppConfig of an apps.py marked default: this base, imported there,
    # is not; every subclass is.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    url_prefix: str | None = None
    urls_module: str | None = None
    api_router: str | None = None
    api_prefix: str = ""
    api_operation_prefix: str = ""
    domain_label: Any = None
    domain_verbs: tuple[Action, ...] = RECORD_VERBS

    @property
    def domain_code(self) -> str:
        return self.label

    def domain(self) -> Domain | None:
        if self.domain_label is None:
            return None
        return Domain(self.domain_code, self.domain_label, self.domain_verbs)

    def urls(self) -> str | None:
        if self.url_prefix is None:
            return None
        return self.urls_module or f"{self.name}.urls"

    def navigation(self) -> list[NavSection]:
        return []

    def seed_steps(self) -> list[SeedStep]:
        return []

    def periodic_tasks(self) -> list[PeriodicTask]:
        return []

    def figures(self) -> list[Figure]:
        return []

    def person_data(self) -> list[PersonData]:
        return []

    def narrowed(self) -> list[Narrowed]:
        return []

    def audit_actions(self) -> dict[str, Any]:
        """The operations the app writes to the audit log, code → label ("case.assign" →
        "Case assigned"): the operation log shows the label, never the code."""
        return {}

    def my_work(self) -> list[WorkPanel]:
        return []

    def notification_kinds(self) -> list[NotificationKind]:
        return []

    def contribution(self) -> Contribution:
        return Contribution(
            app=self,
            domain=self.domain(),
            navigation=self.navigation(),
            seed_steps=self.seed_steps(),
            periodic_tasks=self.periodic_tasks(),
            figures=self.figures(),
            person_data=self.person_data(),
            narrowed=self.narrowed(),
            audit_actions=self.audit_actions(),
            my_work=self.my_work(),
            notification_kinds=self.notification_kinds(),
        )


def qiaolian_apps() -> Iterator[QiaolianApp]:
    """The installed Qiaolian apps, in INSTALLED_APPS order (core first)."""
    for config in apps.get_app_configs():
        if isinstance(config, QiaolianApp):
            yield config


@cache
def contributions() -> tuple[Contribution, ...]:
    """Every app's declarations, read once per process (the app set does not change)."""
    return tuple(app.contribution() for app in qiaolian_apps())


def domains() -> dict[str, Domain]:
    """Permission domains by code, core's first."""
    return {c.domain.code: c.domain for c in contributions() if c.domain is not None}


def all_actions() -> tuple[str, ...]:
    """Every declared action ("people.view", "hotline.change", …)."""
    return tuple(action for domain in domains().values() for action in domain.actions())


def navigation() -> list[NavSection]:
    """The merged navigation: one section per key, items in app order, sections by `order`."""
    merged: dict[str, NavSection] = {}
    for contribution in contributions():
        for section in contribution.navigation:
            known = merged.get(section.key)
            if known is None:
                merged[section.key] = section
            else:
                merged[section.key] = NavSection(
                    known.key,
                    known.label,
                    min(known.order, section.order),
                    known.items + section.items,
                )
    return sorted(merged.values(), key=lambda s: s.order)


def seed_steps() -> list[SeedStep]:
    """Seed steps in an order where each comes after the steps it names."""
    steps = {step.name: step for c in contributions() for step in c.seed_steps}
    ordered: list[SeedStep] = []
    placing: set[str] = set()

    def place(step: SeedStep) -> None:
        if step in ordered:
            return
        if step.name in placing:
            raise ValueError(f"seed steps depend on each other in a circle: {step.name}")
        placing.add(step.name)
        for name in step.after:
            if name.endswith("?"):
                if name[:-1] in steps:
                    place(steps[name[:-1]])
                continue
            if name not in steps:
                raise ValueError(f"seed step {step.name!r} follows unknown step {name!r}")
            place(steps[name])
        placing.discard(step.name)
        ordered.append(step)

    for step in steps.values():
        place(step)
    return ordered


def periodic_tasks() -> list[PeriodicTask]:
    return [task for c in contributions() for task in c.periodic_tasks]


def figures() -> list[Figure]:
    found = [figure for c in contributions() for figure in c.figures]
    keys = [figure.key for figure in found]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise ValueError(f"figures registered twice: {duplicated}")
    return sorted(found, key=lambda f: (f.order, f.key))


def person_data() -> list[PersonData]:
    return [table for c in contributions() for table in c.person_data]


def narrowed() -> list[Narrowed]:
    return [item for c in contributions() for item in c.narrowed]


def audit_action_labels() -> dict[str, Any]:
    """Every app's audit operations, code → label. A code declared twice is an error."""
    labels: dict[str, Any] = {}
    for contribution in contributions():
        for code, label in contribution.audit_actions.items():
            if code in labels:
                raise ValueError(f"audit action registered twice: {code}")
            labels[code] = label
    return labels


def my_work() -> list[WorkPanel]:
    """Every app's "my work" panels, by `order`."""
    return sorted((p for c in contributions() for p in c.my_work), key=lambda p: (p.order, p.key))


def notification_kinds() -> dict[str, NotificationKind]:
    """Every declared notification kind by code; a code declared twice fails."""
    found: dict[str, NotificationKind] = {}
    for kind in (k for c in contributions() for k in c.notification_kinds):
        if kind.code in found:
            raise ValueError(f"notification kind registered twice: {kind.code}")
        found[kind.code] = kind
    return found


def narrowed_condition(model_label: str, narrowing: str, user: Any) -> Q:
    """What the apps let a `narrowing` user see of `model_label`, OR-ed; nothing if none."""
    condition = Q(pk__in=[])
    for item in narrowed():
        if item.model == model_label and item.narrowing == narrowing and item.condition:
            condition |= resolve(item.condition)(user)
    return condition


def url_mounts() -> list[tuple[str, str]]:
    """(prefix, urls module) of every app that has pages, core last (it owns the root)."""
    mounts = [(c.app.url_prefix or "", c.app.urls()) for c in contributions() if c.app.urls()]
    mounts.sort(key=lambda mount: mount[0] == "")
    return [(prefix, module) for prefix, module in mounts if module]


def api_routers() -> list[tuple[str, str, str]]:
    """(path prefix, operation-id prefix, dotted router) of every app with an API."""
    return [
        (c.app.api_prefix, c.app.api_operation_prefix or c.app.label, c.app.api_router)
        for c in contributions()
        if c.app.api_router
    ]


CORE_DOMAIN_LABEL = _("Units, users and logs")
