"""Field-by-field comparison of two stored rows of one model, for the seeds' parity tests: a
row the seed wrote in bulk must equal the row the service writes for the same input."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Model


def stored_values(obj: Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The row of `obj` as the database holds it (re-read), keyed by column attribute, without
    the primary key and the `exclude`d attributes (which must exist: a typo would hide a field)."""
    model = type(obj)
    names = {f.attname for f in model._meta.concrete_fields}
    unknown = set(exclude) - names
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    skip = {model._meta.pk.attname, *exclude}
    row = model._base_manager.get(pk=obj.pk)
    return {name: getattr(row, name) for name in sorted(names - skip)}


def row_differences(
    seeded: Model, made: Model, *, exclude: Iterable[str] = ()
) -> dict[str, tuple[Any, Any]]:
    """{attribute: (seeded value, service value)} for every field where the two rows differ."""
    exclude = tuple(exclude)
    a = stored_values(seeded, exclude=exclude)
    b = stored_values(made, exclude=exclude)
    return {name: (a[name], b[name]) for name in a if a[name] != b[name]}
