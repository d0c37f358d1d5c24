from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qiaolian.core.figures import FigureContext
from qiaolian.hotline.models import Case
from qiaolian.outreach import figures, services
from qiaolian.outreach.models import CallTask, CareKit, Delivery, KitDistribution
from qiaolian.outreach.sending import run_letter
from qiaolian.outreach.tests.support import audience, letter, person

pytestmark = pytest.mark.django_db


def _campaign(cast, n=4):
    people = [person(cast.township_a1) for _ in range(n)]
    campaign = services.campaign_create(
        actor=cast.township_worker,
        unit=cast.township_a1,
        name="打一个亲情电话",
        audience=audience(cast),
        callers=[cast.township_worker, cast.volunteer],
    )
    return campaign, people


def test_a_campaign_splits_the_calls_among_callers_and_a_need_becomes_a_case(cast, client):
    campaign, _people = _campaign(cast)
    tasks = CallTask.objects.filter(campaign=campaign)
    assert tasks.count() == 4
    assert tasks.filter(caller=cast.township_worker).count() == 2
    assert tasks.filter(caller=cast.volunteer).count() == 2
    mine = tasks.filter(caller=cast.volunteer).first()
    # The volunteer sees and records their own calls only.
    assert set(CallTask.objects.restrict(cast.volunteer, "outreach.view")) == set(
        tasks.filter(caller=cast.volunteer)
    )
    services.call_record(
        actor=cast.volunteer, task=mine, outcome="reached", needs="需要口罩 200 只"
    )
    with pytest.raises(ValidationError):
        services.call_record(actor=cast.volunteer, task=mine, outcome="call_back")
    case = services.call_need_to_case(actor=cast.township_worker, task=mine)
    assert Case.objects.get(pk=case.pk).requester == mine.person
    assert case.subject == "需要口罩 200 只"
    with pytest.raises(ValidationError):
        services.call_need_to_case(actor=cast.township_worker, task=mine)
    from qiaolian.outreach.work import calls_to_make

    panel = calls_to_make(user=cast.volunteer)
    assert panel.count == 1 and panel.url.endswith("?todo=1")  # one called, one to make
    client.force_login(cast.volunteer)
    todo = client.get(panel.url).content.decode()
    assert todo.count("outreach/calls/task/") == panel.count
    page = client.get("/outreach/calls/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert (mine.person.full_name in page and "已接通" in page) or "Reached" in page


def test_kits_are_counted_here_and_never_given_beyond_stock(cast):
    kit = services.kit_create(
        actor=cast.township_worker,
        unit=cast.township_a1,
        name="爱心包",
        items=[{"name": "温馨卡", "quantity": 1}, {"name": "防疫书", "quantity": 1}],
        stock=3,
    )
    someone = person(cast.township_a1)
    services.kit_give(
        actor=cast.township_worker,
        kit=kit,
        person=someone,
        given_on=timezone.localdate(),
        method="post",
        delivered_by="南门街道",
        quantity=2,
    )
    with pytest.raises(ValidationError):
        services.kit_give(
            actor=cast.township_worker,
            kit=kit,
            person=someone,
            given_on=timezone.localdate(),
            method="post",
            delivered_by="南门街道",
            quantity=2,
        )
    assert CareKit.objects.get(pk=kit.pk).stock == 1
    assert KitDistribution.objects.get().quantity == 2


def test_figures_equal_a_recount_and_leave_the_sibling_out(cast):
    mine = person(cast.township_a1, time_zone="", emails=["a@example.com"])
    draft = letter(cast, audience(cast), channels=("h5",))
    services.letter_approve(actor=cast.district_manager, letter=draft)
    services.letter_send(actor=cast.township_worker, letter=draft)
    run_letter(draft.pk)
    campaign, _people = _campaign(cast, n=2)
    task = CallTask.objects.filter(campaign=campaign).first()
    services.call_record(actor=cast.township_worker, task=task, outcome="reached")
    kit = services.kit_create(
        actor=cast.township_worker,
        unit=cast.township_a1,
        name="包",
        items=[{"name": "卡", "quantity": 1}],
        stock=9,
    )
    services.kit_give(
        actor=cast.township_worker,
        kit=kit,
        person=mine,
        given_on=timezone.localdate(),
        method="in_person",
        delivered_by="王",
        quantity=3,
    )
    # The sibling district's own activity, which the district A manager must not count.
    other = person(cast.district_b, time_zone="")
    sibling = services.audience_create(
        actor=cast.sibling_manager, unit=cast.district_b, name="乙", criteria={}
    )
    kit_b = services.kit_create(
        actor=cast.sibling_manager,
        unit=cast.district_b,
        name="乙包",
        items=[{"name": "卡", "quantity": 1}],
        stock=5,
    )
    services.kit_give(
        actor=cast.sibling_manager,
        kit=kit_b,
        person=other,
        given_on=timezone.localdate(),
        method="post",
        delivered_by="乙",
        quantity=5,
    )
    services.campaign_create(
        actor=cast.sibling_manager,
        unit=cast.district_b,
        name="乙",
        audience=sibling,
        callers=[cast.sibling_manager],
    )
    task_b = CallTask.objects.get(campaign__unit=cast.district_b)
    services.call_record(actor=cast.sibling_manager, task=task_b, outcome="reached")

    from qiaolian.core.figures import Period

    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today + timedelta(days=1))
    ctx = FigureContext(user=cast.district_manager, unit=None, period=period)
    assert figures.letters_sent(ctx) == 1
    assert (
        figures.deliveries(ctx)
        == Delivery.objects.filter(letter__unit=cast.township_a1, status="sent").count()
        == 1
    )
    assert figures.calls_made(ctx) == 1 and figures.people_reached(ctx) == 1
    assert figures.kits_distributed(ctx) == 3
    city = FigureContext(user=cast.city_admin, unit=None, period=period)
    assert figures.kits_distributed(city) == 8 and figures.calls_made(city) == 2
