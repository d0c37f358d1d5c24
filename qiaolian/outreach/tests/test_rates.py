"""The two shares: H5 letters opened, family calls that reached the person. Each equals a
recount of the rows and leaves the sibling district (all opened, all reached) out."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from qiaolian.core import registry
from qiaolian.core.figures import FigureContext, Period, visible_figures
from qiaolian.outreach import figures
from qiaolian.outreach.models import CallCampaign, CallTask, Delivery, Letter
from qiaolian.outreach.tests.support import person

pytestmark = pytest.mark.django_db


def _deliveries(unit, statuses, channel="h5"):
    letter = Letter.objects.create(
        unit=unit, kind="condolence", subject_zh="信", body_zh="<p>信</p>", channels=[channel]
    )
    now = timezone.now()
    for i, status in enumerate(statuses):
        Delivery.objects.create(
            letter=letter,
            person=person(unit),
            channel=channel,
            status=status,
            sent_at=None if status == "queued" else now,
            opened_at=now if status == "opened" else None,
            idempotency_key=f"{unit.pk}:{channel}:{i}",
        )


def _calls(cast, unit, outcomes):
    from qiaolian.outreach.models import Audience

    audience = Audience.objects.create(unit=unit, name="受众")
    campaign = CallCampaign.objects.create(unit=unit, name="亲情电话", audience=audience)
    for outcome in outcomes:
        CallTask.objects.create(
            campaign=campaign,
            person=person(unit),
            outcome=outcome,
            called_at=None if outcome == "pending" else timezone.now(),
        )


def test_the_shares_equal_a_recount_and_leave_the_sibling_out(cast):
    a, b = cast.township_a1, cast.district_b
    _deliveries(a, ["opened", "sent", "sent", "sent", "failed", "queued"])
    _deliveries(a, ["sent"], channel="email")  # not a web page: not in the share
    _deliveries(b, ["opened", "opened", "opened"])
    _calls(cast, a, ["reached", "no_answer", "wrong", "pending"])
    _calls(cast, b, ["reached", "reached"])
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today + timedelta(days=1))
    ctx = FigureContext(user=cast.district_manager, unit=None, period=period)

    h5 = Delivery.objects.filter(
        letter__unit=a, channel="h5", status__in=["sent", "opened"]
    )  # the recount
    expected = Decimal(h5.filter(opened_at__isnull=False).count()) / h5.count()
    assert figures.letters_opened_rate(ctx) == expected.quantize(Decimal("0.0001"))
    assert figures.letters_opened_rate(ctx) == Decimal("0.25")
    made = CallTask.objects.filter(campaign__unit=a).exclude(outcome="pending")
    expected = Decimal(made.filter(outcome="reached").count()) / made.count()
    assert figures.calls_reached_rate(ctx) == expected.quantize(Decimal("0.0001"))
    assert figures.calls_reached_rate(ctx) == Decimal("0.3333")
    # The city sees both districts: the sibling's rows move both shares.
    city = FigureContext(user=cast.city_admin, unit=None, period=period)
    assert figures.letters_opened_rate(city) == Decimal("0.5714")  # 4 of 7
    assert figures.calls_reached_rate(city) == Decimal("0.6")  # 3 of 5
    # Nothing in the period: zero, not an error.
    empty = FigureContext(
        user=cast.district_manager,
        unit=None,
        period=Period(today - timedelta(days=30), today - timedelta(days=20)),
    )
    assert figures.letters_opened_rate(empty) == 0 and figures.calls_reached_rate(empty) == 0
    keys = {f.key for f in registry.figures()}
    assert {"outreach.letters_opened_rate", "outreach.calls_reached_rate"} <= keys
    shown = {f.key for f in visible_figures(cast.district_manager)}
    assert "outreach.calls_reached_rate" in shown
