"""Time zones by IANA name: one place that turns a stored name into a zone, checks a typed one,
gives someone's wall-clock time and labels a zone for people.

Names are stored as text (a person's, a volunteer's, a callback's, an SLA calendar's zone), so
an old or mistyped one must never break a page: `zone()` falls back to the federation's zone
and `local_time(..., default=None)` answers None. Writes check the name with `check_zone()`.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core.validation import is_valid_zone

# The federation works in Beijing time; `settings.TIME_ZONE` says so for a deployment.
FEDERATION_TIME_ZONE = "Asia/Shanghai"


def federation_zone_name() -> str:
    return getattr(settings, "TIME_ZONE", "") or FEDERATION_TIME_ZONE


@functools.lru_cache(maxsize=256)
def _load(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        # ValueError: a path-like or empty key; TypeError: not a string at all.
        return None


def is_known(name: str | None) -> bool:
    return bool(name) and _load(str(name)) is not None


def zone(name: str | None, default: str | None = None) -> zoneinfo.ZoneInfo:
    """The zone called `name`; blank or unknown gives `default` (the federation's zone)."""
    found = _load(name) if name else None
    if found is not None:
        return found
    fallback = _load(default or federation_zone_name())
    return fallback or zoneinfo.ZoneInfo(FEDERATION_TIME_ZONE)


def local_time(
    name: str | None, at: datetime | None = None, *, default: str | None = ""
) -> datetime | None:
    """`at` (default now) as wall-clock time in zone `name`.

    A blank or unknown name gives the time in `default` (the federation's zone when "", as
    callbacks need a zone to check against), or None when `default` is None (a page that
    would rather show nothing than a guess).
    """
    moment = at or timezone.now()
    if is_known(name):
        return moment.astimezone(zone(name))
    if default is None:
        return None
    return moment.astimezone(zone(default or federation_zone_name()))


def zone_label(name: str | None) -> str:
    """ "Rome (Europe/Rome)": the zone's city for people, the IANA name for precision."""
    name = name or federation_zone_name()
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} ({name})"


def check_zone(name: str, *, field: str = "time_zone", message: str = "") -> str:
    """`name` when it is a known zone; otherwise a ValidationError on `field`."""
    if not is_valid_zone(name):  # an IANA name only (core.validation), never a path
        raise ValidationError(
            {field: message or _("Choose a time zone from the list, such as Europe/Rome.")}
        )
    return name


@functools.cache
def zone_names() -> tuple[str, ...]:
    """The zones people pick from: "Region/City" names, sorted (no bare "EST" or "UTC")."""
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z))


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in zone_names()]
