"""The volunteers and shifts API: scoped like the pages, "on duty now" by the rota's rule, and
the licence number never in clear."""

from datetime import timedelta

from django.utils import timezone

from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.scoped import ScopedApiTests, next_marker, response_text
from qiaolian.hotline.models import Shift, Volunteer
from qiaolian.hotline.tests.factories import ShiftFactory, VolunteerFactory
from qiaolian.network.tests.factories import GroupFactory

LICENCE = "33010219850312"


def make_volunteer(unit, **kwargs):
    user = UserFactory(home_unit=unit, display_name=f"志愿者{next_marker('VL')}")
    kwargs.setdefault("licence_number", LICENCE)
    return VolunteerFactory(unit=unit, user=user, **kwargs)


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["display_name"] for row in response.json()["items"]}


class VolunteerListApiTests(ScopedApiTests.List):
    model = Volunteer
    url_name = "api:volunteer_list"

    @classmethod
    def make_object(cls, unit):
        return make_volunteer(unit)

    def marker(self, obj):
        return obj.user.display_name

    def test_it_never_gives_the_licence_number_in_clear(self):
        text = response_text(self.call(self.actor, self.url()))
        self.assertNotIn(LICENCE, text)
        self.assertIn(self.own_object.licence_masked, text)

    def test_it_keeps_those_on_duty_now_and_flags_them(self):
        lawyer = make_volunteer(self.cast.district_a, profession="lawyer")
        ShiftFactory(volunteer=lawyer)  # running now
        now = timezone.now()
        ShiftFactory(
            volunteer=self.own_object,
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(3),
        )
        response = self.call(self.actor, self.url(), {"on_duty": "true"})
        self.assertEqual(names(response), {lawyer.user.display_name})
        rows = self.call(self.actor, self.url()).json()["items"]
        flags = {row["display_name"]: row["on_duty"] for row in rows}
        self.assertTrue(flags[lawyer.user.display_name])
        self.assertFalse(flags[self.own_object.user.display_name])
        self.assertEqual(
            names(self.call(self.actor, self.url(), {"profession": "lawyer"})),
            {lawyer.user.display_name},
        )

    def test_it_names_a_bad_profession(self):
        response = self.call(self.actor, self.url(), {"profession": "pilot"})
        error = self.assertApiError(response, 422, "invalid")
        self.assertIn("profession", error["fields"])

    def test_a_volunteer_reads_only_their_own_record(self):
        theirs = VolunteerFactory(unit=self.cast.district_a, user=self.cast.volunteer)
        self.assertEqual(names(self.call("volunteer", self.url())), {str(theirs.user)})


class VolunteerDetailApiTests(ScopedApiTests.Detail):
    model = Volunteer
    url_name = "api:volunteer_detail"

    @classmethod
    def make_object(cls, unit):
        return make_volunteer(unit)

    def url_kwargs(self, obj):
        return {"volunteer_id": obj.public_id}

    def marker(self, obj):
        return obj.user.display_name

    def test_it_gives_the_masked_licence_visible_groups_and_the_hours(self):
        volunteer = self.own_object
        own_group = GroupFactory(unit=self.cast.district_a, name="甲区医生群")
        sibling_group = GroupFactory(unit=self.cast.district_b, name="乙区医生群")
        volunteer.groups.add(own_group, sibling_group)
        ShiftFactory(volunteer=volunteer)
        response = self.call(self.actor, self.url(volunteer))
        body = response.json()
        self.assertNotIn(LICENCE, response_text(response))
        self.assertEqual(body["licence_number_masked"], volunteer.licence_masked)
        # The sibling's group is theirs to know about: only the visible one is named.
        self.assertEqual([g["name"] for g in body["groups"]], ["甲区医生群"])
        self.assertTrue(body["on_duty"])
        self.assertGreater(body["hours_this_month"]["shift_hours"], 0)
        self.assertEqual(
            body["hours_this_month"]["total"],
            round(
                body["hours_this_month"]["shift_hours"]
                + body["hours_this_month"]["call_hours"]
                + body["hours_this_month"]["case_hours"],
                2,
            ),
        )


class ShiftListApiTests(ScopedApiTests.List):
    model = Shift
    url_name = "api:shift_list"

    @classmethod
    def make_object(cls, unit):
        return ShiftFactory(volunteer=make_volunteer(unit), note=next_marker("SH"))

    def marker(self, obj):
        return obj.note

    def test_it_lists_the_shifts_overlapping_the_window(self):
        now = timezone.now()
        later = ShiftFactory(
            volunteer=self.own_object.volunteer,
            starts_at=now + timedelta(days=20),
            ends_at=now + timedelta(days=20, hours=8),
            note="下月值班",
        )
        default = response_text(self.call(self.actor, self.url()))
        self.assertNotIn(later.note, default)
        window = {
            "start": (now + timedelta(days=19)).isoformat(),
            "end": (now + timedelta(days=21)).isoformat(),
        }
        response = self.call(self.actor, self.url(), window)
        self.assertEqual([row["note"] for row in response.json()["items"]], [later.note])

    def test_it_names_a_window_too_long_or_backwards(self):
        now = timezone.now()
        for start, end in ((now, now + timedelta(days=100)), (now, now - timedelta(hours=1))):
            params = {"start": start.isoformat(), "end": end.isoformat()}
            error = self.assertApiError(self.call(self.actor, self.url(), params), 422, "invalid")
            self.assertIn("end", error["fields"])
