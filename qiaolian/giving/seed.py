"""The donations demo data at the reference text's scale, through the services, idempotently.

Two appeals (倡议书 of 26 January and 20 February 2020) raised 70,037,000 yuan (7003.7万元) in
money and goods from chambers, enterprises, associations and individuals at home and abroad:
the 市侨商会 itself and the 40 donors it mobilised (soft credit), overseas associations giving in
their currencies (converted at the rate of the day), overseas and local individuals, domestic
bodies and anonymous givers, and goods received into the relief warehouses when the relief app
has seeded them. The last donation makes the total exact. Each donation has one valid receipt
(one was voided and reissued, as happens); the 侨爱心慈善基金 holds designated donations and
interest and has paid grants. A second run changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from qiaolian.core import audit
from qiaolian.core.models import ExchangeRate, Unit, UnitRole, User
from qiaolian.giving import services
from qiaolian.giving.models import (
    Donation,
    DonationKind,
    DonorKind,
    Drive,
    Fund,
    PaymentMethod,
    Receipt,
)
from qiaolian.relief.models import Item, Warehouse

CITY_CODE = "330200"
TOTAL_CNY = Decimal("70037000")
DRIVE_1 = "关于支援抗击新型冠状病毒感染的肺炎疫情的倡议书"
DRIVE_2 = "关于携手海内外侨胞共同支援防疫物资的倡议书"
FUND_NAME = "宁波市侨爱心慈善基金"
CHAMBER = "宁波市侨商会"

# Reference rates to CNY (2020 central parity, rounded): recorded once, federation-wide.
RATES = {
    "USD": "6.9600",
    "EUR": "7.6800",
    "GBP": "9.0500",
    "JPY": "0.0633",
    "AUD": "4.7900",
    "HKD": "0.8960",
    "CAD": "5.3100",
}

APPEAL_1 = (
    "<p>广大侨胞、侨商、侨界朋友们：</p><p>新型冠状病毒感染的肺炎疫情牵动着每一位中华儿女的心。"
    "宁波市侨联向海内外侨界发出倡议：发挥侨胞<strong>资源优势</strong>，捐款捐物，"
    "共同支援家乡疫情防控。</p><p>捐赠款物将全部用于疫情防控，接受社会监督，定期公开。</p>"
)
APPEAL_2 = (
    "<p>疫情蔓延海外，侨胞安危牵动人心。宁波市侨联再次倡议：为海外宁波籍侨团、侨胞"
    "<strong>精准排摸需求</strong>，筹集口罩、手套、防护服等防疫物资，及时寄送。</p>"
    "<p>定向捐入侨爱心慈善基金的款项，按基金章程使用并公示。</p>"
)

ENTERPRISES = [
    "宁波甬侨实业有限公司",
    "宁波海曙侨心贸易有限公司",
    "宁波东钱湖侨乡旅游开发公司",
    "宁波江北华侨投资有限公司",
    "宁波四明侨商电器有限公司",
    "宁波镇海侨联纺织有限公司",
    "宁波北仑港侨物流有限公司",
    "宁波鄞州侨心服饰有限公司",
    "宁波奉化侨乡农业公司",
    "宁波余姚侨商模具有限公司",
    "宁波慈溪侨心家电有限公司",
    "宁波象山侨港水产有限公司",
    "宁波宁海侨联文具有限公司",
    "宁波杭州湾侨商新材料公司",
    "宁波三江侨业置业有限公司",
    "宁波天一侨商电子有限公司",
    "宁波甬江侨心医疗器械公司",
    "宁波侨诚进出口有限公司",
    "宁波侨兴汽车零部件公司",
    "宁波侨盛光电科技公司",
    "宁波侨鑫五金制品公司",
    "宁波侨达国际货运公司",
    "宁波侨邦化工有限公司",
    "宁波侨瑞服装有限公司",
    "宁波侨源食品有限公司",
    "宁波侨福酒店管理公司",
    "宁波侨星塑业有限公司",
    "宁波侨安消防器材公司",
    "宁波侨和轴承有限公司",
    "宁波侨康生物科技公司",
]
MEMBERS = [
    "张海鸣",
    "李建华",
    "王伟国",
    "陈立新",
    "周家豪",
    "吴国平",
    "徐志刚",
    "孙丽娟",
    "胡晓东",
    "朱振宇",
]
OVERSEAS_PEOPLE = [
    ("林秀英", "IT", "EUR", "20000"),
    ("郑国强", "ES", "EUR", "15000"),
    ("叶志明", "US", "USD", "30000"),
    ("黄美玲", "GB", "GBP", "8000"),
    ("何建平", "JP", "JPY", "2000000"),
    ("罗伟", "AU", "AUD", "25000"),
    ("高俊", "HK", "HKD", "200000"),
    ("梁家辉", "CA", "CAD", "12000"),
]
FALLBACK_ASSOCIATIONS = [
    ("意大利宁波同乡会", "IT"),
    ("西班牙宁波同乡会", "ES"),
    ("法国宁波同乡会", "FR"),
    ("美国宁波同乡会", "US"),
    ("英国宁波同乡会", "GB"),
    ("日本宁波同乡会", "JP"),
    ("澳大利亚宁波同乡会", "AU"),
    ("荷兰宁波同乡会", "NL"),
    ("德国宁波同乡会", "DE"),
    ("加拿大宁波同乡会", "CA"),
]
CURRENCY_OF = {
    "IT": "EUR",
    "ES": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "DE": "EUR",
    "PT": "EUR",
    "AT": "EUR",
    "US": "USD",
    "GB": "GBP",
    "JP": "JPY",
    "AU": "AUD",
    "CA": "CAD",
    "HK": "HKD",
}
DOMESTIC = ["宁波市海曙区归侨侨眷联谊会", "宁波市侨界青年联合会", "宁波大学侨联"]

# Goods given in kind (relief catalogue item, quantity), received into the city warehouse.
GOODS = [
    (CHAMBER, DonorKind.ASSOCIATION, [("医用外科口罩", 200000), ("一次性医用手套", 50000)]),
    ("宁波甬江侨心医疗器械公司", DonorKind.ENTERPRISE, [("医用防护服", 8000), ("护目镜", 5000)]),
    ("宁波侨康生物科技公司", DonorKind.ENTERPRISE, [("新冠抗原检测试剂", 20000)]),
    ("宁波侨诚进出口有限公司", DonorKind.ENTERPRISE, [("KN95口罩", 100000)]),
    ("宁波侨安消防器材公司", DonorKind.ENTERPRISE, [("额温枪", 1000), ("消毒液", 6000)]),
    ("宁波市侨界青年联合会", DonorKind.DOMESTIC, [("连花清瘟胶囊", 3000)]),
]


def _actors(city: Unit) -> tuple[User, User]:
    """The city's administrator (who records) and a staff member (who enters grants)."""
    admin = User.objects.filter(username="city_admin").first()
    staff = User.objects.filter(username="city_staff").first()
    if admin is None:
        grant = UnitRole.objects.filter(unit=city, role__code="unit_admin").first()
        if grant is None:
            raise ValueError("the donations seed needs the city's administrator (core seed)")
        admin = grant.user
    return admin, staff or admin


def _rates() -> None:
    for code, rate in RATES.items():
        ExchangeRate.objects.get_or_create(
            currency=code,
            date=date(2020, 1, 2),
            defaults={
                "rate": Decimal(rate),
                "source": "中国人民银行 2020年1月2日 人民币汇率中间价",
            },
        )


def run(scale: int = 1) -> dict[str, Any]:
    city = Unit.objects.filter(code=CITY_CODE).first()
    if city is None:
        raise ValueError("the donations seed needs the seeded city (run the core seed first)")
    # scoping: exempt - the seed reads what it wrote before.
    if Drive.objects.filter(unit=city, title=DRIVE_1).exists():
        return {"donations": 0, "skipped": True}
    # The records keep the words they were written in (ledger reasons, thank-you letters):
    # the federation's own language.
    with transaction.atomic(), translation.override("zh-hans"):
        return _Seeder(city).run()


class _Seeder:
    def __init__(self, city: Unit) -> None:
        self.city = city
        self.admin, self.staff = _actors(city)
        self.day = date(2020, 1, 27)
        self.count = 0
        self.bank = 0
        self.donors: dict[str, Any] = {}

    def next_day(self, step: int = 1) -> date:
        self.day = min(self.day + timedelta(days=step), date(2020, 6, 30))
        return self.day

    def donor(self, kind: str, name: str, **extra: Any):
        """The donor of that name (one record per donor, whatever they give)."""
        if name and name in self.donors:
            return self.donors[name]
        donor = services.donor_create(
            actor=self.admin, unit=self.city, kind=kind, name=name, **extra
        )
        if name:
            self.donors[name] = donor
        return donor

    def give(self, donor, drive, amount, currency="CNY", **extra: Any) -> Donation:
        self.bank += 1
        day = extra.pop("received_on", None) or self.next_day(self.count % 3 == 0)
        method = PaymentMethod.REMITTANCE if currency != "CNY" else PaymentMethod.TRANSFER
        self.count += 1
        return services.donation_create(
            actor=self.admin,
            unit=self.city,
            donor=donor,
            drive=drive,
            received_on=day,
            amount=Decimal(amount),
            currency=currency,
            method=extra.pop("method", method),
            bank_reference=f"NB{day:%Y%m%d}{self.bank:05d}",
            issued_on=day,
            **extra,
        )

    def run(self) -> dict[str, Any]:
        from qiaolian.people.models import Association

        _rates()
        admin = self.admin
        drive1 = services.drive_create(
            actor=admin,
            unit=self.city,
            title=DRIVE_1,
            target_cny=None,
            starts_on=date(2020, 1, 26),
            ends_on=date(2020, 3, 31),
            designated_use="国内疫情防控（防疫物资与资金）",
            appeal_html=APPEAL_1,
            is_public=True,
        )
        drive2 = services.drive_create(
            actor=admin,
            unit=self.city,
            title=DRIVE_2,
            target_cny=Decimal("20000000"),
            starts_on=date(2020, 2, 20),
            ends_on=date(2020, 6, 30),
            designated_use="海外侨团侨胞防疫物资援助",
            appeal_html=APPEAL_2,
            is_public=True,
        )
        fund = services.fund_create(
            actor=admin,
            unit=self.city,
            name=FUND_NAME,
            dual_approval_over=Decimal("50000"),
            rules="基金收入限于定向捐赠与利息；单笔资助超过5万元须经录入人以外的两人审批；每年公示。",
        )
        chamber = self.donor(DonorKind.ASSOCIATION, CHAMBER, country="CN")
        self.give(chamber, drive1, "5000000", show_name=True)
        # The 40 donors the chamber mobilised (soft credit).
        for index, name in enumerate(ENTERPRISES):
            donor = self.donor(DonorKind.ENTERPRISE, name, country="CN", mobilised_by=chamber)
            amount = Decimal(300000 + (index * 73000) % 900000)
            self.give(donor, drive1 if index % 3 else drive2, amount, show_name=index % 2 == 0)
        for index, name in enumerate(MEMBERS):
            donor = self.donor(DonorKind.PERSON, name, country="CN", mobilised_by=chamber)
            self.give(donor, drive1, Decimal(50000 + index * 10000), show_name=False)
        # Overseas associations, in their own currencies.
        # scoping: exempt - the seed links donors to the associations the grid seeded.
        associations = list(
            Association.objects.filter(unit__path__startswith=self.city.path).order_by("pk")[:14]
        )
        given = [(a.name, a.country.code if a.country else "", a) for a in associations]
        if not given:
            given = [(name, country, None) for name, country in FALLBACK_ASSOCIATIONS]
        for index, (name, country, association) in enumerate(given):
            donor = self.donor(
                DonorKind.ASSOCIATION, name, country=country, association=association
            )
            currency = CURRENCY_OF.get(country, "USD")
            base = Decimal(RATES.get(currency, "1"))
            amount = (Decimal(100000 + index * 35000) / base).quantize(Decimal("1000"))
            self.give(donor, drive2, amount, currency, show_name=True, to_fund=index % 4 == 0)
        for name, country, currency, amount in OVERSEAS_PEOPLE:
            donor = self.donor(DonorKind.PERSON, name, country=country)
            self.give(donor, drive2, amount, currency, show_name=country in ("IT", "US"))
        for index, name in enumerate(DOMESTIC):
            donor = self.donor(DonorKind.DOMESTIC, name, country="CN")
            self.give(donor, drive1, Decimal(80000 + 20000 * index), to_fund=index == 0)
        for amount in ("100000", "6800"):
            donor = self.donor(DonorKind.ANONYMOUS, "")
            self.give(donor, drive1, amount, method=PaymentMethod.CASH)
        goods = self._goods(drive2)
        self._pledges(drive2)
        # The last gift makes the total exactly the reference text's 7003.7万元.
        # scoping: exempt - the seed sums what it wrote.
        values = Donation.objects.filter(unit=self.city).values_list("value_cny", flat=True)
        raised = sum(values, Decimal(0))
        closing = self.donor(
            DonorKind.ENTERPRISE,
            "宁波侨联企业家联谊会会员企业（联合捐赠）",
            country="CN",
            mobilised_by=chamber,
        )
        self.give(closing, drive1, TOTAL_CNY - raised, show_name=True)
        # One receipt made out wrongly, voided and reissued (every donation keeps one).
        # scoping: exempt - the seed's own receipt.
        wrong = Receipt.objects.filter(unit=self.city, status="valid").order_by("number")[3]
        services.receipt_reissue(
            actor=admin,
            receipt=wrong,
            reason="受赠单位名称填写有误，作废重开",
            issued_on=wrong.issued_on + timedelta(days=2),
        )
        self._fund(fund)
        # scoping: exempt - the seed counts what it wrote.
        made = {
            "drives": 2,
            "donations": Donation.objects.filter(unit=self.city).count(),
            "goods_donations": goods,
            "raised_cny": str(services.raised_in(Donation.objects.filter(unit=self.city))),
        }
        audit.record(
            actor=None,
            action="seed.giving",
            unit=self.city,
            message=" ".join(f"{k}={v}" for k, v in made.items()),
        )
        return made

    def _goods(self, drive) -> int:
        return seed_goods(self, drive, GOODS)

    def _fund(self, fund: Fund) -> None:
        services.fund_income(
            actor=self.admin,
            fund=fund,
            amount=Decimal("12650.40"),
            booked_on=date(2020, 6, 21),
            reason="基金专户活期利息（2020年二季度）",
        )
        services.fund_income(
            actor=self.admin,
            fund=fund,
            amount=Decimal("18230.15"),
            booked_on=date(2020, 12, 21),
            reason="基金专户利息（2020年下半年）",
        )
        grants = [
            ("意大利普拉托华侨华人联谊会", "采购口罩和消毒用品", "48000"),
            ("西班牙马德里宁波同乡会", "侨胞防疫物资包", "36000"),
            ("宁波市海曙区南门街道困难归侨", "疫情期间生活救助", "12000"),
            ("法国巴黎宁波同乡会", "侨胞隔离期间生活补助", "120000"),
        ]
        for applicant, purpose, amount in grants:
            grant = services.grant_create(
                actor=self.staff,
                fund=fund,
                applicant=applicant,
                purpose=purpose,
                amount_cny=Decimal(amount),
                applied_on=date(2020, 4, 10),
            )
            # The large one waits for its second approver (above the fund's threshold).
            if self.staff != self.admin:
                services.grant_approve(actor=self.admin, grant=grant, on=date(2020, 4, 15))

    def _pledges(self, drive) -> None:
        pledges = [
            ("宁波侨诚国际贸易有限公司", DonorKind.ENTERPRISE, "CN", "300000", 3, 2),
            ("美国宁波商会", DonorKind.ASSOCIATION, "US", "150000", 3, 1),
            ("陈国栋", DonorKind.PERSON, "CN", "60000", 2, 0),
        ]
        for name, kind, country, amount, parts, paid in pledges:
            donor = self.donor(kind, name, country=country)
            share = Decimal(amount) / parts
            pledge = services.pledge_create(
                actor=self.admin,
                unit=self.city,
                donor=donor,
                drive=drive,
                amount=Decimal(amount),
                pledged_on=date(2020, 3, 1),
                instalments=[(date(2020, 3 + 3 * i, 15), share) for i in range(parts)],
            )
            for instalment in pledge.instalments.order_by("due_on")[:paid]:
                donation = self.give(donor, drive, share, received_on=instalment.due_on)
                services.instalment_pay(actor=self.admin, instalment=instalment, donation=donation)


def seed_goods(seeder: Any, drive: Any, goods: list) -> int:
    """The seed's goods donations, received into the city's relief warehouse (none when the
    relief catalogue is not seeded)."""
    # scoping: exempt - the seed reads the relief catalogue it follows.
    warehouse = Warehouse.objects.filter(unit=seeder.city).order_by("pk").first()
    items = {i.name: i for i in Item.objects.all()}
    if warehouse is None:
        return 0
    made = 0
    for donor_name, kind, wanted in goods:
        lines = [
            {"item": items[name], "warehouse": warehouse, "quantity": quantity}
            for name, quantity in wanted
            if name in items
        ]
        if not lines:
            continue
        donor = seeder.donor(kind, donor_name, country="CN")
        day = seeder.next_day(2)
        services_donation(seeder, donor, drive, day, lines, DonationKind.GOODS)
        made += 1
    return made


def services_donation(seeder: Any, donor: Any, drive: Any, day: Any, lines: list, kind: str):
    seeder.count += 1
    return services.donation_create(
        actor=seeder.admin,
        unit=seeder.city,
        donor=donor,
        drive=drive,
        kind=kind,
        received_on=day,
        lines=lines,
        issued_on=day,
        show_name=True,
    )
