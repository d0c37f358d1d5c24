"""Leak-sweep entries of the outreach app: every object here belongs to the sibling district B."""

from datetime import timedelta

from qiaolian.core import private_links
from qiaolian.core.testing.sweep import Create, Detail, Listing, Public
from qiaolian.outreach.models import Audience, CallCampaign, CallTask, CareKit, Delivery, Letter
from qiaolian.outreach.sending import LINK_PURPOSE
from qiaolian.people.tests.factories import PersonFactory

MARKER = "乙区泄漏信函标记"
PERSON_MARKER = "乙区泄漏侨胞"


def _audience(cast) -> Audience:
    return Audience.objects.create(unit=cast.district_b, name=MARKER, criteria={})


def _letter(cast, subject: str = MARKER) -> Letter:
    return Letter.objects.create(
        unit=cast.district_b,
        kind="condolence",
        audience=_audience(cast),
        subject_zh=subject,
        body_zh="<p>乙区</p>",
        channels=["h5"],
        created_by=cast.sibling_manager,
    )


def _task(cast) -> CallTask:
    campaign = CallCampaign.objects.create(
        unit=cast.district_b, name=MARKER, audience=_audience(cast)
    )
    person = PersonFactory(unit=cast.district_b, surname="乙区", given_name="泄漏侨胞")
    return CallTask.objects.create(
        campaign=campaign, person=person, caller=cast.sibling_manager, needs="需要帮助"
    )


def _kit(cast) -> CareKit:
    return CareKit.objects.create(unit=cast.district_b, name=MARKER, stock=5)


def _public(cast):
    shown = _letter(cast, "乙区致侨胞慰问信")
    _letter(cast)  # another letter of the same unit: never on this page
    person = PersonFactory(unit=cast.district_b, surname="乙", given_name="某")
    delivery = Delivery.objects.create(
        letter=shown, person=person, channel="h5", idempotency_key="sweep:h5"
    )
    _link, token = private_links.private_link_create(
        actor=None,
        target=delivery,
        purpose=LINK_PURPOSE,
        unit=cast.district_b,
        expires_in=timedelta(days=1),
        audit_action=None,
    )
    return {"token": token}, MARKER, "乙区致侨胞慰问信"


def _delivery_listing(cast):
    person = PersonFactory(unit=cast.district_b, surname="乙区", given_name=PERSON_MARKER)
    Delivery.objects.create(
        letter=_letter(cast), person=person, channel="h5", idempotency_key="sweep:list"
    )
    return {}, person.full_name


def _letter_kwargs(cast):
    return {"public_id": _letter(cast).public_id}


SWEEP = {
    "outreach:letter_list": Listing(lambda cast: ({}, _letter(cast).subject_zh)),
    "outreach:letter_create": Create(
        "outreach.Letter",
        lambda cast: {
            "unit": cast.district_b.pk,
            "kind": "condolence",
            "audience": _audience(cast).pk,
            "channels": ["h5"],
            "subject_zh": "慰问信",
            "body_zh": "<p>您好</p>",
        },
    ),
    "outreach:letter_detail": Detail(_letter_kwargs, methods=("GET",)),
    "outreach:delivery_list": Listing(_delivery_listing, exports=("csv", "xlsx")),
    "outreach:letter_edit": Detail(_letter_kwargs),
    "outreach:letter_schedule": Detail(_letter_kwargs),
    "outreach:letter_approve": Detail(_letter_kwargs, methods=("POST",)),
    "outreach:letter_send": Detail(_letter_kwargs, methods=("POST",)),
    "outreach:letter_cancel": Detail(_letter_kwargs, methods=("POST",)),
    "outreach:letter_pdf": Detail(_letter_kwargs, methods=("GET",)),
    # The recipient's H5 page: the private link's token is the authorisation (core
    # private_links); it shows its own letter and nothing of another.
    "outreach:letter_public": Public(_public),
    "outreach:audience_list": Listing(lambda cast: ({}, _audience(cast).name)),
    "outreach:audience_create": Create(
        "outreach.Audience", lambda cast: {"unit": cast.district_b.pk, "name": "乙区受众"}
    ),
    "outreach:audience_detail": Detail(
        lambda cast: {"public_id": _audience(cast).public_id}, methods=("GET",)
    ),
    "outreach:campaign_list": Listing(lambda cast: ({}, _task(cast).campaign.name)),
    "outreach:campaign_create": Create(
        "outreach.CallCampaign",
        lambda cast: {
            "unit": cast.district_b.pk,
            "name": "乙区亲情电话",
            "audience": _audience(cast).pk,
            "callers": [cast.sibling_manager.pk],
        },
    ),
    "outreach:campaign_detail": Detail(
        lambda cast: {"public_id": _task(cast).campaign.public_id}, methods=("GET",)
    ),
    "outreach:my_calls": Listing(lambda cast: ({}, _task(cast).person.full_name)),
    "outreach:call_record": Detail(lambda cast: {"public_id": _task(cast).public_id}),
    "outreach:call_to_case": Detail(
        lambda cast: {"public_id": _task(cast).public_id}, methods=("POST",)
    ),
    "outreach:kit_list": Listing(lambda cast: ({}, _kit(cast).name)),
    "outreach:kit_create": Create(
        "outreach.CareKit",
        lambda cast: {
            "unit": cast.district_b.pk,
            "name": "乙区爱心包",
            "items": "温馨卡 × 1",
            "stock": 3,
        },
    ),
    "outreach:kit_give": Detail(lambda cast: {"public_id": _kit(cast).public_id}),
    "api:outreach_letter_list": Listing(lambda cast: ({}, _letter(cast).subject_zh)),
    "api:outreach_letter_detail": Detail(
        lambda cast: {"letter_id": _letter(cast).public_id}, methods=("GET",)
    ),
    "api:outreach_campaign_list": Listing(lambda cast: ({}, _task(cast).campaign.name)),
    "api:outreach_kit_list": Listing(lambda cast: ({}, _kit(cast).name)),
    "api:outreach_audience_list": Listing(lambda cast: ({}, _audience(cast).name)),
}
