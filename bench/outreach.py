"""Outreach: the deliveries of one letter to 100,000 recipients, built as the service builds
them (`services.build_deliveries`: the audience read in chunks, one row per recipient and
channel with its idempotency key, bulk insert ignoring keys already there) against a naive
per-row `get_or_create` on the same key, in the same run and the same database.

The naive way is timed over BENCH_OUTREACH_NAIVE recipients (10,000 by default; a per-row
create of all 100,000 adds minutes and says nothing more) and both are compared as
deliveries per second. Building the letter's deliveries a second time must add nothing.
"""

from __future__ import annotations

import os
import time

from django.db import connection, transaction

RECIPIENTS = int(os.environ.get("BENCH_OUTREACH_RECIPIENTS", "100000"))
NAIVE = int(os.environ.get("BENCH_OUTREACH_NAIVE", "10000"))
CITY = "基准市"


def _world():
    from qiaolian.core.models import Unit, User
    from qiaolian.people.models import Person

    unit = Unit.objects.filter(depth=1).first()
    user = User.objects.filter(username="city_admin").first() or User.objects.first()
    have = Person.objects.filter(unit=unit, city=CITY).count()  # scoping: exempt, bench setup
    Person.objects.bulk_create(
        (
            Person(unit=unit, surname="侨", given_name=f"胞{n}", city=CITY, time_zone="Europe/Rome")
            for n in range(have, RECIPIENTS)
        ),
        batch_size=5000,
    )
    return unit, user


def _letter(unit, user, audience, subject):
    from qiaolian.outreach.models import Letter

    return Letter.objects.create(
        unit=unit,
        kind="condolence",
        audience=audience,
        subject_zh=subject,
        body_zh="<p>{{称呼}}，{{问候}}！</p>",
        channels=["h5"],
        created_by=user,
        status=Letter.Status.APPROVED,
    )


def run(*, timed=None) -> list[dict]:
    from qiaolian.outreach import services
    from qiaolian.outreach.audiences import audience_people
    from qiaolian.outreach.models import Audience, Delivery

    unit, user = _world()
    audience = Audience.objects.create(unit=unit, name="基准受众", criteria={"city": CITY})
    recipients = audience_people(audience, user=user).count()
    assert recipients >= RECIPIENTS, f"the audience reaches {recipients} people"

    letter = _letter(unit, user, audience, "基准慰问信")
    start = time.perf_counter()
    with transaction.atomic():
        built = services.build_deliveries(actor=user, letter=letter)
    bulk_seconds = time.perf_counter() - start
    assert Delivery.objects.filter(letter=letter).count() == built == recipients
    start = time.perf_counter()
    with transaction.atomic():
        services.build_deliveries(actor=user, letter=letter)
    again_seconds = time.perf_counter() - start
    assert Delivery.objects.filter(letter=letter).count() == recipients, "built twice"

    naive_letter = _letter(unit, user, audience, "基准慰问信（逐条）")
    people = audience_people(audience, user=user).order_by("pk")[:NAIVE]
    start = time.perf_counter()
    with transaction.atomic():
        for person in people.iterator(chunk_size=2000):
            Delivery.objects.get_or_create(
                idempotency_key=f"L{naive_letter.pk}:h5:p{person.pk}",
                defaults={
                    "letter": naive_letter,
                    "person": person,
                    "channel": "h5",
                    "time_zone": person.time_zone,
                },
            )
    naive_seconds = time.perf_counter() - start
    naive_rows = Delivery.objects.filter(letter=naive_letter).count()
    assert naive_rows == min(NAIVE, recipients)

    bulk_rate = recipients / bulk_seconds
    naive_rate = naive_rows / naive_seconds
    database = connection.vendor
    return [
        {
            "name": f"deliveries of one letter to {recipients:,} recipients (bulk, keyed)",
            "value": round(bulk_rate),
            "unit": "deliveries/s",
            "baseline": round(naive_rate),
            "ratio": round(bulk_rate / naive_rate, 2),
            "target": None,
            "database": database,
            "seconds": round(bulk_seconds, 2),
            "baseline_rows": naive_rows,
        },
        {
            "name": f"the same letter built again: nothing added ({recipients:,} keys)",
            "value": round(again_seconds, 2),
            "unit": "s",
            "baseline": round(bulk_seconds, 2),
            "ratio": round(bulk_seconds / again_seconds, 2),
            "target": None,
            "database": database,
        },
    ]
