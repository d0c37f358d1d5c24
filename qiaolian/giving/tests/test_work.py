"""The "grants to approve" panel counts what its link lists; recording an instalment as paid
from a donation of the pledge's donor."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from qiaolian.giving import services, work
from qiaolian.giving.tests.factories import DonorFactory, FundFactory, give
from qiaolian.giving.tests.test_services import _second_approver

pytestmark = pytest.mark.django_db


def _grant(cast, actor, fund, applicant, amount="100"):
    return services.grant_create(
        actor=actor,
        fund=fund,
        applicant=applicant,
        purpose="救助",
        amount_cny=Decimal(amount),
        applied_on=date(2020, 4, 1),
    )


def test_the_panel_counts_what_the_filtered_list_shows(client, cast):
    fund = FundFactory(unit=cast.district_a, dual_approval_over=Decimal("500"))
    approver = cast.district_manager
    colleague = _second_approver(cast)
    waiting = _grant(cast, colleague, fund, "等待审批甲")
    _grant(cast, approver, fund, "本人录入乙")  # entered by the approver: not theirs to approve
    big = _grant(cast, colleague, fund, "已批一次丙", amount="800")
    services.grant_approve(actor=approver, grant=big)  # approved once by them already
    other = FundFactory(unit=cast.district_b)
    _grant(
        cast, cast.sibling_manager, other, "乙区申请"
    )  # the sibling's: the district user sees none
    panel = work.grants_to_approve(user=approver)
    assert panel.count == 1
    assert [item.url for item in panel.items] == [
        reverse("giving:grant_detail", args=[waiting.public_id])
    ]
    client.force_login(approver)
    page = client.get(panel.url).content.decode()
    assert "等待审批甲" in page
    assert "本人录入乙" not in page and "已批一次丙" not in page
    assert "本人录入乙" in client.get(reverse("giving:grant_list")).content.decode()
    assert work.grants_to_approve(user=cast.sibling_manager).count == 0  # entered it itself
    assert work.grants_to_approve(user=colleague).count == 1  # only the one they did not enter


def test_an_instalment_is_recorded_as_paid_from_a_donation(client, cast):
    donor = DonorFactory(unit=cast.district_a, name="认捐人")
    pledge = services.pledge_create(
        actor=cast.district_manager,
        unit=cast.district_a,
        donor=donor,
        amount=Decimal("600"),
        pledged_on=date(2020, 3, 1),
        instalments=[(date(2020, 4, 1), Decimal("300")), (date(2020, 5, 1), Decimal("300"))],
    )
    first = pledge.instalments.order_by("due_on").first()
    donation = give(cast.district_manager, cast.district_a, donor=donor, amount="300")
    stranger = give(cast.district_manager, cast.district_a, amount="300")
    client.force_login(cast.district_manager)
    detail = client.get(reverse("giving:pledge_detail", args=[pledge.public_id])).content.decode()
    url = reverse("giving:instalment_pay", args=[first.public_id])
    assert url in detail
    form = client.get(url).content.decode()
    assert str(donation.public_id) in form and str(stranger.public_id) not in form
    # Another donor's donation is not offered: a clear form error, nothing written.
    response = client.post(url, {"donation": stranger.public_id})
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.donation is None
    response = client.post(url, {"donation": donation.public_id})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.donation == donation
    # Paid now: the donation is no longer offered for the second instalment.
    second = pledge.instalments.order_by("due_on").last()
    form = client.get(reverse("giving:instalment_pay", args=[second.public_id])).content.decode()
    assert str(donation.public_id) not in form
