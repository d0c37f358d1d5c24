"""The API root: one NinjaAPI, token auth, one error shape; each registered app's router is
mounted under its own prefix (`mount_registered()`, through the API kit in core/api_kit.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from qiaolian.core import registry
from qiaolian.core.api_kit import (
    ApiError,
    ErrorOut,
    Mount,
    error_body,
    error_response,
    mount_routers,
)
from qiaolian.core.models import ApiToken
from qiaolian.core.versioning import EditConflict, etag


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ql_…`; only the SHA-256 of a token is stored."""

    def authenticate(self, request, token):
        digest = ApiToken.hash_key(token)
        api_token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
        if api_token is None or not api_token.is_usable or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


# The refusals every operation may answer, in the one error shape (issue 10, finding 12:
# the schema documented 200 where 401, 403, 404, 409 or 422 also came).
ERROR_RESPONSES = {
    "401": "A valid API token is required.",
    "403": "The caller holds the operation's action in no unit.",
    "404": "No such record in the caller's scope (the same answer as for one that does not "
    "exist), or a unit filter outside it.",
    "422": "A parameter or a field of the body is invalid; `fields` names each.",
}
WRITE_ERROR_RESPONSES = {
    "409": "The record changed since it was read (If-Match), or the change conflicts with "
    "its state; nothing was saved.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


# The API refuses NUL and other control characters in any text (`ControlCharacterMiddleware`):
# the schema says so on every free-text property.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
# A Decimal is "a number, or a string of one": the string must read as a decimal number.
DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"


def _no_control_characters(node) -> None:
    """Add `TEXT_PATTERN` to every plain string property (no format, enum or pattern), and
    `DECIMAL_PATTERN` to the string form of a decimal (`anyOf` number or string)."""
    if isinstance(node, list):
        for item in node:
            _no_control_characters(item)
        return
    if not isinstance(node, dict):
        return
    alternatives = node.get("anyOf") or []
    if any(alt.get("type") == "number" for alt in alternatives):
        for alt in alternatives:
            if alt.get("type") == "string" and "pattern" not in alt:
                alt["pattern"] = DECIMAL_PATTERN
    if node.get("type") == "string" and not ({"format", "enum", "pattern", "const"} & set(node)):
        node["pattern"] = TEXT_PATTERN
    for value in node.values():
        if isinstance(value, dict | list):
            _no_control_characters(value)


class QiaolianAPI(NinjaAPI):
    """Every answer that is one versioned record (a detail, or what an update saved) carries
    its version as `ETag: "<version>"`, to send back as `If-Match` on the next update."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's schema, with the error answers every operation can give documented on each
        (in `ErrorOut`'s shape), unless the operation documents them itself."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_out = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_out.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("ErrorOut", error_out)
        for definition in components.values():
            _no_control_characters(definition)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                errors = dict(ERROR_RESPONSES)
                if method in WRITE_METHODS:
                    errors.update(WRITE_ERROR_RESPONSES)
                responses = operation.setdefault("responses", {})
                for status, description in errors.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
        return schema

    def create_response(self, request, data, *args, **kwargs):
        response = super().create_response(request, data, *args, **kwargs)
        version = data.get("version") if isinstance(data, dict) else None
        if type(version) is int and response.status_code < 300:
            response["ETag"] = etag(version)
        return response


api = QiaolianAPI(
    title="Qiaolian API",
    version="1",
    description="侨联通 API. Every operation is scoped to the caller's unit subtrees.",
    auth=TokenAuth(),
    docs_url="/docs",
    docs_decorator=login_required,
    urls_namespace="api",
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return error_response(api, request, status, code, message, fields)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error(request, 401, "unauthorized", _("A valid API token is required."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 422, "invalid", _("Some fields are invalid."), fields)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", ())]
        # ("body", <handler argument>, field, …): name the field as the client sent it, the
        # same way model validation errors do, not the handler's argument ("payload.code").
        name = ".".join(loc[2:] if loc[:1] == ["body"] else loc[1:]) or "__all__"
        fields.setdefault(name, []).append(item.get("msg", ""))
    return error(request, 422, "invalid", _("Some fields are invalid."), fields)


@api.exception_handler(EditConflict)
def _conflict(request, exc: EditConflict):
    """409 with the version to read again: nothing of the update was saved."""
    message = "{} {}".format(
        exc.messages[0], _("Read the record again, re-apply your change and send its version.")
    )
    note = _("Changed since you read it.")
    body = error_body(
        "conflict", message, {name: [f"{label}: {note}"] for name, label in exc.fields.items()}
    )
    body["error"]["current_version"] = exc.current_version
    response = api.create_response(request, body, status=409)
    response["ETag"] = etag(exc.current_version)
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error(request, exc.status, exc.code, exc.message, exc.fields)


def mount_registered() -> list[Mount]:
    """Mount each registered app's router under the prefix it declares (core/registry.py): its
    paths are relative to that prefix and its operations are named `<operation prefix>_<function>`
    (core/api_kit.py). Core, people and the grid predate prefixes: their URLs (/api/units,
    /api/people, /api/associations, /api/groups, /api/grid/…) stay at the root."""
    routers = [(prefix, dotted, name) for prefix, name, dotted in registry.api_routers()]
    return mount_routers(api, routers)


MOUNTS: list[Mount] = mount_registered()
