"""What every app's API is built from: a router mounted under its own prefix, one error shape,
one pagination, the owner-unit output base and the two guards every list starts with.

**Routers.** An app writes its routes relative to its own prefix (`@router.get("/cases")`) and
the API root mounts the router once under the app's prefix (`"/hotline"`) with `mount_routers`.
Each operation's OpenAPI `operationId` becomes `<name>_<function>` (`hotline_case_list`), where
the name is the label of the app that holds the router (or the name given with the mount), so
ten apps can each have a `list` without a clash; a clash of operation ids or URL names is a
configuration error raised at startup. URL names stay the function names (`api:case_list`).

**Errors.** Every error body is `{"error": {"code", "message", "fields"?}}`: `error_body` builds
it, `error_status` returns it from an operation that declares `ErrorOut` for that status,
`ApiError` raises it from anywhere (the API root renders it), `error_response` is what the
root's exception handlers answer with.

**Lists.** `@paginated(page_size=100)`: `?page=N&page_size=M` (M capped at the project's
`NINJA_MAX_PER_PAGE_SIZE`) answering `{"items": […], "count": total}`. With `count_limit` the
count reads at most that many rows plus one, the way the people list page counts
(`core/pagination.py`), and says `"capped": true` beyond it. `PageHook` lets a list decorate
only the page it returns.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.module_loading import import_string
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination
from ninja.pagination import paginate as ninja_paginate
from ninja.utils import normalize_path
from pydantic import BaseModel, ConfigDict, model_serializer

from qiaolian.core.models import Unit
from qiaolian.core.pagination import COUNT_LIMIT
from qiaolian.core.scoping import Action, holds_anywhere

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from ninja import NinjaAPI
    from ninja.operation import Operation

# --- routers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mount:
    """One app's router as the API root mounted it: under `prefix`, its operations named
    `<name>_<function>`."""

    prefix: str
    name: str
    router: Router

    def operations(self) -> Iterator[tuple[str, Operation]]:
        """(path under the API root, operation) for every operation of the router's tree."""
        return router_operations(self.router, self.prefix)


def router_operations(router: Router, prefix: str = "") -> Iterator[tuple[str, Operation]]:
    """Walk a router and its child routers the way ninja joins their paths: `("/hotline/cases",
    <case_list>)`, with the OpenAPI `{param}` notation kept."""
    for mount in router.build_routers(prefix):
        for path, path_view in mount.template.path_operations.items():
            route = normalize_path("/".join(part for part in (mount.prefix, path) if part))
            for operation in path_view.operations:
                yield "/" + route.strip("/"), operation


def _resolve(router: Router | str) -> tuple[Router, str | None]:
    """The router and the module it lives in (for its app's label)."""
    if isinstance(router, Router):
        return router, None
    module, _, attribute = router.partition(":")
    found = import_string(f"{module}.{attribute}") if attribute else import_string(router)
    if not isinstance(found, Router):
        raise ImproperlyConfigured(f"{router} is not a ninja Router.")
    return found, module if attribute else router.rpartition(".")[0]


def _app_label(router: Router, module: str | None) -> str:
    """The label of the app holding the router's module (or its first operation's)."""
    if module is None:
        module = next((op.view_func.__module__ for _path, op in router_operations(router)), None)
    config = apps.get_containing_app_config(module) if module else None
    if config is None:
        raise ImproperlyConfigured(f"Name the API router of {module or 'an empty router'}.")
    return config.label


def _check_prefix(prefix: str) -> None:
    if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
        raise ImproperlyConfigured(f"An API prefix is '' or '/name', not {prefix!r}.")


def mount_routers(
    api: NinjaAPI,
    routers: Iterable[tuple[str, Router | str] | tuple[str, Router | str, str]],
) -> list[Mount]:
    """Mount each `(prefix, router[, name])` on `api` (the router as a Router or as
    `"dotted.module:attribute"`). Names each operation `<name>_<function>` unless it set its
    own `operation_id`; `name` defaults to the router's app label. Raises ImproperlyConfigured
    when two operations would share an operation id or a URL name."""
    mounts: list[Mount] = []
    operation_ids: dict[str, str] = {}
    url_names: dict[str, str] = {}
    for entry in routers:
        prefix, target, *named = entry
        _check_prefix(prefix)
        router, module = _resolve(target)
        name = named[0] if named else _app_label(router, module)
        mount = Mount(prefix=prefix, name=name, router=router)
        for path, operation in mount.operations():
            function = operation.view_func.__name__
            if not operation.operation_id:
                operation.operation_id = f"{name}_{function}"
            where = f"{'/'.join(sorted(operation.methods))} {path}"
            _claim(operation_ids, operation.operation_id, where, "operation id")
            _claim(url_names, getattr(operation, "url_name", None) or function, where, "URL name")
        api.add_router(prefix or "/", router)
        mounts.append(mount)
    return mounts


def _claim(taken: dict[str, str], key: str, where: str, what: str) -> None:
    if key in taken:
        raise ImproperlyConfigured(f"API {what} {key!r} is used by {taken[key]} and {where}.")
    taken[key] = where


# --- the error shape ---------------------------------------------------------------------------


class ErrorBody(BaseModel):
    # A plain model, not a ninja Schema (which reads only the declared fields): an error may
    # say more (a conflict, the current version), and what it adds is kept, not dropped.
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    fields: dict[str, list[str]] | None = None

    @model_serializer(mode="wrap")
    def _omit_absent_fields(self, handler: Callable[[Any], dict[str, Any]]):
        # `fields` is there only when some field is to blame, as in the bodies the root's
        # exception handlers write (never `"fields": null`).
        data = handler(self)
        if data.get("fields") is None:
            data.pop("fields", None)
        return data


class ErrorOut(Schema):
    """Every error the API answers: `{"error": {"code", "message", "fields"?}}`."""

    error: ErrorBody


# What the schema's text pattern refuses (api/root.py TEXT_PATTERN): an error that quotes the
# caller's bad value shows such a character as U+FFFD, so the error itself keeps the schema.
_CONTROL_CHARACTERS = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")


def _shown(text: Any) -> str:
    return _CONTROL_CHARACTERS.sub("\ufffd", str(text))


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": _shown(message)}
    if fields:
        body["fields"] = {name: [_shown(m) for m in messages] for name, messages in fields.items()}
    return {"error": body}


def error_status(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> Status:
    """An error returned from an operation that declares `{status: ErrorOut}`."""
    return Status(status, error_body(code, message, fields))


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The response of an exception handler, in the same shape."""
    return api.create_response(request, error_body(code, message, fields), status=status)


class ApiError(Exception):
    """Raise anywhere under an operation to answer `status` in the error shape."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


# --- guards and the owner unit -----------------------------------------------------------------


def api_enum(choices: type[enum.Enum], name: str) -> type[enum.StrEnum]:
    """A model's choices as an enum named `name` for the API schema.

    OpenAPI names an enum's component after its class, and most models have a `Status`: two
    of them under one name would leave one app's values in the other's schema
    (`core/tests/test_api_schema_names.py` fails on that). Values stay the model's codes.
    """
    return enum.StrEnum(name, {member.name: member.value for member in choices})  # type: ignore[misc,return-value]


def require(user: Any, action: str = Action.VIEW) -> None:
    """403 for a caller who holds `action` ("people.view"; a bare verb: in any domain) nowhere,
    like the pages; otherwise scoping decides."""
    if not holds_anywhere(user, action):
        raise PermissionDenied


def visible_unit(user: Any, unit_id: UUID | None, action: str = Action.VIEW) -> Unit | None:
    """A unit filter of a list: the unit if the caller may `action` ("hotline.view"; a bare
    verb is core's) it (404 otherwise), or None when the filter is not given."""
    if unit_id is None:
        return None
    return Unit.objects.get_visible(user, action, public_id=unit_id)


class UnitOwnedOut(Schema):
    """The owner unit of a record, as the API names it: its code and its name."""

    unit: str
    unit_name: str

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)


# --- pagination --------------------------------------------------------------------------------


class PageHook:
    """Lets the paginator slice (and count) the queryset first, then runs `hook` on the one
    page it returns: per-page extras (flags, related labels) in a fixed number of queries."""

    def __init__(self, queryset: Any, hook: Callable[[list], Any]) -> None:
        self.queryset = queryset
        self.hook = hook

    def __len__(self) -> int:
        return int(self.queryset.count())

    def count(self) -> int:
        return int(self.queryset.count())

    def __getitem__(self, item: slice) -> list:
        rows = list(self.queryset[item])
        self.hook(rows)
        return rows


# A page number the database's 64-bit offsets always hold (issue 10, finding 12: a page
# beyond 64 bits was a 500 on every list); the schema says so, so a client learns it there.
MAX_PAGE = 1_000_000


class PageInput(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int | None = Field(None, ge=1)  # beyond the maximum: the maximum


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M`; `{"items": […], "count": total}` (the exact total)."""

    Input = PageInput  # type: ignore[assignment]  # narrows ninja's input (page bounds)


class CappedPagePagination(PageNumberPagination):
    """As `PagePagination`, but the count reads at most `count_limit + 1` rows: beyond the
    limit `count` is the limit and `capped` is true ("more than"), never a made-up figure."""

    Input = PageInput  # type: ignore[assignment]  # narrows ninja's input (page bounds)

    class Output(Schema):
        items: list[Any]
        count: int
        capped: bool

    def __init__(self, *, count_limit: int = COUNT_LIMIT, **kwargs: Any) -> None:
        self.count_limit = count_limit
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        capped = page["count"] > self.count_limit
        page["count"] = min(page["count"], self.count_limit)
        page["capped"] = capped
        return page

    def _items_count(self, queryset: Any) -> int:
        rows = queryset.queryset if isinstance(queryset, PageHook) else queryset
        if not hasattr(rows, "order_by"):
            return len(rows)
        # The order changes nothing in a count, and an ORDER BY under the LIMIT would sort.
        return int(rows.order_by().values("pk")[: self.count_limit + 1].count())


def paginated(page_size: int = 100, *, count_limit: int | None = None) -> Callable:
    """The one list decorator: `@paginated(page_size=50)` under the route decorator."""
    if count_limit is None:
        return ninja_paginate(PagePagination, page_size=page_size)
    return ninja_paginate(CappedPagePagination, page_size=page_size, count_limit=count_limit)


__all__ = [
    "ApiError",
    "CappedPagePagination",
    "ErrorBody",
    "ErrorOut",
    "Mount",
    "PageHook",
    "PagePagination",
    "UnitOwnedOut",
    "error_body",
    "error_response",
    "error_status",
    "mount_routers",
    "paginated",
    "require",
    "router_operations",
    "visible_unit",
]
