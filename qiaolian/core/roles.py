"""The built-in roles. Kept in step with the database after every migrate.

A built-in role is declared by verbs; it holds each verb in every declared domain that has it
("view" → "core.view", "people.view", "hotline.view", …). When an app with a new domain is
installed, the built-in roles gain that domain's actions after the next migrate; custom roles
do not (an administrator grants them).
"""

from django.db.models.signals import post_migrate

from qiaolian.core.scoping import Action, Narrowing, declared_actions

A = Action
BUILTIN_ROLES = {
    "unit_admin": {
        "name": "单位管理员",
        "name_en": "Unit administrator",
        # The only built-in role that approves (what someone else entered).
        "actions": list(Action),
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


def builtin_actions(verbs, domains: dict) -> list[str]:
    """The qualified actions of `verbs` over `domains` ({code: verbs})."""
    wanted = {Action(verb) for verb in verbs}
    return sorted(
        f"{code}.{verb.value}"
        for code, known in domains.items()
        for verb in known
        if verb in wanted
    )


def ensure_builtin_roles(**_kwargs) -> None:
    """Create missing built-in roles, and give each one the actions of any domain it holds
    nothing of yet (a newly installed app). An admin's later edits (e.g. requires_otp, an
    action removed inside a domain the role already knows) are kept."""
    from qiaolian.core.models import Role

    domains = declared_actions()
    for code, spec in BUILTIN_ROLES.items():
        role, created = Role.objects.get_or_create(
            code=code,
            defaults={
                **spec,
                "actions": builtin_actions(spec["actions"], domains),
                "is_builtin": True,
            },
        )
        if created:
            continue
        held = {action.partition(".")[0] for action in role.actions or ()}
        new = {name: verbs for name, verbs in domains.items() if name not in held}
        added = builtin_actions(spec["actions"], new)
        if added:
            role.actions = sorted({*(role.actions or ()), *added})
            role.save(update_fields=["actions"])


def connect(sender) -> None:
    post_migrate.connect(ensure_builtin_roles, sender=sender)
