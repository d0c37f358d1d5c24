"""Scans for duplicates: run by a real worker, stored, scoped (a sibling district's people are
never paired with, shown to or counted for a district manager), and the candidates page with
its filters, progress and bounded queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people.duplicates import scans
from qiaolian.people.models import DuplicateCandidate, DuplicateRun
from qiaolian.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def twins(unit, given: str, phone: str = "+39 333 123 4567", **extra):
    return [
        PersonFactory(unit=unit, surname="杨", given_name=given, phones=[phone], **extra)
        for _ in range(2)
    ]


def _pair_ids(queryset) -> set[frozenset]:
    return {frozenset((c.person_a_id, c.person_b_id)) for c in queryset}


def test_the_scan_runs_on_a_real_worker_and_stores_what_it_found(
    cast, django_capture_on_commit_callbacks
):
    first, second = twins(cast.district_a, "帆")
    with django_capture_on_commit_callbacks(execute=True):
        run, queued = scans.duplicate_scan_request(actor=cast.district_manager, within=None)
    assert queued and run.status == DuplicateRun.Status.QUEUED
    assert not DuplicateCandidate.objects.exists()  # queued, not done in the request
    # Asking again while it waits queues nothing more.
    again, queued_again = scans.duplicate_scan_request(actor=cast.district_manager, within=None)
    assert (again.pk, queued_again) == (run.pk, False)

    run_queued_tasks()

    run.refresh_from_db()
    assert run.status == DuplicateRun.Status.DONE
    assert (run.people, run.found) == (2, 1) and run.seconds is not None
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a_id, candidate.person_b_id} == {first.pk, second.pk}
    assert candidate.score == 75 and candidate.reasons == ["same_name", "same_phone"]
    assert AuditEvent.objects.filter(action="duplicates.scan", actor=cast.district_manager)


def test_a_scan_never_pairs_or_counts_a_sibling_districts_people(cast, client):
    own = twins(cast.district_a, "甲甲")
    # The same person registered by A and by sibling B: a pair only the city may see.
    across = [
        PersonFactory(unit=unit, surname="杨", given_name="跨区", phones=["+39 333 999 0000"])
        for unit in (cast.district_a, cast.district_b)
    ]
    sibling = twins(cast.district_b, "乙乙")

    scan = scans.run_scan(user=cast.district_manager, within=None)
    assert scan.people == 3  # own twins and A's half of the cross pair
    assert _pair_ids(DuplicateCandidate.objects.all()) == {frozenset(p.pk for p in own)}

    # The city's scan finds all three pairs; the district still sees and counts only its own.
    scans.run_scan(user=cast.city_admin, within=None)
    assert _pair_ids(DuplicateCandidate.objects.all()) == {
        frozenset(p.pk for p in group) for group in (own, across, sibling)
    }
    client.force_login(cast.district_manager)
    page = client.get(reverse("people:duplicate_list"))
    assert [c.pk for c in page.context["object_list"]] == list(
        DuplicateCandidate.objects.filter(person_a=min(own, key=lambda p: p.pk)).values_list(
            "pk", flat=True
        )
    )
    assert page.context["counts"]["total"] == 1
    assert "跨区" not in page.content.decode() and "乙乙" not in page.content.decode()


def test_a_district_scan_keeps_what_a_city_scan_found_across_districts(cast):
    across = [
        PersonFactory(unit=unit, surname="杨", given_name="跨区", phones=["+39 333 999 0000"])
        for unit in (cast.district_a, cast.district_b)
    ]
    scans.run_scan(user=cast.city_admin, within=None)
    scans.run_scan(user=cast.district_manager, within=None)
    assert _pair_ids(DuplicateCandidate.objects.all()) == {frozenset(p.pk for p in across)}


def test_a_scan_narrowed_to_the_header_unit_looks_only_below_it(cast):
    twins(cast.district_a, "上级")
    below = twins(cast.township_a1, "下级")
    scan = scans.run_scan(user=cast.district_manager, within=cast.township_a1)
    assert scan.people == 2
    assert _pair_ids(DuplicateCandidate.objects.all()) == {frozenset(p.pk for p in below)}


def test_a_user_who_may_change_nothing_cannot_start_a_scan(cast, client):
    client.force_login(cast.district_clerk)  # readonly: VIEW only
    assert client.post(reverse("people:duplicate_scan")).status_code == 403
    assert client.get(reverse("people:duplicate_list")).status_code == 200
    assert not DuplicateRun.objects.exists()


def test_the_page_queues_a_scan_and_polls_until_it_is_done(
    cast, client, django_capture_on_commit_callbacks
):
    twins(cast.district_a, "帆")
    client.force_login(cast.district_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:duplicate_scan"))
    assert response.status_code == 302
    page = client.get(reverse("people:duplicate_list"))
    assert 'id="duplicate-progress"' in page.content.decode()
    poll = client.get(reverse("people:duplicate_list"), {"progress": "1"})
    assert "duplicate-progress" in poll.content.decode()

    run_queued_tasks()

    done = client.get(reverse("people:duplicate_list"), {"progress": "1"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(reverse("people:duplicate_list"))
    assert 'id="duplicate-last-run"' in page.content.decode()
    assert len(page.context["object_list"]) == 1


def test_the_list_filters_by_likelihood_reason_and_name(cast, client):
    strong = twins(cast.district_a, "强", birth_date=date(1970, 1, 1))  # 40+35+20 = 95
    weak = [  # 34 (pinyin) + 20 (birth) = 54
        PersonFactory(unit=cast.district_a, surname=s, given_name="伟", birth_date=date(1980, 1, 1))
        for s in ("张", "章")
    ]
    scans.run_scan(user=cast.district_manager, within=None)
    client.force_login(cast.district_manager)
    url = reverse("people:duplicate_list")

    def shown(**params):
        page = client.get(url, params)
        return {frozenset((c.person_a_id, c.person_b_id)) for c in page.context["object_list"]}

    strong_pair, weak_pair = frozenset(p.pk for p in strong), frozenset(p.pk for p in weak)
    assert shown() == {strong_pair, weak_pair}
    assert shown(likelihood=80) == {strong_pair}
    assert shown(reason="same_pinyin") == {weak_pair}
    assert shown(q="zhangwei") == {weak_pair}
    page = client.get(url)
    assert page.context["counts"] == {"total": 2, "very_likely": 1, "likely": 0, "possible": 1}
    assert [c.score for c in page.context["object_list"]] == [95, 54]  # best first


def test_the_candidates_page_runs_the_same_queries_for_few_or_many_pairs(cast, client):
    client.force_login(cast.district_manager)
    url = reverse("people:duplicate_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    twins(cast.district_a, "一")
    scans.run_scan(user=cast.district_manager, within=None)
    queries()  # the first request of a session does some one-off work
    few = queries()
    for index in range(12):
        twins(cast.district_a, f"多{index}", phone=f"+39 333 100 {index:04d}")
    scans.run_scan(user=cast.district_manager, within=None)
    assert DuplicateCandidate.objects.count() == 13
    assert queries() == few
    assert few <= 16


def test_a_pair_is_visible_only_to_users_who_reach_both_people(cast):
    own = twins(cast.district_a, "甲甲")
    below = twins(cast.township_a1, "街道")
    across = [
        PersonFactory(unit=unit, surname="杨", given_name="跨区", phones=["+39 333 999 0000"])
        for unit in (cast.township_a1, cast.district_b)
    ]
    scans.run_scan(user=cast.city_admin, within=None)

    def visible(user) -> set[frozenset]:
        return _pair_ids(DuplicateCandidate.objects.restrict(user, Action.VIEW))

    everything = {frozenset(p.pk for p in group) for group in (own, below, across)}
    assert visible(cast.city_admin) == everything
    assert visible(cast.district_manager) == everything - {frozenset(p.pk for p in across)}
    assert visible(cast.township_worker) == {frozenset(p.pk for p in below)}
    assert visible(cast.sibling_manager) == set()
    # Narrowed roles see only what is assigned to them or their own: no person, so no pair.
    for user in (cast.volunteer, cast.portal_user, cast.nobody):
        assert visible(user) == set()


def test_the_candidates_page_reads_in_english_too(cast, client):
    twins(cast.district_a, "帆")
    scans.run_scan(user=cast.district_manager, within=None)
    client.force_login(cast.district_manager)
    page = client.get(reverse("people:duplicate_list"), headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert "Possible duplicates" in html and "Same phone number" in html
