"""A year of the 24-hour hotline's work (2025-12-01 … 2026-11-27) as demo data, fast and
idempotent — the reference text's figures, exactly:

- 22,486 hotline contacts (热线来电来访) = calls + cases opened without a call;
- 1,005 tomb-sweeping services done (most around Qingming 2026-04-05, some around 冬至
  2025-12-21/22 and a few on other days; proxy and cloud), plus a few still scheduled for
  冬至 2026;
- 1,236 problems resolved (cases resolved in the year, tomb-sweeping counted apart), and a
  few dozen cases still open in every queue (new and unassigned, assigned, in progress,
  waiting for the requester).

The work is spread over the city federation and its ten districts, with seasonal peaks
(Spring Festival, Qingming), day and night calls from abroad, requesters drawn from the
seeded register, realistic subjects per category, SLA due times, first responses and some
breaches, satisfaction ratings for part of the resolved cases and a knowledge base of answers.
Volunteers: the demo login `volunteer_doctor` (a doctor of 海曙区) and colleagues so that
doctors cover the whole day in shifts around now, plus lawyers (the network seed's lawyer
accounts when there are some), psychologists and interpreters.

Everything is bulk-created with precomputed fields (case numbers RX-YYYY-NNNNNN, with
CaseCounter set to the last one issued; `opened_month`), so the article scale takes a few
seconds. It runs once: when any case exists it changes nothing. SEED_HOTLINE_PLAN ("article",
"tiny", "off"; default: whatever SEED_NETWORK_PLAN says, which the tests set to "tiny") picks
the volumes.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.models import Role, Unit, UnitKind, UnitRole, User
from qiaolian.hotline.models import (
    Answer,
    AnswerStatus,
    Call,
    CallDirection,
    CallOutcome,
    Case,
    CaseCounter,
    CaseEvent,
    Channel,
    EventKind,
    Priority,
    Profession,
    Shift,
    SlaPolicy,
    Status,
    Survey,
    TombKind,
    TombStatus,
    TombSweepingOrder,
    Volunteer,
    month_key,
)
from qiaolian.hotline.services import rollup
from qiaolian.hotline.services.answers import build_search_text

RANDOM_SEED = 20260405
CITY_CODE = "330200"
PERIOD_START = date(2025, 12, 1)
PERIOD_END = date(2026, 11, 27)
QINGMING = date(2026, 4, 5)
DONGZHI_2025 = date(2025, 12, 22)  # 冬至 falls on 12-21 (evening) / 12-22 in 2025
DONGZHI_2026 = date(2026, 12, 21)
SPRING_FESTIVAL = date(2026, 2, 17)


@dataclass(frozen=True)
class Plan:
    """How much hotline work to create; `Plan.article(n)` is the reference text's times n."""

    contacts: int
    tomb_done: int
    tomb_scheduled: int
    resolved: int
    open_cases: int
    answers: int = 14
    survey_share: float = 0.45  # of the resolved problems, answered
    # Channels of the problem cases (the tomb-sweeping orders have their own mix).
    channel_weights: tuple[tuple[str, float], ...] = (
        (Channel.CALL, 0.52),
        (Channel.WECHAT, 0.22),
        (Channel.PORTAL, 0.10),
        (Channel.WALK_IN, 0.07),
        (Channel.EMAIL, 0.06),
        (Channel.LETTER, 0.03),
    )
    tomb_channel_weights: tuple[tuple[str, float], ...] = (
        (Channel.WECHAT, 0.45),
        (Channel.CALL, 0.30),
        (Channel.PORTAL, 0.20),
        (Channel.EMAIL, 0.05),
    )
    followup_share: float = 0.15  # call cases that also got an outbound follow-up call

    @classmethod
    def article(cls, factor: int = 1) -> Plan:
        return cls(
            contacts=22_486 * factor,
            tomb_done=1_005 * factor,
            tomb_scheduled=18 * factor,
            resolved=1_236 * factor,
            open_cases=64 * factor,
        )

    @classmethod
    def tiny(cls) -> Plan:
        """For tests: the same code path in well under a second."""
        return cls(
            contacts=400, tomb_done=12, tomb_scheduled=2, resolved=30, open_cases=8, answers=4
        )

    # --- the arithmetic, fixed before anything is written -------------------------------

    def problem_channels(self) -> list[str]:
        return _spread(self.resolved + self.open_cases, self.channel_weights)

    def tomb_channels(self) -> list[str]:
        return _spread(self.tomb_done + self.tomb_scheduled, self.tomb_channel_weights)

    def totals(self) -> dict[str, int]:
        """The figures the seed will produce for the year (what `case_stats` must report)."""
        channels = self.problem_channels() + self.tomb_channels()
        call_cases = sum(1 for c in channels if c == Channel.CALL)
        call_less = len(channels) - call_cases
        followups = round(call_cases * self.followup_share)
        calls = self.contacts - call_less
        free_calls = calls - call_cases - followups
        if free_calls < 0:
            raise ValueError("the plan has more cases than contacts")
        return {
            "contacts": self.contacts,
            "calls": calls,
            "cases": len(channels),
            "cases_without_call": call_less,
            "call_cases": call_cases,
            "followup_calls": followups,
            "calls_without_case": free_calls,
            "resolved": self.resolved,
            "open": self.open_cases + self.tomb_scheduled,  # scheduled orders: in progress
            "tomb_sweeping": self.tomb_done,
        }


def _spread(total: int, weights: tuple[tuple[str, float], ...]) -> list[str]:
    """`total` labels in proportion to the weights (largest remainder), in a fixed order."""
    labels = [label for label, _w in weights]
    raw = [w * total / sum(w for _l, w in weights) for _l, w in weights]
    sizes = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)[
        : total - sum(sizes)
    ]:
        sizes[i] += 1
    return [label for label, n in zip(labels, sizes, strict=True) for _ in range(n)]


def plan_for(scale: int = 1) -> Plan | None:
    mode = getattr(settings, "SEED_HOTLINE_PLAN", None) or getattr(
        settings, "SEED_NETWORK_PLAN", "article"
    )
    if mode == "off":
        return None
    return Plan.tiny() if mode == "tiny" else Plan.article(scale)


def seed_hotline(scale: int = 1, *, plan: Plan | None = None) -> dict[str, Any]:
    """Create the year of hotline work unless cases already exist; returns what was made."""
    if plan is None:
        plan = plan_for(scale)
        if plan is None:
            return {"skipped": True}
    if Case.objects.exists():
        return {"skipped": True}
    started = time.perf_counter()
    with transaction.atomic():
        made = _Seeder(plan, random.Random(RANDOM_SEED + scale)).run()  # noqa: S311 - demo
        # bulk_create skips the saves that keep the figures' rollup: count it once.
        rollup.rebuild()
    made["seconds"] = round(time.perf_counter() - started, 1)
    return made


# --- content ------------------------------------------------------------------------------

CATEGORY_WEIGHTS = (
    ("policy", 0.27),
    ("medicine", 0.17),
    ("legal", 0.14),
    ("enterprise", 0.09),
    ("psychology", 0.08),
    ("epidemic", 0.07),
    ("supplies", 0.06),
    ("other", 0.12),
)

SUBJECTS = {
    "policy": [
        "咨询华侨子女回国入学政策",
        "询问归侨身份认定需要哪些材料",
        "咨询华侨回国定居办理流程",
        "护照过期后如何办理回国证件",
        "询问侨眷养老保险如何衔接",
        "咨询海外学历学位认证办理",
        "询问华侨在甬购房的条件",
        "咨询老家宅基地确权政策",
        "询问华侨回国创业扶持政策",
        "咨询境外驾照换领国内驾照",
    ],
    "epidemic": [
        "询问回国入境健康申报要求",
        "咨询所在国流感高发期防护措施",
        "家中老人感染后居家护理咨询",
        "询问疫苗接种记录能否互认",
        "侨团活动防疫安排咨询",
    ],
    "medicine": [
        "咨询慢性病药物在国外如何购买",
        "父亲术后康复注意事项咨询",
        "儿童反复发热用药剂量咨询",
        "请医生帮忙解读体检报告",
        "高血压药物替代方案咨询",
        "询问中成药能否邮寄到所在国",
        "回国就医预约挂号流程咨询",
        "糖尿病饮食和用药调整咨询",
    ],
    "psychology": [
        "独自在外长期失眠焦虑求助",
        "留学生学业压力大情绪低落",
        "店铺停业后心理压力很大",
        "亲人去世无法回国奔丧心情沉重",
        "与国内家人沟通困难寻求疏导",
    ],
    "legal": [
        "在意大利遭遇劳务纠纷如何维权",
        "老家房屋拆迁补偿有争议",
        "跨国离婚判决在国内如何承认",
        "店铺租赁合同纠纷求助",
        "遗产继承公证办理咨询",
        "国内合作方拖欠货款如何起诉",
        "居留许可续签被拒如何申诉",
        "国内亲属借款纠纷法律咨询",
    ],
    "supplies": [
        "请求协助采购口罩寄往米兰",
        "侨团申请防疫物资支援",
        "老人急需药品请求协助代购",
        "请求协助转运捐赠物资",
    ],
    "enterprise": [
        "侨资企业咨询回甬投资政策",
        "咨询回甬设厂审批手续",
        "外贸企业出口退税政策咨询",
        "侨商子女就学安排咨询",
        "企业聘用外籍员工许可咨询",
    ],
    "other": [
        "要求更新本人联系方式",
        "咨询侨联活动如何报名",
        "对热线服务提出建议",
        "查询往年捐赠证书",
        "寻找失联多年的亲属",
        "咨询侨联会员入会手续",
    ],
    "tomb_sweeping": [
        "清明代为祭扫祖父母墓",
        "申请云祭扫服务",
        "请代为献花并拍照反馈",
        "代为祭扫父母墓并清理墓碑",
        "冬至代为祭扫先人墓",
    ],
}

CEMETERIES = [
    ("宁波福泉山公墓", "松园"),
    ("宁波宝峰山公墓", "福区"),
    ("奉化区永久陵园", "静园"),
    ("余姚市四明山公墓", "思亲园"),
    ("慈溪市凤浦岙公墓", "长青区"),
    ("北仑区九峰山公墓", "怀恩园"),
    ("镇海区招宝山陵园", "安息区"),
    ("象山县丹城公墓", "海景园"),
    ("宁海县桃源公墓", "桃源区"),
]
RITES = [
    "献花、清扫墓碑",
    "献花、上香、鞠躬",
    "清扫墓碑、描红碑文",
    "献花并视频连线",
    "摆放祭品、献花",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何林郑叶谢"
TITLES = ("先生", "女士")
COMMENTS = {
    5: ["非常感谢，解答很专业！", "半夜打电话也有人接，很感动。", "医生很耐心，谢谢侨联。"],
    4: ["回复及时，问题基本解决。", "服务很好，希望材料清单能再详细些。"],
    3: ["解决了，但等待时间有点长。"],
    2: ["转了几次才找到负责的人。"],
    1: ["问题没有真正解决。"],
}

ANSWERS = [
    (
        "policy",
        "华侨子女回国接受义务教育如何入学？",
        "How do children of overseas Chinese enrol in compulsory schooling?",
        "华侨子女回国就读义务教育阶段学校，凭护照、华侨身份证明和居住证明向居住地教育局申请，"
        "按就近入学原则安排。",
        "Apply to the district education bureau with the passport, proof of overseas Chinese "
        "status and proof of residence; a school near home is assigned.",
        "入学 子女 教育 school",
    ),
    (
        "policy",
        "归侨身份认定需要准备哪些材料？",
        "Which documents prove returned overseas Chinese status?",
        "需提供本人护照或回国证明、在国外定居证明、户籍证明，由户籍所在地侨办审核认定。",
        "Passport or return certificate, proof of settlement abroad and household registration; "
        "the overseas Chinese affairs office of the household's district decides.",
        "归侨 认定 材料",
    ),
    (
        "policy",
        "护照过期了怎么回国？",
        "My passport has expired: how do I travel home?",
        "请向所在国中国使领馆申请换发护照或旅行证，紧急情况可申请加急办理。",
        "Apply to the Chinese embassy or consulate for a new passport or a travel document; "
        "urgent cases can be expedited.",
        "护照 旅行证 使领馆 passport",
    ),
    (
        "medicine",
        "在国外如何继续服用国内开的慢性病药物？",
        "How to keep taking a chronic-disease medicine prescribed in China?",
        "请携带中英文处方和药品说明，咨询当地家庭医生开具同成分药物；少量自用药品可按规定邮寄。",
        "Bring the prescription and leaflet in Chinese and English to a local GP for the same "
        "active ingredient; small quantities for personal use may be posted under the rules.",
        "慢性病 处方 药物 medicine",
    ),
    (
        "medicine",
        "回国就医如何预约挂号？",
        "How do I book a hospital appointment in Ningbo?",
        "可通过“健康宁波”平台或医院公众号预约，侨胞可拨打热线由志愿者协助预约。",
        "Book through the Healthy Ningbo platform or the hospital's WeChat account; the hotline's "
        "volunteers can book for you.",
        "挂号 预约 医院",
    ),
    (
        "legal",
        "在国外遇到劳务纠纷怎么办？",
        "What to do in a labour dispute abroad?",
        "保留合同、工资记录和聊天证据，联系当地华人律师或侨团法律顾问，必要时向使领馆求助。",
        "Keep the contract, pay records and messages; contact a local Chinese-speaking lawyer or "
        "the association's legal adviser, and the consulate if needed.",
        "劳务 纠纷 维权 labour",
    ),
    (
        "legal",
        "国外离婚判决在国内如何承认？",
        "How is a foreign divorce judgment recognised in China?",
        "向国内有管辖权的中级人民法院申请承认，需提交经公证认证的判决书及中文译本。",
        "Apply to the competent intermediate people's court with the notarised and legalised "
        "judgment and a Chinese translation.",
        "离婚 判决 承认",
    ),
    (
        "tomb_sweeping",
        "如何申请代为祭扫？",
        "How do I ask for proxy tomb-sweeping?",
        "拨打热线或在门户填写墓地位置、祭扫日期和祭扫要求，完成后会通过私密链接发送照片或视频。",
        "Call the hotline or fill in the grave location, date and rites on the portal; photos or "
        "a video follow through a private link.",
        "祭扫 清明 冬至 tomb",
    ),
    (
        "psychology",
        "情绪低落、失眠可以找谁倾诉？",
        "Who can I talk to when I feel low and cannot sleep?",
        "热线二十四小时有心理志愿者值班，可预约视频疏导；紧急情况请拨打所在国急救电话。",
        "Psychologist volunteers are on duty day and night and can arrange a video session; "
        "in an emergency call the local emergency number.",
        "心理 失眠 焦虑",
    ),
    (
        "enterprise",
        "侨资企业回甬投资有哪些扶持政策？",
        "Which incentives apply to overseas Chinese investment in Ningbo?",
        "可享受市级招商引资奖励、人才政策及侨资企业服务绿色通道，详情咨询区侨联和商务局。",
        "City investment awards, talent schemes and a fast lane for overseas Chinese enterprises; "
        "ask the district federation and commerce bureau.",
        "投资 侨资企业 政策",
    ),
    (
        "epidemic",
        "回国入境需要做哪些健康申报？",
        "Which health declaration is needed on arrival?",
        "按海关最新要求如实填写健康申报，出现发热等症状请主动告知海关。",
        "Fill in the customs health declaration truthfully and report fever or other symptoms.",
        "入境 健康申报 海关",
    ),
    (
        "supplies",
        "侨团如何申请物资支援？",
        "How does an association apply for supplies?",
        "由侨团负责人向所在区侨联提交申请，写明物资种类、数量和收货地址。",
        "The association's leader applies to the district federation with the kind, quantity "
        "and delivery address.",
        "物资 侨团 申请",
    ),
    (
        "other",
        "如何更新我在侨联登记的联系方式？",
        "How do I update my contact details?",
        "拨打热线或在门户个人信息页修改，工作人员核实后更新。",
        "Call the hotline or edit your profile on the portal; staff check and update it.",
        "联系方式 更新",
    ),
    (
        "policy",
        "华侨个人所得税如何申报？",
        "How do overseas Chinese file individual income tax?",
        "在国内取得收入的，按居民或非居民身份分别申报，可通过个人所得税App办理。",
        "Income earned in China is declared as resident or non-resident; use the IIT app.",
        "个税 申报 tax",
    ),
]


@dataclass
class _Volunteers:
    by_profession: dict[str, list[Volunteer]] = field(default_factory=lambda: defaultdict(list))


class _Seeder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.zone = timezone.get_current_timezone()
        self.made: dict[str, Any] = {}
        self.numbers: dict[int, int] = {}
        self.days = [
            PERIOD_START + timedelta(days=i) for i in range((PERIOD_END - PERIOD_START).days + 1)
        ]
        self.day_weights = [self._day_weight(d) for d in self.days]

    # --- units, people, staff -------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        city = Unit.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise ValueError("the hotline seed needs the seeded city (run the core seed first)")
        districts = list(
            Unit.objects.filter(
                path__startswith=city.path,
                depth=city.depth + 1,
                kind=UnitKind.DISTRICT,
                is_active=True,
            )
        )
        self.units = [city, *districts]
        weights = [2.2, *[1.6, 1.2, 1.0, 1.4, 1.3, 0.8, 0.9, 1.0, 0.6, 0.7][: len(districts)]]
        while len(weights) < len(self.units):
            weights.append(0.8)
        self.unit_weights = weights
        self.staff = self._staff()
        self.people = self._people()
        policies = self._policies()
        self.volunteers = self._volunteers(city, districts)
        cases, calls, events, tomb, surveys = self._work(policies)
        self._answers(city)
        for year, last in self.numbers.items():
            counter, _ = CaseCounter.objects.get_or_create(year=year)
            counter.last = max(counter.last, last)
            counter.save(update_fields=["last"])
        self.made.update(
            cases=len(cases),
            calls=len(calls),
            events=len(events),
            tomb_orders=len(tomb),
            surveys=len(surveys),
            **{f"plan_{k}": v for k, v in self.plan.totals().items()},
        )
        audit.record(
            actor=None,
            action="seed.hotline",
            unit=city,
            message=" ".join(f"{k}={v}" for k, v in self.made.items()),
        )
        return self.made

    def _staff(self) -> dict[int, list[User]]:
        """Users holding staff or unit_admin exactly at each unit (who take its calls)."""
        staff: dict[int, list[User]] = defaultdict(list)
        grants = UnitRole.objects.filter(
            unit__in=self.units, role__code__in=["staff", "unit_admin"], user__is_active=True
        ).select_related("user")
        for grant in grants.order_by("user__username"):
            if grant.user not in staff[grant.unit_id]:
                staff[grant.unit_id].append(grant.user)
        city = self.units[0]
        for unit in self.units:
            if not staff[unit.pk]:
                staff[unit.pk] = list(staff[city.pk])
        return staff

    def _people(self) -> list[tuple[Any, str, str, str]]:
        """(person id, name, e164, time zone) of up to 4,000 registered people with a phone."""
        from qiaolian.people.models import ContactKind, PersonContact

        rows = (
            PersonContact.objects.filter(
                kind=ContactKind.PHONE, person__merged_into__isnull=True, is_primary=True
            )
            .order_by("id")
            .values_list(
                "person_id",
                "person__surname",
                "person__given_name",
                "normalized",
                "person__time_zone",
            )[:4000]
        )
        return [(pk, f"{s}{g}", phone, tz) for pk, s, g, phone, tz in rows]

    def _policies(self) -> dict[tuple[str, str], SlaPolicy]:
        from qiaolian.hotline.services import sla

        sla.ensure_default_policies()
        return {
            (p.category, p.priority): p
            for p in SlaPolicy.objects.filter(is_active=True).select_related("calendar")
        }

    # --- volunteers and their shifts ------------------------------------------------------

    def _volunteers(self, city: Unit, districts: list[Unit]) -> _Volunteers:
        rng = self.rng
        found = _Volunteers()
        roles = {r.code: r for r in Role.objects.filter(code__in=["volunteer"])}
        haishu = next((d for d in districts if d.code == "330203"), districts[0])
        password = make_password(None)
        made_users = 0

        def volunteer(user: User, unit: Unit, profession: str, tz: str, langs: str, spec: str):
            record = Volunteer.objects.filter(user=user).first()
            if record is None:
                record = Volunteer.objects.create(
                    unit=unit,
                    user=user,
                    profession=profession,
                    licence_number=f"{rng.randint(10**13, 10**14 - 1)}",
                    specialties=spec,
                    languages=langs,
                    time_zone=tz,
                    availability="值班表 / see the rota",
                )
            found.by_profession[profession].append(record)
            return record

        def account(username: str, display: str, unit: Unit) -> User:
            nonlocal made_users
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, display_name=display, home_unit=unit, password=password
                )
                made_users += 1
                if "volunteer" in roles:
                    UnitRole.objects.get_or_create(user=user, unit=unit, role=roles["volunteer"])
            return user

        demo = User.objects.filter(username="volunteer_doctor").first()
        doctors = []
        if demo is not None:
            doctors.append(
                volunteer(demo, haishu, Profession.DOCTOR, "Asia/Shanghai", "中文, English", "全科")
            )
        # The rota's night and evening doctors abroad (so 24 hours are covered in Beijing time).
        for username, display, tz, langs, spec in (
            ("doctor_milan", "米兰华人医生", "Europe/Rome", "中文, Italiano", "内科"),
            ("doctor_newyork", "纽约华人医生", "America/New_York", "中文, English", "儿科"),
        ):
            doctors.append(
                volunteer(
                    account(username, display, haishu), haishu, Profession.DOCTOR, tz, langs, spec
                )
            )
        stewards = self._steward_users()
        for profession, users in stewards.items():
            for user in users[:8]:
                if user.pk in {v.user_id for vs in found.by_profession.values() for v in vs}:
                    continue
                unit = user.home_unit or haishu
                volunteer(user, unit, profession, "Asia/Shanghai", "中文", "")
        for profession, prefix, display, count in (
            (Profession.LAWYER, "hotline_lawyer", "热线律师", 3),
            (Profession.PSYCHOLOGIST, "psychologist", "心理咨询师", 3),
            (Profession.INTERPRETER, "interpreter", "翻译志愿者", 3),
        ):
            have = len(found.by_profession[profession])
            for number in range(1, max(0, count - have) + 1):
                unit = [city, haishu, *districts][number % (len(districts) + 2)]
                volunteer(
                    account(f"{prefix}{number:02d}", f"{display}{number}", unit),
                    unit,
                    profession,
                    rng.choice(["Asia/Shanghai", "Europe/Madrid", "Europe/Paris"]),
                    rng.choice(["中文, English", "中文, Español", "中文, Français"]),
                    "",
                )
        self._shifts(haishu, doctors, found)
        self.made["volunteers"] = sum(len(v) for v in found.by_profession.values())
        self.made["volunteer_users"] = made_users
        return found

    def _steward_users(self) -> dict[str, list[User]]:
        from qiaolian.network.models import Steward, StewardRole

        wanted: dict[str, Profession] = {
            StewardRole.DOCTOR: Profession.DOCTOR,
            StewardRole.LAWYER: Profession.LAWYER,
            StewardRole.INTERPRETER: Profession.INTERPRETER,
        }
        found: dict[str, list[User]] = defaultdict(list)
        rows = (
            Steward.objects.filter(role__in=list(wanted), user__isnull=False, user__is_active=True)
            .select_related("user", "user__home_unit")
            .order_by("user__username")
        )
        for steward in rows:
            profession = wanted[steward.role]
            user = steward.user
            if user is not None and user not in found[profession]:
                found[profession].append(user)
        return found

    def _shifts(self, haishu: Unit, doctors: list[Volunteer], found: _Volunteers) -> None:
        """Three eight-hour doctor shifts a day (Beijing time) from two weeks ago to four
        weeks ahead — the demo doctor by day — and daytime shifts for the other professions."""
        today = timezone.localdate()
        rows = []
        for offset in range(-14, 29):
            day = today + timedelta(days=offset)
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()), self.zone)
            if doctors:
                # 08–16 the demo doctor, 16–24 Milan (their morning), 00–08 New York (evening).
                order = [
                    doctors[min(2, len(doctors) - 1)],
                    doctors[0],
                    doctors[min(1, len(doctors) - 1)],
                ]
                for index, volunteer in enumerate(order):
                    rows.append(
                        Shift(
                            unit=haishu,
                            volunteer=volunteer,
                            starts_at=start + timedelta(hours=8 * index),
                            ends_at=start + timedelta(hours=8 * (index + 1)),
                            note="医生值班",
                        )
                    )
            for profession in (Profession.LAWYER, Profession.PSYCHOLOGIST, Profession.INTERPRETER):
                team = found.by_profession.get(profession) or []
                if team:
                    volunteer = team[offset % len(team)]
                    rows.append(
                        Shift(
                            unit=volunteer.unit,
                            volunteer=volunteer,
                            starts_at=start + timedelta(hours=8),
                            ends_at=start + timedelta(hours=20),
                        )
                    )
        Shift.objects.bulk_create(rows, batch_size=1000)
        self.made["shifts"] = len(rows)

    # --- the year's work ------------------------------------------------------------------

    @staticmethod
    def _day_weight(day: date) -> float:
        weight = 1.0
        if day.weekday() >= 5:
            weight *= 0.8
        if abs((day - SPRING_FESTIVAL).days) <= 10:
            weight *= 1.5  # family matters, travel, documents before the holiday
        if -20 <= (day - QINGMING).days <= 5:
            weight *= 1.6
        return weight

    def _moment(self, day: date, night_share: float = 0.25) -> datetime:
        """A time on `day` (Beijing time): mostly office hours, a share at night (callers in
        Europe and the Americas)."""
        rng = self.rng
        if rng.random() < night_share:
            hour = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 20, 21, 22, 23])
        else:
            hour = rng.randint(8, 19)
        naive = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
        )
        return timezone.make_aware(naive, self.zone)

    def _day(self, first: date = PERIOD_START, last: date = PERIOD_END) -> date:
        lo = (first - PERIOD_START).days
        hi = (last - PERIOD_START).days + 1
        return self.rng.choices(self.days[lo:hi], self.day_weights[lo:hi])[0]

    def _unit(self) -> Unit:
        return self.rng.choices(self.units, self.unit_weights)[0]

    def _requester(self) -> tuple[Any, str, str, str]:
        rng = self.rng
        if self.people and rng.random() < 0.8:
            return rng.choice(self.people)
        name = rng.choice(SURNAMES) + rng.choice(TITLES)
        country = rng.choice([("39", "3", 9), ("34", "6", 8), ("33", "6", 8), ("1", "917", 7)])
        code, lead, digits = country
        phone = f"+{code}{lead}{rng.randint(10 ** (digits - 1), 10**digits - 1)}"
        tz = {"39": "Europe/Rome", "34": "Europe/Madrid", "33": "Europe/Paris"}.get(
            code, "America/New_York"
        )
        return None, name, phone, tz

    def _number(self, opened: datetime) -> str:
        year = timezone.localtime(opened).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"RX-{year}-{self.numbers[year]:06d}"

    def _assignee(self, unit: Unit, category: str) -> User | None:
        from qiaolian.hotline.models import CATEGORY_PROFESSION

        profession = CATEGORY_PROFESSION.get(category)
        if profession:
            team = [
                v
                for v in self.volunteers.by_profession.get(profession, [])
                if unit.path.startswith(v.unit.path)
            ]
            if team and self.rng.random() < 0.7:
                return self.rng.choice(team).user
        staff = self.staff.get(unit.pk) or []
        return self.rng.choice(staff) if staff else None

    def _policy(self, policies, category: str, priority: str) -> SlaPolicy | None:
        for key in ((category, priority), (category, ""), ("", priority), ("", "")):
            if key in policies:
                return policies[key]
        return None

    def _work(self, policies):
        plan, rng = self.plan, self.rng
        totals = plan.totals()
        specs = []  # (kind, channel, category)
        problem_channels = plan.problem_channels()
        rng.shuffle(problem_channels)
        categories = _spread(len(problem_channels), CATEGORY_WEIGHTS)
        rng.shuffle(categories)
        for index, channel in enumerate(problem_channels):
            kind = "resolved" if index < plan.resolved else "open"
            specs.append((kind, channel, categories[index]))
        tomb_channels = plan.tomb_channels()
        rng.shuffle(tomb_channels)
        for index, channel in enumerate(tomb_channels):
            kind = "tomb" if index < plan.tomb_done else "tomb_scheduled"
            specs.append((kind, channel, "tomb_sweeping"))

        open_statuses = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING]
        cases: list[Case] = []
        extras: list[dict] = []
        open_count = 0
        for kind, channel, category in specs:
            unit = self._unit()
            person_id, name, phone, tz = self._requester()
            priority = rng.choices(
                [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT], [8, 70, 17, 5]
            )[0]
            extra: dict[str, Any] = {"kind": kind}
            if kind == "tomb":
                service_day = self._tomb_day()
                opened_day = max(PERIOD_START, service_day - timedelta(days=rng.randint(2, 25)))
            elif kind == "tomb_scheduled":
                service_day = DONGZHI_2026 + timedelta(days=rng.choice([0, 1]))
                opened_day = self._day(PERIOD_END - timedelta(days=20), PERIOD_END)
            elif kind == "open":
                opened_day = self._day(PERIOD_END - timedelta(days=21), PERIOD_END)
            else:
                opened_day = self._day(PERIOD_START, PERIOD_END - timedelta(days=11))
            opened = self._moment(opened_day)
            policy = self._policy(policies, category, priority)
            first_minutes, resolve_minutes = (
                (policy.first_response_minutes, policy.resolution_minutes)
                if policy
                else ({Priority.URGENT: 15, Priority.HIGH: 30}.get(priority, 60), 3 * 24 * 60)
            )
            case = Case(
                number=self._number(opened),
                unit=unit,
                channel=channel,
                requester_id=person_id,
                contact_name="" if person_id else name,
                contact_phone=phone,
                contact_phone_e164=phone,
                requester_time_zone=tz or "",
                category=category,
                priority=priority,
                subject=rng.choice(SUBJECTS[category]),
                description=f"{name}{_via(channel)}：{rng.choice(SUBJECTS[category])}。",
                opened_at=opened,
                opened_month=month_key(opened),
                sla_policy=policy,
                first_response_due=_due(opened, first_minutes, policy),
                resolution_due=_due(opened, resolve_minutes, policy),
            )
            case.created_by = rng.choice(self.staff.get(unit.pk) or [None])
            if kind in ("resolved", "tomb"):
                case.assignee = self._assignee(unit, category)
                if channel == Channel.CALL:
                    reply = timedelta(minutes=rng.randint(0, 6))
                else:
                    reply = timedelta(minutes=min(3000, int(rng.lognormvariate(2.9, 0.9))))
                case.first_response_at = opened + reply
                if kind == "tomb":
                    fulfilled = self._moment(service_day, night_share=0.0)
                    extra["fulfilled"] = fulfilled
                    extra["service_day"] = service_day
                    case.resolved_at = fulfilled + timedelta(hours=rng.randint(1, 6))
                else:
                    hours = min(24 * 8, rng.lognormvariate(3.3, 1.1))
                    case.resolved_at = case.first_response_at + timedelta(hours=hours)
                case.status = Status.CLOSED if rng.random() < 0.6 else Status.RESOLVED
                if case.status == Status.CLOSED:
                    case.closed_at = case.resolved_at + timedelta(days=rng.randint(3, 7))
                case.first_response_breached = case.first_response_at > case.first_response_due
                case.resolution_breached = (
                    kind == "resolved" and case.resolved_at > case.resolution_due
                )
            elif kind == "tomb_scheduled":
                case.assignee = self._assignee(unit, category)
                case.first_response_at = opened + timedelta(minutes=rng.randint(5, 240))
                case.status = Status.IN_PROGRESS
                extra["service_day"] = service_day
            else:  # open: every queue gets some
                status = open_statuses[open_count % len(open_statuses)]
                open_count += 1
                case.status = status
                if status != Status.NEW:
                    case.assignee = self._assignee(unit, category)
                    case.first_response_at = opened + timedelta(minutes=rng.randint(1, 300))
                if status == Status.WAITING:
                    case.paused_since = case.first_response_at + timedelta(hours=2)
                now = timezone.now()
                case.first_response_breached = (case.first_response_at or now) > (
                    case.first_response_due
                )
                case.resolution_breached = now > case.resolution_due and status != Status.WAITING
            cases.append(case)
            extras.append(extra)
        # The volunteer doctor's own queue: some open medical cases of 海曙区.
        demo = User.objects.filter(username="volunteer_doctor").first()
        haishu = next((u for u in self.units if u.code == "330203"), None)
        if demo and haishu:
            for case, extra in zip(cases, extras, strict=True):
                if (
                    extra["kind"] == "open"
                    and case.status != Status.NEW
                    and case.category
                    in (
                        "medicine",
                        "epidemic",
                        "policy",
                    )
                ):
                    case.unit, case.category, case.assignee = haishu, "medicine", demo
                    case.subject = rng.choice(SUBJECTS["medicine"])
                    if sum(c.assignee_id == demo.pk for c in cases if c.is_open) >= 4:
                        break
        Case.objects.bulk_create(cases, batch_size=1000)

        calls, events, tomb, surveys = self._calls(cases, totals), [], [], []
        for case, extra in zip(cases, extras, strict=True):
            events += self._events(case)
            if extra["kind"] in ("tomb", "tomb_scheduled"):
                tomb.append(self._tomb(case, extra))
            if extra["kind"] == "resolved" and rng.random() < plan.survey_share:
                surveys.append(self._survey(case))
        Call.objects.bulk_create(calls, batch_size=2000)
        # bulk_create skips Call.save, which keeps Case.has_call.
        linked = {call.case_id for call in calls if call.case_id}
        Case.objects.filter(pk__in=linked).update(has_call=True)
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        TombSweepingOrder.objects.bulk_create(tomb, batch_size=1000)
        Survey.objects.bulk_create(surveys, batch_size=1000)
        return cases, calls, events, tomb, surveys

    def _tomb_day(self) -> date:
        rng = self.rng
        roll = rng.random()
        if roll < 0.86:  # Qingming: the fortnight around 4 April, peaking on the day
            return QINGMING + timedelta(days=round(rng.triangular(-9, 5, 0)))
        if roll < 0.98:  # 冬至 2025
            return DONGZHI_2025 + timedelta(days=rng.choice([-2, -1, -1, 0, 0, 0, 1]))
        return rng.choice([date(2026, 8, 27), date(2026, 11, 9), date(2026, 1, 26)])

    def _calls(self, cases: list[Case], totals: dict[str, int]) -> list[Call]:
        rng = self.rng
        call_cases = [c for c in cases if c.channel == Channel.CALL]
        calls = [
            self._call(case.unit, case.opened_at, case, CallDirection.INBOUND)
            for case in call_cases
        ]
        for case in rng.sample(call_cases, totals["followup_calls"]):
            at = (case.first_response_at or case.opened_at) + timedelta(hours=rng.randint(2, 48))
            calls.append(self._call(case.unit, at, case, CallDirection.OUTBOUND))
        calls.extend(
            self._call(self._unit(), self._moment(self._day()), None, CallDirection.INBOUND)
            for _ in range(totals["calls_without_case"])
        )
        assert len(calls) == totals["calls"]
        return calls

    def _call(self, unit: Unit, at: datetime, case: Case | None, direction: str) -> Call:
        rng = self.rng
        if case is not None:
            person_id, phone = case.requester_id, case.contact_phone_e164
            outcome = CallOutcome.ANSWERED
        else:
            person_id, _name, phone, _tz = self._requester()
            outcome = rng.choices(
                [
                    CallOutcome.ANSWERED,
                    CallOutcome.MISSED,
                    CallOutcome.VOICEMAIL,
                    CallOutcome.CALLBACK,
                    CallOutcome.WRONG_NUMBER,
                ],
                [86, 5, 3, 5, 1],
            )[0]
        answered = outcome in (CallOutcome.ANSWERED, CallOutcome.CALLBACK)
        return Call(
            unit=unit,
            direction=direction,
            number=_typed(phone),
            number_e164=phone,
            person_id=person_id,
            case=case,
            started_at=at,
            duration_seconds=int(min(3600, rng.lognormvariate(5.4, 0.7))) if answered else 0,
            outcome=outcome,
            notes=""
            if case
            else rng.choice(["电话解答", "政策咨询，当场答复", "已告知办理流程", ""]),
            taken_by=rng.choice(self.staff.get(unit.pk) or [None]),
        )

    def _events(self, case: Case) -> list[CaseEvent]:
        rows = [
            CaseEvent(
                case=case,
                kind=EventKind.CREATED,
                actor=case.created_by,
                at=case.opened_at,
                text=case.subject,
                data={"channel": case.channel},
            )
        ]
        if case.assignee_id:
            rows.append(
                CaseEvent(
                    case=case,
                    kind=EventKind.ASSIGN,
                    actor=case.created_by,
                    at=case.opened_at + timedelta(minutes=1),
                    data={"assignee": case.assignee_id},
                )
            )
        if case.first_response_at:
            rows.append(
                CaseEvent(
                    case=case,
                    kind=EventKind.REPLY,
                    actor=case.assignee or case.created_by,
                    at=case.first_response_at,
                    internal=False,
                    text="您好，已收到您的诉求，我们正在处理。",
                )
            )
        if case.resolved_at:
            rows.append(
                CaseEvent(
                    case=case,
                    kind=EventKind.STATUS,
                    actor=case.assignee or case.created_by,
                    at=case.resolved_at,
                    data={"from": Status.IN_PROGRESS, "to": Status.RESOLVED},
                )
            )
        if case.closed_at:
            rows.append(
                CaseEvent(
                    case=case,
                    kind=EventKind.STATUS,
                    actor=case.created_by,
                    at=case.closed_at,
                    data={"from": Status.RESOLVED, "to": Status.CLOSED},
                )
            )
        return rows

    def _tomb(self, case: Case, extra: dict) -> TombSweepingOrder:
        rng = self.rng
        cemetery, area = rng.choice(CEMETERIES)
        done = extra["kind"] == "tomb"
        return TombSweepingOrder(
            unit=case.unit,
            case=case,
            kind=TombKind.PROXY if rng.random() < 0.62 else TombKind.CLOUD,
            deceased_name=rng.choice(SURNAMES) + rng.choice(["公", "母", "老先生", "老太太"]),
            cemetery=cemetery,
            grave_location=f"{area}{rng.randint(1, 12)}排{rng.randint(1, 30)}号",
            service_date=extra["service_day"],
            rites=rng.choice(RITES),
            performer=case.assignee,
            status=TombStatus.DONE if done else TombStatus.SCHEDULED,
            fulfilled_at=extra.get("fulfilled"),
            created_at=case.opened_at,
        )

    def _survey(self, case: Case) -> Survey:
        rng = self.rng
        rating = rng.choices([5, 4, 3, 2, 1], [56, 27, 10, 4, 3])[0]
        answered = case.resolved_at + timedelta(hours=rng.randint(1, 72))
        return Survey(
            case=case,
            token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
            sent_at=case.resolved_at,
            expires_at=case.resolved_at + timedelta(days=30),
            rating=rating,
            comment=rng.choice(COMMENTS[rating]) if rng.random() < 0.4 else "",
            answered_at=min(answered, datetime(2026, 11, 27, 23, tzinfo=self.zone)),
        )

    def _answers(self, city: Unit) -> None:
        rows = []
        author = (self.staff.get(city.pk) or [None])[0]
        for index, (category, title_zh, title_en, body_zh, body_en, keywords) in enumerate(
            ANSWERS[: self.plan.answers]
        ):
            status = AnswerStatus.PUBLIC if index % 5 else AnswerStatus.INTERNAL
            rows.append(
                Answer(
                    unit=city,
                    category=category,
                    status=status,
                    title_zh=title_zh,
                    title_en=title_en,
                    body_zh=body_zh,
                    body_en=body_en,
                    keywords=keywords,
                    created_by=author,
                )
            )
        for answer in rows:  # the same text the answers service indexes on every save
            answer.search_text = build_search_text(answer)
        Answer.objects.bulk_create(rows)
        self.made["answers"] = len(rows)


def _due(start: datetime, minutes: int, policy: SlaPolicy | None) -> datetime:
    """Due times by the policy's calendar (business calendars skip nights and holidays);
    plain minutes without a policy."""
    from qiaolian.hotline.services import sla

    if policy is not None:
        return sla.due_time(start, minutes, policy.calendar)
    return start + timedelta(minutes=minutes)


def _via(channel: str) -> str:
    return {
        Channel.CALL: "来电",
        Channel.WECHAT: "微信留言",
        Channel.PORTAL: "门户提交",
        Channel.WALK_IN: "来访",
        Channel.LETTER: "来信",
        Channel.EMAIL: "来邮",
    }.get(channel, "来电")


def _typed(e164: str) -> str:
    """The number as a clerk types it: international format, spaces."""
    import phonenumbers

    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


__all__ = ["PERIOD_END", "PERIOD_START", "Plan", "plan_for", "seed_hotline"]
