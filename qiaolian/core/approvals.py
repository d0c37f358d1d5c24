"""Separation of duties: who entered a record cannot approve it (ledgers, appeals).

`require_approver()` is the one guard an approving service calls inside its transaction, the
way `require_unit()` guards writes: the actor must hold the domain's APPROVE on the record, and
must not be the one who entered it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from qiaolian.core.scoping import Action, model_domain, qualify, verb_of


def require_approver(
    *,
    actor: Any,
    record: models.Model,
    entered_by_field: str = "created_by",
    action: str = Action.APPROVE,
) -> None:
    """Raise PermissionDenied unless `actor` may approve `record`.

    `action` is an approving action ("giving.approve"); a bare APPROVE takes the record's
    domain. `entered_by_field` names the foreign key to the user who entered the record.
    """
    action = qualify(action, model_domain(type(record)))
    if verb_of(action) != Action.APPROVE:
        raise ValueError(f"{action!r} is not an approving action")
    entered_by = getattr(record, f"{entered_by_field}_id", None)
    if entered_by is not None and actor is not None and entered_by == actor.pk:
        raise PermissionDenied(_("You entered this record, so someone else must approve it."))
    manager: Any = type(record)._default_manager
    if not manager.restrict(actor, action).filter(pk=record.pk).exists():
        raise PermissionDenied(_("You may not approve this record."))
