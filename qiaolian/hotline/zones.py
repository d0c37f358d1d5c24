"""Where the hotline's callers are: their time zone and wall-clock time, and their daytime.

The daytime window is 09:00–21:00 in the requester's zone (`DAY_START`/`DAY_END`; a deployment
may set `HOTLINE_CALLBACK_DAYTIME = ("08:00", "22:00")`). A zone comes from what is stored
(the case's, the person's), else from the person's country and phone, else from the number.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings

from qiaolian.core import timezones
from qiaolian.hotline.memo import page_memo
from qiaolian.hotline.models import Case
from qiaolian.people.models import Person
from qiaolian.people.normalize import time_zone_for

HOTLINE_TIME_ZONE = "Asia/Shanghai"
DAY_START = time(9, 0)
DAY_END = time(21, 0)


def daytime_window() -> tuple[time, time]:
    configured = getattr(settings, "HOTLINE_CALLBACK_DAYTIME", None)
    if configured:
        start, end = configured
        return time.fromisoformat(str(start)), time.fromisoformat(str(end))
    return DAY_START, DAY_END


def local_time(tz_name: str, at: datetime | None = None) -> datetime:
    """`at` (default now) as wall-clock time in `tz_name` (an unknown zone: the hotline's)."""
    local = timezones.local_time(tz_name, at, default=HOTLINE_TIME_ZONE)
    assert local is not None  # a default zone always gives a time
    return local


def in_daytime(local: datetime, window: tuple[time, time] | None = None) -> bool:
    start, end = window or daytime_window()
    wall = local.time().replace(second=0, microsecond=0)
    return start <= wall <= end


def zone_for_number(e164: str) -> str:
    return time_zone_for(phone_e164=e164) or HOTLINE_TIME_ZONE


def zone_for_person(person: Person, e164: str = "", default: str | None = None) -> str:
    """The person's stored zone, else one derived from their country and this phone, else
    `default` (the hotline's own zone unless given)."""
    if person.time_zone:
        return person.time_zone
    return (
        time_zone_for(country=str(person.country or ""), phone_e164=e164)
        or (zone_for_number(e164) if e164 else "")
        or (HOTLINE_TIME_ZONE if default is None else default)
    )


def known_time_zone(case: Case) -> str:
    """The zone stored on the case, else the requester's, else derived from their country or
    the quick contact's phone; "" when nothing tells it."""
    return page_memo(case, "known_time_zone", lambda: _known_time_zone(case))


def _known_time_zone(case: Case) -> str:
    if case.requester_time_zone:
        return case.requester_time_zone
    if case.requester_id:
        phone = case.requester.contacts.filter(kind="phone").first()
        return zone_for_person(case.requester, phone.normalized if phone else "", default="")
    if case.contact_phone_e164:
        return zone_for_number(case.contact_phone_e164)
    return ""


def requester_time_zone(case: Case) -> str:
    """`known_time_zone`, else the hotline's own (callbacks need a zone to check against)."""
    return known_time_zone(case) or HOTLINE_TIME_ZONE
