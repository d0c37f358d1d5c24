"""Scoping checks every domain view and API operation gets for free.

A domain test class names its model, URL and a factory hook; the mixin supplies the tests that
prove the view keeps to the user's unit subtree. The cast (cast.py) is built once per class in
`setUpTestData`:

    city ── district A ── township A1          district_manager holds every action in A
         └─ district B (the sibling)           district_clerk holds VIEW only, nobody nothing

Three objects are made through `make_object(unit)` before the tests run:
`own_object` (in district A), `subtree_object` (in township A1, below the manager's grant) and
`sibling_object` (in district B, which must never be shown, changed or counted).

Pages::

    class UnitListTests(ScopedViewTests.List):
        model = Unit                     # `thing` defaults to the model name: "unit"
        url_name = "core:unit_list"

        @classmethod
        def make_object(cls, unit):
            return UnitFactory(parent=unit, code=next_marker())

        def marker(self, obj):           # text the page shows for obj (default: str(obj))
            return obj.code

gives `test_it_hides_unit_of_sibling_unit`, `test_it_shows_unit_of_own_subtree`,
`test_it_answers_403_to_a_user_holding_the_action_nowhere`,
`test_it_redirects_anonymous_to_login`, … The word THING in a test name of a mixin is replaced
by the class's `thing`, so a failure names the record. Tests that do not apply to a class (no
unit field, no export, …) are left out rather than skipped.

`ScopedViewTests.Detail`, `.Edit`, `.Create` and `.Delete` (a POST-only state change such as
deactivate or revoke) work the same way; `ScopedApiTests.List`, `.Detail`, `.Create`, `.Update`
and `.Post` do it for the API with bearer tokens. Each mixin's docstring lists what it needs.

The mixins never compute an expected status from the code under test: `action` is what the
domain class says the view requires, and the cast's roles (readonly = VIEW) decide the rest.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any, ClassVar

from django.db import connection
from django.db.models import Model
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaolian.core.scoping import Action
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.cast import Cast

THING = "THING"
_markers = itertools.count(1)


def next_marker(prefix: str = "MK") -> str:
    """A unique, fixed-width marker ("MK00007"): no marker is a substring of another."""
    return f"{prefix}{next(_markers):05d}"


def applies_when(predicate):
    """Keep the decorated mixin test only in classes where `predicate(cls)` is true."""

    def decorate(test):
        test.applies_when = predicate
        return test

    return decorate


def response_text(response) -> str:
    """The text a user would see: HTML, JSON (unescaped), CSV or every cell of an xlsx."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    if content_type.startswith("application/vnd.openxmlformats"):
        return "\n".join("\t".join(str(c) for c in row) for row in xlsx_rows(response.content))
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response_text(response))))


def xlsx_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return [row for sheet in workbook for row in sheet.iter_rows(values_only=True)]


class _ScopedCase(TestCase):
    """What every mixin shares: the cast, the three objects, test naming and helpers.

    Class attributes a domain class sets:
    - `model`: the scoped model; `thing`: the record's name in test names (default: the model
      name, e.g. "unit").
    - `url_name`: the URL under test; `url_kwargs(obj)` says how an object fills it (default
      `{"public_id": obj.public_id}`).
    - `action`: the Action the view requires.
    - `actor`: the cast member who holds every action in district A (default district_manager).
    Hooks: `make_object(unit)` (a classmethod), `marker(obj)`, `snapshot(obj)`.
    """

    model: ClassVar[type[Model] | None] = None
    thing: ClassVar[str] = ""
    url_name: ClassVar[str] = ""
    action: ClassVar[Action] = Action.VIEW
    actor: ClassVar[str] = "district_manager"
    uses_objects: ClassVar[bool] = True

    cast: Cast
    own_object: Any
    subtree_object: Any
    sibling_object: Any

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        thing = cls.thing or (cls.model._meta.model_name if cls.model else "")
        if not thing:
            return  # an abstract mixin: its tests are never collected
        for name in [n for n in dir(cls) if n.startswith("test_")]:
            test = getattr(cls, name)
            if test is None:
                continue
            predicate = getattr(test, "applies_when", None)
            keep = predicate is None or predicate(cls)
            if THING in name or not keep:
                setattr(cls, name, None)  # unittest only collects callables
            if keep:
                setattr(cls, name.replace(THING, thing), test)

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        if cls.uses_objects:
            cls.own_object = cls.make_object(cls.cast.district_a)
            cls.subtree_object = cls.make_object(cls.cast.township_a1)
            cls.sibling_object = cls.make_object(cls.cast.district_b)

    @classmethod
    def make_object(cls, unit) -> Any:
        """A new record owned by `unit` (override)."""
        raise NotImplementedError(f"{cls.__name__} must define make_object(unit)")

    def marker(self, obj) -> str:
        """Plain text the view shows for `obj` (no HTML-escaped characters)."""
        return str(obj)

    def url_kwargs(self, obj) -> dict:
        return {"public_id": obj.public_id}

    def url(self, obj=None) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs(obj) if obj is not None else None)

    def member(self, name: str):
        return getattr(self.cast, name)

    def snapshot(self, obj) -> dict | None:
        """The stored state of `obj` (None once deleted), to prove a refused request changed
        nothing. Override to include related rows the view writes (e.g. grants of a user)."""
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        if fresh is None:
            return None
        return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}

    def assertUnchanged(self, obj, before, msg: str = "") -> None:
        self.assertEqual(self.snapshot(obj), before, msg or f"{obj!r} changed")


# --- pages ---------------------------------------------------------------------------------


class _PageCase(_ScopedCase):
    def login(self, who: str) -> None:
        self.client.force_login(self.member(who))

    def assertRedirectsToLogin(self, response) -> None:
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response["Location"].startswith(reverse("core:login")),
            f"redirected to {response['Location']}, not to the login page",
        )

    def set_active_unit(self, unit) -> None:
        session = self.client.session
        session["active_unit"] = str(unit.public_id)
        session.save()


class ScopedViewTests:
    """Namespace of the page mixins (nested so that importing it collects no test)."""

    class List(_PageCase):
        """A scoped list page. Needs `model`, `url_name`, `make_object`, `marker`.

        Optional: `export_formats` (e.g. ("csv", "xlsx") through `?export=`), `max_queries`
        (upper bound for one page), `narrows_to_active_unit` (False if the page ignores the
        header's unit switcher).
        """

        export_formats: ClassVar[tuple[str, ...]] = ()
        max_queries: ClassVar[int] = 12
        narrows_to_active_unit: ClassVar[bool] = True

        def list_url(self) -> str:
            return self.url()

        def test_it_hides_THING_of_sibling_unit(self):
            self.login(self.actor)
            for headers in ({}, {"HX-Request": "true"}):
                response = self.client.get(self.list_url(), headers=headers)
                self.assertEqual(response.status_code, 200)
                # The own record proves the marker is rendered at all, so its absence counts.
                self.assertIn(self.marker(self.own_object), response_text(response))
                self.assertNotIn(self.marker(self.sibling_object), response_text(response))

        def test_it_shows_THING_of_own_subtree(self):
            # A grant at the district covers the township below it.
            self.login(self.actor)
            response = self.client.get(self.list_url())
            self.assertIn(self.marker(self.subtree_object), response_text(response))

        @applies_when(lambda cls: bool(cls.export_formats))
        def test_it_exports_only_THING_of_own_subtree(self):
            self.login(self.actor)
            for fmt in self.export_formats:
                response = self.client.get(self.list_url(), {"export": fmt})
                self.assertEqual(response.status_code, 200, fmt)
                text = response_text(response)
                self.assertIn(self.marker(self.subtree_object), text, fmt)
                self.assertNotIn(self.marker(self.sibling_object), text, fmt)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.login("nobody")
            self.assertEqual(self.client.get(self.list_url()).status_code, 403)

        def test_it_redirects_anonymous_to_login(self):
            self.assertRedirectsToLogin(self.client.get(self.list_url()))

        @applies_when(lambda cls: cls.action == Action.VIEW)
        def test_it_shows_THING_to_the_read_only_clerk(self):
            self.login("district_clerk")
            response = self.client.get(self.list_url())
            self.assertIn(self.marker(self.own_object), response_text(response))
            self.assertNotIn(self.marker(self.sibling_object), response_text(response))

        @applies_when(lambda cls: cls.action != Action.VIEW)
        def test_it_answers_403_to_the_read_only_clerk(self):
            self.login("district_clerk")
            self.assertEqual(self.client.get(self.list_url()).status_code, 403)

        def test_it_hides_unassigned_THING_from_volunteer_and_portal_user(self):
            # Narrowed roles see only what is assigned to them or their own; these records
            # are neither, so the page is either refused or silent about them.
            for who in ("volunteer", "portal_user"):
                self.login(who)
                response = self.client.get(self.list_url())
                if response.status_code == 403:
                    continue
                self.assertEqual(response.status_code, 200, who)
                self.assertNotIn(self.marker(self.own_object), response_text(response), who)

        @applies_when(lambda cls: cls.narrows_to_active_unit)
        def test_it_narrows_the_THING_list_to_the_active_unit(self):
            self.login(self.actor)
            self.set_active_unit(self.cast.township_a1)
            text = response_text(self.client.get(self.list_url()))
            self.assertIn(self.marker(self.subtree_object), text)
            self.assertNotIn(self.marker(self.own_object), text)

        def test_it_keeps_the_query_count_of_THING_list_constant_as_rows_grow(self):
            self.login(self.actor)
            self.client.get(self.list_url())  # warm-up: session start, content types
            for _ in range(3):
                self.make_object(self.cast.district_a)
            with CaptureQueriesContext(connection) as few:
                self.assertEqual(self.client.get(self.list_url()).status_code, 200)
            for _ in range(10):
                self.make_object(self.cast.township_a1)
            with CaptureQueriesContext(connection) as many:
                self.assertEqual(self.client.get(self.list_url()).status_code, 200)
            queries = "\n".join(q["sql"] for q in many.captured_queries)
            # A count that grows with the rows is an N+1 (and a scoping filter forgotten on a
            # per-row query usually shows up here first).
            self.assertEqual(len(few), len(many), f"queries grew with the rows:\n{queries}")
            self.assertLessEqual(len(many), self.max_queries, queries)

    class Detail(_PageCase):
        """A scoped page showing one record. Needs `model`, `url_name`, `make_object`,
        `marker`; `action` (default VIEW) decides whether the read-only clerk may look."""

        def test_it_shows_THING_of_own_subtree(self):
            self.login(self.actor)
            response = self.client.get(self.url(self.subtree_object))
            self.assertEqual(response.status_code, 200)
            self.assertIn(self.marker(self.subtree_object), response_text(response))

        def test_it_answers_404_for_sibling_THING(self):
            # 404, not 403: the page must not confirm that the sibling's record exists.
            self.login(self.actor)
            self.assertEqual(self.client.get(self.url(self.sibling_object)).status_code, 404)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.login("nobody")
            self.assertEqual(self.client.get(self.url(self.own_object)).status_code, 403)

        def test_it_redirects_anonymous_to_login(self):
            self.assertRedirectsToLogin(self.client.get(self.url(self.own_object)))

        @applies_when(lambda cls: cls.action == Action.VIEW)
        def test_it_shows_THING_to_the_read_only_clerk(self):
            self.login("district_clerk")
            response = self.client.get(self.url(self.own_object))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.client.get(self.url(self.sibling_object)).status_code, 404)

        @applies_when(lambda cls: cls.action != Action.VIEW)
        def test_it_answers_403_to_the_read_only_clerk(self):
            self.login("district_clerk")
            self.assertEqual(self.client.get(self.url(self.own_object)).status_code, 403)

        def test_it_hides_unassigned_THING_from_volunteer_and_portal_user(self):
            for who in ("volunteer", "portal_user"):
                self.login(who)
                status = self.client.get(self.url(self.own_object)).status_code
                self.assertIn(status, (403, 404), who)

    class Edit(_PageCase):
        """A form that changes one scoped record (GET shows it, POST saves).

        Needs `model`, `url_name`, `make_object`, `action` (e.g. CHANGE or ADMIN) and
        `form_data(obj)`: valid POST data that changes `obj`. Optional: `unit_field` (the form
        field naming a unit, e.g. "home_unit"; a sibling unit there must be refused),
        `detail_url_name` (the read-only page of the record, which the clerk may open), and
        `assert_saved(obj, before)` for what a successful POST must have changed.
        """

        action: ClassVar[Action] = Action.CHANGE
        unit_field: ClassVar[str | None] = None
        detail_url_name: ClassVar[str | None] = None

        def form_data(self, obj) -> dict:
            raise NotImplementedError(f"{type(self).__name__} must define form_data(obj)")

        def assert_saved(self, obj, before) -> None:
            self.assertNotEqual(self.snapshot(obj), before, "the POST changed nothing")

        def test_it_saves_THING_of_own_subtree(self):
            self.login(self.actor)
            obj = self.subtree_object
            before = self.snapshot(obj)
            self.assertEqual(self.client.get(self.url(obj)).status_code, 200)
            response = self.client.post(self.url(obj), self.form_data(obj))
            form = response.context.get("form") if response.context else None
            self.assertEqual(response.status_code, 302, form.errors if form else response)
            self.assert_saved(obj, before)

        def test_it_answers_404_for_sibling_THING_on_get_and_post(self):
            self.login(self.actor)
            obj = self.sibling_object
            before = self.snapshot(obj)
            self.assertEqual(self.client.get(self.url(obj)).status_code, 404)
            self.assertEqual(self.client.post(self.url(obj), self.form_data(obj)).status_code, 404)
            self.assertUnchanged(obj, before)

        @applies_when(lambda cls: bool(cls.unit_field))
        def test_it_refuses_to_put_THING_in_a_sibling_unit(self):
            self.login(self.actor)
            obj = self.own_object
            before = self.snapshot(obj)
            data = {**self.form_data(obj), self.unit_field: self.cast.district_b.pk}
            response = self.client.post(self.url(obj), data)
            self.assertEqual(response.status_code, 400)
            self.assertIn(self.unit_field, response.context["form"].errors)
            self.assertUnchanged(obj, before)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.login("nobody")
            obj = self.own_object
            before = self.snapshot(obj)
            self.assertEqual(self.client.get(self.url(obj)).status_code, 403)
            self.assertEqual(self.client.post(self.url(obj), self.form_data(obj)).status_code, 403)
            self.assertUnchanged(obj, before)

        def test_it_answers_403_to_the_read_only_clerk(self):
            # The clerk holds VIEW only: the edit action nowhere, so 403 rather than 404.
            self.login("district_clerk")
            obj = self.own_object
            before = self.snapshot(obj)
            self.assertEqual(self.client.get(self.url(obj)).status_code, 403)
            self.assertEqual(self.client.post(self.url(obj), self.form_data(obj)).status_code, 403)
            self.assertUnchanged(obj, before)

        @applies_when(lambda cls: bool(cls.detail_url_name))
        def test_it_lets_the_read_only_clerk_view_but_not_edit_THING(self):
            self.login("district_clerk")
            obj = self.own_object
            before = self.snapshot(obj)
            detail = reverse(self.detail_url_name, kwargs=self.url_kwargs(obj))
            self.assertEqual(self.client.get(detail).status_code, 200)
            self.assertEqual(self.client.post(self.url(obj), self.form_data(obj)).status_code, 403)
            self.assertUnchanged(obj, before)

        def test_it_redirects_anonymous_to_login(self):
            obj = self.own_object
            before = self.snapshot(obj)
            self.assertRedirectsToLogin(self.client.get(self.url(obj)))
            self.assertRedirectsToLogin(self.client.post(self.url(obj), self.form_data(obj)))
            self.assertUnchanged(obj, before)

    class Create(_PageCase):
        """A form that creates a record in a unit the user picks.

        Needs `model`, `url_name`, `unit_field` (the form field naming the owning unit),
        `action` and `create_data(unit)`: valid POST data creating a record in `unit`. The
        unit choices must stop at the actor's subtree. No `make_object` is needed.
        """

        action: ClassVar[Action] = Action.ADD
        unit_field: ClassVar[str] = ""
        uses_objects: ClassVar[bool] = False

        def create_data(self, unit) -> dict:
            raise NotImplementedError(f"{type(self).__name__} must define create_data(unit)")

        def count(self) -> int:
            return self.model._default_manager.count()

        def test_it_creates_THING_in_own_subtree(self):
            self.login(self.actor)
            before = self.count()
            response = self.client.post(self.url(), self.create_data(self.cast.township_a1))
            form = response.context.get("form") if response.context else None
            self.assertEqual(response.status_code, 302, form.errors if form else response)
            self.assertEqual(self.count(), before + 1)

        def test_it_refuses_to_create_THING_in_sibling_unit(self):
            self.login(self.actor)
            before = self.count()
            response = self.client.post(self.url(), self.create_data(self.cast.district_b))
            self.assertEqual(response.status_code, 400)
            self.assertIn(self.unit_field, response.context["form"].errors)
            self.assertEqual(self.count(), before)

        def test_it_offers_only_units_of_own_subtree(self):
            self.login(self.actor)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, 200)
            offered = set(response.context["form"].fields[self.unit_field].queryset)
            self.assertLessEqual({self.cast.district_a, self.cast.township_a1}, offered)
            self.assertNotIn(self.cast.district_b, offered)
            self.assertNotIn(self.cast.city, offered)  # the parent of a grant is not covered

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.login("nobody")
            before = self.count()
            self.assertEqual(self.client.get(self.url()).status_code, 403)
            data = self.create_data(self.cast.district_a)
            self.assertEqual(self.client.post(self.url(), data).status_code, 403)
            self.assertEqual(self.count(), before)

        def test_it_answers_403_to_the_read_only_clerk(self):
            self.login("district_clerk")
            before = self.count()
            data = self.create_data(self.cast.district_a)
            self.assertEqual(self.client.post(self.url(), data).status_code, 403)
            self.assertEqual(self.count(), before)

        def test_it_redirects_anonymous_to_login(self):
            before = self.count()
            self.assertRedirectsToLogin(self.client.get(self.url()))
            data = self.create_data(self.cast.district_a)
            self.assertRedirectsToLogin(self.client.post(self.url(), data))
            self.assertEqual(self.count(), before)

    class Delete(_PageCase):
        """A POST-only state change of one record (deactivate, revoke, …).

        Needs `model`, `url_name`, `make_object`, `action` and `assert_done(obj)`: what the
        change must have done (e.g. `is_active` is False, or the row is gone).
        """

        action: ClassVar[Action] = Action.DELETE

        def assert_done(self, obj) -> None:
            raise NotImplementedError(f"{type(self).__name__} must define assert_done(obj)")

        def test_it_performs_the_change_on_THING_of_own_subtree(self):
            self.login(self.actor)
            response = self.client.post(self.url(self.subtree_object))
            self.assertEqual(response.status_code, 302)
            self.assert_done(self.subtree_object)

        def test_it_answers_404_for_sibling_THING_on_post(self):
            self.login(self.actor)
            before = self.snapshot(self.sibling_object)
            self.assertEqual(self.client.post(self.url(self.sibling_object)).status_code, 404)
            self.assertUnchanged(self.sibling_object, before)

        def test_it_refuses_get_requests(self):
            # A state change behind a GET could be triggered by a link or an <img>.
            self.login(self.actor)
            before = self.snapshot(self.own_object)
            self.assertEqual(self.client.get(self.url(self.own_object)).status_code, 405)
            self.assertUnchanged(self.own_object, before)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.login("nobody")
            before = self.snapshot(self.own_object)
            self.assertEqual(self.client.post(self.url(self.own_object)).status_code, 403)
            self.assertUnchanged(self.own_object, before)

        def test_it_answers_403_to_the_read_only_clerk(self):
            self.login("district_clerk")
            before = self.snapshot(self.own_object)
            self.assertEqual(self.client.post(self.url(self.own_object)).status_code, 403)
            self.assertUnchanged(self.own_object, before)

        def test_it_redirects_anonymous_to_login(self):
            before = self.snapshot(self.own_object)
            self.assertRedirectsToLogin(self.client.post(self.url(self.own_object)))
            self.assertUnchanged(self.own_object, before)


# --- API -----------------------------------------------------------------------------------


class _ApiCase(_ScopedCase):
    """Bearer tokens (made with `api_token_create`) for the cast members the tests use."""

    token_holders: ClassVar[tuple[str, ...]] = (
        "district_manager",
        "district_clerk",
        "nobody",
        "volunteer",
        "portal_user",
    )
    method: ClassVar[str] = "GET"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holders = {*cls.token_holders, cls.actor}
        cls.secrets = {
            who: api_token_create(actor=getattr(cls.cast, who), name="tests")[1] for who in holders
        }

    def call(self, who: str | None, url: str, payload: dict | None = None, method: str = ""):
        """`who` is a cast member name, or None for a request without a token."""
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.secrets[who]}"} if who else {}
        method = method or self.method
        if method == "GET":
            return self.client.get(url, payload or {}, **extra)
        body = json.dumps(payload or {})
        return self.client.generic(method, url, body, content_type="application/json", **extra)

    def assertApiError(self, response, status: int, code: str) -> dict:
        """The one error shape of the API: {"error": {"code", "message"[, "fields"]}}; a
        conflict (409) also names the `current_version`."""
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(set(body), {"error"})
        self.assertLessEqual({"code", "message"}, set(body["error"]))
        self.assertLessEqual(set(body["error"]), {"code", "message", "fields", "current_version"})
        self.assertEqual(body["error"]["code"], code)
        self.assertTrue(body["error"]["message"])
        return body["error"]


class ScopedApiTests:
    """Namespace of the API mixins; the same cast and objects as the page mixins."""

    class List(_ApiCase):
        """A list operation. Needs `model`, `url_name`, `make_object`, `marker` (text found
        in the JSON). Optional `max_queries`."""

        max_queries: ClassVar[int] = 10

        def test_it_hides_THING_of_sibling_unit(self):
            text = response_text(self.call(self.actor, self.url()))
            self.assertIn(self.marker(self.own_object), text)
            self.assertNotIn(self.marker(self.sibling_object), text)

        def test_it_shows_THING_of_own_subtree(self):
            text = response_text(self.call(self.actor, self.url()))
            self.assertIn(self.marker(self.subtree_object), text)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.assertApiError(self.call("nobody", self.url()), 403, "forbidden")

        def test_it_answers_401_without_a_token(self):
            self.assertApiError(self.call(None, self.url()), 401, "unauthorized")

        def test_it_hides_unassigned_THING_from_volunteer_and_portal_user(self):
            for who in ("volunteer", "portal_user"):
                response = self.call(who, self.url())
                if response.status_code == 403:
                    continue
                self.assertEqual(response.status_code, 200, who)
                self.assertNotIn(self.marker(self.own_object), response_text(response), who)

        def test_it_keeps_the_query_count_of_THING_list_constant_as_rows_grow(self):
            self.call(self.actor, self.url())
            for _ in range(3):
                self.make_object(self.cast.district_a)
            with CaptureQueriesContext(connection) as few:
                self.assertEqual(self.call(self.actor, self.url()).status_code, 200)
            for _ in range(10):
                self.make_object(self.cast.township_a1)
            with CaptureQueriesContext(connection) as many:
                self.assertEqual(self.call(self.actor, self.url()).status_code, 200)
            queries = "\n".join(q["sql"] for q in many.captured_queries)
            self.assertEqual(len(few), len(many), f"queries grew with the rows:\n{queries}")
            self.assertLessEqual(len(many), self.max_queries, queries)

    class Detail(_ApiCase):
        """An operation reading one record. Needs `model`, `url_name`, `url_kwargs(obj)`,
        `make_object`, `marker`; `action` (default VIEW)."""

        def test_it_shows_THING_of_own_subtree(self):
            response = self.call(self.actor, self.url(self.subtree_object))
            self.assertEqual(response.status_code, 200)
            self.assertIn(self.marker(self.subtree_object), response_text(response))

        def test_it_answers_404_for_sibling_THING(self):
            response = self.call(self.actor, self.url(self.sibling_object))
            self.assertApiError(response, 404, "not_found")

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            self.assertApiError(self.call("nobody", self.url(self.own_object)), 403, "forbidden")

        def test_it_answers_401_without_a_token(self):
            self.assertApiError(self.call(None, self.url(self.own_object)), 401, "unauthorized")

        @applies_when(lambda cls: cls.action == Action.VIEW)
        def test_it_shows_THING_to_the_read_only_clerk(self):
            response = self.call("district_clerk", self.url(self.own_object))
            self.assertEqual(response.status_code, 200)

    class _Write(_ApiCase):
        method: ClassVar[str] = "POST"
        success_status: ClassVar[int] = 200

        def payload(self, obj) -> dict:
            raise NotImplementedError(f"{type(self).__name__} must define payload(obj)")

        def assert_done(self, obj, before) -> None:
            self.assertNotEqual(self.snapshot(obj), before, "the request changed nothing")

        def test_it_changes_THING_of_own_subtree(self):
            obj = self.subtree_object
            before = self.snapshot(obj)
            response = self.call(self.actor, self.url(obj), self.payload(obj))
            self.assertEqual(response.status_code, self.success_status, response.content)
            self.assert_done(obj, before)

        def test_it_answers_404_for_sibling_THING(self):
            obj = self.sibling_object
            before = self.snapshot(obj)
            response = self.call(self.actor, self.url(obj), self.payload(obj))
            self.assertApiError(response, 404, "not_found")
            self.assertUnchanged(obj, before)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            obj = self.own_object
            before = self.snapshot(obj)
            self.assertApiError(
                self.call("nobody", self.url(obj), self.payload(obj)), 403, "forbidden"
            )
            self.assertUnchanged(obj, before)

        def test_it_answers_403_to_the_read_only_clerk(self):
            obj = self.own_object
            before = self.snapshot(obj)
            response = self.call("district_clerk", self.url(obj), self.payload(obj))
            self.assertApiError(response, 403, "forbidden")
            self.assertUnchanged(obj, before)

        def test_it_answers_401_without_a_token(self):
            obj = self.own_object
            before = self.snapshot(obj)
            self.assertApiError(
                self.call(None, self.url(obj), self.payload(obj)), 401, "unauthorized"
            )
            self.assertUnchanged(obj, before)

    class Update(_Write):
        """A PATCH of one record. Needs `model`, `url_name`, `url_kwargs(obj)`, `make_object`,
        `action` and `payload(obj)`: a valid body that changes `obj`."""

        method: ClassVar[str] = "PATCH"
        action: ClassVar[Action] = Action.CHANGE

    class Post(_Write):
        """A POST on one record (move, close, …). Needs what Update needs; override
        `assert_done(obj, before)` when a changed row is not the whole story."""

        action: ClassVar[Action] = Action.CHANGE

    class Create(_ApiCase):
        """A POST creating a record in a unit named in the body. Needs `model`, `url_name`,
        `action` and `payload(unit)`. A sibling unit in the body is a 404, like in a URL."""

        action: ClassVar[Action] = Action.ADD
        uses_objects: ClassVar[bool] = False
        method: ClassVar[str] = "POST"

        def payload(self, unit) -> dict:
            raise NotImplementedError(f"{type(self).__name__} must define payload(unit)")

        def count(self) -> int:
            return self.model._default_manager.count()

        def test_it_creates_THING_in_own_subtree(self):
            before = self.count()
            response = self.call(self.actor, self.url(), self.payload(self.cast.township_a1))
            self.assertEqual(response.status_code, 201, response.content)
            self.assertEqual(self.count(), before + 1)

        def test_it_answers_404_for_a_sibling_unit_in_the_body(self):
            before = self.count()
            response = self.call(self.actor, self.url(), self.payload(self.cast.district_b))
            self.assertApiError(response, 404, "not_found")
            self.assertEqual(self.count(), before)

        def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
            before = self.count()
            response = self.call("nobody", self.url(), self.payload(self.cast.district_a))
            self.assertApiError(response, 403, "forbidden")
            self.assertEqual(self.count(), before)

        def test_it_answers_403_to_the_read_only_clerk(self):
            before = self.count()
            response = self.call("district_clerk", self.url(), self.payload(self.cast.district_a))
            self.assertApiError(response, 403, "forbidden")
            self.assertEqual(self.count(), before)

        def test_it_answers_401_without_a_token(self):
            before = self.count()
            response = self.call(None, self.url(), self.payload(self.cast.district_a))
            self.assertApiError(response, 401, "unauthorized")
            self.assertEqual(self.count(), before)


__all__ = [
    "ScopedApiTests",
    "ScopedViewTests",
    "applies_when",
    "csv_rows",
    "next_marker",
    "response_text",
    "xlsx_rows",
]
