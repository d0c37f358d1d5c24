import random
from datetime import timedelta

import factory
from django.utils import timezone

from qiaolian.enterprises.codes import make_uscc
from qiaolian.enterprises.models import (
    Appeal,
    Department,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    LiaisonAssignment,
    Meeting,
    SurveyAnswer,
    SurveyRound,
    TradeFair,
)

_rng = random.Random(7)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(lambda: make_uscc(_rng))
    industry = "C"
    size = "medium"
    district = "330203"
    is_key = True


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    reply_days = 10


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonAssignment

    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    number = factory.Sequence(lambda n: f"SQT{n:05d}")
    category = "financing"
    title = factory.Sequence(lambda n: f"测试诉求{n}")
    description = "资金周转困难"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"政企恳谈会{n}")
    held_on = factory.LazyFunction(timezone.localdate)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    title = factory.Sequence(lambda n: f"复工调查{n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5))


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyAnswer

    status = "resumed"
    staff_back = 90
    capacity = 80


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomesticBody

    name = factory.Sequence(lambda n: f"测试侨商会{n}")
    kind = "chamber"
    members = 50


class FairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeFair

    name = factory.Sequence(lambda n: f"测试博览会{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    ends_on = factory.LazyFunction(timezone.localdate)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentProject

    name = factory.Sequence(lambda n: f"测试项目{n}")
    investor = "海外投资人"
    country = "DE"
    industry = "C"
    amount = 1000000
    currency = "CNY"
    stage = "lead"
    found_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
