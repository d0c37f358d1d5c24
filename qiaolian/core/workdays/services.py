"""Writes to the working calendar: only a city administrator (CONFIGURE at a root unit), each
write one transaction with one audit row. The calendar is federation-wide: it belongs to no
unit, so its audit rows carry none (they are the root's to read)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.models import CalendarDay, CalendarYear
from qiaolian.core.services import can_configure
from qiaolian.core.workdays.query import schedule_changed

DAY_FIELDS = ("date", "kind", "name", "name_en")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_calendar_admin(*, actor) -> None:
    if not can_configure(actor=actor):
        raise PermissionDenied(
            _("Only the city federation's administrators edit the working calendar.")
        )


def _entered_year(year: int) -> CalendarYear:
    """The year's row, locked and marked as entered by an administrator: from now on the
    library seed leaves it alone."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"date": _("Pick a date between 2000 and 2100.")})
    row, _created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"source": CalendarYear.Source.ADMIN}
    )
    if row.source != CalendarYear.Source.ADMIN:
        row.source = CalendarYear.Source.ADMIN
        row.save(update_fields=["source", "updated_at"])
    return row


@transaction.atomic
def calendar_day_save(
    *,
    actor,
    day: CalendarDay | None = None,
    date: dt.date,
    kind: str,
    name: str,
    name_en: str = "",
) -> CalendarDay:
    """Add (day=None) or change a holiday or make-up working day."""
    _require_calendar_admin(actor=actor)
    before = {}
    if day is not None:
        # "Before" from the database: a ModelForm has already copied the new values over.
        day = CalendarDay.objects.select_for_update().get(pk=day.pk)
        before = audit.snapshot(day, DAY_FIELDS)
    if kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        raise ValidationError(
            {"date": _("A make-up working day is a Saturday or Sunday; weekdays already count.")}
        )
    clash = CalendarDay.objects.filter(date=date)
    if day is not None:
        clash = clash.exclude(pk=day.pk)
    if clash.exists():
        raise ValidationError({"date": _("This date is already in the calendar.")})
    row = _entered_year(date.year)
    if day is not None and day.year_id != row.pk:
        _entered_year(day.date.year)  # the year it leaves changes too
    day = day or CalendarDay()
    day.year, day.date, day.kind, day.name, day.name_en = row, date, kind, name, name_en
    day.full_clean()
    day.save()
    audit.record(
        actor=actor,
        action="calendar.day_save",
        obj=day,
        changes=audit.diff(before, audit.snapshot(day, DAY_FIELDS)),
        message=str(date.year),
    )
    schedule_changed()
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    _require_calendar_admin(actor=actor)
    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    _entered_year(day.date.year)
    before = audit.snapshot(day, DAY_FIELDS)
    audit.record(
        actor=actor,
        action="calendar.day_delete",
        obj=day,
        changes={name: [value, None] for name, value in before.items()},
        message=str(day.date.year),
    )
    day.delete()
    schedule_changed()


@transaction.atomic
def calendar_year_confirm(*, actor, year: int) -> CalendarYear:
    """Record that the year's schedule matches the State Council's notice. A confirmed year
    is never refreshed from the libraries again."""
    _require_calendar_admin(actor=actor)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("Pick a year between 2000 and 2100."))
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    if row is None or not row.days.exists():
        raise ValidationError(_("Enter the year's holidays before confirming it."))
    before = audit.snapshot(row, ("confirmed_at", "confirmed_by"))
    row.confirmed_at = timezone.now()
    row.confirmed_by = actor
    row.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    audit.record(
        actor=actor,
        action="calendar.year_confirm",
        obj=row,
        changes=audit.diff(before, audit.snapshot(row, ("confirmed_at", "confirmed_by"))),
        message=str(year),
    )
    schedule_changed()
    return row
