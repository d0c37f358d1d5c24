"""Roster reconciliation: reading pasted lines, matching them to the register inside the
user's scope (matched / probable / new), and applying the choices all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.cast import Cast
from qiaolian.network import roster, services
from qiaolian.network.models import Membership
from qiaolian.network.roster import Status
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, PersonFactory
from qiaolian.people.models import Person


@pytest.mark.parametrize(
    ("line", "name", "phone"),
    [
        ("张伟, +39 333 123 4567", "张伟", "+39 333 123 4567"),
        ("张伟 333-123-4567", "张伟", "333-123-4567"),
        ("+39 3331234567 张伟", "张伟", "+39 3331234567"),
        ("Zhang Wei\t(06) 12 34 56 78", "Zhang Wei", "(06) 12 34 56 78"),
        ("🌸小芳-米兰，0039 333 765 4321，Milano", "🌸小芳-米兰", "0039 333 765 4321"),
        ("李娜", "李娜", ""),
    ],
)
def test_it_reads_the_name_and_the_phone_of_a_line(line, name, phone):
    assert roster.split_line(line) == (name, phone)


def test_it_skips_a_header_row_and_blank_lines_but_keeps_line_numbers():
    lines = roster.parse("昵称,手机\n\n张伟,+39 333 123 4567\n", country="IT")
    assert [(line.number, line.name) for line in lines] == [(3, "张伟")]


def test_it_names_the_fix_for_a_phone_it_cannot_read():
    (line,) = roster.parse("王芳 12345678901234", country="IT")
    assert line.status == Status.PROBLEM
    assert "country code" in line.problem


def test_it_flags_a_phone_number_cut_short_but_not_digits_inside_a_nickname():
    cut, nickname = roster.parse("王芳 333 12\n小王888", country="IT")
    assert (cut.status, nickname.status) == (Status.PROBLEM, Status.NEW)
    assert "333 12" in cut.problem


def test_it_marks_a_repeated_line():
    lines = roster.parse("张伟 +39 333 123 4567\n伟哥 333 123 4567", country="IT")
    assert lines[1].status == Status.REPEAT
    assert "1" in lines[1].problem


def test_it_reads_files_saved_by_chinese_excel_and_refuses_binary_ones():
    assert roster.decode_upload("张伟,13812345678".encode("gb18030")) == "张伟,13812345678"
    assert roster.decode_upload("\ufeff张伟".encode()) == "张伟"
    with pytest.raises(ValueError, match="not a text file"):
        roster.decode_upload(b"PK\x03\x04\x00\x00binary")


def test_it_proposes_surname_and_given_name_for_a_new_person():
    assert roster.proposed_name("欧阳娜娜（米兰）") == ("欧阳", "娜娜")
    assert roster.proposed_name("Zhang Wei") == ("Zhang", "Wei")


class MatchingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        a, a1 = cls.cast.district_a, cls.cast.township_a1
        cls.group = GroupFactory(unit=a)
        cls.zhang = PersonFactory(
            unit=a1, surname="张", given_name="伟", country="IT", phones=["+39 333 123 4567"]
        )
        cls.wong = PersonFactory(
            unit=a, surname="王", given_name="大卫", country="IT", romanized_names="Wong Tai Wai"
        )
        cls.li = PersonFactory(unit=a, surname="李", given_name="秀英", country="IT")
        cls.member = PersonFactory(
            unit=a, surname="陈", given_name="静", country="IT", phones=["+39 320 000 1111"]
        )
        MembershipFactory(group=cls.group, person=cls.member)
        # The sibling district's people are never offered, even with the same phone or name.
        cls.sibling = PersonFactory(
            unit=cls.cast.district_b,
            surname="赵",
            given_name="敏",
            country="IT",
            phones=["+39 347 555 6666"],
        )

    def match(self, text, user=None, country="IT"):
        lines = roster.parse(text, country=country)
        return roster.match(lines, user=user or self.cast.district_manager, group=self.group)

    def test_it_matches_a_phone_written_another_way(self):
        (line,) = self.match("阿伟 0039 333-1234567")
        self.assertEqual(line.status, Status.MATCHED)
        self.assertEqual(line.candidates[0].person, self.zhang)

    def test_it_offers_probable_people_by_name_pinyin_and_passport_spelling(self):
        lines = self.match("张伟 +39 351 000 0000\nZhang Wei\nWong Tai Wai\n李秀英（罗马）")
        self.assertEqual([line.status for line in lines], [Status.PROBABLE] * 4)
        self.assertEqual(
            [line.candidates[0].person for line in lines],
            [self.zhang, self.zhang, self.wong, self.li],
        )

    def test_it_looks_for_similar_names_in_the_same_country_only(self):
        (line,) = self.match("李秀英 +33 6 12 34 56 78", country="IT")
        # The French number makes the line French: 李秀英 of Italy is not offered.
        self.assertEqual(line.country, "FR")
        self.assertEqual(line.status, Status.NEW)

    def test_it_says_who_is_already_in_the_group(self):
        (line,) = self.match("陈静 320 000 1111")
        self.assertEqual(line.status, Status.MEMBER)

    def test_it_never_offers_a_person_of_the_sibling_district(self):
        for text in ("赵敏 +39 347 555 6666", "赵敏", "Zhao Min"):
            (line,) = self.match(text)
            self.assertEqual((line.status, line.candidates), (Status.NEW, []), text)
        # Its own manager does find them.
        (line,) = self.match("赵敏 +39 347 555 6666", user=self.cast.sibling_manager)
        self.assertEqual(line.status, Status.MATCHED)

    def test_it_creates_new_people_and_links_known_ones_in_one_step(self):
        lines = self.match("阿伟 +39 333 123 4567\n孙丽 +39 366 111 2222\n陈静 320 000 1111")
        result = services.roster_apply(
            actor=self.cast.district_manager,
            group=self.group,
            lines=lines,
            choices={1: str(self.zhang.public_id), 2: "new", 3: "skip"},
            unit_for_new=self.cast.township_a1,
        )
        self.assertEqual(result, {"linked": 1, "created": 1, "added": 2})
        created = Person.objects.get(surname="孙", given_name="丽")
        self.assertEqual((created.unit, str(created.country)), (self.cast.township_a1, "IT"))
        self.assertEqual(created.contacts.get().normalized, "+393661112222")
        members = set(
            self.group.memberships.filter(left_on__isnull=True).values_list("person", flat=True)
        )
        self.assertEqual(members, {self.member.pk, self.zhang.pk, created.pk})
        event = AuditEvent.objects.get(action="group.roster_apply")
        self.assertEqual(event.message, "linked=1 created=1")

    def test_it_writes_nothing_when_one_choice_is_wrong(self):
        lines = self.match("孙丽 +39 366 111 2222\n赵敏 +39 347 555 6666\n王芳 12345678901234")
        before = (Person.objects.count(), Membership.objects.count())
        with pytest.raises(ValidationError) as caught:
            services.roster_apply(
                actor=self.cast.district_manager,
                group=self.group,
                lines=lines,
                # Line 2: someone not offered (the sibling's person); line 3: a problem line.
                choices={1: "new", 2: str(self.sibling.public_id), 3: "new"},
                unit_for_new=self.cast.district_a,
            )
        messages = caught.value.messages
        self.assertEqual(len(messages), 2)
        self.assertTrue(messages[0].startswith("Line 2"))
        self.assertTrue(messages[1].startswith("Line 3"))
        self.assertEqual((Person.objects.count(), Membership.objects.count()), before)

    def test_it_refuses_new_people_in_a_unit_the_user_cannot_add_to(self):
        lines = self.match("孙丽 +39 366 111 2222")
        with pytest.raises(ValidationError, match="unit"):
            services.roster_apply(
                actor=self.cast.district_manager,
                group=self.group,
                lines=lines,
                choices={1: "new"},
                unit_for_new=self.cast.district_b,
            )
        self.assertFalse(Person.objects.filter(surname="孙").exists())


class RosterPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.group = GroupFactory(unit=cls.cast.district_a, name="米兰群")
        cls.zhang = PersonFactory(
            unit=cls.cast.district_a,
            surname="张",
            given_name="伟",
            country="IT",
            phones=["+39 333 123 4567"],
        )

    def setUp(self):
        self.client.force_login(self.cast.district_manager)
        self.url = reverse("network:roster")

    def post(self, **data):
        base = {
            "group": self.group.public_id,
            "country": "IT",
            "role": "member",
            "unit_for_new": self.cast.district_a.pk,
        }
        return self.client.post(self.url, {**base, **data}, HTTP_ACCEPT_LANGUAGE="en")

    def test_it_previews_every_line_with_its_status(self):
        response = self.post(
            step="preview", text="阿伟 333 123 4567\n孙丽 366 111 2222\n王芳 12345678901234"
        )
        self.assertEqual(response.status_code, 200)
        statuses = [line.status for line in response.context["lines"]]
        self.assertEqual(statuses, [Status.MATCHED, Status.NEW, Status.PROBLEM])
        self.assertContains(response, 'id="roster-apply"')
        self.assertFalse(Membership.objects.exists())

    def test_it_applies_the_chosen_lines(self):
        text = "阿伟 333 123 4567\n孙丽 366 111 2222"
        response = self.post(
            step="commit", text=text, **{"line-1": self.zhang.public_id, "line-2": "new"}
        )
        self.assertRedirects(response, reverse("network:group_detail", args=[self.group.public_id]))
        self.assertEqual(self.group.memberships.count(), 2)

    def test_it_reads_an_uploaded_gbk_csv_into_the_preview(self):
        upload = SimpleUploadedFile(
            "群成员.csv", "昵称,手机\n孙丽,366 111 2222\n".encode("gb18030"), "text/csv"
        )
        response = self.post(step="preview", file=upload)
        self.assertEqual(response.status_code, 200)
        (line,) = response.context["lines"]
        self.assertEqual((line.name, line.status), ("孙丽", Status.NEW))
        # The file's text comes back in the form, so applying needs no second upload.
        self.assertIn("孙丽", response.context["form"]["text"].value())

    def test_it_refuses_a_group_of_the_sibling_district(self):
        sibling = GroupFactory(unit=self.cast.district_b)
        response = self.post(step="preview", text="孙丽 366 111 2222", group=sibling.public_id)
        self.assertEqual(response.status_code, 400)
        self.assertIn("group", response.context["form"].errors)

    def test_it_shows_what_blocked_the_commit_and_saves_nothing(self):
        response = self.post(
            step="commit",
            text="王芳 12345678901234\n孙丽 366 111 2222",
            **{"line-1": "new", "line-2": "new"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["errors"][0].startswith("Line 1"))
        self.assertFalse(Person.objects.filter(surname="孙").exists())

    def test_it_speaks_chinese_by_default(self):
        response = self.client.post(
            self.url,
            {
                "group": self.group.public_id,
                "country": "IT",
                "role": "member",
                "step": "preview",
                "text": "王芳 333 12",
            },
        )
        self.assertContains(response, "位数不足")
        self.assertContains(response, "群成员名单核对")

    def test_it_preselects_the_group_named_in_the_link(self):
        response = self.client.get(self.url, {"group": self.group.public_id})
        self.assertEqual(response.context["form"].initial["group"], self.group.public_id)
