"""The people pages: every scoping check from the generic mixins, then what is special to the
register (export content, reveal, family links on both sides, consents, optimistic locking,
phone errors in both languages)."""

from django.core import signing
from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.scoped import (
    ScopedViewTests,
    csv_rows,
    next_marker,
    response_text,
    xlsx_rows,
)
from qiaolian.people import services
from qiaolian.people.models import Consent, Person, Relationship
from qiaolian.people.tests.factories import (
    ConsentFactory,
    PersonFactory,
    RelationshipFactory,
    person_categories,
)


class PersonScoping:
    """A person is made in `unit` with a unique marker as given name."""

    model = Person

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        person_categories()

    @classmethod
    def make_object(cls, unit):
        return PersonFactory(
            unit=unit,
            surname="测",
            given_name=next_marker("MP"),
            phones=["+39 333 123 4567"],
            id_number="330203199001011234",
        )

    def marker(self, obj):
        return obj.full_name


def person_form_data(person: Person, **changes) -> dict:
    fresh = Person.objects.get(pk=person.pk)
    return {
        "surname": fresh.surname,
        "given_name": fresh.given_name,
        "gender": "f",
        "country": "IT",
        "phones": "+39 333 123 4567",
        "unit": fresh.unit_id,
        "version": fresh.version,
        **changes,
    }


class PersonListTests(PersonScoping, ScopedViewTests.List):
    url_name = "people:person_list"
    export_formats = ("csv", "xlsx")


class PersonDetailTests(PersonScoping, ScopedViewTests.Detail):
    url_name = "people:person_detail"


class PersonEditTests(PersonScoping, ScopedViewTests.Edit):
    url_name = "people:person_edit"
    unit_field = "unit"
    detail_url_name = "people:person_detail"

    def form_data(self, obj):
        return person_form_data(obj, city="Milano")


class PersonCreateTests(PersonScoping, ScopedViewTests.Create):
    url_name = "people:person_create"
    unit_field = "unit"

    def create_data(self, unit):
        return {
            "surname": "新",
            "given_name": next_marker("NP"),
            "gender": "u",
            "phones": "138 1234 5678",
            "unit": unit.pk,
        }


class ConsentGrantTests(PersonScoping, ScopedViewTests.Edit):
    url_name = "people:consent_grant"
    detail_url_name = "people:person_detail"

    def form_data(self, obj):
        return {"purpose": "侨务联络", "legal_basis": "consent", "channel": "paper"}

    def assert_saved(self, obj, before):
        self.assertTrue(Consent.objects.filter(person=obj, purpose="侨务联络").exists())


class ConsentWithdrawTests(ScopedViewTests.Delete):
    model = Consent
    url_name = "people:consent_withdraw"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return ConsentFactory(person=PersonFactory(unit=unit))

    def assert_done(self, obj):
        self.assertIsNotNone(Consent.objects.get(pk=obj.pk).withdrawn_at)


class RelationshipAddTests(PersonScoping, ScopedViewTests.Edit):
    url_name = "people:relationship_add"
    detail_url_name = "people:person_detail"

    def form_data(self, obj):
        self.relative = PersonFactory(unit=self.cast.district_a)
        return {"kind": "spouse", "relative": self.relative.public_id}

    def assert_saved(self, obj, before):
        self.assertTrue(Relationship.objects.filter(person=obj, relative=self.relative).exists())


class RelationshipRemoveTests(ScopedViewTests.Delete):
    model = Relationship
    url_name = "people:relationship_remove"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return RelationshipFactory(person=PersonFactory(unit=unit))

    def assert_done(self, obj):
        self.assertFalse(Relationship.objects.filter(pk=obj.pk).exists())


class PersonPageTests(TestCase):
    """What the mixins do not cover, with the cast and a few people of districts A and B."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        person_categories()
        cls.zhang = PersonFactory(
            unit=cls.cast.district_a,
            surname="张",
            given_name="伟",
            category="overseas_chinese",
            country="IT",
            city="Milano",
            phones=["+39 333 123 4567"],
            emails=["zhang.wei@example.com"],
            id_number="330203199001011234",
            passport_number="E12345678",
            romanized_names='=HYPERLINK("http://evil.example","x")',
            tags="@SUM(1)",
        )
        cls.mother = PersonFactory(unit=cls.cast.township_a1, surname="李", given_name="秀英")
        cls.sibling = PersonFactory(unit=cls.cast.district_b, surname="王", given_name="乙区")

    def login(self, user):
        self.client.force_login(user)

    def detail(self, person):
        return reverse("people:person_detail", args=[person.public_id])

    def rows(self, **params) -> str:
        """The table rows only (the HTMX fragment): the filter form's placeholder names 张伟."""
        url = reverse("people:person_list")
        return response_text(self.client.get(url, params, headers={"HX-Request": "true"}))

    def test_person_pages_are_never_cached(self):
        # Issue 10, finding 10: the person page had no Cache-Control: no-store.
        self.login(self.cast.district_manager)
        for url in (self.detail(self.zhang), reverse("people:person_list")):
            self.assertIn("no-store", self.client.get(url)["Cache-Control"], url)

    # --- list and export ----------------------------------------------------------------

    def test_it_filters_by_pinyin_initials_and_phone_digits(self):
        self.login(self.cast.district_manager)
        for q in ("张伟", "zhangwei", "zhang wei", "zw", "3331234567", "333 123", "zhang.wei@"):
            text = self.rows(q=q)
            self.assertIn("张伟", text, q)
            self.assertNotIn("李秀英", text, q)

    def test_it_filters_by_category_country_unit_and_consent(self):
        self.login(self.cast.district_manager)
        self.assertIn("张伟", self.rows(category="overseas_chinese"))
        self.assertNotIn("李秀英", self.rows(category="overseas_chinese"))
        self.assertNotIn("李秀英", self.rows(country="IT"))
        by_unit = self.rows(unit=self.cast.township_a1.pk)
        self.assertIn("李秀英", by_unit)
        self.assertNotIn("张伟", by_unit)
        ConsentFactory(person=self.mother)
        with_consent = self.rows(consent="yes")
        self.assertIn("李秀英", with_consent)
        self.assertNotIn("张伟", with_consent)

    def test_it_does_not_offer_a_sibling_unit_in_the_filter(self):
        self.login(self.cast.district_manager)
        response = self.client.get(reverse("people:person_list"))
        offered = set(response.context["filter_form"].fields["unit"].queryset)
        self.assertNotIn(self.cast.district_b, offered)
        # A sibling unit typed into the query string is an invalid choice, not a filter.
        self.assertNotIn("王乙区", self.rows(unit=self.cast.district_b.pk))

    def test_it_sorts_by_a_whitelisted_column_only(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_list")
        names = [p.full_name for p in self.client.get(url, {"sort": "-name"}).context["page"]]
        self.assertEqual(names, ["张伟", "李秀英"])
        self.assertEqual(self.client.get(url, {"sort": "id_number"}).status_code, 200)

    def test_it_exports_masked_and_neutralised_csv_with_an_audit_event(self):
        self.login(self.cast.district_manager)
        response = self.client.get(reverse("people:person_list"), {"export": "csv", "q": "张"})
        rows = csv_rows(response)
        row = rows[1]
        self.assertEqual(len(rows), 2)
        self.assertEqual(row[0], "张伟")
        self.assertEqual(row[20], "****************34")
        self.assertEqual(row[21], "E******78")
        self.assertNotIn("330203199001011234", response_text(response))
        self.assertEqual(row[2], "'" + '=HYPERLINK("http://evil.example","x")')
        self.assertEqual(row[18], "'@SUM(1)")
        # core.exports quotes every cell starting with "+", E.164 phones included.
        self.assertEqual(row[11], "'+393331234567")
        event = AuditEvent.objects.get(action="export.people")
        self.assertEqual(event.actor, self.cast.district_manager)
        self.assertIn("csv", event.message)

    def test_it_exports_xlsx_masked_and_neutralised(self):
        self.login(self.cast.district_manager)
        response = self.client.get(reverse("people:person_list"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        rows = xlsx_rows(response.content)
        zhang = next(r for r in rows if r[0] == "张伟")
        self.assertEqual(zhang[20], "****************34")
        self.assertTrue(str(zhang[2]).startswith("'="))
        self.assertNotIn("王乙区", response_text(response))

    def test_it_refuses_export_to_the_read_only_clerk(self):
        # The clerk may view the list (VIEW) but holds EXPORT nowhere.
        self.login(self.cast.district_clerk)
        url = reverse("people:person_list")
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get(url, {"export": "csv"}).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action="export.people").exists())

    # --- detail -------------------------------------------------------------------------

    def test_it_shows_contacts_as_typed_and_e164_and_the_local_time(self):
        self.login(self.cast.district_manager)
        response = self.client.get(self.detail(self.zhang))
        text = response_text(response)
        self.assertIn("+39 333 123 4567", text)
        self.assertIn("+393331234567", text)
        self.assertIn("zhang wei", text)
        self.assertNotIn("Europe/Rome", text)
        self.assertIn(response.context["clock"].label, text)
        self.assertNotIn("330203199001011234", text)
        self.assertIn("****************34", text)

    def test_it_shows_a_family_link_on_both_sides_with_the_inverse_kind(self):
        RelationshipFactory(person=self.mother, relative=self.zhang, kind="parent")
        self.login(self.cast.district_manager)
        mother_page = response_text(
            self.client.get(self.detail(self.mother), headers={"accept-language": "en"})
        )
        son_page = response_text(
            self.client.get(self.detail(self.zhang), headers={"accept-language": "en"})
        )
        self.assertIn("Parent of", mother_page)
        self.assertIn("张伟", mother_page)
        self.assertIn("Child of", son_page)
        self.assertIn("李秀英", son_page)

    def test_it_hides_a_family_link_to_a_person_outside_the_users_scope(self):
        RelationshipFactory(person=self.sibling, relative=self.zhang, kind="spouse")
        RelationshipFactory(person=self.zhang, relative=self.sibling, kind="sibling")
        self.login(self.cast.district_manager)
        self.assertNotIn("王乙区", response_text(self.client.get(self.detail(self.zhang))))

    def test_it_shows_the_clerk_the_person_without_edit_or_reveal_controls(self):
        self.login(self.cast.district_clerk)
        response = self.client.get(self.detail(self.zhang))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["can_change"])
        self.assertNotIn(
            reverse("people:person_edit", args=[self.zhang.public_id]), response_text(response)
        )
        self.assertNotIn("reveal-id_number-button", response_text(response))

    # --- reveal -------------------------------------------------------------------------

    def reveal_url(self, person, field="id_number"):
        return reverse("people:person_reveal", args=[person.public_id, field])

    def test_it_reveals_an_id_number_once_and_audits_it(self):
        self.login(self.cast.district_manager)
        response = self.client.post(self.reveal_url(self.zhang), headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("330203199001011234", response_text(response))
        self.assertEqual(response["Cache-Control"], "no-store")
        event = AuditEvent.objects.get(action="person.reveal")
        self.assertEqual(event.object_id, str(self.zhang.public_id))
        self.assertEqual(event.message, "id_number")

    def test_it_refuses_reveal_without_the_reveal_action(self):
        # Staff (township worker) and the read-only clerk hold no REVEAL anywhere.
        for user in (self.cast.township_worker, self.cast.district_clerk):
            self.login(user)
            response = self.client.post(self.reveal_url(self.mother))
            self.assertEqual(response.status_code, 403, user)
        self.assertFalse(AuditEvent.objects.filter(action="person.reveal").exists())
        # Issue 10, finding 5: each refused reveal is a `denied` row naming the person.
        refused = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED)
        self.assertEqual(
            sorted(refused.values_list("actor_name", "object_id")),
            sorted(
                (u.username, str(self.mother.public_id))
                for u in (self.cast.township_worker, self.cast.district_clerk)
            ),
        )

    def test_it_answers_404_to_reveal_a_sibling_or_an_unknown_field(self):
        self.login(self.cast.district_manager)
        self.assertEqual(self.client.post(self.reveal_url(self.sibling)).status_code, 404)
        # Scoping's 404 on a sibling's person is a refused reveal, audited as such.
        refused = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
        self.assertEqual(refused.object_id, str(self.sibling.public_id))
        self.assertEqual(refused.object_type, "people.person")
        self.assertEqual(self.client.post(self.reveal_url(self.zhang, "notes")).status_code, 404)
        self.assertEqual(self.client.get(self.reveal_url(self.zhang)).status_code, 405)
        self.assertFalse(AuditEvent.objects.filter(action="person.reveal").exists())

    # --- consents and links -------------------------------------------------------------

    def test_it_grants_and_withdraws_a_consent_from_the_person_page(self):
        self.login(self.cast.district_manager)
        url = reverse("people:consent_grant", args=[self.zhang.public_id])
        data = {
            "purpose": "侨务联络",
            "legal_basis": "consent",
            "channel": "wechat",
            "notice_version": "2026-01",
        }
        self.assertRedirects(self.client.post(url, data), self.detail(self.zhang))
        consent = Consent.objects.get(person=self.zhang)
        self.assertEqual((consent.channel, consent.notice_version), ("wechat", "2026-01"))
        withdraw = reverse("people:consent_withdraw", args=[consent.public_id])
        self.assertRedirects(self.client.post(withdraw), self.detail(self.zhang))
        consent.refresh_from_db()
        self.assertIsNotNone(consent.withdrawn_at)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertLessEqual({"person.consent_grant", "person.consent_withdraw"}, actions)

    def test_it_refuses_a_relative_outside_scope_as_an_invalid_choice(self):
        self.login(self.cast.district_manager)
        url = reverse("people:relationship_add", args=[self.zhang.public_id])
        response = self.client.post(url, {"kind": "spouse", "relative": self.sibling.public_id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("relative", response.context["form"].errors)
        self.assertFalse(Relationship.objects.exists())

    def test_it_refuses_a_duplicate_link_in_either_direction(self):
        RelationshipFactory(person=self.mother, relative=self.zhang, kind="parent")
        self.login(self.cast.district_manager)
        url = reverse("people:relationship_add", args=[self.zhang.public_id])
        response = self.client.post(url, {"kind": "child", "relative": self.mother.public_id})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Relationship.objects.count(), 1)

    def test_it_returns_to_the_side_the_link_was_removed_from(self):
        link = RelationshipFactory(person=self.mother, relative=self.zhang, kind="parent")
        self.login(self.cast.district_manager)
        url = reverse("people:relationship_remove", args=[link.public_id])
        response = self.client.post(url, {"from": str(self.zhang.public_id)})
        self.assertRedirects(response, self.detail(self.zhang))
        self.assertFalse(Relationship.objects.exists())

    def test_the_lookup_answers_only_visible_people(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_lookup")
        results = self.client.get(url, {"q": "l"}).json()["results"]
        self.assertIn("李秀英", " ".join(r["text"] for r in results))
        self.assertNotIn("王乙区", str(self.client.get(url, {"q": "wang"}).json()))
        excluded = self.client.get(url, {"q": "zw", "exclude": self.zhang.public_id}).json()
        self.assertEqual(excluded["results"], [])
        self.login(self.cast.nobody)
        self.assertEqual(self.client.get(url, {"q": "l"}).status_code, 403)

    # --- create and edit ----------------------------------------------------------------

    def test_it_splits_a_full_name_typed_in_the_surname_field(self):
        self.login(self.cast.district_manager)
        data = {
            "surname": "欧阳娜娜",
            "gender": "f",
            "unit": self.cast.district_a.pk,
            "category": "student",
            "phones": "333 123 4568",
            "country": "IT",
        }
        response = self.client.post(reverse("people:person_create"), data)
        person = Person.objects.get(surname="欧阳")
        self.assertRedirects(response, self.detail(person))
        self.assertEqual((person.given_name, person.name_pinyin), ("娜娜", "ou yang na na"))
        self.assertEqual(person.contacts.get().normalized, "+393331234568")
        self.assertEqual(person.time_zone, "Europe/Rome")

    def test_it_names_the_invalid_phone_and_the_fix_in_english(self):
        self.login(self.cast.district_manager)
        data = {
            "surname": "张三",
            "gender": "u",
            "unit": self.cast.district_a.pk,
            "phones": "+39 333 123 4567\n12345",
        }
        response = self.client.post(
            reverse("people:person_create"), data, headers={"accept-language": "en"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["phones"],
            [
                "“12345” is not a valid phone number in China (numbers without a country code "
                "are read there). Write it with the country code, e.g. +39 333 123 4567."
            ],
        )
        self.assertFalse(Person.objects.filter(surname="张").exclude(pk=self.zhang.pk).exists())

    def test_it_names_the_invalid_phone_and_the_fix_in_chinese(self):
        self.login(self.cast.district_manager)
        data = {
            "surname": "张三",
            "gender": "u",
            "unit": self.cast.district_a.pk,
            "phones": "12345",
        }
        response = self.client.post(
            reverse("people:person_create"), data, headers={"accept-language": "zh-hans"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["phones"],
            [
                "“12345”不是中国的有效电话号码（未带国家代码的号码按该地解读）。"
                "请带上国家代码填写，例如 +39 333 123 4567。"
            ],
        )

    def test_it_keeps_the_stored_id_number_when_the_field_is_left_empty(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_edit", args=[self.zhang.public_id])
        form = self.client.get(url).context["form"]
        self.assertNotIn("330203199001011234", response_text(self.client.get(url)))
        self.assertEqual(form["id_number"].value(), None)
        response = self.client.post(url, person_form_data(self.zhang, city="Roma"))
        self.assertEqual(response.status_code, 302)
        fresh = Person.objects.get(pk=self.zhang.pk)
        self.assertEqual((fresh.id_number, fresh.city), ("330203199001011234", "Roma"))

    def test_it_reports_an_edit_conflict_field_by_field_and_keeps_the_users_input(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_edit", args=[self.zhang.public_id])
        opened = self.client.get(url).context["form"].initial
        # Someone else saves the person after our form was opened.
        services.person_update(
            actor=self.cast.city_admin, person=self.zhang, city="Roma", occupation="医生"
        )
        data = person_form_data(self.zhang, occupation="律师", notes="我的笔记")
        data.update(version=opened["version"], original=opened["original"], city="Milano")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 409)
        conflict = {row["field"]: row for row in response.context["conflict"]}
        self.assertEqual(set(conflict), {"city", "occupation"})
        self.assertEqual(conflict["city"]["theirs"], "Roma")
        self.assertEqual(conflict["city"]["before"], "Milano")
        self.assertEqual(conflict["occupation"]["theirs"], "医生")
        self.assertEqual(conflict["occupation"]["mine"], "律师")
        # Nothing of ours was saved, and our input is still in the form.
        fresh = Person.objects.get(pk=self.zhang.pk)
        self.assertEqual((fresh.occupation, fresh.notes), ("医生", ""))
        form = response.context["form"]
        self.assertEqual((form["occupation"].value(), form["notes"].value()), ("律师", "我的笔记"))
        self.assertEqual(int(form["version"].value()), fresh.version)
        self.assertIn("edit-conflict", response_text(response))
        # Saving again from the conflict page is a deliberate overwrite, and it wins.
        again = {**data, "version": form["version"].value(), "original": form["original"].value()}
        self.assertEqual(self.client.post(url, again).status_code, 302)
        fresh.refresh_from_db()
        self.assertEqual(
            (fresh.occupation, fresh.notes, fresh.city), ("律师", "我的笔记", "Milano")
        )

    def test_a_tampered_snapshot_does_not_break_the_conflict_page(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_edit", args=[self.zhang.public_id])
        services.person_update(actor=self.cast.city_admin, person=self.zhang, city="Roma")
        data = person_form_data(self.zhang, version=1, original=signing.dumps({"x": 1}))
        self.assertEqual(self.client.post(url, data).status_code, 409)

    def test_it_rederives_an_automatic_time_zone_when_the_country_changes(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_edit", args=[self.zhang.public_id])
        initial = self.client.get(url).context["form"].initial
        self.assertEqual(initial["time_zone"], "Europe/Rome")
        data = person_form_data(
            self.zhang, country="ES", phones="+34 612 345 678", time_zone=initial["time_zone"]
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Person.objects.get(pk=self.zhang.pk).time_zone, "Europe/Madrid")

    def test_it_keeps_a_chosen_time_zone(self):
        self.login(self.cast.district_manager)
        url = reverse("people:person_edit", args=[self.zhang.public_id])
        data = person_form_data(self.zhang, time_zone="Asia/Shanghai")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        data = person_form_data(
            self.zhang, country="ES", time_zone="Asia/Shanghai", phones="+34 612 345 678"
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Person.objects.get(pk=self.zhang.pk).time_zone, "Asia/Shanghai")

    def test_the_township_worker_sees_only_the_township(self):
        self.login(self.cast.township_worker)
        text = self.rows()
        self.assertIn("李秀英", text)
        self.assertNotIn("张伟", text)
        self.assertEqual(self.client.get(self.detail(self.zhang)).status_code, 404)
