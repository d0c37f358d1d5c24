"""The supplies app's in-app notifications (the bell): the unit's relief managers are told when
an association acknowledges a shipment or reports a need through its private link. The
services call these after their write; core's `notification_send` writes them on commit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qiaolian.core.models import Role, UnitRole, User
from qiaolian.core.scoping import Narrowing, ancestor_paths
from qiaolian.core.services import notification_send
from qiaolian.relief.apps import RELIEF


def relief_managers(unit: Any) -> list[User]:
    """The active users holding a whole-subtree relief.change at the nearest unit at or above
    `unit` that has some (who to tell, not what to show: the page checks scoping again)."""
    roles = {
        role.code
        for role in Role.objects.all()
        if role.narrowing == Narrowing.SUBTREE and role.grants(RELIEF.CHANGE)
    }
    rows = UnitRole.objects.filter(  # scoping: exempt, who to tell (not what to show)
        unit__path__in=[*ancestor_paths(unit.path), unit.path],
        unit__is_active=True,
        role__code__in=roles,
        user__is_active=True,
    ).values_list("unit__path", "user_id")
    by_path: dict[str, set[int]] = {}
    for path, user_id in rows:
        by_path.setdefault(path, set()).add(user_id)
    if not by_path:
        return []
    ids = by_path[max(by_path, key=len)]
    return list(User.objects.filter(pk__in=ids))  # scoping: exempt, as above


def shipment_acknowledged(*, shipment: Any) -> None:
    notification_send(
        recipients=relief_managers(shipment.unit),
        kind="relief.shipment_acknowledged",
        params={
            "number": shipment.number,
            "association": shipment.association.name,
            "name": shipment.acknowledged_by,
        },
        url=reverse("relief:shipment_detail", args=[shipment.public_id]),
    )


def need_reported(*, need: Any) -> None:
    notification_send(
        recipients=relief_managers(need.unit),
        kind="relief.need_reported",
        params={
            "association": need.association.name,
            "item": need.item.name,
            "quantity": f"{need.quantity:,}",
        },
        url=reverse("relief:need_detail", args=[need.public_id]),
    )
