"""The donations API beyond money donations: goods donations received into stock through the
same service as the form, donors, pledges and grants; another unit's record is a 404."""

import json
from datetime import date
from decimal import Decimal

import pytest

from qiaolian.core.services import api_token_create
from qiaolian.giving import services
from qiaolian.giving.models import Donation, Donor
from qiaolian.giving.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


def test_a_goods_donation_through_the_api_is_received_into_stock(client, cast):
    from qiaolian.relief.models import Lot
    from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

    item = ItemFactory(unit=cast.city, name="医用口罩", value_cny=Decimal("2"))
    house = WarehouseFactory(unit=cast.district_a)
    donor = DonorFactory(unit=cast.district_a, name="市侨商会", kind="association")
    payload = {
        "unit": str(cast.district_a.public_id),
        "donor": str(donor.public_id),
        "received_on": "2020-02-05",
        "lines": [
            {"item": str(item.public_id), "warehouse": str(house.public_id), "quantity": 2000}
        ],
    }
    response = client.post(
        "/api/giving/goods-donations",
        json.dumps(payload),
        content_type="application/json",
        **_auth(cast.district_manager),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "goods" and Decimal(body["value_cny"]) == Decimal("4000")
    donation = Donation.objects.get(public_id=body["id"])
    lot = Lot.objects.get()
    assert lot.quantity_received == 2000 and lot.warehouse == house
    assert donation.lines.get().lot == lot and body["receipt"]

    # A sibling's warehouse is a 404 and nothing is written.
    payload["lines"][0]["warehouse"] = str(WarehouseFactory(unit=cast.district_b).public_id)
    response = client.post(
        "/api/giving/goods-donations",
        json.dumps(payload),
        content_type="application/json",
        **_auth(cast.district_manager),
    )
    assert response.status_code == 404
    assert Donation.objects.count() == 1 and Lot.objects.count() == 1


def test_donors_list_detail_and_create(client, cast):
    own = DonorFactory(unit=cast.district_a, name="甲区捐赠人")
    other = DonorFactory(unit=cast.district_b, name="乙区捐赠人")
    auth = _auth(cast.district_manager)
    body = client.get("/api/giving/donors", **auth).json()
    names = [row["name"] for row in body["items"]]
    assert "甲区捐赠人" in names and "乙区捐赠人" not in names
    assert client.get(f"/api/giving/donors/{own.public_id}", **auth).json()["name"] == own.name
    assert client.get(f"/api/giving/donors/{other.public_id}", **auth).status_code == 404
    response = client.post(
        "/api/giving/donors",
        json.dumps(
            {"unit": str(cast.district_a.public_id), "kind": "enterprise", "name": "新公司"}
        ),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201
    assert Donor.objects.get(public_id=response.json()["id"]).unit == cast.district_a
    response = client.post(
        "/api/giving/donors",
        json.dumps({"unit": str(cast.district_a.public_id), "kind": "person", "name": ""}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code in (400, 422)
    assert not Donor.objects.filter(name="").exists()


def test_pledges_and_grants_list_and_detail(client, cast):
    def pledge(unit, name):
        return services.pledge_create(
            actor=cast.district_manager if unit == cast.district_a else cast.sibling_manager,
            unit=unit,
            donor=DonorFactory(unit=unit, name=name),
            amount=Decimal("600"),
            pledged_on=date(2020, 3, 1),
            instalments=[(date(2020, 4, 1), Decimal("300")), (date(2020, 5, 1), Decimal("300"))],
        )

    own, other = pledge(cast.district_a, "甲认捐"), pledge(cast.district_b, "乙认捐")
    auth = _auth(cast.district_manager)
    body = client.get("/api/giving/pledges", **auth).json()
    assert [row["donor"] for row in body["items"]] == ["甲认捐"]
    detail = client.get(f"/api/giving/pledges/{own.public_id}", **auth).json()
    assert [row["amount"] for row in detail["instalments"]] == ["300.00", "300.00"]
    assert not any(row["paid"] for row in detail["instalments"])
    assert client.get(f"/api/giving/pledges/{other.public_id}", **auth).status_code == 404

    def grant(unit, actor, applicant):
        return services.grant_create(
            actor=actor,
            fund=FundFactory(unit=unit),
            applicant=applicant,
            purpose="救助",
            amount_cny=Decimal("100"),
            applied_on=date(2020, 4, 1),
        )

    mine = grant(cast.district_a, cast.district_manager, "甲申请人")
    theirs = grant(cast.district_b, cast.sibling_manager, "乙申请人")
    body = client.get("/api/giving/grants", **auth).json()
    assert [row["applicant"] for row in body["items"]] == ["甲申请人"]
    detail = client.get(f"/api/giving/grants/{mine.public_id}", **auth).json()
    assert detail["status"] == "pending" and detail["approvals"] == 0
    assert detail["approvals_needed"] == 1
    assert client.get(f"/api/giving/grants/{theirs.public_id}", **auth).status_code == 404
