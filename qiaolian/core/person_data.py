"""The tables that hold a person's data, as the apps declare them (`registry.PersonData`).

The data-subject export and erasure (PIPL art. 45, 47) read every table through here; the
caller has already read the person through `restrict()`, so what it reaches is the person's
own rows. A meta-test keeps the declarations complete: every foreign key to the person must
be declared by the app that owns it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from qiaolian.core import registry
from qiaolian.core.registry import PersonData


def person_records(person: Any) -> list[tuple[PersonData, QuerySet]]:
    """Each declared table with the rows of `person` (a Person read through `restrict()`)."""
    found = []
    for table in registry.person_data():
        model = apps.get_model(table.model)
        found.append((table, model._default_manager.filter(**{table.person_path: person.pk})))
    return found


def undeclared_person_links(person_model: Any) -> list[str]:
    """ "app.Model.field" for every foreign key to `person_model` that no app declared."""
    declared = {(table.model.lower(), table.person_path) for table in registry.person_data()}
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.concrete or getattr(field, "related_model", None) is not person_model:
                continue
            if model is person_model:
                continue  # the person's own row (merged_into points at another person)
            if (model._meta.label_lower, field.name) not in declared:
                missing.append(f"{model._meta.label}.{field.name}")
    return sorted(missing)
