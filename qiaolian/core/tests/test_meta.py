"""Meta-tests: the scoping rules are checked on the code itself, so a new model or view cannot
forget them."""

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

LINTED = ("**/views*.py", "**/views/*.py", "**/api.py", "**/selectors.py")
UNSCOPED_GET = re.compile(r"\.objects\.get\(|get_object_or_404\(")
SCOPED = re.compile(r"restrict\(|get_visible\(")
EXEMPT = re.compile(r"#\s*scoping:\s*exempt\b[\s,:;.—–-]*(?P<reason>\S.{2,})")


def unscoped_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each unscoped single-record read without a written exemption."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not UNSCOPED_GET.search(line) or SCOPED.search(line) or EXEMPT.search(line):
            continue
        found.append((number, line.strip()))
    return found


def linted_files() -> list[Path]:
    files = {path for pattern in LINTED for path in PACKAGE.glob(pattern)}
    return sorted(path for path in files if "migrations" not in path.parts)


def test_the_lint_reads_the_core_views_api_and_selectors():
    names = {path.relative_to(PACKAGE).as_posix() for path in linted_files()}
    assert {"core/api.py", "core/selectors.py", "core/views/units.py"} <= names


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
