"""The one time-zone module: stored names never break a page, typed names are checked, and the
four places that used to do this themselves (SLA calendars, volunteers, a person's page,
callbacks) give the same answers through it."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from qiaolian.core import timezones
from qiaolian.hotline.services import callbacks, sla
from qiaolian.hotline.services import volunteers as volunteer_services

NOON_UTC = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("name", ["Europe/Rome", "America/New_York", "Asia/Shanghai"])
def test_it_knows_iana_names(name):
    assert timezones.is_known(name)
    assert timezones.zone(name).key == name


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus", "../etc/passwd", "/abs", 42])
def test_an_unknown_or_blank_name_falls_back_to_the_federations_zone(name):
    # A bad stored name must never break a page: it counts in the federation's time.
    assert not timezones.is_known(name)
    assert timezones.zone(name).key == "Asia/Shanghai"


@override_settings(TIME_ZONE="Europe/Berlin")
def test_the_federations_zone_follows_the_setting():
    assert timezones.federation_zone_name() == "Europe/Berlin"
    assert timezones.zone("nowhere").key == "Europe/Berlin"
    assert timezones.zone("nowhere", default="Asia/Tokyo").key == "Asia/Tokyo"


def test_local_time_in_a_zone_and_the_choice_for_an_unknown_one():
    assert timezones.local_time("Europe/Rome", NOON_UTC).strftime("%H:%M") == "13:00"
    # Unknown: the default zone's time, or nothing when the page would rather show nothing.
    assert timezones.local_time("bogus", NOON_UTC).strftime("%H:%M") == "20:00"
    assert timezones.local_time("bogus", NOON_UTC, default="Europe/Rome").hour == 13
    assert timezones.local_time("bogus", NOON_UTC, default=None) is None
    assert timezones.local_time("", NOON_UTC, default=None) is None


def test_the_label_names_the_city_in_the_readers_language_and_the_offset():
    assert timezones.zone_label("America/New_York", NOON_UTC) == "New York (UTC-5)"
    assert timezones.zone_label("Europe/Rome", NOON_UTC) == "Rome (UTC+1)"
    assert timezones.zone_label("Asia/Kolkata", NOON_UTC) == "Kolkata (UTC+5:30)"
    assert timezones.zone_label("", NOON_UTC) == "Shanghai (UTC+8)"
    with translation.override("zh-hans"):
        assert timezones.zone_label("Europe/Rome", NOON_UTC) == "罗马 (UTC+1)"
        # Summer time moves the offset, not the city.
        july = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
        assert timezones.zone_label("Europe/Rome", july) == "罗马 (UTC+2)"
        # CLDR knows Kolkata by its old name, Calcutta.
        assert timezones.zone_label("Asia/Kolkata", NOON_UTC) == "加尔各答 (UTC+5:30)"


def test_no_label_shows_an_iana_name():
    with translation.override("zh-hans"):
        labels = dict(timezones.zone_choices(NOON_UTC))
    assert labels["Europe/Rome"] == "罗马 (UTC+1)"
    assert not [label for label in labels.values() if "/" in label or "_" in label]


def test_the_wall_clock_is_text_in_the_persons_zone():
    clock = timezones.wall_clock("Europe/Rome", NOON_UTC)
    assert (clock.time, clock.date, clock.datetime) == ("13:00", "2026-01-15", "2026-01-15 13:00")
    assert clock.hour == 13 and clock.label == "Rome (UTC+1)"
    assert timezones.wall_clock("bogus", NOON_UTC, default=None) is None
    assert timezones.wall_clock("bogus", NOON_UTC).zone_name == "Asia/Shanghai"


def test_check_zone_names_the_field_and_how_to_fix_it():
    assert timezones.check_zone("Europe/Rome") == "Europe/Rome"
    with pytest.raises(ValidationError) as caught:
        timezones.check_zone("Rome", field="tz")
    assert caught.value.message_dict == {
        "tz": ["Choose a time zone from the list, such as Europe/Rome."]
    }


def test_the_choices_are_region_city_names_only():
    names = dict(timezones.zone_choices())
    assert "Europe/Rome" in names and "Asia/Shanghai" in names
    assert "UTC" not in names and "EST" not in names


def test_the_four_former_helpers_now_agree():
    # SLA calendars, callbacks, the person page and the volunteer check all read zones here.
    assert sla._zone("Europe/Rome") is timezones.zone("Europe/Rome")
    assert sla._zone("bogus").key == "Asia/Shanghai"
    assert callbacks.zone("bogus") is timezones.zone("bogus")
    assert callbacks.local_time("Europe/Rome", NOON_UTC) == timezones.local_time(
        "Europe/Rome", NOON_UTC
    )
    assert callbacks.local_time("bogus", NOON_UTC).tzinfo.key == "Asia/Shanghai"
    assert callbacks.zone_label("Europe/Rome") == timezones.zone_label("Europe/Rome")
    assert volunteer_services.check_zone is timezones.check_zone
