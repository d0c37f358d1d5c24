"""Time zones by IANA name: one place that turns a stored name into a zone, checks a typed one,
gives someone's wall-clock time and labels a zone for people.

People never read an IANA name: a zone is shown as its city in the reader's language with its
offset now, "罗马 (UTC+1)" / "Rome (UTC+1)" (`zone_label`; the cities come from CLDR through
Babel). Someone's local time is a `WallClock` (`wall_clock`): its text is formatted in their
zone, so a template cannot convert it back to the reader's zone by accident (a template shows
an aware datetime in the active zone unless told otherwise: the person page showed Beijing
time as the person's).

Names are stored as text (a person's, a volunteer's, a callback's, an SLA calendar's zone), so
an old or mistyped one must never break a page: `zone()` falls back to the federation's zone
and `local_time(..., default=None)` answers None. Writes check the name with `check_zone()`.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
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


@dataclass(frozen=True)
class WallClock:
    """Someone's wall-clock time: the moment in their zone, with text already formatted there
    (templates show `.time`, `.date`, `.datetime`, never a datetime they might convert)."""

    moment: datetime  # aware, in `zone_name`
    zone_name: str

    @property
    def time(self) -> str:
        return f"{self.moment:%H:%M}"

    @property
    def date(self) -> str:
        return f"{self.moment:%Y-%m-%d}"

    @property
    def datetime(self) -> str:
        return f"{self.moment:%Y-%m-%d %H:%M}"

    @property
    def hour(self) -> int:
        return self.moment.hour

    @property
    def label(self) -> str:
        return zone_label(self.zone_name, self.moment)

    def __str__(self) -> str:
        return self.datetime


def wall_clock(
    name: str | None, at: datetime | None = None, *, default: str | None = ""
) -> WallClock | None:
    """`at` (default now) on the wall clock of zone `name` (an unknown or blank one as
    `local_time` says: the default zone's, or None when `default` is None)."""
    moment = local_time(name, at, default=default)
    if moment is None:
        return None
    return WallClock(moment, getattr(moment.tzinfo, "key", "") or federation_zone_name())


def utc_offset(name: str | None, at: datetime | None = None) -> str:
    """ "UTC+1", "UTC+5:30", "UTC-3", "UTC+0": the zone's offset at `at` (default now)."""
    offset = (at or timezone.now()).astimezone(zone(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC+0"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _babel_locale(language: str | None) -> str:
    return "zh_Hans_CN" if (language or get_language() or "").lower().startswith("zh") else "en"


@functools.cache
def _aliases() -> dict[str, tuple[str, ...]]:
    """CLDR keeps some zones under older names (Asia/Calcutta for Asia/Kolkata), and some
    older names are links to a current zone: each name with the others CLDR may know it by."""
    from babel.core import get_global

    found: dict[str, list[str]] = {}
    for old, new in get_global("zone_aliases").items():
        found.setdefault(new, []).append(old)
        found.setdefault(old, []).append(new)
    return {name: tuple(others) for name, others in found.items()}


@functools.lru_cache(maxsize=2048)
def city_name(name: str, language: str | None = None) -> str:
    """The zone's city in `language` (default: the active one): 罗马 / Rome; the name's last
    part when CLDR has none."""
    from babel import Locale

    zones = Locale.parse(_babel_locale(language)).time_zones
    for key in (name, *_aliases().get(name, ())):
        city = zones.get(key, {}).get("city")
        if city:
            return str(city)
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(name: str | None, at: datetime | None = None) -> str:
    """ "罗马 (UTC+1)" / "Rome (UTC+1)": the zone's city in the reader's language and its
    offset at `at` (default now). A blank or unknown name labels the federation's zone."""
    key = name if is_known(name) else federation_zone_name()
    assert key is not None
    if key.startswith("Etc/") or "/" not in key:
        return utc_offset(key, at)
    language = "zh" if _babel_locale(None).startswith("zh") else "en"
    return f"{city_name(key, language)} ({utc_offset(key, at)})"


def check_zone(name: str, *, field: str = "time_zone", message: str = "") -> str:
    """`name` when it is a known zone; otherwise a ValidationError on `field`."""
    if not is_valid_zone(name):  # an IANA name only (core.validation), never a path
        raise ValidationError(
            {field: message or _("Choose a time zone from the list, such as Europe/Rome.")}
        )
    return name


# Legacy names kept by the tz database for old systems; nobody picks "US/Eastern" or "Etc/GMT+5".
_LEGACY_PREFIXES = ("Etc/", "US/", "SystemV/", "Canada/", "Brazil/", "Chile/", "Mexico/")


@functools.cache
def zone_names() -> tuple[str, ...]:
    """The zones people pick from: "Region/City" names, sorted (no bare "EST" or "UTC", no
    legacy "US/Eastern")."""
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if "/" in z and not z.startswith(_LEGACY_PREFIXES) and _has_chinese_city(z)
        )
    )


def _has_chinese_city(name: str) -> bool:
    """CLDR names the zone's city in Chinese (the few it does not are old aliases such as
    "America/Fort_Wayne"; they stay valid when typed, but are not offered in the pickers)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in city_name(name, "zh"))


def zone_choices(at: datetime | None = None) -> list[tuple[str, str]]:
    """(IANA name, label) for every zone people pick from, by offset, then by label; a
    searchable select finds a city by typing it in the reader's language."""
    moment = at or timezone.now()
    rows = [(zone(name).utcoffset(moment.replace(tzinfo=None)), name) for name in zone_names()]
    rows.sort(key=lambda row: (row[0] or timedelta(0), zone_label(row[1], moment)))
    return [(name, zone_label(name, moment)) for _offset, name in rows]
