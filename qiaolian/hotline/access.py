"""Who may do what to a case beyond `restrict()`: manage it (assign, transfer, make survey
links), be its assignee, read its confidential notes."""

from __future__ import annotations

from qiaolian.core.models import Unit, User
from qiaolian.core.scoping import Action, grants_for
from qiaolian.hotline.models import Case


def can_manage(user, case: Case) -> bool:
    """Assigning and transferring need CHANGE on the case's unit itself, not only on the case:
    a volunteer (CHANGE narrowed to their cases) answers a case but does not hand it out."""
    return Unit.objects.restrict(user, Action.CHANGE).filter(pk=case.unit_id).exists()


def can_view_unit(user: User | None, unit: Unit) -> bool:
    """Whether `user` holds VIEW somewhere above or at `unit` (narrowed grants count: a
    volunteer granted at the unit sees the cases assigned to them there)."""
    if user is None or not user.is_active:
        return False
    return any(unit.path.startswith(grant.path) for grant in grants_for(user, Action.VIEW))


def can_read_notes(user, case: Case) -> bool:
    """Confidential notes: the assignee, and holders of ADMIN on the case's unit."""
    if not Case.objects.restrict(user, Action.VIEW).filter(pk=case.pk).exists():
        return False
    if case.assignee_id is not None and case.assignee_id == user.pk:
        return True
    return Unit.objects.restrict(user, Action.ADMIN).filter(pk=case.unit_id).exists()
