"""A person's page tells their local time in their zone, whatever the reader's zone is.

It showed Beijing time as the person's (Rome said 23:16 at 16:16 there): the page rendered an
aware datetime, which a template converts to the active zone. The wall clock is text now."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.testing.cast import Cast
from qiaolian.people.tests.factories import PersonFactory

# 16:16 in Rome on a winter's day, 23:16 in Beijing.
ROME_AFTERNOON = datetime(2026, 1, 15, 15, 16, tzinfo=UTC)


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_person_page_shows_the_time_in_rome_not_in_beijing(client, cast, language):
    person = PersonFactory(unit=cast.district_a, country="IT", time_zone="Europe/Rome")
    client.force_login(cast.district_manager)
    timezone.activate("Asia/Shanghai")  # the reader's zone, as the middleware leaves it
    try:
        # The time-zone module's clock only (freezegun upsets the API's schema at import).
        with mock.patch("qiaolian.core.timezones.timezone", **{"now.return_value": ROME_AFTERNOON}):
            response = client.get(
                reverse("people:person_detail", args=[person.public_id]),
                headers={"accept-language": language},
            )
    finally:
        timezone.deactivate()
    text = response.content.decode()
    assert "2026-01-15 16:16" in text
    assert "23:16" not in text
    # The zone reads as a city and its offset, in the reader's language.
    assert ("罗马 (UTC+1)" if language == "zh-hans" else "Rome (UTC+1)") in text
    assert "Europe/Rome" not in text
