from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qiaolian.network.tests.factories import GroupFactory, MembershipFactory
from qiaolian.outreach import merge, services
from qiaolian.outreach.audiences import audience_people
from qiaolian.outreach.models import Audience, Letter
from qiaolian.outreach.tests.support import audience, letter, person
from qiaolian.people.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


def test_a_segment_counts_live_within_the_senders_units_and_never_a_withdrawn_person(cast):
    italy = person(cast.township_a1, country="IT", birth_date=date(1950, 5, 1))
    person(cast.township_a1, country="IT", birth_date=date(2000, 5, 1))  # too young
    person(cast.township_a1, country="FR", birth_date=date(1950, 5, 1))  # elsewhere
    withdrawn = person(cast.township_a1, country="IT", birth_date=date(1951, 5, 1))
    ConsentFactory(person=withdrawn, withdrawn_at=timezone.now())
    person(cast.district_b, country="IT", birth_date=date(1950, 5, 1))  # sibling unit
    segment = audience(cast, country="IT", age_min=60)
    assert list(audience_people(segment, user=cast.township_worker)) == [italy]
    later = person(cast.township_a1, country="IT", birth_date=date(1940, 1, 1))
    assert set(audience_people(segment, user=cast.township_worker)) == {italy, later}
    # Another district's manager reaches nobody through it.
    assert audience_people(segment, user=cast.sibling_manager).count() == 0


def test_consent_group_and_static_lists(cast):
    group = GroupFactory(unit=cast.township_a1)
    member = MembershipFactory(group=group, person=person(cast.township_a1)).person
    MembershipFactory(group=group, person=person(cast.township_a1))
    ConsentFactory(person=member)
    seg = audience(cast, group=str(group.public_id), consent=True)
    assert list(audience_people(seg, user=cast.township_worker)) == [member]
    other = person(cast.township_a1)
    sibling = person(cast.district_b)
    static = services.audience_create(
        actor=cast.township_worker, unit=cast.township_a1, name="名单", people=[other, sibling]
    )
    assert static.kind == Audience.Kind.STATIC
    assert list(audience_people(static, user=cast.township_worker)) == [other]


def test_merge_fields_follow_age_sex_language_and_local_time():
    class P:
        surname, given_name, gender, name_pinyin = "王", "明", "m", "wang ming"
        birth_date = date(1950, 1, 1)
        full_name = "王明"
        time_zone = "Europe/Rome"

    assert merge.salutation(P, "zh", today=date(2026, 1, 2)) == "王老先生"
    assert merge.salutation(P, "en", today=date(2026, 1, 2)) == "Dear Mr Wang"
    P.gender, P.birth_date = "f", date(1990, 1, 1)
    assert merge.salutation(P, "zh", today=date(2026, 1, 2)) == "王女士"
    # 07:00 UTC is 08:00 in Rome: morning there, afternoon in Shanghai.
    at = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    assert merge.greeting("Europe/Rome", "zh", at) == "早上好"
    assert merge.greeting("Asia/Shanghai", "zh", at) == "下午好"
    assert merge.fill("{{称呼}}，{{问候}}", merge.values(P, "zh", at)) == "王女士，早上好"


def test_the_body_is_sanitised_and_only_someone_else_approves(cast):
    draft = letter(cast, audience(cast))
    assert "<script>" not in draft.body_zh and "家乡人民" in draft.body_zh
    with pytest.raises(PermissionDenied):
        services.letter_approve(actor=cast.township_worker, letter=draft)
    approved = services.letter_approve(actor=cast.district_manager, letter=draft)
    assert (
        approved.status == Letter.Status.APPROVED and approved.approved_by == cast.district_manager
    )


def test_an_unresolved_merge_field_blocks_approval_and_is_named(cast, client):
    draft = letter(cast, audience(cast), body_zh="<p>{{称呼}}，{{职务}}您好</p>")
    with pytest.raises(ValidationError, match="职务"):
        services.letter_approve(actor=cast.district_manager, letter=draft)
    client.force_login(cast.district_manager)
    page = client.get(f"/outreach/letters/{draft.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "{{职务}}" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == Letter.Status.DRAFT


def test_a_letter_needs_a_kind_from_the_dictionary_and_a_channel(cast):
    with pytest.raises(ValidationError) as err:
        letter(cast, audience(cast), channels=(), kind="nonsense")
    assert set(err.value.error_dict) == {"kind", "channels"}
    assert not Letter.objects.exists()
