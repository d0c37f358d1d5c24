"""Leak-sweep entries for the tomb-sweeping pages (see core/testing/sweep.py). Every object made
here belongs to the sibling district B."""

from django.core.files.uploadedfile import SimpleUploadedFile

from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing, Public
from qiaolian.hotline.models import TombProof
from qiaolian.hotline.services import tomb as tomb_services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory

ORDER_MARKER = "乙区泄漏公墓标记"


def _order(cast):
    return TombOrderFactory(case__unit=cast.district_b, cemetery=ORDER_MARKER)


def _order_kwargs(cast):
    return {"public_id": _order(cast).public_id}


def _listing(cast):
    _order(cast)
    return {}, ORDER_MARKER


def _shared(cast):
    """A shared order of district B, and a second order of the same unit that was not shared."""
    case = CaseFactory(
        unit=cast.district_b, category="tomb_sweeping", contact_name="乙区求助人标记"
    )
    order = TombOrderFactory(case=case, cemetery="乙区已分享公墓")
    TombOrderFactory(case__unit=cast.district_b, cemetery=ORDER_MARKER)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    tomb_services.order_fulfil(
        actor=cast.sibling_manager, order=order, files=[SimpleUploadedFile("p.png", png)]
    )
    token = tomb_services.share_create(actor=cast.sibling_manager, order=order)
    return {"token": token}, ORDER_MARKER, "乙区已分享公墓"


def _case(cast):
    return {"public_id": CaseFactory(unit=cast.district_b, category="tomb_sweeping").public_id}


def _proof(cast):
    # No bytes are written: the request must be refused before the file is opened.
    proof = TombProof.objects.create(
        order=_order(cast), file="tomb/sweep.png", name="p.png", content_type="image/png"
    )
    return {"public_id": proof.public_id}


SWEEP = {
    "hotline:tomb_list": Listing(_listing, exports=("csv", "xlsx")),
    "hotline:tomb_create": Create(
        "hotline.TombSweepingOrder",
        lambda cast: {
            "unit": cast.district_b.pk,
            "subject": "清明代为祭扫",
            "channel": "wechat",
            "contact_name": "陈女士",
            "kind": "proxy",
            "cemetery": "宁波福泉山公墓",
            "grave_location": "松园三区",
            "service_date": "2026-04-04",
        },
    ),
    "hotline:tomb_create_for_case": Detail(_case),
    "hotline:tomb_detail": Detail(_order_kwargs, methods=("GET",)),
    "hotline:tomb_edit": Detail(_order_kwargs),
    "hotline:tomb_schedule": Detail(_order_kwargs),
    "hotline:tomb_cancel": Detail(_order_kwargs),
    "hotline:tomb_fulfil": Detail(_order_kwargs),
    "hotline:tomb_link_requester": Detail(_order_kwargs, methods=("POST",)),
    "hotline:performer_options": Exempt(
        "Names of accounts only, from User.objects.restrict(VIEW): a sibling district's "
        "account is never offered (test_tomb_views::test_the_performer_picker_searches_"
        "remotely_within_scope)."
    ),
    "hotline:tomb_share": Detail(_order_kwargs, methods=("POST",)),
    "hotline:tomb_share_extend": Detail(_order_kwargs, methods=("POST",)),
    "hotline:tomb_share_revoke": Detail(_order_kwargs, methods=("POST",)),
    "hotline:tomb_proof_file": Detail(_proof, methods=("GET",)),
    "hotline:tomb_proof_remove": Detail(_proof, methods=("POST",)),
    # Public page for the requester, authorised by the private link's token (core.PrivateLink)
    # and its expiry, checked on every request; wrong token 404, expired 410, revoked 404:
    # test_tomb_public. Here: it shows its own order and nothing of the case or other orders.
    "hotline:tomb_shared": Public(_shared),
    "hotline:tomb_shared_file": Exempt(
        "A proof file of the order the token opens; the token hash and expiry are checked "
        "again for every file, and a file of another order is a 404: test_tomb_public."
    ),
}
