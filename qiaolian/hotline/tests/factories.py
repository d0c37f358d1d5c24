"""factory-boy factories for the hotline. Cases get numbers from a sequence (services issue
real ones through CaseCounter)."""

from datetime import timedelta

import factory
from django.utils import timezone

from qiaolian.core.testing.factories import UnitFactory, UserFactory
from qiaolian.hotline.models import (
    Answer,
    AnswerStatus,
    Call,
    Case,
    Profession,
    Shift,
    TombSweepingOrder,
    Volunteer,
)
from qiaolian.people.tests.factories import PersonFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"RX-T-{n:06d}")
    unit = factory.SubFactory(UnitFactory)
    category = "policy"
    subject = factory.Sequence(lambda n: f"咨询落户政策{n}")
    description = "来电询问子女回国入学政策。"
    contact_name = "王先生"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    unit = factory.SubFactory(UnitFactory)
    number = "+39 333 123 4567"
    number_e164 = "+393331234567"


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    unit = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(UserFactory, home_unit=factory.SelfAttribute("..unit"))
    profession = Profession.DOCTOR
    languages = "中文, English"


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    volunteer = factory.SubFactory(VolunteerFactory)
    unit = factory.SelfAttribute("volunteer.unit")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=7))


class TombOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TombSweepingOrder

    case = factory.SubFactory(CaseFactory, category="tomb_sweeping")
    unit = factory.SelfAttribute("case.unit")
    cemetery = "宁波福泉山公墓"
    grave_location = "松园三区12排8号"
    service_date = factory.LazyFunction(timezone.localdate)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    unit = factory.SubFactory(UnitFactory)
    category = "policy"
    status = AnswerStatus.PUBLIC
    title_zh = factory.Sequence(lambda n: f"华侨子女回国入学政策{n}")
    title_en = "School enrolment for children of overseas Chinese"
    body_zh = "华侨子女回国就读义务教育阶段学校，按户籍地就近入学。"
    body_en = "Children of overseas Chinese attend compulsory schooling near their household."


__all__ = [
    "AnswerFactory",
    "CallFactory",
    "CaseFactory",
    "PersonFactory",
    "ShiftFactory",
    "TombOrderFactory",
    "VolunteerFactory",
]
