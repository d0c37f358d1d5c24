from __future__ import annotations

from datetime import date

from qiaolian.network.models import Group
from qiaolian.outreach import services
from qiaolian.outreach.models import GroupRobot
from qiaolian.people.tests.factories import PersonFactory


def person(unit, **kwargs):
    kwargs.setdefault("time_zone", "Asia/Shanghai")
    return PersonFactory(unit=unit, **kwargs)


def audience(cast, **criteria):
    return services.audience_create(
        actor=cast.township_worker, unit=cast.township_a1, name="全体侨胞", criteria=criteria
    )


def letter(cast, aud=None, channels=("email",), to_groups=False, **fields):
    defaults = {
        "kind": "condolence",
        "subject_zh": "致{{姓名}}的慰问信",
        "body_zh": "<p>{{称呼}}，{{问候}}！家乡人民惦记着您。</p><script>x()</script>",
        "subject_en": "A letter to {{name}}",
        "body_en": "<p>{{salutation}}, {{greeting}}! Your hometown thinks of you.</p>",
    }
    defaults.update(fields)
    return services.letter_create(
        actor=cast.township_worker,
        unit=cast.township_a1,
        audience=aud,
        channels=list(channels),
        to_groups=to_groups,
        **defaults,
    )


def robot(unit, url: str) -> GroupRobot:
    group = Group.objects.create(unit=unit, name="旅意侨胞联络群", created_on=date(2020, 1, 1))
    return GroupRobot.objects.create(group=group, webhook_url=url)
