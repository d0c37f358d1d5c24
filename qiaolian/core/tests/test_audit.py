"""The audit trail is append-only, down to the database, and every login outcome is in it."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import translation

from qiaolian.core import audit
from qiaolian.core.models import AuditEvent, LoginEvent
from qiaolian.core.models.audit import AppendOnlyError
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import TEST_PASSWORD, AuditEventFactory

LOGIN_URL = reverse("core:login")


class AppendOnlyTests(TestCase):
    """Someone who can run code in the app must still not be able to rewrite history."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.event = AuditEventFactory(
            action="unit.update", unit=cls.cast.district_a, changes={"name": ["旧", "新"]}
        )
        cls.login = LoginEvent.objects.create(
            username="city_admin",
            user=cls.cast.city_admin,
            outcome=LoginEvent.Outcome.SUCCESS,
            ip="192.0.2.1",
        )

    def assert_untouched(self):
        self.event.refresh_from_db()
        self.login.refresh_from_db()
        assert self.event.action == "unit.update"
        assert self.event.changes == {"name": ["旧", "新"]}
        assert self.login.outcome == LoginEvent.Outcome.SUCCESS

    def test_it_refuses_to_save_an_existing_row_again(self):
        for row in (self.event, self.login):
            with self.subTest(model=type(row).__name__), pytest.raises(AppendOnlyError):
                row.save()

    def test_it_refuses_to_delete_a_row(self):
        for row in (self.event, self.login):
            with self.subTest(model=type(row).__name__), pytest.raises(AppendOnlyError):
                row.delete()
        assert AuditEvent.objects.filter(pk=self.event.pk).exists()

    def test_it_refuses_queryset_updates_and_deletes(self):
        for manager in (AuditEvent.objects, LoginEvent.objects):
            with self.subTest(model=manager.model.__name__):
                with pytest.raises(AppendOnlyError):
                    manager.all().update(ip="10.0.0.1")
                with pytest.raises(AppendOnlyError):
                    manager.filter(pk__gt=0).delete()
        self.assert_untouched()

    def test_it_refuses_bulk_update(self):
        # bulk_update goes through QuerySet.update, so the same guard catches it.
        self.event.action = "forged"
        with pytest.raises(AppendOnlyError), transaction.atomic():
            AuditEvent.objects.bulk_update([self.event], ["action"])
        self.event.action = "unit.update"
        self.assert_untouched()

    def test_its_database_refuses_a_raw_update_of_either_table(self):
        # The trigger from migration 0002 stops what the ORM guard cannot: raw SQL.
        for table, pk in (("core_auditevent", self.event.pk), ("core_loginevent", self.login.pk)):
            with (
                self.subTest(table=table),
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                sql = f"UPDATE {table} SET ip = %s WHERE id = %s"  # noqa: S608 - fixed names
                cursor.execute(sql, ["10.0.0.1", pk])
        self.assert_untouched()
        self.event.refresh_from_db()
        assert self.event.ip is None

    def test_it_still_appends_new_rows(self):
        before = AuditEvent.objects.count()
        audit.record(actor=self.cast.city_admin, action="test.append")
        assert AuditEvent.objects.count() == before + 1


class RecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def test_it_takes_address_and_browser_from_the_bound_request(self):
        request = RequestFactory().get("/", REMOTE_ADDR="2001:db8::7", HTTP_USER_AGENT="Firefox")
        token = audit.bind_request(request)
        try:
            event = audit.record(
                actor=self.cast.district_manager, action="test.bound", obj=self.cast.township_a1
            )
        finally:
            audit.unbind_request(token)
        assert (event.ip, event.user_agent) == ("2001:db8::7", "Firefox")
        # The record's unit is what scopes who may read the row.
        assert event.unit == self.cast.township_a1
        assert event.object_id == str(self.cast.township_a1.public_id)
        assert event.actor_name == "district_manager"

    def test_it_forgets_the_request_once_unbound(self):
        token = audit.bind_request(RequestFactory().get("/", REMOTE_ADDR="192.0.2.44"))
        audit.unbind_request(token)
        event = audit.record(actor=None, action="test.unbound")
        assert event.ip is None
        assert event.actor is None
        assert event.actor_name == "system"

    def test_it_snapshots_values_as_json_ready_data(self):
        class Obj:
            when = datetime.date(2020, 4, 1)
            money = Decimal("70037000.00")
            ref = uuid.UUID(int=7)
            codes = ("a", "b")

        snap = audit.snapshot(Obj, ["when", "money", "ref", "codes"])
        assert snap == {
            "when": "2020-04-01",
            "money": "70037000.00",
            "ref": "00000000-0000-0000-0000-000000000007",
            "codes": ["a", "b"],
        }
        # A related record is kept by its name, which stays readable after it is renamed.
        assert audit.snapshot(self.cast.district_manager, ["home_unit"]) == {
            "home_unit": "甲区侨联"
        }

    def test_it_diffs_only_the_changed_fields(self):
        assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
        assert audit.diff({}, {"a": 1}) == {"a": [None, 1]}


class LoginEventTests(TestCase):
    """Every login outcome is recorded with the address it came from (PIPL and incident
    review both ask "who tried to get in, from where")."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def post_login(self, username, password):
        return self.client.post(
            LOGIN_URL,
            {"username": username, "password": password},
            REMOTE_ADDR="203.0.113.50",
            HTTP_USER_AGENT="Chromium",
        )

    def latest(self):
        return LoginEvent.objects.first()

    def test_it_records_a_successful_login(self):
        self.post_login("district_clerk", TEST_PASSWORD)
        event = self.latest()
        assert event.outcome == LoginEvent.Outcome.SUCCESS
        assert event.user == self.cast.district_clerk
        assert event.unit == self.cast.district_a
        assert (event.ip, event.user_agent) == ("203.0.113.50", "Chromium")

    def test_it_records_a_wrong_password_for_a_known_user(self):
        self.post_login("district_clerk", "Wrong-Passw0rd")
        event = self.latest()
        assert event.outcome == LoginEvent.Outcome.FAILURE
        assert event.username == "district_clerk"
        assert event.user == self.cast.district_clerk
        assert event.ip == "203.0.113.50"

    def test_it_records_an_unknown_login_name_without_a_user(self):
        self.post_login("no-such-person", "Wrong-Passw0rd")
        event = self.latest()
        assert event.outcome == LoginEvent.Outcome.FAILURE
        assert event.username == "no-such-person"
        assert event.user is None
        assert event.unit is None  # readable by root-level auditors only
        assert event.ip == "203.0.113.50"

    def test_it_records_the_lockout(self):
        for _ in range(5):
            self.post_login("district_clerk", "Wrong-Passw0rd")
        outcomes = list(LoginEvent.objects.values_list("outcome", flat=True))
        assert outcomes.count(LoginEvent.Outcome.FAILURE) == 5
        locked = LoginEvent.objects.get(outcome=LoginEvent.Outcome.LOCKED)
        assert (locked.user, locked.ip) == (self.cast.district_clerk, "203.0.113.50")

    def test_it_records_a_logout(self):
        self.post_login("district_clerk", TEST_PASSWORD)
        self.client.post(reverse("core:logout"), REMOTE_ADDR="203.0.113.51")
        event = self.latest()
        assert event.outcome == LoginEvent.Outcome.LOGOUT
        assert event.user == self.cast.district_clerk
        assert event.ip == "203.0.113.51"

    def test_it_records_an_expired_session(self):
        self.post_login("district_clerk", TEST_PASSWORD)
        session = self.client.session
        session["last_seen"] -= 3600
        session.save()
        self.client.get(reverse("core:dashboard"), REMOTE_ADDR="203.0.113.52")
        event = self.latest()
        assert (event.outcome, event.reason) == (LoginEvent.Outcome.EXPIRED, "idle")
        assert event.ip == "203.0.113.52"


def test_a_changed_field_is_named_by_its_verbose_name():
    with translation.override("en"):
        assert audit.field_label(AuditEvent, "action") == "operation"


def test_a_name_that_is_no_field_is_shown_as_it_is():
    # A form-only value (the edit form's "version") or a misspelt name must not break the
    # conflict page or the timeline; any other error would be a bug and is not swallowed.
    assert audit.field_label(AuditEvent, "no_such_field") == "no_such_field"
