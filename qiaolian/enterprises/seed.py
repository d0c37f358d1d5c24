"""Demo data at the reference text's scale: 130 federation cadres as liaison officers for 156
key overseas-invested enterprises (some with two officers), the 18 city government
departments, a 政企恳谈会 with city leaders, the 18 departments and 16 enterprise
representatives and the appeals raised there, and two resumption rounds, the latest above 95%.

Idempotent: everything is found by its natural key before it is made."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.models import Role, Unit, UnitRole, User
from qiaolian.enterprises.codes import District, Industry, Size, make_uscc
from qiaolian.enterprises.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    Confirmation,
    ContactKind,
    ContactLog,
    Department,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    Investor,
    LiaisonAssignment,
    Meeting,
    MeetingAttendee,
    ProjectStage,
    Resumption,
    SurveyAnswer,
    SurveyRound,
    TradeFair,
)

RANDOM_SEED = 20200318
KEY_ENTERPRISES = 156
OFFICERS = 130
SECOND_OFFICER = 12  # enterprises with two officers
MEETING_REPRESENTATIVES = 16

# The 18 city government departments at the meeting: (name, English name, days to reply).
DEPARTMENTS = [
    ("市发展和改革委员会", "Development and Reform Commission", 10),
    ("市经济和信息化局", "Economy and Information Technology Bureau", 10),
    ("市商务局", "Commerce Bureau", 10),
    ("市财政局", "Finance Bureau", 15),
    ("市人力资源和社会保障局", "Human Resources and Social Security Bureau", 10),
    ("市自然资源和规划局", "Natural Resources and Planning Bureau", 20),
    ("市住房和城乡建设局", "Housing and Urban-Rural Development Bureau", 15),
    ("市交通运输局", "Transport Bureau", 7),
    ("市市场监督管理局", "Market Supervision Administration", 10),
    ("国家税务总局宁波市税务局", "Ningbo Tax Service", 10),
    ("市地方金融监督管理局", "Local Financial Supervision Bureau", 10),
    ("市科学技术局", "Science and Technology Bureau", 15),
    ("市生态环境局", "Ecology and Environment Bureau", 15),
    ("市应急管理局", "Emergency Management Bureau", 7),
    ("市卫生健康委员会", "Health Commission", 7),
    ("市公安局出入境管理局", "Exit and Entry Administration", 10),
    ("宁波海关", "Ningbo Customs", 7),
    ("市人民政府外事办公室", "Foreign Affairs Office", 10),
]
# Categories each department mostly answers.
DEPARTMENT_CATEGORY = {
    0: "policy",
    1: "supplies",
    2: "permits",
    3: "financing",
    4: "labour",
    5: "land",
    6: "permits",
    7: "logistics",
    8: "permits",
    9: "policy",
    10: "financing",
    11: "policy",
    12: "permits",
    13: "supplies",
    14: "supplies",
    15: "permits",
    16: "logistics",
    17: "policy",
}
PROBLEMS = {
    "financing": ("流动资金周转困难，申请贷款展期", "受疫情影响订单回款延迟，需银行续贷支持。"),
    "labour": ("外地员工返岗困难", "部分外省员工尚未返甬，申请包车接送及用工补贴。"),
    "logistics": ("原材料运输受阻", "进口原材料在港滞留，申请优先通关与运输保障。"),
    "permits": ("项目审批手续办理", "新建厂房的施工许可办理进度较慢，请求协调加快。"),
    "policy": ("惠企政策兑现", "申请了解并兑现阶段性减免社保费、房租减免等政策。"),
    "supplies": ("防疫物资短缺", "复工所需口罩、消毒液等防疫物资不足，请求协调供应。"),
    "land": ("扩产用地需求", "企业扩大产能需新增用地，请求纳入年度用地计划。"),
    "other": ("其他问题", "其他需要协调的问题。"),
}
NAME_HEADS = [
    "甬欧",
    "海曙",
    "东钱湖",
    "四明",
    "天一",
    "港城",
    "宁兴",
    "华侨",
    "越洋",
    "明州",
    "三江",
    "北仑港",
    "慈孝",
    "河姆渡",
    "象山港",
    "姚江",
    "镇海湾",
    "奉川",
    "宁海湾",
    "杭州湾",
]
NAME_TAILS = [
    "精密机械",
    "电子科技",
    "新材料",
    "国际贸易",
    "智能装备",
    "生物医药",
    "服装",
    "汽车零部件",
    "模具",
    "文具",
    "家电",
    "光电",
    "软件",
    "食品",
    "物流",
    "化工",
]
INVESTORS = [
    ("意大利宁波华侨华人协会", "IT"),
    ("西班牙华侨华人协会", "ES"),
    ("法国华侨华人会", "FR"),
    ("美国宁波同乡会", "US"),
    ("日本宁波同乡会", "JP"),
    ("澳大利亚华人商会", "AU"),
    ("香港宁波同乡会", "HK"),
    ("台湾宁波同乡会", "TW"),
    ("新加坡宁波同乡会", "SG"),
    ("德国华商联合会", "DE"),
    ("加拿大华人企业家协会", "CA"),
    ("英国宁波商会", "GB"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def run(scale: int = 1) -> dict:
    city = Unit.objects.filter(code="330200").first()
    if city is None:
        return {"skipped": True}
    with transaction.atomic():
        return _Seeder(city, random.Random(RANDOM_SEED)).run()  # noqa: S311 - demo data


class _Seeder:
    def __init__(self, city: Unit, rng: random.Random):
        self.city = city
        self.rng = rng
        self.today = timezone.localdate()
        self.made = {
            "enterprises": 0,
            "officers": 0,
            "departments": 0,
            "appeals": 0,
            "bodies": 0,
            "fairs": 0,
            "projects": 0,
        }
        self.districts = [Unit.objects.get(code=code) for code in District.values]

    def run(self) -> dict:
        departments = self._departments()
        enterprises = self._enterprises()
        officers = self._officers()
        self._assign(enterprises, officers)
        meeting = self._meeting(departments, enterprises)
        self._appeals(meeting, departments, enterprises, officers)
        self._surveys(enterprises, officers)
        _seed_bodies(self, enterprises)
        fairs = _seed_fairs(self, enterprises)
        _seed_projects(self, enterprises, fairs, officers)
        if any(self.made.values()):
            audit.record(
                actor=None, action="seed.enterprises", unit=self.city, message=str(self.made)
            )
        return self.made

    def _departments(self) -> list[Department]:
        result = []
        for index, (name, name_en, days) in enumerate(DEPARTMENTS):
            department, created = Department.objects.get_or_create(
                unit=self.city,
                name=name,
                defaults={
                    "name_en": name_en,
                    "contact_name": _name(self.rng),
                    "contact_phone": f"0574-8718{index:04d}",
                    "reply_days": days,
                },
            )
            self.made["departments"] += created
            result.append(department)
        return result

    def _enterprises(self) -> list[Enterprise]:
        rng = random.Random(RANDOM_SEED + 1)  # noqa: S311 - demo data, stable codes
        industries = [Industry.C] * 10 + [
            Industry.F,
            Industry.I,
            Industry.M,
            Industry.G,
            Industry.L,
        ]
        result = []
        for index in range(KEY_ENTERPRISES):
            unit = self.districts[index % len(self.districts)]
            code = make_uscc(rng, unit.code)  # this generator makes the codes only: stable
            traits = random.Random(RANDOM_SEED + index)  # noqa: S311 - demo data
            head = NAME_HEADS[index % len(NAME_HEADS)]
            tail = NAME_TAILS[(index // len(NAME_HEADS) + index) % len(NAME_TAILS)]
            enterprise = Enterprise.objects.filter(credit_code=code).first()
            if enterprise is None:
                enterprise = Enterprise.objects.create(
                    unit=unit,
                    name=f"宁波{head}{tail}有限公司",
                    credit_code=code,
                    industry=traits.choice(industries),
                    size=traits.choice([Size.LARGE, Size.MEDIUM, Size.MEDIUM, Size.SMALL]),
                    district=unit.code,
                    address=f"{unit.name.removesuffix('侨联')}{traits.randint(1, 999)}号",
                    founded_year=traits.randint(1992, 2018),
                    returnee_founders=_name(traits) if index % 3 == 0 else "",
                    is_key=True,
                )
                name, country = INVESTORS[index % len(INVESTORS)]
                Investor.objects.create(enterprise=enterprise, name=name, country=country)
                self.made["enterprises"] += 1
            result.append(enterprise)
        return result

    def _officers(self) -> list[User]:
        """130 cadres, each with the liaison role in their district (liaison_demo is one)."""
        role = Role.objects.get(code="liaison")
        demo = User.objects.filter(username="liaison_demo").first()
        result = []
        for index in range(OFFICERS):
            district = self.districts[index % len(self.districts)]
            if index == 0 and demo is not None and demo.home_unit.code == district.code:
                user = demo
            else:
                username = f"liaison_{district.code}_{index:03d}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(
                        username=username,
                        display_name=f"{_name(self.rng)}（联络员）",
                        home_unit=district,
                    )
                    user.set_unusable_password()
                    user.save()
                    self.made["officers"] += 1
            UnitRole.objects.get_or_create(user=user, unit=district, role=role)
            result.append(user)
        return result

    def _assign(self, enterprises, officers) -> None:
        start = self.today - timedelta(days=400)
        pairs = [(e, officers[i % OFFICERS]) for i, e in enumerate(enterprises)]
        pairs += [(enterprises[i], officers[(i + 10) % OFFICERS]) for i in range(SECOND_OFFICER)]
        for enterprise, officer in pairs:
            LiaisonAssignment.objects.get_or_create(
                enterprise=enterprise, officer=officer, defaults={"starts_on": start}
            )
            if not ContactLog.objects.filter(enterprise=enterprise, officer=officer).exists():
                ContactLog.objects.create(
                    enterprise=enterprise,
                    officer=officer,
                    contacted_on=self.today - timedelta(days=self.rng.randint(3, 60)),
                    kind=self.rng.choice(ContactKind.values),
                    met=f"{_name(self.rng)}（总经理）",
                    raised="了解企业复工复产情况及困难诉求。",
                )

    def _meeting(self, departments, enterprises) -> Meeting:
        title = "宁波市侨资企业政企恳谈会"
        meeting = Meeting.objects.filter(unit=self.city, title=title).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                unit=self.city,
                title=title,
                held_on=self.today - timedelta(days=45),
                place="宁波市人民政府会议中心",
                leaders="市委常委、统战部部长\n分管副市长\n市侨联主席",
                notes="18个市级部门与16家侨资企业代表面对面，现场梳理企业诉求并明确承办部门。",
            )
            meeting.departments.set(departments)
            for enterprise in enterprises[:MEETING_REPRESENTATIVES]:
                MeetingAttendee.objects.create(
                    meeting=meeting,
                    enterprise=enterprise,
                    representative=f"{_name(self.rng)}（董事长）",
                )
        return meeting

    def _appeals(self, meeting, departments, enterprises, officers) -> None:
        if Appeal.objects.filter(meeting=meeting).exists():
            return
        # Each of the 16 representatives raised one problem at the meeting; 24 more were raised
        # by officers on their visits. 30 closed, 4 answered, 3 routed, 2 overdue, 1 new.
        raised = [(e, meeting) for e in enterprises[:MEETING_REPRESENTATIVES]]
        raised += [(enterprises[20 + 5 * i], None) for i in range(24)]
        states = ["closed"] * 30 + ["answered"] * 4 + ["routed"] * 3 + ["overdue"] * 2 + ["new"]
        year = self.today.year
        for index, ((enterprise, at_meeting), state) in enumerate(zip(raised, states, strict=True)):
            department = departments[index % len(departments)]
            category = DEPARTMENT_CATEGORY[index % len(departments)]
            title, description = PROBLEMS[category]
            officer = officers[enterprises.index(enterprise) % OFFICERS]
            moment = timezone.now() - timedelta(days=44 if at_meeting else self.rng.randint(10, 40))
            appeal = Appeal.objects.create(
                number=f"SQ{year}{index + 1:05d}",
                enterprise=enterprise,
                category=category,
                title=title,
                description=description,
                meeting=at_meeting,
                raised_by=officer,
                raised_at=moment,
            )
            self.made["appeals"] += 1
            steps = [(AppealEvent.Kind.RAISED, moment, title, "")]
            if state != "new":
                routed = moment + timedelta(days=1)
                appeal.department = department
                appeal.routed_at = routed
                appeal.status = AppealStatus.ROUTED
                days = department.reply_days if state != "overdue" else 3
                appeal.due_on = timezone.localdate(routed) + timedelta(days=days)
                steps.append(
                    (AppealEvent.Kind.ROUTED, routed, f"{department.name} · {appeal.due_on}", "")
                )
            if state in ("closed", "answered"):
                late = index % 10 == 9  # a few answered after their due date
                answered = routed + timedelta(days=department.reply_days + 2 if late else 3)
                appeal.acknowledged_at = routed + timedelta(hours=4)
                appeal.answered_at = answered
                appeal.reply = f"已会同相关单位研究，{title}问题已落实解决办法并告知企业。"
                appeal.status = AppealStatus.ANSWERED
                steps.append(
                    (AppealEvent.Kind.ACKNOWLEDGED, appeal.acknowledged_at, "", "department")
                )
                steps.append((AppealEvent.Kind.ANSWERED, answered, appeal.reply, "department"))
            if state == "closed":
                closed = appeal.answered_at + timedelta(days=2)
                appeal.closed_at = closed
                appeal.status = AppealStatus.CLOSED
                appeal.satisfaction = 5 if index % 4 else 4
                appeal.confirmation = Confirmation.LINK if index % 2 else Confirmation.STAFF
                steps.append(
                    (AppealEvent.Kind.CONFIRMED, closed, "", "enterprise" if index % 2 else "")
                )
            appeal.save()
            for kind, at, text, via in steps:
                AppealEvent.objects.create(appeal=appeal, kind=kind, at=at, text=text, by_link=via)

    def _surveys(self, enterprises, officers) -> None:
        rounds = [
            ("复工复产情况调查（第一轮）", 75, 68, (100, 30, 26)),
            ("复工复产情况调查（第二轮）", 40, 33, (140, 9, 7)),
        ]
        for title, opened, closed, (full, partly, not_yet) in rounds:
            survey, created = SurveyRound.objects.get_or_create(
                unit=self.city,
                title=title,
                defaults={
                    "opens_on": self.today - timedelta(days=opened),
                    "closes_on": self.today - timedelta(days=closed),
                },
            )
            if not created:
                continue
            statuses = [Resumption.RESUMED] * full + [Resumption.PARTLY] * partly
            statuses += [Resumption.NOT] * not_yet
            for index, (enterprise, status) in enumerate(zip(enterprises, statuses, strict=True)):
                back = {"resumed": (85, 100), "partly": (40, 80), "not": (0, 20)}[status]
                SurveyAnswer.objects.create(
                    round=survey,
                    enterprise=enterprise,
                    status=status,
                    staff_back=self.rng.randint(*back),
                    capacity=self.rng.randint(*back),
                    difficulties=""
                    if status == Resumption.RESUMED
                    else "员工返岗不足，原材料供应紧张",
                    answered_by=officers[index % OFFICERS],
                    answered_at=timezone.now() - timedelta(days=opened - 2),
                )


# --- domestic bodies, trade fairs and investment projects --------------------------------

BODIES = (
    ("宁波市侨商会", "chamber", 320),
    ("宁波市侨界创新创业协会（侨创会）", "innovation", 180),
    ("宁波市海外高层次人才创新创业协会（海创会）", "talent", 150),
    ("宁波市留学人员创业协会（留创会）", "returnee", 210),
    ("宁波大学侨联", "campus", 90),
    ("宁波诺丁汉大学侨联", "campus", 60),
    ("宁波市欧美同学会（留联会）", "alumni", 400),
    ("宁波大学海外校友会", "alumni", 260),
    ("宁波市效实中学", "school", 0),
    ("宁波市镇海中学", "school", 0),
)
FAIRS = (
    ("中国—中东欧国家博览会", True, (2026, 6, 8), (2026, 6, 11)),
    ("浙江投资贸易洽谈会（浙洽会）", True, (2026, 5, 18), (2026, 5, 20)),
)
# name, investor, country, industry, amount, currency, stage, fair index or None
PROJECTS = (
    (
        "匈牙利新能源汽车零部件项目",
        "Kovács Holding Kft.",
        "HU",
        "C",
        80_000_000,
        "EUR",
        "landed",
        0,
    ),
    ("波兰智能家电研发中心", "Nowak Technologies", "PL", "M", 30_000_000, "EUR", "landed", 0),
    ("捷克精密轴承项目", "Novák Precision", "CZ", "C", 12_000_000, "EUR", "signed", 0),
    ("塞尔维亚农产品进口分拨中心", "Petrović Trade", "RS", "F", 5_000_000, "EUR", "negotiating", 0),
    ("罗马尼亚葡萄酒保税仓", "Popescu Vinuri", "RO", "G", 2_000_000, "EUR", "lead", 0),
    ("美国生物医药中试基地", "陈氏生物科技", "US", "M", 25_000_000, "USD", "landed", 1),
    ("新加坡跨境电商总部", "林氏控股", "SG", "I", 10_000_000, "USD", "signed", 1),
    ("香港港口物流项目", "宁港航运（香港）", "HK", "G", 200_000_000, "CNY", "landed", 1),
    ("澳大利亚乳制品加工项目", "黄氏农业", "AU", "C", 8_000_000, "USD", "negotiating", 1),
    ("日本机器人系统集成项目", "王氏机电", "JP", "C", 6_000_000, "USD", "dropped", None),
    ("意大利服装设计中心", "陈氏时装", "IT", "C", 3_000_000, "EUR", "lead", None),
    ("加拿大清洁能源项目", "张氏能源", "CA", "D", 15_000_000, "USD", "negotiating", None),
)
SEED_RATES = {"EUR": "7.80", "USD": "7.10"}


def _seed_rates(on) -> None:
    from decimal import Decimal

    from qiaolian.core.models import ExchangeRate

    for code, rate in SEED_RATES.items():
        if not ExchangeRate.objects.filter(currency=code, date__lte=on).exists():
            ExchangeRate.objects.get_or_create(
                currency=code,
                date=on,
                defaults={"rate": Decimal(rate), "source": "演示数据 / demo data"},
            )


def _seed_bodies(self: _Seeder, enterprises) -> None:
    for index, (name, kind, members) in enumerate(BODIES):
        body, created = DomesticBody.objects.get_or_create(
            unit=self.city,
            name=name,
            defaults={
                "kind": kind,
                "members": members,
                "contact_name": _name(self.rng),
                "contact_phone": f"0574-8729{index:04d}",
            },
        )
        if created:
            if kind in ("chamber", "innovation"):
                body.enterprises.set(enterprises[index * 7 : index * 7 + 12])
            self.made["bodies"] += 1


def _seed_fairs(self: _Seeder, enterprises) -> list[TradeFair]:
    from datetime import date

    result = []
    for index, (name, online, start, end) in enumerate(FAIRS):
        fair, created = TradeFair.objects.get_or_create(
            unit=self.city,
            name=name,
            defaults={"online": online, "starts_on": date(*start), "ends_on": date(*end)},
        )
        if created:
            fair.enterprises.set(enterprises[index * 20 : index * 20 + 15 + index * 10])
            self.made["fairs"] += 1
        result.append(fair)
    return result


def _seed_projects(self: _Seeder, enterprises, fairs, officers) -> None:
    from decimal import Decimal

    from qiaolian.core.money import Money, to_cny

    for index, (name, investor, country, industry, amount, currency, stage, fair) in enumerate(
        PROJECTS
    ):
        if InvestmentProject.objects.filter(name=name).exists():
            continue
        found = self.today - timedelta(days=200 - index * 7)
        signed = landed = None
        if stage in (ProjectStage.SIGNED, ProjectStage.LANDED):
            signed = found + timedelta(days=60)
        if stage == ProjectStage.LANDED:
            landed = min(signed + timedelta(days=45 + index), self.today)
        amount_cny = None
        if signed is not None:
            _seed_rates(signed)
            amount_cny = to_cny(Money(Decimal(amount), currency), signed).amount
        InvestmentProject.objects.create(
            unit=self.districts[index % len(self.districts)] if index % 3 else self.city,
            name=name,
            investor=investor,
            enterprise=enterprises[index * 11] if index % 2 == 0 else None,
            country=country,
            industry=industry,
            amount=Decimal(amount),
            currency=currency,
            amount_cny=amount_cny,
            stage=stage,
            officer=officers[index % len(officers)] if officers else None,
            fair=fairs[fair] if fair is not None else None,
            found_on=found,
            signed_on=signed,
            landed_on=landed,
            notes="首次接洽；已实地考察。" if stage != ProjectStage.LEAD else "",
        )
        self.made["projects"] += 1
