"""The news site's demo data: its categories and articles written for this demo.

One article carries the reference page's metadata (title, source 世界侨网, 2020-07-02 15:38:01,
10,532 views brought along as its imported count) with a summary of its text in our own words
and no related articles ("暂无信息"); others share tags, so their pages list related news. A
district's article is shown on the city's site, another district's is not; one article is a
draft and one is scheduled, so the staff list shows every state. Idempotent: articles are
found again by their address name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from qiaolian.core import audit
from qiaolian.core.models import Unit, User
from qiaolian.news import services
from qiaolian.news.models import Article, Category

ZONE = ZoneInfo("Asia/Shanghai")
REFERENCE_SLUG = "ningbo-iron-army-2020"
REFERENCE_VIEWS = 10_532
REFERENCE_TIME = datetime(2020, 7, 2, 15, 38, 1, tzinfo=ZONE)

CATEGORIES = [
    ("china", "中国新闻", "China news", 10),
    ("federation", "侨联动态", "Federation news", 20),
    ("notices", "通知公告", "Notices", 30),
    ("people", "侨界风采", "Overseas Chinese profiles", 40),
]


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


# (slug, category, unit code, writer, title, source, author, when, tags, body, extra)
ARTICLES = [
    (
        REFERENCE_SLUG,
        "china",
        "330200",
        "city_staff",
        "宁波市侨联主席徐挺：为“重要窗口”建设打造一支侨联铁军",
        "世界侨网",
        "",
        REFERENCE_TIME,
        [],
        _p(
            "（内容摘要）世界侨报的这篇专访记录了宁波市侨联负责人对侨联工作的思考：侨胞是"
            "建设“重要窗口”的参与者和展示者，侨联要当好服务侨胞的模范生。",
            "文章回顾了疫情期间宁波侨界的行动：两次发出捐赠倡议，海内外甬籍侨胞捐款捐物合计"
            "约七千万元；各级侨联建起三百多个联络群、覆盖两万多名侨胞，干部、医生和律师"
            "志愿者进群答疑；开通全天候为侨服务热线，开展云祭扫、代祭扫；向海外侨团寄送防疫"
            "物资；派出联络员帮助侨资企业复工复产。",
            "文章最后介绍了今后的打算：对标新目标新定位，组织侨商参与展会、引才引智，"
            "完善基层侨联组织，并持续提升侨联干部队伍的能力。",
        ),
        {
            "imported_views": REFERENCE_VIEWS,
            "summary": "宁波市侨联负责人谈疫情期间的为侨服务和今后的工作打算。",
        },
    ),
    (
        "helpline-around-the-clock",
        "federation",
        "330200",
        "city_staff",
        "“甬爱相随”为侨服务热线全天候在线",
        "市侨联办公室",
        "市侨联宣传处",
        datetime(2026, 3, 10, 9, 30, tzinfo=ZONE),
        ["为侨服务", "热线"],
        _p(
            "各级侨联组织的为侨服务热线全天有人值守，海外侨胞遇到签证、就医、法律等问题，"
            "可随时来电，值班人员当场记录并转交相关部门跟进。",
            "热线开通以来，工作人员坚持回访，确保每一件求助都有回音。",
        ),
        {},
    ),
    (
        "qingming-proxy-tomb-sweeping",
        "federation",
        "330200",
        "city_staff",
        "清明“云祭扫”“代祭扫”服务海外侨胞",
        "市侨联办公室",
        "市侨联联络处",
        datetime(2026, 4, 3, 14, 0, tzinfo=ZONE),
        ["为侨服务", "清明"],
        _p(
            "清明前后，不能回乡的海外侨胞可通过侨联预约代为祭扫，志愿者献花、拍照并发回给"
            "侨胞，寄托思念之情。",
        ),
        {},
    ),
    (
        "supplies-for-overseas-associations",
        "federation",
        "330200",
        "city_staff",
        "市侨联向海外侨团寄送防疫物资",
        "市侨联办公室",
        "",
        datetime(2026, 2, 18, 10, 0, tzinfo=ZONE),
        ["为侨服务", "防疫"],
        _p("市侨联收集海外侨团的物资需求，分批寄出口罩等防护用品，多家侨团来信致谢。"),
        {},
    ),
    (
        "talent-gathering-2026",
        "notices",
        "330200",
        "city_staff",
        "关于开展2026年度侨界人才联谊活动报名的通知",
        "市侨联",
        "",
        datetime(2026, 5, 6, 8, 0, tzinfo=ZONE),
        [],
        _p(
            "各区（县、市）侨联：为服务海外人才回乡发展，市侨联将于六月举办侨界人才联谊活动。"
            "请于五月三十一日前报送参加人员名单。",
        ),
        {},
    ),
    (
        "masks-for-hometown",
        "people",
        "330200",
        "city_staff",
        "旅意侨胞：疫情中为家乡筹集口罩",
        "市侨联宣传处",
        "",
        datetime(2026, 1, 22, 16, 20, tzinfo=ZONE),
        ["侨界风采", "防疫"],
        _p(
            "一位旅居意大利的宁波籍侨胞发动同乡会，在当地筹集口罩寄回家乡，又在疫情蔓延到"
            "欧洲时组织侨胞互助。"
        ),
        {},
    ),
    (
        "haishu-enterprise-forum",
        "federation",
        "330203",
        "haishu_manager",
        "海曙区侨联召开侨资企业座谈会",
        "海曙区侨联",
        "",
        datetime(2026, 4, 20, 15, 0, tzinfo=ZONE),
        ["侨企", "为侨服务"],
        _p("海曙区侨联邀请十余家侨资企业座谈，听取企业在用工、融资方面的困难，并逐项交办。"),
        {"show_on_city_site": True},
    ),
    (
        "jiangbei-law-in-community",
        "federation",
        "330205",
        "jiangbei_manager",
        "江北区侨联开展侨法宣传进社区活动",
        "江北区侨联",
        "",
        datetime(2026, 4, 25, 9, 0, tzinfo=ZONE),
        ["侨法"],
        _p("江北区侨联联合律师志愿者走进社区，为归侨侨眷讲解涉侨法律政策，现场解答咨询。"),
        {},
    ),
    (
        "helpline-english",
        "federation",
        "330200",
        "city_staff",
        "A helpline for overseas Chinese, day and night",
        "Ningbo Federation",
        "",
        datetime(2026, 3, 11, 9, 0, tzinfo=ZONE),
        ["为侨服务"],
        _p(
            "Every federation office in the city answers its helpline around the clock. "
            "Overseas Chinese can call about visas, health care or legal questions; the person "
            "on duty writes the request down and follows it up with the offices concerned.",
        ),
        {"language": "en"},
    ),
]

DRAFT = (
    "draft-summer-camp",
    "notices",
    "关于举办海外华裔青少年夏令营的通知（草稿）",
    _p("夏令营的日期和报名方式待定。"),
)
SCHEDULED = (
    "scheduled-mid-autumn",
    "federation",
    "中秋侨胞联谊会即将举行",
    _p("市侨联将于中秋节前举办侨胞联谊会，欢迎在甬侨胞参加。"),
)


def run(scale: int = 1) -> dict:
    city = Unit.objects.filter(code="330200").first()
    users = {u.username: u for u in User.objects.filter(username__in=_writers())}
    if city is None or "city_admin" not in users or "city_staff" not in users:
        return {"skipped": True}
    made = {"categories": 0, "articles": 0}
    with transaction.atomic():
        categories = {}
        for slug, name, name_en, order in CATEGORIES:
            category, created = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
            )
            categories[slug] = category
            made["categories"] += created
        approver = users["city_admin"]
        for (
            slug,
            cat,
            unit_code,
            writer,
            title,
            source,
            author,
            when,
            tags,
            body,
            extra,
        ) in ARTICLES:
            if Article.objects.filter(slug=slug).exists():
                continue
            unit = Unit.objects.filter(code=unit_code).first()
            author_user = users.get(writer)
            if unit is None or author_user is None:
                continue
            extra = dict(extra)
            city_site = extra.pop("show_on_city_site", None)
            article = services.article_create(
                actor=author_user,
                unit=unit,
                category=categories[cat],
                title=title,
                body=body,
                slug=slug,
                source=source,
                author_name=author,
                tags=tags,
                **extra,
            )
            services.article_submit(actor=author_user, article=article)
            services.article_approve(
                actor=approver,
                article=article,
                publish_at=when,
                show_on_city_site=city_site if unit.depth > 1 else None,
            )
            made["articles"] += 1
        writer = users["city_staff"]
        for (slug, cat, title, body), scheduled in ((DRAFT, False), (SCHEDULED, True)):
            if Article.objects.filter(slug=slug).exists():
                continue
            article = services.article_create(
                actor=writer, unit=city, category=categories[cat], title=title, body=body, slug=slug
            )
            if scheduled:
                services.article_submit(actor=writer, article=article)
                services.article_approve(
                    actor=approver, article=article, publish_at=timezone.now() + timedelta(days=30)
                )
            made["articles"] += 1
        if made["articles"] or made["categories"]:
            audit.record(
                actor=None,
                action="seed.news",
                message=f"categories={made['categories']} articles={made['articles']}",
            )
    return made


def _writers() -> set[str]:
    return {"city_admin", "city_staff", "haishu_manager", "jiangbei_manager"} | {
        row[3] for row in ARTICLES
    }
