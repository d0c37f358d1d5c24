"""The API kit (core/api_kit.py): how apps' routers are mounted and named, the one error shape,
the one pagination and the guards every list starts with. The last part reads the real API:
ten more apps will be mounted the same way, and a clash or a stray path must fail here."""

import json
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from ninja import NinjaAPI, Router, Schema
from ninja.testing import TestClient

from qiaolian.api.root import MOUNTS, api
from qiaolian.core import registry
from qiaolian.core.api_kit import (
    ApiError,
    ErrorOut,
    PageHook,
    PagePagination,
    UnitOwnedOut,
    error_body,
    error_status,
    mount_routers,
    paginated,
    require,
    router_operations,
    visible_unit,
)
from qiaolian.core.models import Unit, UnitKind
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory

# --- a small API of its own, over units, for the pagination and the error shape ---------------

HOOKED: list[list[str]] = []


def _hook(rows: list[Unit]) -> None:
    HOOKED.append([unit.code for unit in rows])


class CodeOut(Schema):
    code: str


kit_router = Router(auth=None)


@kit_router.get("/units", response=list[CodeOut])
@paginated(page_size=2)
def kit_unit_list(request):
    return PageHook(Unit.objects.order_by("path"), _hook)


@kit_router.get("/capped", response=list[CodeOut])
@paginated(page_size=2, count_limit=3)
def kit_capped_list(request, code: str = ""):
    return Unit.objects.filter(code__startswith=code).order_by("path")


@kit_router.get("/capped-hooked", response=list[CodeOut])
@paginated(page_size=2, count_limit=3)
def kit_capped_hooked_list(request):
    return PageHook(Unit.objects.order_by("path"), _hook)


@kit_router.get("/conflict", response={200: dict, 409: ErrorOut})
def kit_conflict(request, fields: bool = False, version: int | None = None):
    blamed = {"name": ["Changed since you read it."]} if fields else None
    response = error_status(409, "conflict", "Read it again.", blamed)
    if version is not None:
        response.value["error"]["version"] = version
    return response


kit_api = NinjaAPI(urls_namespace="api-kit-test")
kit_api.add_router("/", kit_router)
client = TestClient(kit_api)


class PaginationTests(TestCase):
    """Seven units (the cast's four and three villages), two to a page."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        for n in range(3):
            UnitFactory(parent=cls.cast.township_a1, code=f"V{n}", kind=UnitKind.VILLAGE)
        cls.codes = list(Unit.objects.order_by("path").values_list("code", flat=True))

    def setUp(self):
        HOOKED.clear()

    def page(self, url):
        response = client.get(url)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_it_answers_the_items_of_a_page_and_the_exact_count(self):
        body = self.page("/units?page=2")
        self.assertEqual(list(body), ["items", "count"])
        self.assertEqual([row["code"] for row in body["items"]], self.codes[2:4])
        self.assertEqual(body["count"], 7)

    def test_the_last_page_is_short_and_a_page_past_the_end_is_empty(self):
        self.assertEqual(len(self.page("/units?page=4")["items"]), 1)
        past = self.page("/units?page=5")
        # Past the end: no rows, but the count still tells the client where the end is.
        self.assertEqual((past["items"], past["count"]), ([], 7))

    def test_a_page_below_one_is_refused(self):
        for page in (0, -1, "x"):
            self.assertEqual(client.get(f"/units?page={page}").status_code, 422, page)

    def test_the_client_may_ask_for_a_page_size_up_to_the_maximum(self):
        self.assertEqual(len(self.page("/units?page_size=5")["items"]), 5)
        self.assertEqual(client.get("/units?page_size=0").status_code, 422)
        # Beyond the maximum (the project's NINJA_MAX_PER_PAGE_SIZE), the maximum.
        pager = PagePagination(page_size=2, max_page_size=3)
        asked = PagePagination.Input(page=1, page_size=100_000)
        page = pager.paginate_queryset(Unit.objects.order_by("path"), asked, request=None)
        self.assertEqual((len(page["items"]), page["count"]), (3, 7))

    def test_the_hook_runs_once_on_the_page_returned_only(self):
        self.page("/units?page=3")
        self.assertEqual(HOOKED, [self.codes[4:6]])

    def test_a_capped_count_says_more_than_the_limit_without_counting_every_row(self):
        with CaptureQueriesContext(connection) as queries:
            body = self.page("/capped")
        self.assertEqual(list(body), ["items", "count", "capped"])
        self.assertEqual((body["count"], body["capped"]), (3, True))
        # The count stops after limit + 1 rows, whatever the table holds.
        self.assertTrue(any("LIMIT 4" in q["sql"].upper() for q in queries), queries)
        # The pages themselves are untouched by the cap.
        self.assertEqual(
            [row["code"] for row in self.page("/capped?page=4")["items"]], self.codes[6:]
        )

    def test_a_capped_count_is_exact_up_to_the_limit(self):
        exact = self.page("/capped?code=V")  # V0, V1, V2: exactly the limit
        self.assertEqual((exact["count"], exact["capped"]), (3, False))
        self.assertEqual(self.page("/capped?code=DA")["count"], 2)  # DA and DA1

    def test_a_capped_count_sees_through_the_page_hook(self):
        body = self.page("/capped-hooked?page=2")
        self.assertEqual((body["count"], body["capped"]), (3, True))
        self.assertEqual(HOOKED, [self.codes[2:4]])


class ErrorShapeTests(SimpleTestCase):
    def test_the_body_names_fields_only_when_some_are_to_blame(self):
        gone = {"error": {"code": "gone", "message": "Gone."}}
        self.assertEqual(error_body("gone", "Gone."), gone)
        self.assertEqual(
            error_body("invalid", "Bad.", {"name": ["Required."]}),
            {"error": {"code": "invalid", "message": "Bad.", "fields": {"name": ["Required."]}}},
        )
        # An empty mapping blames nothing: no `fields` key at all, as the handlers write it.
        self.assertNotIn("fields", error_body("invalid", "Bad.", {})["error"])

    def test_a_quoted_control_character_is_shown_as_a_replacement_character(self):
        # Found by the schema fuzz: a phone number with U+0091 quoted back in the message broke
        # the error schema's text pattern.
        body = error_body("invalid", "Bad \x00.", {"number": ["“K\x910” is not a number."]})
        self.assertEqual(body["error"]["message"], "Bad \ufffd.")
        self.assertEqual(body["error"]["fields"]["number"], ["“K\ufffd0” is not a number."])

    def test_an_operation_returns_it_through_the_declared_schema_unchanged(self):
        response = client.get("/conflict")
        self.assertEqual(response.status_code, 409)
        # Not `"fields": null`: the declared ErrorOut drops the absent key.
        expected = {"error": {"code": "conflict", "message": "Read it again."}}
        self.assertEqual(response.json(), expected)
        blamed = client.get("/conflict?fields=true").json()
        self.assertEqual(blamed["error"]["fields"], {"name": ["Changed since you read it."]})
        # What an error adds to the shape (a conflict's current version) reaches the client.
        self.assertEqual(client.get("/conflict?version=7").json()["error"]["version"], 7)

    def test_the_api_renders_a_raised_api_error_and_a_404_in_the_same_shape(self):
        request = RequestFactory().get("/api/anything")
        raised = api.on_exception(request, ApiError(409, "conflict", "Stale.", {"v": ["Old."]}))
        self.assertEqual(raised.status_code, 409)
        self.assertEqual(
            json.loads(raised.content),
            {"error": {"code": "conflict", "message": "Stale.", "fields": {"v": ["Old."]}}},
        )
        missing = json.loads(api.on_exception(request, Http404()).content)
        self.assertEqual(list(missing["error"]), ["code", "message"])
        self.assertEqual(missing["error"]["code"], "not_found")


class OwnerUnitTests(SimpleTestCase):
    def test_it_names_the_owner_unit_by_code_and_name(self):
        record = SimpleNamespace(unit=Unit(code="DA", name="甲区侨联"))
        self.assertEqual(
            UnitOwnedOut.from_orm(record).dict(), {"unit": "DA", "unit_name": "甲区侨联"}
        )


class GuardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def test_require_refuses_a_caller_who_holds_the_action_nowhere(self):
        with self.assertRaises(PermissionDenied):
            require(self.cast.nobody)
        require(self.cast.district_clerk)  # holds VIEW somewhere: scoping decides the rest

    def test_a_unit_filter_is_none_when_absent_and_404_outside_the_callers_scope(self):
        user = self.cast.district_manager
        self.assertIsNone(visible_unit(user, None))
        self.assertEqual(visible_unit(user, self.cast.township_a1.public_id), self.cast.township_a1)
        with self.assertRaises(Http404):
            visible_unit(user, self.cast.district_b.public_id)


# --- mounting ----------------------------------------------------------------------------------


def _named(name: str):
    def operation(request):
        return {}

    operation.__name__ = name
    return operation


def _router(*names: str, path: str = "/things") -> Router:
    router = Router()
    for name in names:
        router.get(f"{path}/{name}")(_named(name))
    return router


def test_an_operation_is_named_after_the_app_holding_the_router_unless_named_otherwise():
    first, second = _router("thing_list"), Router()
    # Same function name in another app; its URL name is set by hand (URL names stay unique).
    second.get("/things", url_name="b_things")(_named("thing_list"))
    mounts = mount_routers(NinjaAPI(urls_namespace="kit-a"), [("/a", first), ("/b", second, "b")])
    # This module lives in core: a router given as an object takes its operations' app.
    assert [m.name for m in mounts] == ["core", "b"]
    ids = [op.operation_id for mount in mounts for _path, op in mount.operations()]
    assert ids == ["core_thing_list", "b_thing_list"]


def test_a_router_given_by_path_takes_the_label_of_the_app_holding_its_module():
    mounts = mount_routers(
        NinjaAPI(urls_namespace="kit-b"), [("/x", "qiaolian.core.tests.test_api_kit:kit_router")]
    )
    assert (mounts[0].name, mounts[0].router) == ("core", kit_router)
    assert {op.operation_id for _p, op in mounts[0].operations()} >= {"core_kit_unit_list"}


def test_an_operation_id_set_by_hand_is_kept():
    router = Router()
    router.get("/one", operation_id="chosen")(lambda request: {})
    mount_routers(NinjaAPI(urls_namespace="kit-c"), [("/c", router, "c")])
    assert [op.operation_id for _p, op in router_operations(router)] == ["chosen"]


def test_two_operations_with_one_name_are_refused_at_startup():
    with pytest.raises(ImproperlyConfigured, match="operation id 'x_dup'"):
        mount_routers(
            NinjaAPI(urls_namespace="kit-d"),
            [("/p", _router("dup"), "x"), ("/q", _router("dup"), "x")],
        )
    # Different operation names, one URL name (the function's): `reverse()` would pick one.
    with pytest.raises(ImproperlyConfigured, match="URL name 'dup'"):
        mount_routers(
            NinjaAPI(urls_namespace="kit-e"),
            [("/p", _router("dup"), "x"), ("/q", _router("dup"), "y")],
        )


@pytest.mark.parametrize("prefix", ["hotline", "/hotline/", "/"])
def test_a_prefix_is_empty_or_a_slash_and_a_name(prefix):
    with pytest.raises(ImproperlyConfigured):
        mount_routers(NinjaAPI(urls_namespace=f"kit-{prefix}"), [(prefix, _router("z"), "z")])


def test_a_router_walk_joins_child_routers_paths_as_ninja_does():
    parent, child = Router(), _router("leaf", path="")
    parent.add_router("/", child)
    parent.get("")(lambda request: {})
    assert [path for path, _op in router_operations(parent, "/app")] == ["/app", "/app/leaf"]


# --- the real API ------------------------------------------------------------------------------

SCHEMA = api.get_openapi_schema(path_prefix="/api/")
OPERATIONS = [
    (path, method, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]
# Core, people and the grid were built before prefixes; their URLs cannot move. Every app
# mounted after them declares a prefix of its own.
ROOT_MOUNTS = {"core", "people", "network"}


def test_every_operation_id_is_unique_and_names_its_app():
    ids = Counter(operation["operationId"] for _path, _method, operation in OPERATIONS)
    assert [name for name, n in ids.items() if n > 1] == []
    names = {mount.name for mount in MOUNTS}
    strays = [i for i in ids if i.split("_", 1)[0] not in names]
    assert strays == []
    assert "hotline_case_list" in ids and "core_unit_list" in ids


def test_no_two_operations_share_a_url_name():
    patterns = [
        p for p in api.urls[0] if p.name not in {"api-root", "openapi-json", "openapi-view"}
    ]
    names = Counter(p.name for p in patterns)
    assert [name for name, n in names.items() if n > 1] == []
    # One URL pattern per operation: none hides behind another's name.
    assert len(patterns) == len(OPERATIONS)


def test_every_path_starts_with_its_routers_declared_prefix():
    routes = {p.name: str(p.pattern) for p in api.urls[0]}
    operations = 0
    for mount in MOUNTS:
        for path, operation in mount.operations():
            operations += 1
            name = getattr(operation, "url_name", None) or operation.view_func.__name__
            assert path.startswith(mount.prefix + "/"), (mount.name, path)
            assert routes[name].startswith(mount.prefix.lstrip("/")), (mount.name, routes[name])
            assert f"/api{path}" in SCHEMA["paths"], path
            assert operation.operation_id == f"{mount.name}_{operation.view_func.__name__}"
    # Every operation of the API came through a declared mount.
    assert operations == len(OPERATIONS)


def test_each_app_after_the_first_three_mounts_under_a_prefix_of_its_own():
    declared = [(prefix, name) for prefix, name, _router in registry.api_routers()]
    assert declared == [(m.prefix, m.name) for m in MOUNTS]
    assert ("/hotline", "hotline") in declared
    unprefixed = {mount.name for mount in MOUNTS if not mount.prefix}
    assert unprefixed <= ROOT_MOUNTS
    prefixes = [mount.prefix for mount in MOUNTS if mount.prefix]
    assert len(prefixes) == len(set(prefixes))
    # Apps sharing the root must not share a path and method either.
    seen = Counter((path, method) for path, method, _op in OPERATIONS)
    assert [key for key, n in seen.items() if n > 1] == []
