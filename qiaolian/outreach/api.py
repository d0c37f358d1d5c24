"""The outreach API: letters with their delivery counts, audiences counted live. Every read
starts from restrict()."""

from datetime import datetime
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from ninja import Field, Router, Schema

from qiaolian.core.api_kit import UnitOwnedOut, api_enum, paginated, require, visible_unit
from qiaolian.core.scoping import Action
from qiaolian.outreach import sending
from qiaolian.outreach.audiences import audience_people
from qiaolian.outreach.models import Audience, CallCampaign, CareKit, Letter

LetterStatus = api_enum(Letter.Status, "LetterStatus")

router = Router(tags=["outreach"])


class LetterOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    kind: str
    subject_zh: str
    subject_en: str
    status: LetterStatus
    channels: list[str]
    to_groups: bool
    approved_at: datetime | None
    sent_at: datetime | None


class ProgressOut(Schema):
    total: int
    done: int
    percent: int
    queued: int
    sent: int
    failed: int
    opened: int
    cancelled: int


class LetterDetailOut(LetterOut):
    progress: ProgressOut


class AudienceOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    kind: Audience.Kind
    criteria: dict
    people_count: int


@router.get("/letters", response=list[LetterOut], url_name="outreach_letter_list")
@paginated(page_size=100)
def letter_list(request, unit: UUID | None = None):
    """Letters in the caller's scope, newest first; `unit` narrows to a unit's subtree."""
    require(request.auth, "outreach.view")
    within = visible_unit(request.auth, unit, "outreach.view")
    letters = Letter.objects.restrict(request.auth, Action.VIEW).in_subtree(within)
    return letters.select_related("unit").order_by("-created_at", "pk")


@router.get("/letters/{letter_id}", response=LetterDetailOut, url_name="outreach_letter_detail")
def letter_detail(request, letter_id: UUID):
    """One letter with its delivery progress (queued, sent, failed, opened)."""
    letter = Letter.objects.get_visible(request.auth, "outreach.view", public_id=letter_id)
    letter.progress = sending.progress(letter)
    return letter


@router.get("/audiences", response=list[AudienceOut], url_name="outreach_audience_list")
@paginated(page_size=100)
def audience_list(request):
    """Audiences in the caller's scope, each counted live over the people the caller reaches."""
    require(request.auth, "outreach.view")
    audiences = Audience.objects.restrict(request.auth, Action.VIEW).select_related("unit")
    rows = list(audiences.order_by("-created_at", "pk"))
    for audience in rows:
        audience.people_count = audience_people(audience, user=request.auth).count()
    return rows


class CampaignOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    calls: int
    called: int
    reached: int


class KitItemOut(Schema):
    name: str
    quantity: int


class KitOut(UnitOwnedOut):
    id: UUID = Field(..., alias="public_id")
    name: str
    stock: int
    items: list[KitItemOut]
    given: int

    @staticmethod
    def resolve_items(obj: CareKit) -> list:
        return list(obj.items.all())


@router.get("/campaigns", response=list[CampaignOut], url_name="outreach_campaign_list")
@paginated(page_size=100)
def campaign_list(request):
    """Family-call campaigns in the caller's scope with their progress."""
    require(request.auth, "outreach.view")
    campaigns = CallCampaign.objects.restrict(request.auth, Action.VIEW).select_related("unit")
    return campaigns.annotate(
        calls=Count("tasks"),
        called=Count("tasks", filter=~Q(tasks__outcome="pending")),
        reached=Count("tasks", filter=Q(tasks__outcome="reached")),
    ).order_by("-created_at", "pk")


@router.get("/kits", response=list[KitOut], url_name="outreach_kit_list")
@paginated(page_size=100)
def kit_list(request):
    """Care kits in the caller's scope: items, stock, and how many were given."""
    require(request.auth, "outreach.view")
    kits = CareKit.objects.restrict(request.auth, Action.VIEW).select_related("unit")
    return (
        kits.prefetch_related("items")
        .annotate(given=Coalesce(Sum("distributions__quantity"), 0))
        .order_by("name", "pk")
    )
