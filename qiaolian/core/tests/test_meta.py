"""Meta-tests: the scoping rules are checked on the code itself, so a new model or view cannot
forget them."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

import qiaolian
from qiaolian.core.models import User
from qiaolian.core.scoping import RestrictedQuerySet, ScopedMixin

PACKAGE = Path(qiaolian.__file__).resolve().parent
UNIT_FIELDS = ("unit", "home_unit")


def _has_unit_key(model) -> bool:
    return any(
        isinstance(field, models.ForeignKey) and field.name in UNIT_FIELDS
        for field in model._meta.get_fields()
    )


# Models with a unit key that are never read on their own, each with the reason. Like the leak
# sweep's Exempt entries: adding one is a decision written down, not a way to silence the test.
EXEMPT_MODELS = {
    "people.PersonSearchToken": "The search index: its rows only select candidate ids, and the "
    "people are then read through Person.objects.restrict() (see the model's docstring).",
}


def unit_tree_models() -> list[type[models.Model]]:
    """Every concrete project model that lives in the unit tree."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.app_config.name.startswith("qiaolian.")
            and not model._meta.abstract
            and (_has_unit_key(model) or issubclass(model, ScopedMixin))
        ),
        key=lambda model: model._meta.label,
    )


SCOPED_MODELS = [m for m in unit_tree_models() if m._meta.label not in EXEMPT_MODELS]


def test_every_model_exemption_names_a_model_and_gives_a_reason():
    labels = {model._meta.label for model in unit_tree_models()}
    for label, reason in EXEMPT_MODELS.items():
        assert label in labels, f"{label} is exempt but is no model with a unit (remove it)"
        assert len(reason) > 30, f"{label}: write down why it is exempt"


def test_the_model_detection_finds_the_core_models():
    # Guards the test below against passing vacuously.
    labels = {model._meta.label for model in SCOPED_MODELS}
    expected = {"core.Unit", "core.User", "core.UnitRole", "core.AuditEvent", "core.LoginEvent"}
    assert expected <= labels


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda model: model._meta.label)
def test_every_model_in_the_unit_tree_has_a_scoped_default_manager(model):
    manager = model._default_manager
    queryset_class = type(manager.get_queryset())
    assert issubclass(queryset_class, RestrictedQuerySet), (
        f"{model._meta.label}: the default manager returns a {queryset_class.__name__}; it must "
        "return a RestrictedQuerySet (objects = models.Manager.from_queryset(RestrictedQuerySet)())"
    )
    assert callable(getattr(manager, "restrict", None)), f"{model._meta.label}.objects.restrict"


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda model: model._meta.label)
def test_every_model_in_the_unit_tree_can_build_its_scoped_query(model):
    assert issubclass(model, ScopedMixin), f"{model._meta.label} must subclass ScopedMixin"
    user = User(pk=0, username="meta")
    manager = model._default_manager
    # A wrong unit_path_lookup or narrowing hook fails here (FieldError), not in production.
    conditions = [
        models.Q(**{f"{model.unit_path_lookup}__startswith": "0001"}),
        model.assigned_to(user),
        model.owned_by(user),
    ]
    for condition in conditions:
        manager.filter(condition).exists()


# --- the lint ------------------------------------------------------------------------------

# Every module of the views, the API and the selectors, in every app, recursively.
LINTED_MODULES = ("views", "api", "selectors")
UNSCOPED_GET = re.compile(r"\.objects\.get\(|get_object_or_404\(")
SCOPED = re.compile(r"restrict\(|get_visible\(")
EXEMPT = re.compile(r"#\s*scoping:\s*exempt\b[\s,:;.—–-]*(?P<reason>\S.{2,})")
# The manager methods that start a read from the user's scope (or read nothing: none()).
RESTRICTING = {"restrict", "get_visible", "restrict_by_unit_ids", "restrict_shared_down", "none"}


def unscoped_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each unscoped single-record read without a written exemption."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not UNSCOPED_GET.search(line) or SCOPED.search(line) or EXEMPT.search(line):
            continue
        found.append((number, line.strip()))
    return found


def _restricted_chain(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the call chain that `node` (`X.objects.<m>`) starts goes through restrict()."""
    current = node
    while True:
        if isinstance(current, ast.Attribute) and current.attr in RESTRICTING:
            return True
        parent = parents.get(current)
        if (isinstance(parent, ast.Attribute) and parent.value is current) or (
            isinstance(parent, ast.Call) and parent.func is current
        ):
            current = parent
        else:
            return False


def _comment_above(lines: list[str], number: int) -> str:
    """The block of comment lines just above line `number` (1-based), joined."""
    block: list[str] = []
    index = number - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        block.insert(0, lines[index].strip())
        index -= 1
    return " ".join(block)


def unscoped_reads(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each `.objects.` read that does not start from restrict(), and has
    no `# scoping: exempt - <reason>` at the end of its line or in the comment just above."""
    lines = text.splitlines()
    tree = ast.parse(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
        ):
            continue
        if _restricted_chain(node, parents):
            continue
        number = node.lineno
        if EXEMPT.search(lines[number - 1]) or EXEMPT.search(_comment_above(lines, number)):
            continue
        found.add((number, lines[number - 1].strip()))
    return sorted(found)


def linted_files() -> list[Path]:
    """`views.py`, `api.py`, `selectors.py` and every module of `views/`, `api/`, `selectors/`
    packages, at any depth, of every app (migrations and tests aside)."""
    files: set[Path] = set()
    for app in (path for path in PACKAGE.iterdir() if path.is_dir()):
        for name in LINTED_MODULES:
            module = app / f"{name}.py"
            if module.exists():
                files.add(module)
            if (app / name).is_dir():
                files.update((app / name).rglob("*.py"))
    return sorted(
        path for path in files if "migrations" not in path.parts and "tests" not in path.parts
    )


def test_the_lint_reads_the_views_api_and_selectors_of_every_app_recursively():
    names = {path.relative_to(PACKAGE).as_posix() for path in linted_files()}
    assert {"core/api.py", "core/selectors.py", "core/views/units.py"} <= names
    # The packages a fixed glob missed: the hotline's API and selectors.
    assert {"hotline/api/cases.py", "hotline/selectors/cases.py", "people/api.py"} <= names


def test_the_lint_flags_an_unscoped_get_and_accepts_scoped_or_exempt_ones():
    text = "\n".join(
        [
            "case = Case.objects.get(pk=pk)",
            "case = get_object_or_404(Case, pk=pk)",
            "case = get_object_or_404(Case.objects.restrict(user, Action.VIEW), pk=pk)",
            "case = Case.objects.get_visible(user, Action.VIEW, public_id=pk)",
            "kind = Kind.objects.get(code=code)  # scoping: exempt - federation-wide reference",
            "kind = Kind.objects.get(code=code)  # scoping: exempt",
        ]
    )
    assert [number for number, _line in unscoped_lines(text)] == [1, 2, 6]


def test_the_lint_flags_every_objects_read_that_does_not_start_from_restrict():
    text = "\n".join(
        [
            "rows = Case.objects.filter(unit=unit)",
            "rows = Case.objects.restrict(user, Action.VIEW).filter(unit=unit)",
            "row = Case.objects.select_related('unit').get_visible(user, public_id=pk)",
            "rows = Unit.objects.get_children(unit).restrict(user, Action.VIEW)",
            "rows = (",
            "    Case.objects.all()",
            "    .order_by('pk')",
            ")",
            "# scoping: exempt - the user's own devices",
            "rows = Device.objects.filter(user=user)",
            "rows = Kind.objects.all()  # scoping: exempt - federation-wide reference data",
            "rows = Kind.objects.all()  # scoping: exempt",
            "n = Case.objects.restrict_by_unit_ids(user, Action.VIEW).count()",
            "# scoping: exempt - a comment of two lines, the reason",
            "# on the first one",
            "rows = Kind.objects.all()",
            "rows = Case.objects.none()",
            "rows = Case.objects.filter(pk__in=Case.objects.restrict(user).values('pk'))",
        ]
    )
    assert [number for number, _line in unscoped_reads(text)] == [1, 6, 12, 18]


def test_views_api_and_selectors_read_single_records_only_through_restrict():
    failures = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line}"
        for path in linted_files()
        for number, line in unscoped_lines(path.read_text(encoding="utf-8"))
    ]
    assert not failures, (
        "Unscoped single-record reads (use Model.objects.restrict(user, action) or "
        "get_visible(), or add `# scoping: exempt - <reason>`):\n" + "\n".join(failures)
    )


def test_views_api_and_selectors_read_only_from_restrict():
    failures = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line}"
        for path in linted_files()
        for number, line in unscoped_reads(path.read_text(encoding="utf-8"))
    ]
    assert not failures, (
        "`.objects.` reads that do not start from restrict(user, action) (start from it, or "
        "write `# scoping: exempt - <reason>` on the line or the line above):\n"
        + "\n".join(failures)
    )


# --- the base views restrict what their subclasses declare -----------------------------------

# Views that build their records another way than `model`/`queryset` + `narrow()`, each with
# the reason. Adding one is a decision written down: the subclass now owns its scoping.
OWN_QUERYSET = {
    "qiaolian.core.views.audit.AuditListView": "audit_list() restricts to AUDIT",
    "qiaolian.core.views.audit.LoginLogView": "login_log() restricts to AUDIT",
    "qiaolian.core.views.dictionaries.DictListView": "Dictionaries are federation-wide",
    "qiaolian.core.views.dictionaries.DictDetailView": "Dictionaries are federation-wide",
    "qiaolian.core.views.dictionaries.RoleListView": "Roles are federation-wide",
    "qiaolian.core.views.system.TokenListView": "A user's own tokens (owner filter)",
    "qiaolian.core.views.system.NotificationListView": "A user's own notifications (recipient)",
    "qiaolian.core.views.system.NotificationOpenView": "A user's own notifications (recipient)",
    "qiaolian.core.views.system.TokenRevokeView": "A user's own tokens (owner filter)",
    "qiaolian.core.views.users.UserListView": "user_list() restricts to ADMIN",
    "qiaolian.hotline.views.answers.AnswerListView": "answer_list() adds the shared-down answers",
    "qiaolian.relief.views.stock.ItemListView": "item_list(): the catalogue is shared down",
    "qiaolian.hotline.views.answers.AnswerDetailView": "visible_answers(): shared down too",
    "qiaolian.hotline.views.calls.CallListView": "call_list() restricts (VIEW or EXPORT)",
    "qiaolian.hotline.views.calls.CallDetailView": "call_list() restricts",
    "qiaolian.hotline.views.calls.CallbackListView": "callback_list() restricts",
    "qiaolian.hotline.views.cases.CaseListView": "case_list() restricts, by unit ids",
    "qiaolian.hotline.views.sla.SlaPolicyListView": "SLA policies are federation-wide",
    "qiaolian.hotline.views.sla.SlaCalendarListView": "Working calendars are federation-wide",
    "qiaolian.hotline.views.sla.BreachReportView": "breach_list() restricts (VIEW or EXPORT)",
    "qiaolian.hotline.views.tomb.TombListView": "order_list() restricts (VIEW or EXPORT)",
    "qiaolian.hotline.views.volunteers.VolunteerListView": "volunteer_list() restricts",
    "qiaolian.network.views.groups.GroupListView": "group_list() restricts (VIEW or EXPORT)",
    "qiaolian.network.views.grid.PeopleWithoutGroupView": "people_without_group() restricts",
    "qiaolian.people.views.associations.AssociationListView": "association_list() restricts",
    "qiaolian.people.views.duplicates.DuplicateListView": "candidate_list() restricts pairs",
    "qiaolian.people.views.duplicates.DuplicateMergeListView": "merge_list() restricts pairs",
    "qiaolian.people.views.people.PersonListView": "person_list() restricts",
}


def _scoped_view_classes() -> list[type]:
    from django.urls import get_resolver

    from qiaolian.core.views.generic import ScopedView

    found: set[type] = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and issubclass(view, ScopedView):
                found.add(view)

    walk(get_resolver().url_patterns)
    return sorted(found, key=lambda view: f"{view.__module__}.{view.__qualname__}")


def test_scoped_views_declare_their_records_and_the_base_restricts_them():
    from qiaolian.core.views.generic import ExportableListView, ScopedView

    own = []
    for view in _scoped_view_classes():
        name = f"{view.__module__}.{view.__qualname__}"
        overrides = any(
            "scoped_queryset" in vars(klass)
            or ("queryset_for" in vars(klass) and klass is not ExportableListView)
            for klass in view.__mro__
            if klass not in (ScopedView, ExportableListView) and issubclass(klass, ScopedView)
        )
        if overrides and name not in OWN_QUERYSET:
            own.append(name)
    assert not own, (
        "These views build their own queryset: declare `model`/`queryset` and narrow() "
        "instead, or list them in OWN_QUERYSET with the reason:\n" + "\n".join(own)
    )


def test_every_own_queryset_exemption_names_a_routed_view():
    names = {f"{v.__module__}.{v.__qualname__}" for v in _scoped_view_classes()}
    assert set(OWN_QUERYSET) <= names, sorted(set(OWN_QUERYSET) - names)
