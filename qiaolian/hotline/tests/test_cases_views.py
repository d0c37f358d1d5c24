"""The case pages, each checked by the scoped test mixins (sibling 404s, queues that leave out
the sibling district, 403 to users without the action) plus the volunteer narrowing, tested
like a unit boundary: another case of the same unit is a 404 to the volunteer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker, response_text
from qiaolian.hotline.models import Callback, Case, EventKind, Status
from qiaolian.hotline.services import cases as services
from qiaolian.hotline.tests.factories import CaseFactory, PersonFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_case(unit, **kwargs):
    kwargs.setdefault("subject", f"工单{next_marker('CS')}")
    return CaseFactory(unit=unit, **kwargs)


class CaseListTests(ScopedViewTests.List):
    model = Case
    url_name = "hotline:case_list"
    # The shell's queries, the dictionary, one aggregate for the tab counts, the category
    # counts, the SLA warning windows, the assignee pickers (two), the count and the rows.
    max_queries = 17  # with the queue of cases past their deadline

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def marker(self, obj):
        return obj.subject

    def test_it_counts_the_queues_of_the_tabs(self):
        make_case(self.cast.district_a, assignee=self.cast.district_manager, status="assigned")
        self.login("district_manager")
        response = self.client.get(self.url())
        tabs = {key: count for key, _label, count in response.context["tabs"]}
        # own + subtree + the assigned one; never the sibling's.
        self.assertEqual(tabs["unit"], 3)
        self.assertEqual(tabs["mine"], 1)
        self.assertEqual(tabs["unassigned"], 2)
        # The history is not counted on every visit; closed cases never count in a queue.
        self.assertIsNone(tabs["all"])
        make_case(self.cast.district_a, status="closed")
        make_case(self.cast.district_a, resolution_due=timezone.now() + timedelta(minutes=30))
        make_case(self.cast.district_b, resolution_due=timezone.now() + timedelta(minutes=30))
        response = self.client.get(self.url())
        tabs = {key: count for key, _label, count in response.context["tabs"]}
        self.assertEqual((tabs["unit"], tabs["breaching"]), (4, 1))
        categories = {value: n for value, _label, n in response.context["categories"]}
        self.assertEqual(categories, {"policy": 4})

    def test_it_filters_by_text_status_and_category(self):
        make_case(self.cast.district_a, category="legal", subject="遗产纠纷咨询")
        self.login("district_manager")
        text = response_text(self.client.get(self.url(), {"q": "遗产"}))
        self.assertIn("遗产纠纷咨询", text)
        self.assertNotIn(self.own_object.subject, text)
        text = response_text(self.client.get(self.url(), {"category": "legal"}))
        self.assertIn("遗产纠纷咨询", text)
        self.assertNotIn(self.subtree_object.subject, text)
        number = self.own_object.number
        text = response_text(self.client.get(self.url(), {"q": number, "queue": "all"}))
        self.assertIn(self.own_object.subject, text)

    def test_the_unassigned_queue_leaves_out_assigned_cases(self):
        taken = make_case(self.cast.district_a, assignee=self.cast.volunteer, status="assigned")
        self.login("district_manager")
        text = response_text(self.client.get(self.url(), {"queue": "unassigned"}))
        self.assertIn(self.own_object.subject, text)
        self.assertNotIn(taken.subject, text)

    def test_the_volunteer_queue_shows_only_their_cases(self):
        theirs = make_case(self.cast.district_a, assignee=self.cast.volunteer, status="assigned")
        self.login("volunteer")
        text = response_text(self.client.get(self.url(), {"queue": "unit"}))
        self.assertIn(theirs.subject, text)
        self.assertNotIn(self.own_object.subject, text)


class CaseDetailTests(ScopedViewTests.Detail):
    model = Case
    url_name = "hotline:case_detail"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def marker(self, obj):
        return obj.number

    def test_the_volunteer_sees_their_case_and_gets_404_on_another_of_the_same_unit(self):
        theirs = make_case(self.cast.district_a, assignee=self.cast.volunteer, status="assigned")
        self.login("volunteer")
        self.assertEqual(self.client.get(self.url(theirs)).status_code, 200)
        # The same unit, not assigned to them: as invisible as a sibling district's case.
        self.assertEqual(self.client.get(self.url(self.own_object)).status_code, 404)
        self.assertEqual(
            self.client.post(
                reverse("hotline:case_comment", args=[self.own_object.public_id]), {"text": "x"}
            ).status_code,
            404,
        )

    def test_it_shows_the_requesters_local_time(self):
        case = make_case(self.cast.district_a, requester_time_zone="America/Los_Angeles")
        self.login("district_manager")
        response = self.client.get(self.url(case), **EN)
        clock = response.context["clock"]
        self.assertEqual(clock.zone_name, "America/Los_Angeles")
        # The zone as people read it (city and offset), never its IANA name.
        self.assertContains(response, clock.label)
        self.assertNotContains(response, "America/Los_Angeles")
        # Rendered in the requester's zone, not converted back to Beijing time.
        self.assertContains(response, f"<strong>{clock.time}</strong>", html=False)

    def test_it_offers_the_allowed_status_buttons_only(self):
        case = make_case(self.cast.district_a, status=Status.IN_PROGRESS)
        self.login("district_manager")
        response = self.client.get(self.url(case))
        offered = [s for s, _label in response.context["next_statuses"]]
        self.assertEqual(offered, [Status.WAITING, Status.RESOLVED])

    def test_resolving_opens_a_dialog_asking_for_the_note_and_naming_planned_callbacks(self):
        # Issue 9, point 12: the resolve button posted at once, with no note and no warning.
        case = make_case(self.cast.district_a, status=Status.IN_PROGRESS)
        planned = timezone.now() + timedelta(days=1)
        Callback.objects.create(case=case, scheduled_for=planned, time_zone="Europe/Rome")
        Callback.objects.create(
            case=case, scheduled_for=planned, time_zone="Europe/Rome", done_at=timezone.now()
        )
        self.login("district_manager")
        response = self.client.get(self.url(case), **EN)
        self.assertContains(response, 'data-bs-target="#resolve-dialog"')
        self.assertContains(response, 'id="resolve-note" rows="4" required')
        self.assertEqual(len(response.context["pending_callbacks"]), 1)
        self.assertContains(response, "A callback is still planned")
        self.assertContains(response, timezone.localtime(planned).strftime("%Y-%m-%d %H:%M"))

    def test_the_volunteer_gets_no_assign_or_transfer_form(self):
        theirs = make_case(self.cast.district_a, assignee=self.cast.volunteer, status="assigned")
        self.login("volunteer")
        response = self.client.get(self.url(theirs))
        self.assertTrue(response.context["can_change"])
        self.assertFalse(response.context["assignees"])
        self.assertFalse(response.context["can_transfer"])
        self.assertNotContains(response, 'id="assign-form"')

    def test_it_renders_the_side_panels(self):
        from qiaolian.hotline import panels

        def marker_panel(request, case):
            return {"template": "hotline/cases/notes.html", "notes": [], "case": case}

        panels._PANELS.append((999, marker_panel))
        try:
            self.login("district_manager")
            response = self.client.get(self.url(self.own_object))
            self.assertContains(response, 'id="notes-list"')
        finally:
            panels._PANELS.remove((999, marker_panel))


class CaseCreateTests(ScopedViewTests.Create):
    model = Case
    url_name = "hotline:case_create"
    unit_field = "unit"

    def create_data(self, unit):
        return {
            "unit": unit.pk,
            "channel": "call",
            "category": "policy",
            "priority": "normal",
            "subject": "询问养老金认证",
            "contact_name": "李女士",
            "contact_phone": "+34 612 345 678",
        }

    def test_it_opens_a_case_for_a_person_of_the_register(self):
        person = PersonFactory(unit=self.cast.district_a, time_zone="Europe/Madrid")
        self.login("district_manager")
        data = {**self.create_data(self.cast.district_a), "requester": person.public_id}
        data["contact_name"] = data["contact_phone"] = ""
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 302)
        case = Case.objects.get(requester=person)
        self.assertTrue(case.number.startswith("RX-"))
        self.assertEqual(case.requester_time_zone, "Europe/Madrid")

    def test_it_refuses_a_person_the_user_cannot_see(self):
        stranger = PersonFactory(unit=self.cast.district_b)
        self.login("district_manager")
        data = {**self.create_data(self.cast.district_a), "requester": stranger.public_id}
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("requester", response.context["form"].errors)


class CaseEditTests(ScopedViewTests.Edit):
    model = Case
    url_name = "hotline:case_edit"
    detail_url_name = "hotline:case_detail"

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def form_data(self, obj):
        return {
            "version": obj.version,
            "category": "policy",
            "priority": "high",
            "subject": f"{obj.subject}改",
            "description": "补充说明",
            "contact_name": "王先生",
            "contact_phone": "",
        }

    def test_a_conflicting_save_keeps_the_users_text_and_names_the_change(self):
        case = self.own_object
        opened = case.version
        services.case_update(
            actor=self.cast.city_admin, case=case, expected_version=opened, description="街道已回访"
        )
        self.login("district_manager")
        data = {**self.form_data(case), "version": opened, "description": "我写的长说明"}
        response = self.client.post(self.url(case), data, **EN)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "city_admin", status_code=400)
        self.assertContains(response, "description", status_code=400)
        self.assertContains(response, "我写的长说明", status_code=400)  # nothing lost
        self.assertContains(response, "街道已回访", status_code=400)  # theirs shown
        case.refresh_from_db()
        self.assertEqual(case.description, "街道已回访")
        # The form now carries the current version: saving again on purpose goes through.
        form = response.context["form"]
        self.assertEqual(int(form.data["version"]), case.version)
        again = self.client.post(self.url(case), form.data)
        self.assertEqual(again.status_code, 302)
        case.refresh_from_db()
        self.assertEqual(case.description, "我写的长说明")


class CaseWatchTests(ScopedViewTests.Delete):
    """POST without a body: the user watches the case."""

    model = Case
    url_name = "hotline:case_watch"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return make_case(unit)

    def assert_done(self, obj):
        self.assertIn(self.cast.district_manager, obj.watchers.all())


class CaseStatusTests(ScopedViewTests.Delete):
    """POST without a body is refused with a message; the mixin checks the scoping."""

    model = Case
    url_name = "hotline:case_status"
    action = Action.CHANGE

    @classmethod
    def make_object(cls, unit):
        return make_case(unit, status=Status.IN_PROGRESS)

    def assert_done(self, obj):
        obj.refresh_from_db()
        self.assertEqual(obj.status, Status.IN_PROGRESS)  # no status given: nothing changes

    def test_it_moves_the_case_and_refuses_a_jump(self):
        self.login("district_manager")
        case = self.own_object
        self.client.post(self.url(case), {"status": "waiting", "version": case.version})
        case.refresh_from_db()
        self.assertEqual(case.status, Status.WAITING)
        response = self.client.post(self.url(case), {"status": "new"}, follow=True, **EN)
        self.assertContains(response, "cannot become")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.WAITING)

    def test_resolving_without_the_closing_note_is_refused_with_a_message(self):
        self.login("district_manager")
        case = self.own_object
        response = self.client.post(
            self.url(case), {"status": "resolved", "note": ""}, follow=True, **EN
        )
        self.assertContains(response, "Write the closing note")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.IN_PROGRESS)
        self.client.post(self.url(case), {"status": "resolved", "note": "已落实。"})
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _login(client, user):
    client.force_login(user)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("hotline:case_assign", {"assignee": ""}),
        ("hotline:case_comment", {"text": "内部意见"}),
        ("hotline:case_transfer", {"reason": "转办"}),
        ("hotline:case_link_requester", {}),
        ("hotline:case_attach", {}),
        ("hotline:case_note_add", {"text": "x"}),
        ("hotline:case_notes", None),
    ],
)
def test_case_actions_answer_404_for_a_sibling_case_and_403_to_nobody(client, cast, name, data):
    sibling = make_case(cast.district_b)
    own = make_case(cast.district_a)
    url = reverse(name, args=[sibling.public_id])
    _login(client, cast.district_manager)
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 404
    _login(client, cast.nobody)
    url = reverse(name, args=[own.public_id])
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 403


def test_the_comment_form_posts_a_reply(client, cast):
    case = make_case(cast.district_a, assignee=cast.volunteer, status="assigned")
    _login(client, cast.volunteer)
    url = reverse("hotline:case_comment", args=[case.public_id])
    client.post(url, {"text": "请按时服药。", "to_requester": "on"})
    event = case.events.get(kind=EventKind.REPLY)
    assert event.actor == cast.volunteer and not event.internal


def test_the_assign_form_assigns_an_eligible_user(client, cast):
    case = make_case(cast.district_a)
    _login(client, cast.district_manager)
    url = reverse("hotline:case_assign", args=[case.public_id])
    client.post(url, {"assignee": cast.volunteer.public_id, "version": case.version})
    case.refresh_from_db()
    assert case.assignee == cast.volunteer and case.status == Status.ASSIGNED
    client.post(url, {"assignee": cast.sibling_manager.public_id})
    case.refresh_from_db()
    assert case.assignee == cast.volunteer


def test_bulk_assign_assigns_the_ticked_cases(client, cast):
    first, second = make_case(cast.township_a1), make_case(cast.township_a1)
    sibling = make_case(cast.district_b)
    _login(client, cast.district_manager)
    url = reverse("hotline:case_bulk_assign")
    data = {
        "cases": [first.public_id, second.public_id],
        "assignee": cast.township_worker.public_id,
    }
    assert client.post(url, data).status_code == 302
    assert Case.objects.filter(assignee=cast.township_worker).count() == 2
    # A sibling's case among the ticked ones: nothing at all is assigned.
    third = make_case(cast.township_a1)
    data = {"cases": [third.public_id, sibling.public_id], "assignee": cast.volunteer.public_id}
    client.post(url, data)
    third.refresh_from_db()
    sibling.refresh_from_db()
    assert third.assignee is None and sibling.assignee is None


def test_the_transfer_form_moves_the_case_and_goes_back_to_the_queue_when_out_of_sight(
    client, cast
):
    case = make_case(cast.district_a)
    _login(client, cast.city_admin)
    url = reverse("hotline:case_transfer", args=[case.public_id])
    response = client.post(url, {"unit": cast.district_b.pk, "reason": "户籍在乙区"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == cast.district_b
    assert case.events.filter(kind=EventKind.TRANSFER).exists()


def test_confidential_notes_are_read_through_an_audited_fragment(client, cast):
    case = make_case(cast.district_a, category="medicine", assignee=cast.volunteer)
    services.note_add(actor=cast.volunteer, case=case, text="过敏史：青霉素")
    url = reverse("hotline:case_notes", args=[case.public_id])
    _login(client, cast.district_clerk)
    assert client.get(url).status_code == 403
    detail = client.get(reverse("hotline:case_detail", args=[case.public_id]))
    assert "过敏史" not in detail.content.decode()
    assert not detail.context["can_read_notes"]
    _login(client, cast.volunteer)
    response = client.get(url)
    assert "过敏史：青霉素" in response.content.decode()
    assert AuditEvent.objects.filter(action="case.note_read", actor=cast.volunteer).count() == 1


def test_an_attachment_is_uploaded_and_downloaded_within_scope(client, cast, tmp_path):
    case = make_case(cast.district_a)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with override_settings(MEDIA_ROOT=tmp_path):
        _login(client, cast.district_manager)
        upload = SimpleUploadedFile("photo.png", png)
        client.post(reverse("hotline:case_attach", args=[case.public_id]), {"file": upload})
        attachment = case.attachments.get()
        url = reverse("hotline:attachment_download", args=[attachment.public_id])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png
        _login(client, cast.sibling_manager)
        assert client.get(url).status_code == 404


def test_an_attachment_of_a_forbidden_type_is_refused_with_a_message(client, cast, tmp_path):
    case = make_case(cast.district_a)
    with override_settings(MEDIA_ROOT=tmp_path):
        _login(client, cast.district_manager)
        upload = SimpleUploadedFile("virus.png", b"MZ\x90\x00")
        response = client.post(
            reverse("hotline:case_attach", args=[case.public_id]),
            {"file": upload},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "cannot be attached" in response.content.decode()
    assert not case.attachments.exists()


def test_the_case_list_exports_its_queue_and_filters(client, cast):
    # Issue 9, "what staff expect": export on every list with filters (the case list had none).
    wanted = make_case(cast.district_a, subject="导出的工单", category="legal")
    make_case(cast.district_a, subject="别的类别", category="policy")
    make_case(cast.district_b, subject="乙区工单", category="legal")
    _login(client, cast.district_manager)
    url = reverse("hotline:case_list")
    page = client.get(url, {"queue": "all", "category": "legal"}).content.decode()
    assert 'id="export-xlsx"' in page and "queue=all&amp;category=legal&amp;export=csv" in page
    response = client.get(url, {"queue": "all", "category": "legal", "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert wanted.number in body and "导出的工单" in body
    assert "别的类别" not in body and "乙区工单" not in body
    assert AuditEvent.objects.filter(action="export.cases").count() == 1
    _login(client, cast.volunteer)  # holds no EXPORT
    assert client.get(url, {"export": "csv"}).status_code == 403
