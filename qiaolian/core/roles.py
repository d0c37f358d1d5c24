"""The built-in roles. Kept in step with the database after every migrate."""

from django.db.models.signals import post_migrate

from qiaolian.core.scoping import Action, Narrowing

A = Action
BUILTIN_ROLES = {
    "unit_admin": {
        "name": "单位管理员",
        "name_en": "Unit administrator",
        "actions": [a.value for a in Action],
        "narrowing": Narrowing.SUBTREE,
    },
    "staff": {
        "name": "工作人员",
        "name_en": "Staff",
        "actions": [A.VIEW, A.ADD, A.CHANGE, A.DELETE, A.EXPORT],
        "narrowing": Narrowing.SUBTREE,
    },
    "readonly": {
        "name": "只读",
        "name_en": "Read-only",
        "actions": [A.VIEW],
        "narrowing": Narrowing.SUBTREE,
    },
    "liaison": {
        "name": "联络员",
        "name_en": "Liaison officer",
        "actions": [A.VIEW, A.ADD, A.CHANGE],
        "narrowing": Narrowing.ASSIGNED,
    },
    "volunteer": {
        "name": "志愿者",
        "name_en": "Volunteer",
        "actions": [A.VIEW, A.CHANGE],
        "narrowing": Narrowing.ASSIGNED,
    },
    "portal": {
        "name": "门户用户",
        "name_en": "Portal user",
        "actions": [A.VIEW, A.CHANGE],
        "narrowing": Narrowing.OWN,
    },
}


def ensure_builtin_roles(**_kwargs) -> None:
    """Create missing built-in roles; an admin's later edits (e.g. requires_otp) are kept."""
    from qiaolian.core.models import Role

    for code, spec in BUILTIN_ROLES.items():
        Role.objects.get_or_create(
            code=code,
            defaults={
                **spec,
                "actions": [str(a) for a in spec["actions"]],
                "is_builtin": True,
            },
        )


def connect(sender) -> None:
    post_migrate.connect(ensure_builtin_roles, sender=sender)
