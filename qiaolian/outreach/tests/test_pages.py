"""The pages through the client: compose → another approves → send → deliveries visible; the
other pages render in Chinese and English; the API answers with the progress."""

import pytest
from django.urls import reverse

from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.sending import run_letter
from qiaolian.outreach.tests.support import audience, person

pytestmark = pytest.mark.django_db


def test_compose_approve_send_and_see_the_deliveries(
    cast, client, django_capture_on_commit_callbacks
):
    person(cast.township_a1, surname="陈", given_name="静", gender="f", time_zone="")
    aud = audience(cast)
    client.force_login(cast.township_worker)
    form = client.get(reverse("outreach:letter_create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "慰问信" in form.content.decode() and "{{称呼}}" in form.content.decode()
    answer = client.post(
        reverse("outreach:letter_create"),
        {
            "unit": cast.township_a1.pk,
            "kind": "family_letter",
            "audience": aud.pk,
            "channels": ["h5"],
            "subject_zh": "一封家书",
            "body_zh": "<p>{{称呼}}，{{问候}}</p>",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    letter = Letter.objects.get()
    page = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "草稿" in page and 'id="letter-approve"' not in page  # the author cannot approve
    client.force_login(cast.district_manager)
    client.post(reverse("outreach:letter_approve", args=[letter.public_id]))
    letter.refresh_from_db()
    assert letter.status == "approved"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:letter_send", args=[letter.public_id]))
    run_letter(letter.pk)
    page = client.get(
        reverse("outreach:letter_detail", args=[letter.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "陈静" in text and "Sent" in text and 'id="count-sent">1<' in text
    from qiaolian.core.services import api_token_create

    secret = api_token_create(actor=cast.district_manager, name="tests")[1]
    api = client.get(
        f"/api/outreach/letters/{letter.public_id}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert api["progress"]["sent"] == 1 and api["status"] == "sent"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    audiences = client.get("/api/outreach/audiences", **auth).json()
    assert [(a["name"], a["people_count"]) for a in audiences["items"]] == [("全体侨胞", 1)]
    assert Delivery.objects.get().status == "sent"
    pdf = client.get(reverse("outreach:letter_pdf", args=[letter.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The page polls itself while sending: the fragment it swaps in carries the live counts.
    polled = client.get(
        reverse("outreach:letter_detail", args=[letter.public_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="progress-card"' in polled and 'id="count-sent">1<' in polled


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders(cast, client, language):
    aud = audience(cast)
    client.force_login(cast.district_manager)
    for name in (
        "letter_list",
        "letter_create",
        "audience_list",
        "audience_create",
        "campaign_list",
        "campaign_create",
        "my_calls",
        "kit_list",
        "kit_create",
    ):
        response = client.get(reverse(f"outreach:{name}"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, name
    detail = client.get(
        reverse("outreach:audience_detail", args=[aud.public_id]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert detail.status_code == 200
