"""Merging two records of one person field by field, undoing it exactly, and "not a duplicate":
state changes, moved rows, audit rows, optimistic refusal, and the scoping of every page."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.network.models import Membership, Steward
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory
from qiaolian.people import services
from qiaolian.people.duplicates import scans
from qiaolian.people.duplicates.merging import MergeConflict
from qiaolian.people.models import (
    AssociationLeader,
    Consent,
    DuplicateCandidate,
    DuplicateDecision,
    Person,
    PersonContact,
    PersonMerge,
    PersonSearchToken,
    Relationship,
)
from qiaolian.people.search import index_person, search
from qiaolian.people.tests.factories import (
    AssociationLeaderFactory,
    ConsentFactory,
    PersonFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cast):
    """王伟 entered by staff and "Wong Wei" from the portal: one man, two records, each with
    its own links."""
    unit = cast.district_a
    kept = PersonFactory(
        unit=unit,
        surname="王",
        given_name="伟",
        country="IT",
        city="Milano",
        romanized_names="Wang Wei",
        birth_date=date(1966, 4, 1),
        phones=["+39 333 123 4567"],
        emails=["wang@example.com"],
        id_number="330203196604011234",
    )
    other = PersonFactory(
        unit=cast.township_a1,
        surname="Wong",
        given_name="Wei",
        country="IT",
        city="Roma",
        romanized_names="Wong Wai",
        occupation="餐馆业主",
        phones=["3331234567", "+39 06 5555 1234"],
        emails=["wong@example.com"],
        passport_number="YA1234567",
    )
    for person in (kept, other):
        index_person(person)
    return kept, other


def _related(other, unit):
    """One of everything that hangs on a person, attached to `other`."""
    relative = PersonFactory(unit=unit, surname="王", given_name="小明")
    return {
        "link": RelationshipFactory(person=other, relative=relative, kind="parent"),
        "link_in": RelationshipFactory(person=relative, relative=other, kind="sibling"),
        "consent": ConsentFactory(person=other),
        "post": AssociationLeaderFactory(person=other, association__unit=unit),
        "membership": MembershipFactory(person=other, group=GroupFactory(unit=unit)),
        "steward": StewardFactory(person=other, group=GroupFactory(unit=unit)),
    }


def _state(person: Person) -> dict:
    """Everything an unmerge must give back: the stored fields and who points at the person."""
    fresh = Person.objects.get(pk=person.pk)
    fields = {
        f.attname: getattr(fresh, f.attname)
        for f in Person._meta.concrete_fields
        if f.attname not in ("updated_at",)
    }
    return {
        "fields": fields,
        "contacts": sorted(
            PersonContact.objects.filter(person=fresh).values_list("pk", "is_primary")
        ),
        "links": sorted(Relationship.objects.filter(person=fresh).values_list("pk", flat=True)),
        "links_in": sorted(
            Relationship.objects.filter(relative=fresh).values_list("pk", flat=True)
        ),
        "consents": sorted(Consent.objects.filter(person=fresh).values_list("pk", flat=True)),
        "posts": sorted(
            AssociationLeader.objects.filter(person=fresh).values_list("pk", flat=True)
        ),
        "memberships": sorted(Membership.objects.filter(person=fresh).values_list("pk", flat=True)),
        "stewards": sorted(Steward.objects.filter(person=fresh).values_list("pk", flat=True)),
        "tokens": PersonSearchToken.objects.filter(person=fresh).count(),
    }


def test_a_merge_moves_every_related_row_and_hides_the_merged_record(cast, pair):
    kept, other = pair
    rows = _related(other, cast.district_a)

    record = services.person_merge(
        actor=cast.district_manager,
        survivor=kept,
        merged=other,
        choices={"city": "merged", "romanized_names": "both", "passport_number": "merged"},
        survivor_version=kept.version,
        merged_version=other.version,
    )

    kept.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == kept and other.version == 2
    assert kept.version == 2
    assert kept.city == "Roma"  # chosen from the other record
    assert kept.occupation == "餐馆业主"  # blank on the kept record: filled
    assert kept.romanized_names == "Wang Wei, Wong Wai"  # both kept
    assert kept.passport_number == "YA1234567" and kept.passport_index == other.passport_index
    assert kept.id_number == "330203196604011234"
    # The same phone typed twice stays once; the new number and email move.
    assert sorted(kept.contacts.values_list("normalized", flat=True)) == [
        "+390655551234",
        "+393331234567",
        "wang@example.com",
        "wong@example.com",
    ]
    assert kept.contacts.filter(is_primary=True, kind="phone").count() == 1
    for name, row in rows.items():
        row.refresh_from_db()
        owner = row.relative if name == "link_in" else row.person
        assert owner == kept, name
    assert len(record.moved) == 2 + len(rows)
    # Lists and search know one person now.
    assert not PersonSearchToken.objects.filter(person=other).exists()
    assert [hit.id for hit in search(cast.district_manager, "wong").people] == [str(kept.public_id)]
    audit = AuditEvent.objects.get(action="person.merge")
    assert audit.object_id == str(kept.public_id)
    assert audit.changes["city"] == ["Milano", "Roma"]
    assert audit.changes["merged"] == [None, str(other.public_id)]
    assert "YA1234567" not in str(audit.changes)  # masked
    assert AuditEvent.objects.filter(action="person.merged_away", object_id=str(other.public_id))


def test_an_unmerge_restores_both_records_exactly(cast, pair):
    kept, other = pair
    _related(other, cast.district_a)
    before = (_state(kept), _state(other))
    record = services.person_merge(
        actor=cast.district_manager,
        survivor=kept,
        merged=other,
        choices={"city": "merged", "romanized_names": "both", "passport_number": "merged"},
    )
    assert _state(kept) != before[0]

    services.person_unmerge(actor=cast.district_manager, merge=record)

    assert (_state(kept), _state(other)) == before
    record.refresh_from_db()
    assert record.is_undone and record.undone_by == cast.district_manager
    assert AuditEvent.objects.filter(action="person.unmerge", object_id=str(kept.public_id))
    assert AuditEvent.objects.filter(action="person.restored", object_id=str(other.public_id))


def test_an_unmerge_is_refused_once_the_kept_record_has_changed(cast, pair):
    kept, other = pair
    record = services.person_merge(actor=cast.district_manager, survivor=kept, merged=other)
    services.person_update(actor=cast.district_manager, person=kept, city="Torino")
    with (
        translation.override("zh-hans"),
        pytest.raises(ValidationError, match="合并后 王伟 又有改动"),
    ):
        services.person_unmerge(actor=cast.district_manager, merge=record)
    other.refresh_from_db()
    assert other.merged_into == kept


def test_an_unmerge_is_refused_when_a_moved_row_is_gone(cast, pair):
    kept, other = pair
    consent = ConsentFactory(person=other)
    record = services.person_merge(actor=cast.district_manager, survivor=kept, merged=other)
    consent.delete()
    with (
        translation.override("zh-hans"),
        pytest.raises(ValidationError, match="有 1 条已被删除或转走，无法原样撤销合并"),
    ):
        services.person_unmerge(actor=cast.district_manager, merge=record)


def test_a_merge_is_refused_when_a_record_changed_since_the_page_opened(cast, pair):
    kept, other = pair
    opened = (kept.version, other.version)
    services.person_update(actor=cast.district_manager, person=other, city="Napoli")
    with pytest.raises(MergeConflict, match="Wong"):
        services.person_merge(
            actor=cast.district_manager,
            survivor=kept,
            merged=other,
            survivor_version=opened[0],
            merged_version=opened[1],
        )
    assert not PersonMerge.objects.exists()
    other.refresh_from_db()
    assert other.merged_into is None


def test_only_someone_governing_both_people_may_merge_them(cast, pair):
    kept, _other = pair
    sibling = PersonFactory(unit=cast.district_b, surname="王", given_name="伟")
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=cast.district_manager, survivor=kept, merged=sibling)
    with pytest.raises(PermissionDenied):
        services.duplicate_dismiss(actor=cast.district_manager, first=kept, second=sibling)
    assert not PersonMerge.objects.exists() and not DuplicateDecision.objects.exists()


def test_a_link_the_kept_record_already_has_stays_with_the_merged_one(cast, pair):
    kept, other = pair
    relative = PersonFactory(unit=cast.district_a, surname="李", given_name="娜")
    RelationshipFactory(person=kept, relative=relative, kind="spouse")
    twin = RelationshipFactory(person=relative, relative=other, kind="spouse")  # its inverse
    between = RelationshipFactory(person=kept, relative=other, kind="sibling")  # each other
    services.person_merge(actor=cast.district_manager, survivor=kept, merged=other)
    twin.refresh_from_db()
    between.refresh_from_db()
    assert twin.relative == other and between.relative == other


def test_dismissing_a_pair_hides_it_and_a_new_scan_does_not_bring_it_back(cast, pair, client):
    kept, other = pair
    scans.run_scan(user=cast.district_manager, within=None)
    assert DuplicateCandidate.objects.count() == 1
    client.force_login(cast.district_manager)
    response = client.post(
        reverse("people:duplicate_dismiss", args=[other.public_id, kept.public_id]),
        {"note": "兄弟俩", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("people:duplicate_list")  # no open redirect
    decision = DuplicateDecision.objects.get()
    assert decision.decided_by == cast.district_manager and decision.note == "兄弟俩"
    assert {decision.person_a, decision.person_b} == {kept, other}
    assert not DuplicateCandidate.objects.exists()
    scans.run_scan(user=cast.district_manager, within=None)
    assert not DuplicateCandidate.objects.exists()
    event = AuditEvent.objects.get(action="person.duplicate_dismiss")
    assert event.changes["not_duplicate_of"][1] in {str(kept.public_id), str(other.public_id)}


# --- the pages ---------------------------------------------------------------------------------


def test_the_merge_page_shows_both_records_with_a_choice_per_differing_field(cast, pair, client):
    kept, other = pair
    client.force_login(cast.district_manager)
    page = client.get(reverse("people:duplicate_merge", args=[kept.public_id, other.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "王伟" in html and "Wong" in html
    assert 'name="field_city"' in html and 'name="field_given_name"' in html
    assert 'name="field_country"' not in html  # the same on both: nothing to choose
    assert 'name="field_romanized_names" value="both"' in html
    assert kept.id_number_masked in html  # masked, never in clear
    assert "330203196604011234" not in html and "YA1234567" not in html
    assert {"romanisation", "same_phone"} <= {r["code"] for r in page.context["reasons"]}


def test_merging_through_the_page_keeps_the_chosen_values(cast, pair, client):
    kept, other = pair
    client.force_login(cast.district_manager)
    url = reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(keep="first", field_city="second")
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[kept.public_id])
    kept.refresh_from_db()
    assert kept.city == "Roma" and kept.surname == "王"
    # The merged record leaves the register's list; its own page still answers.
    listing = client.get(reverse("people:person_list"))
    assert other.pk not in [p.pk for p in listing.context["object_list"]]
    history = client.get(reverse("people:duplicate_merges"))
    assert history.context["object_list"][0].can_unmerge
    response = client.post(
        reverse("people:duplicate_unmerge", args=[history.context["object_list"][0].public_id])
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.city == "Milano"


def test_the_merge_page_refuses_a_stale_form_with_a_clear_message(cast, pair, client):
    kept, other = pair
    client.force_login(cast.district_manager)
    url = reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    services.person_update(actor=cast.district_manager, person=kept, city="Torino")
    response = client.post(url, data)
    assert response.status_code == 409
    assert "打开本页后，王伟 已被他人修改。未进行任何合并" in response.content.decode()
    other.refresh_from_db()
    assert other.merged_into is None
    # The page now carries the new version: merging again works.
    data["version_first"] = response.context["form"]["version_first"].value()
    assert client.post(url, data).status_code == 302


def test_a_pair_half_outside_the_users_units_is_not_found(cast, pair, client):
    kept, _other = pair
    sibling = PersonFactory(unit=cast.district_b, surname="王", given_name="伟")
    client.force_login(cast.district_manager)
    for args in ([kept.public_id, sibling.public_id], [sibling.public_id, kept.public_id]):
        assert client.get(reverse("people:duplicate_merge", args=args)).status_code == 404
        assert client.post(reverse("people:duplicate_merge", args=args)).status_code == 404
        assert client.post(reverse("people:duplicate_dismiss", args=args)).status_code == 404
    same = [kept.public_id, kept.public_id]
    assert client.get(reverse("people:duplicate_merge", args=same)).status_code == 404


def test_a_read_only_user_may_look_but_not_merge(cast, pair, client):
    kept, other = pair
    client.force_login(cast.district_clerk)
    url = reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    assert client.get(url).status_code == 403
    assert client.get(reverse("people:duplicate_list")).status_code == 200
    assert client.get(reverse("people:duplicate_merges")).status_code == 200


def test_the_township_worker_cannot_merge_into_the_district_above(cast, pair, client):
    kept, other = pair  # kept is owned by district A, other by township A1 below it
    client.force_login(cast.township_worker)
    url = reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    assert client.get(url).status_code == 404


def test_the_pages_speak_chinese_by_default(cast, pair, client):
    kept, other = pair
    scans.run_scan(user=cast.district_manager, within=None)
    client.force_login(cast.district_manager)
    page = client.get(reverse("people:duplicate_list")).content.decode()
    assert "疑似重复" in page and "比较并合并" in page and "不是重复" in page
    merge = client.get(
        reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    ).content.decode()
    assert "保留此记录" in merge and "合并这两条记录" in merge


def test_the_merge_page_of_an_already_merged_pair_says_so_and_offers_no_merge(cast, pair, client):
    kept, other = pair
    services.person_merge(actor=cast.district_manager, survivor=kept, merged=other)
    client.force_login(cast.district_manager)
    url = reverse("people:duplicate_merge", args=[kept.public_id, other.public_id])
    page = client.get(url)
    html = page.content.decode()
    assert 'id="merge-already"' in html and 'id="merge-submit"' not in html
    data = {"keep": "first", "version_first": kept.version + 1, "version_second": 2}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "已合并到另一条记录" in response.content.decode()
    assert PersonMerge.objects.count() == 1
