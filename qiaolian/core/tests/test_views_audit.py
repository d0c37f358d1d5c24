"""The operation log and the login log: scoped pages, scoped exports, and exports that a
spreadsheet cannot turn into formulas."""

from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import AuditEvent, LoginEvent, Role, UnitRole
from qiaolian.core.scoping import Action, Narrowing
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.scoped import (
    ScopedViewTests,
    csv_rows,
    next_marker,
    response_text,
    xlsx_rows,
)

# What a spreadsheet would run: a formula, a DDE call, an arithmetic prefix.
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "+1+2", "@SUM(1)"]


class AuditListTests(ScopedViewTests.List):
    model = AuditEvent
    thing = "operation_log_entry"
    url_name = "core:audit_list"
    action = Action.AUDIT
    export_formats = ("csv", "xlsx")

    @classmethod
    def make_object(cls, unit):
        return AuditEvent.objects.create(
            actor_name="tester", action="test.event", object_repr=next_marker("AE"), unit=unit
        )

    def marker(self, obj):
        return obj.object_repr


class LoginLogTests(ScopedViewTests.List):
    model = LoginEvent
    thing = "login_log_entry"
    url_name = "core:login_log"
    action = Action.AUDIT
    export_formats = ("csv", "xlsx")

    @classmethod
    def make_object(cls, unit):
        return LoginEvent.objects.create(
            username=next_marker("LE"), outcome=LoginEvent.Outcome.SUCCESS, unit=unit
        )

    def marker(self, obj):
        return obj.username


class AuditExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        for text in FORMULAS:
            AuditEvent.objects.create(
                actor_name=text,
                action="test.formula",
                object_repr=text,
                message=text,
                unit=cls.cast.township_a1,
            )
            LoginEvent.objects.create(
                username=text,
                outcome=LoginEvent.Outcome.FAILURE,
                reason=text,
                unit=cls.cast.township_a1,
            )

    def export(self, url_name, fmt, **query):
        self.client.force_login(self.cast.district_manager)
        response = self.client.get(reverse(url_name), {"export": fmt, **query})
        self.assertEqual(response.status_code, 200)
        return response

    def cells(self, url_name, fmt):
        response = self.export(url_name, fmt)
        if fmt == "csv":
            return [cell for row in csv_rows(response) for cell in row]
        return [cell for row in xlsx_rows(response.content) for cell in row]

    def test_exports_neutralise_cells_a_spreadsheet_would_run(self):
        for url_name in ("core:audit_list", "core:login_log"):
            for fmt in ("csv", "xlsx"):
                cells = [c for c in self.cells(url_name, fmt) if isinstance(c, str)]
                for text in FORMULAS:
                    self.assertIn("'" + text, cells, f"{url_name} {fmt}")
                    # No cell may start with the raw formula character.
                    self.assertNotIn(text, cells, f"{url_name} {fmt}")

    def test_xlsx_export_holds_formulas_as_text_cells(self):
        from io import BytesIO

        from openpyxl import load_workbook

        response = self.export("core:audit_list", "xlsx")
        sheet = load_workbook(BytesIO(response.content)).active
        types = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value}
        self.assertNotIn("f", types)  # "f" is openpyxl's formula cell

    def test_csv_export_starts_with_a_bom_for_excel(self):
        response = self.export("core:audit_list", "csv")
        self.assertTrue(b"".join(response.streaming_content).startswith("\ufeff".encode()))

    def test_export_applies_the_page_filters(self):
        AuditEvent.objects.create(
            actor_name="other",
            action="other.event",
            object_repr="FILTERED-OUT",
            unit=self.cast.district_a,
        )
        text = response_text(self.export("core:audit_list", "csv", action="test.formula"))
        self.assertIn("HYPERLINK", text)
        self.assertNotIn("FILTERED-OUT", text)

    def test_export_is_itself_recorded(self):
        self.export("core:audit_list", "csv")
        event = AuditEvent.objects.get(action="export.operation-log")
        self.assertEqual(event.actor, self.cast.district_manager)
        self.assertEqual(event.unit, self.cast.district_a)


class UnitlessEventTests(TestCase):
    """Rows without a unit (failed logins for unknown names, federation-wide edits) belong to
    the root: only a whole-subtree grant at a root unit reads them."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        LoginEvent.objects.create(username="GHOST-LOGIN", outcome=LoginEvent.Outcome.FAILURE)
        AuditEvent.objects.create(actor_name="x", action="dict.item_save", object_repr="GHOST-EDIT")

    def pages(self, user):
        self.client.force_login(user)
        return response_text(self.client.get(reverse("core:login_log"))) + response_text(
            self.client.get(reverse("core:audit_list"))
        )

    def test_the_city_admin_reads_rows_without_a_unit(self):
        text = self.pages(self.cast.city_admin)
        self.assertIn("GHOST-LOGIN", text)
        self.assertIn("GHOST-EDIT", text)

    def test_a_district_manager_does_not(self):
        text = self.pages(self.cast.district_manager)
        self.assertNotIn("GHOST-LOGIN", text)
        self.assertNotIn("GHOST-EDIT", text)

    def test_a_narrowed_grant_at_the_root_does_not(self):
        # AUDIT narrowed to assigned records is not the whole-subtree grant the rule is for.
        role = Role.objects.create(
            code="assigned_auditor",
            name="审计联络员",
            actions=["view", "audit"],
            narrowing=Narrowing.ASSIGNED,
        )
        user = UserFactory(username="assigned_auditor", home_unit=self.cast.city)
        UnitRole.objects.create(user=user, unit=self.cast.city, role=role)
        self.assertEqual(LoginEvent.objects.restrict(user, Action.AUDIT).count(), 0)
        self.assertEqual(AuditEvent.objects.restrict(user, Action.AUDIT).count(), 0)
