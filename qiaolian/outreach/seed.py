"""Outreach demo data (`qiaolian seed`), idempotent: the reference text's letters (慰问信,
一封家书, 告知书, 温馨提示 and the two 倡议书 of 26 January and 20 February 2020) posted to every
liaison group's robot, the family letter also as an H5 page to the families of the medics
sent to Hubei; a "打一个亲情电话" campaign with outcomes; the care kit
"一张温馨卡、一本防疫书、一个医护包、一份联系册" given to those families. The text gives no
counts of letters, calls or kits: the sizes below are demo sizes, proportional to `scale`."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from qiaolian.core.models import Unit, User
from qiaolian.network.models import Group
from qiaolian.outreach.models import (
    Audience,
    CallCampaign,
    CallTask,
    CareKit,
    CareKitItem,
    Channel,
    Delivery,
    GroupRobot,
    KitDistribution,
    Letter,
)
from qiaolian.people.models import Person

CITY = "330200"
LETTERS = [
    # (kind, subject, English subject, days after the first (26 January → 20 February 2020
    # kept apart as in the text), also as H5 to the medics' families)
    (
        "appeal",
        "关于为抗击“新型冠状病毒感染肺炎”捐赠款物的倡议书",
        "Appeal for donations against the novel coronavirus pneumonia",
        0,
        False,
    ),
    (
        "condolence",
        "致海外侨胞的慰问信",
        "A letter of sympathy to Chinese abroad",
        6,
        False,
    ),
    ("family_letter", "一封家书", "A letter from home", 15, True),
    (
        "notice",
        "关于入境健康管理的告知书",
        "Notice on health checks on arrival",
        20,
        False,
    ),
    (
        "appeal",
        "“致敬逆行 感恩天使”倡议书",
        "Appeal: salute the medics who went to the front",
        25,
        False,
    ),
    (
        "reminder",
        "温馨提示：海外侨胞疫情防护",
        "Warm reminder: protect yourself abroad",
        39,
        False,
    ),
]
BODY = (
    "<p>{{称呼}}，{{问候}}！</p><p>宁波市侨联牵挂着海外的每一位乡亲。"
    "疫情当前，请您保重身体，有困难请拨打24小时为侨服务热线。</p><p>宁波市归国华侨联合会</p>"
)
BODY_EN = (
    "<p>{{salutation}}, {{greeting}}!</p><p>The Ningbo Federation of Returned Overseas Chinese "
    "thinks of every one of you abroad. Please take care; our 24-hour hotline is there for you.</p>"
)
KIT_ITEMS = [
    {"name": "温馨卡", "quantity": 1},
    {"name": "防疫书", "quantity": 1},
    {"name": "医护包", "quantity": 1},
    {"name": "联系册", "quantity": 1},
]
MEDIC_FAMILIES = "宁波市援鄂一线医务人员家属"


def _at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def run(scale: int = 1) -> dict[str, Any]:
    city = Unit.objects.filter(code=CITY).first()
    if city is None or Letter.objects.filter(unit=city).exists():  # scoping: exempt, seed
        return {"skipped": True}
    author = User.objects.filter(username="city_staff").first()
    approver = User.objects.filter(username="city_admin").first()
    callers = list(
        User.objects.filter(username__in=["city_staff", "nanmen_worker", "volunteer_doctor"])
    )
    rng = random.Random(13 + scale)  # noqa: S311 - demo data
    made: dict[str, Any] = {}
    with transaction.atomic():
        people = Person.objects.filter(unit__path__startswith=city.path, merged_into__isnull=True)
        groups = list(Group.objects.filter(unit__path__startswith=city.path).order_by("pk"))
        GroupRobot.objects.bulk_create(
            [
                GroupRobot(
                    group=g,
                    webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-{g.public_id}",
                )
                for g in groups
            ],
            ignore_conflicts=True,
        )
        families_ids = list(
            people.filter(category__in=["relative", "dependant"])
            .order_by("pk")
            .values_list("pk", flat=True)[: 40 * scale]
        )
        families = Audience.objects.create(
            unit=city, name=MEDIC_FAMILIES, kind=Audience.Kind.STATIC, created_by=author
        )
        families.people.set(families_ids)
        abroad = Audience.objects.create(
            unit=city,
            name="海外侨胞（全体）",
            criteria={"category": "overseas_chinese"},
            created_by=author,
        )
        letters = deliveries = opened = 0
        # Inside the figures' default period (the last 365 days), as the hotline's year is.
        start = timezone.localdate() - timedelta(days=330)
        for kind, subject, subject_en, offset, to_families in LETTERS:
            day = start + timedelta(days=offset)
            letter = Letter.objects.create(
                unit=city,
                kind=kind,
                subject_zh=subject,
                body_zh=BODY,
                subject_en=subject_en,
                body_en=BODY_EN,
                audience=families if to_families else None,
                channels=[Channel.H5] if to_families else [],
                to_groups=True,
                status=Letter.Status.SENT,
                created_by=author,
                approved_by=approver,
                approved_at=_at(day, 1),
                sent_at=_at(day, 4),
            )
            letters += 1
            rows = [
                Delivery(
                    letter=letter,
                    group=g,
                    channel=Channel.ROBOT,
                    status=Delivery.Status.SENT,
                    idempotency_key=f"L{letter.pk}:robot:g{g.pk}",
                    sent_at=_at(day, 3),
                    attempts=1,
                    address=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-{g.public_id}",
                )
                for g in groups
            ]
            if to_families:
                for pk in families_ids:
                    seen = rng.random() < 0.72
                    opened += seen
                    rows.append(
                        Delivery(
                            letter=letter,
                            person_id=pk,
                            channel=Channel.H5,
                            status=Delivery.Status.OPENED if seen else Delivery.Status.SENT,
                            idempotency_key=f"L{letter.pk}:h5:p{pk}",
                            sent_at=_at(day, 3),
                            attempts=1,
                            opened_at=_at(day + timedelta(days=rng.randint(0, 3)), 12)
                            if seen
                            else None,
                        )
                    )
            Delivery.objects.bulk_create(rows, batch_size=2000)
            deliveries += len(rows)
        campaign = CallCampaign.objects.create(
            unit=city, name="打一个亲情电话", audience=abroad, created_by=author
        )
        targets = list(
            people.filter(category="overseas_chinese")
            .order_by("pk")
            .values_list("pk", flat=True)[: 300 * scale]
        )
        outcomes = ["reached"] * 70 + ["no_answer"] * 15 + ["call_back"] * 10 + ["wrong"] * 5
        tasks = []
        for index, pk in enumerate(targets):
            outcome = rng.choice(outcomes) if index % 10 else "pending"
            called = _at(start + timedelta(days=8 + index % 40), 11)
            tasks.append(
                CallTask(
                    campaign=campaign,
                    person_id=pk,
                    caller=callers[index % len(callers)] if callers else None,
                    outcome=outcome,
                    called_at=None if outcome == "pending" else called,
                    call_back_at=called + timedelta(days=1) if outcome == "call_back" else None,
                    notes="问候平安，介绍24小时为侨服务热线" if outcome == "reached" else "",
                    needs="需要口罩" if outcome == "reached" and rng.random() < 0.1 else "",
                )
            )
        CallTask.objects.bulk_create(tasks, batch_size=2000)
        kit = CareKit.objects.create(unit=city, name="爱心包", stock=100 * scale)
        CareKitItem.objects.bulk_create(CareKitItem(kit=kit, **item) for item in KIT_ITEMS)
        given = []
        for index, pk in enumerate(families_ids):
            given.append(
                KitDistribution(
                    kit=kit,
                    person_id=pk,
                    quantity=1,
                    given_on=start + timedelta(days=26 + index % 10),
                    method=KitDistribution.Method.IN_PERSON
                    if index % 3
                    else KitDistribution.Method.POST,
                    delivered_by="市侨联工作人员",
                    recorded_by=author,
                )
            )
        KitDistribution.objects.bulk_create(given)
        CareKit.objects.filter(pk=kit.pk).update(stock=kit.stock - len(given))
        made.update(
            letters=letters,
            deliveries=deliveries,
            opened=opened,
            robots=len(groups),
            call_tasks=len(tasks),
            kits_given=len(given),
            medic_families=len(families_ids),
        )
    return made
