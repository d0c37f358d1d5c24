"""The hotline's in-app notifications (the bell): who is told of an assignment, a transfer, a
deadline and a mention. The use cases in cases.py and sla.py call these after their write;
core's `notification_send` writes them once the transaction commits. E-mail (the SLA notice)
stays a second channel beside them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from qiaolian.core.apps import CORE
from qiaolian.core.models import Role, UnitRole, User
from qiaolian.core.scoping import Action, Narrowing, ancestor_paths
from qiaolian.core.services import notification_send
from qiaolian.hotline.domain import HOTLINE

# @username as Django's usernames allow it (letters, digits, @ . + - _), not inside an e-mail.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]+)")


def _params(case: Any) -> dict[str, str]:
    return {"number": case.number, "subject": case.subject}


def _url(case: Any) -> str:
    return reverse("hotline:case_detail", args=[case.public_id])


def unit_managers(unit: Any) -> list[User]:
    """The active users who manage the hotline of `unit`: the administrators (or, without
    any, the holders of a whole-subtree hotline CHANGE) of the nearest unit at or above it
    that has some."""
    subtree = [role for role in Role.objects.all() if role.narrowing == Narrowing.SUBTREE]
    admins = {role.code for role in subtree if role.grants(CORE.ADMIN)}
    roles = admins | {role.code for role in subtree if role.grants(HOTLINE.CHANGE)}
    rows = UnitRole.objects.filter(  # scoping: exempt, who to tell (not what to show)
        unit__path__in=[*ancestor_paths(unit.path), unit.path],
        unit__is_active=True,
        role__code__in=roles,
        user__is_active=True,
    ).values_list("unit__path", "role__code", "user_id")
    by_path: dict[str, dict[bool, set[int]]] = {}
    for path, code, user_id in rows:
        by_path.setdefault(path, {True: set(), False: set()})[code in admins].add(user_id)
    if not by_path:
        return []
    nearest = by_path[max(by_path, key=len)]
    ids = nearest[True] or nearest[False]
    return list(User.objects.filter(pk__in=ids))  # scoping: exempt, as above


def case_assigned(*, actor: Any, case: Any) -> None:
    if case.assignee_id:
        notification_send(
            recipients=[case.assignee],
            kind="hotline.assigned",
            params=_params(case),
            url=_url(case),
            actor=actor,
        )


def case_transferred(*, actor: Any, case: Any, old_unit: Any, old_assignee: Any | None) -> None:
    """The receiving unit's managers, the assignee (kept, or taken off by the transfer) and
    the watchers who still see the case."""
    recipients: list[Any] = [*unit_managers(case.unit), old_assignee, case.assignee]
    recipients += [user for user in case.watchers.all() if _sees(user, case)]
    notification_send(
        recipients=recipients,
        kind="hotline.transferred",
        params={**_params(case), "from_unit": old_unit.label, "to_unit": case.unit.label},
        url=_url(case),
        actor=actor,
    )


def _sees(user: Any, case: Any) -> bool:
    return type(case).objects.restrict(user, Action.VIEW).filter(pk=case.pk).exists()


def mentioned(text: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(text or "")))


def case_mentions(*, actor: Any, case: Any, text: str) -> list[User]:
    """Tell each @username of a comment who can see the case; returns who was told."""
    names = mentioned(text)
    if not names:
        return []
    users = User.objects.filter(username__in=names, is_active=True)  # scoping: exempt
    told = [user for user in users if _sees(user, case)]
    excerpt = " ".join(text.split())
    notification_send(
        recipients=told,
        kind="hotline.mentioned",
        params={
            **_params(case),
            "author": str(actor) if actor else "",
            "excerpt": excerpt[:80] + ("…" if len(excerpt) > 80 else ""),
        },
        url=_url(case),
        actor=actor,
    )
    return told


def case_deadline(*, case: Any, kind: str, due: str, recipients: Iterable[Any]) -> None:
    """The SLA sweep's warning ("warning") or breach ("breach") of one case."""
    notification_send(
        recipients=recipients,
        kind="hotline.deadline_near" if kind == "warning" else "hotline.deadline_passed",
        params={**_params(case), "due": due},
        url=_url(case),
    )
