"""The leak sweep's vocabulary.

Every URL pattern of the project must appear in some app's `tests/sweep.py` either as

- `Detail(make)`: `make(cast)` returns the URL kwargs of an object owned by the sibling
  district (cast.district_b). A user of district A with every action there must get 404 on GET
  and on POST (and for API operations, with the operation's method).
- `Listing(make)`: `make(cast)` returns `(kwargs, marker)`: the marker (a name or code of a
  sibling-owned record) must not appear in the page, its HTMX fragment, or its exports.
  `query(marker)` gives query parameters (a search: `{"q": marker}`) sent with every request.
- `Create(model, data)`: a POST (a JSON body for API operations) of `data(cast)`, a valid
  record that names the sibling district's ids (its unit, one of its records). A user of
  district A must be refused (404, 403, 422, or a form error with 400) and no `model` row
  written; the sibling's own manager, posting the same, writes one (the check can fail).
- `Public(make)`: a page anyone may open (a private link's landing page, a published record).
  `make(cast)` returns `(kwargs, hidden)` or `(kwargs, hidden, shown)`: fetched without a
  login, the page answers one of `statuses` and never contains `hidden` (text of an
  unpublished record, or of anything else the page must not reveal); `shown`, when given, must
  appear (it proves the page rendered its record, so the check can fail).
- `Exempt(reason)`: not unit-scoped, with the reason written down.

`SWEEP` maps URL names (with namespace) to one of these. `all_url_names()` lists what exists,
so a URL added without an entry fails the sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from qiaolian.core.registry import QiaolianApp


@dataclass(frozen=True)
class Detail:
    """`payload(cast)` gives a valid API body, so the request reaches the scoping check."""

    make: Callable[[Any], dict]
    methods: tuple[str, ...] = ("GET", "POST")
    payload: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class Listing:
    make: Callable[[Any], tuple[dict, str]]
    exports: tuple[str, ...] = field(default_factory=tuple)
    query: Callable[[str], dict] | None = None


@dataclass(frozen=True)
class Create:
    """`model` is "app_label.Model"; `kwargs(cast)` gives URL kwargs when the URL has any."""

    model: str
    data: Callable[[Any], dict]
    kwargs: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class Public:
    make: Callable[[Any], tuple]
    statuses: tuple[int, ...] = (200,)


@dataclass(frozen=True)
class Exempt:
    reason: str


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    methods: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(
                name or f"<unnamed {prefix}{pattern.pattern}>",
                prefix + str(pattern.pattern),
                _methods(pattern),
            )


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    view = pattern.callback
    operation = getattr(view, "__self__", None)  # ninja's PathView bound method
    if operation is not None and hasattr(operation, "operations"):
        return tuple(sorted({m for op in operation.operations for m in op.methods}))
    return ("GET", "POST")


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def collected_sweep() -> dict[str, Detail | Listing | Public | Create | Exempt]:
    """Merge the `SWEEP` dicts of every project app's `tests/sweep*.py` modules."""
    merged: dict[str, Detail | Listing | Public | Create | Exempt] = {}
    for config in apps.get_app_configs():
        tests_dir = Path(config.path) / "tests"
        if not isinstance(config, QiaolianApp) or not tests_dir.is_dir():
            continue
        for path in sorted(tests_dir.glob("sweep*.py")):
            module = import_module(f"{config.name}.tests.{path.stem}")
            for name, entry in module.SWEEP.items():
                assert name not in merged, f"{name} is declared twice in the sweep"
                merged[name] = entry
    return merged
