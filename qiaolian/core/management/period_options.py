"""The options that every figures command shares: `--unit CODE --from DATE --to DATE --as USER`.

Without `--as` the console reads the whole federation, as whoever holds the database already
can. The period defaults to the last 365 days up to today. An unknown unit or user, a malformed
date or a reversed period is a message on stderr and exit status 2.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError

from qiaolian.core.figures import Period, default_period
from qiaolian.core.models import Unit, User


def add_period_arguments(parser: Any) -> None:
    parser.add_argument("--unit", help="unit code (default: every unit in scope)")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="last day (included), YYYY-MM-DD")
    parser.add_argument("--as", dest="username", help="read as this user (their scope)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-04-05",
            returncode=2,
        ) from None


def read_period_options(options: dict[str, Any]) -> tuple[User, Unit | None, Period]:
    """(reader, unit or None, period) from the parsed options."""
    last = _date(options.get("end"), "--to") or default_period().end
    first = _date(options.get("start"), "--from") or default_period(last).start
    if last < first:
        raise CommandError(f"--to {last} is before --from {first}", returncode=2)
    username = options.get("username")
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.", returncode=2)
    else:
        user = User(username="console", is_superuser=True, is_active=True)
    chosen = None
    if options.get("unit"):
        chosen = Unit.objects.filter(code=options["unit"]).first()
        if chosen is None:
            raise CommandError(f"No unit with code {options['unit']!r}.", returncode=2)
    return user, chosen, Period(first, last)


def out_of_scope(options: dict[str, Any]) -> CommandError:
    return CommandError(
        f"Unit {options.get('unit')!r} is outside the scope of {options.get('username')!r}.",
        returncode=2,
    )
