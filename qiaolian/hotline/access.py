"""Who may do what to a case beyond `restrict()`: manage it (assign, transfer, make survey
links), be its assignee, read its confidential notes."""

from __future__ import annotations

from qiaolian.core.apps import CORE
from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Case


def can_manage(user, case: Case) -> bool:
    """Assigning and transferring need CHANGE on the case's unit itself, not only on the case:
    a volunteer (CHANGE narrowed to their cases) answers a case but does not hand it out."""
    return Unit.objects.restrict(user, HOTLINE.CHANGE).filter(pk=case.unit_id).exists()


def can_read_notes(user, case: Case) -> bool:
    """Confidential notes: the assignee, and holders of ADMIN on the case's unit."""
    if not Case.objects.restrict(user, Action.VIEW).filter(pk=case.pk).exists():
        return False
    if case.assignee_id is not None and case.assignee_id == user.pk:
        return True
    return Unit.objects.restrict(user, CORE.ADMIN).filter(pk=case.unit_id).exists()
