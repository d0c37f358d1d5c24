"""Every state change of the core: one function per use case, one transaction, one audit row.

Signature habit: keyword-only, `actor` first. Each write re-checks, inside its transaction, that
the actor still reaches what it wrote (`assert_visible`), so a record cannot be pushed into a
unit the actor does not govern.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit
from qiaolian.core.models import (
    ApiToken,
    DictItem,
    DictType,
    Notification,
    PeriodicRun,
    Role,
    Unit,
    UnitRole,
    User,
)
from qiaolian.core.scoping import (
    Action,
    Narrowing,
    assert_visible,
    clear_grant_cache,
    expand_verbs,
    grant_roots,
    grants_for,
    qualify,
    require_unit,
)
from qiaolian.core.validation import clean_text, clean_texts

UNIT_FIELDS = ("code", "name", "name_en", "kind", "is_active")
USER_FIELDS = ("username", "display_name", "phone", "email", "home_unit", "is_active")
DICT_ITEM_FIELDS = ("value", "label", "label_en", "sort_order", "is_active")
ROLE_FIELDS = ("code", "name", "name_en", "actions", "narrowing", "requires_otp", "description")


ADMIN = qualify(Action.ADMIN, "core")
USERNAME_TAKEN = gettext_lazy(
    "This username is taken. Names that differ only in letter case or in full-width letters "
    "count as the same name."
)
CONFIGURE = qualify(Action.CONFIGURE, "core")


def _require(*, actor, action: Action, unit: Unit | None) -> None:
    """`action` on `unit` in core's domain (units, users and grants)."""
    require_unit(actor, qualify(action, "core"), unit, _("You do not manage this unit."))


def _require_whole_account(*, actor, user: User) -> None:
    """Whoever controls an account's login (password, email, phone, username, active) can act
    with all of its grants, so each of them must lie inside the actor's ADMIN subtrees.
    Otherwise a district administrator could take over a city-level account whose home unit
    happens to lie in the district (change its email, then reset its password)."""
    if actor.is_superuser or actor.pk == user.pk:
        return
    admin = grant_roots(actor, ADMIN)
    paths = UnitRole.objects.filter(user=user).values_list("unit__path", flat=True)
    if user.is_superuser or not all(any(p.startswith(root) for root in admin) for p in paths):
        raise PermissionDenied(_("You do not manage this user."))


def username_taken(username: str, *, exclude: User | None = None) -> bool:
    """Whether another account already has this name, after NFKC normalisation and in any
    letter case (login matches usernames case-insensitively, issue 10 finding 2)."""
    others = User.objects.filter(username__iexact=User.normalize_username(username))
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def _clean_user(user: User) -> None:
    """full_clean() with the username normalised first and a taken one (in any letter case)
    named on the username field, beside every other field's errors."""
    user.username = User.normalize_username((user.username or "").strip())
    errors: dict[str, list] = {}
    taken = bool(user.username) and username_taken(user.username, exclude=user)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors = {field: list(messages) for field, messages in exc.error_dict.items()}
    if taken:
        errors["username"] = [USERNAME_TAKEN]
        # The case-insensitive constraint says the same thing, without naming the field.
        rest = [e for e in errors.pop("__all__", []) if e.code != "username_taken"]
        if rest:
            errors["__all__"] = rest
    if errors:
        raise ValidationError(errors)


def _validate_password(password: str, user: User) -> None:
    """The password policy holds for every way a password is set, not only the forms."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


# --- units ---------------------------------------------------------------------------------


def _check_unit_code(unit: Unit) -> None:
    """Unit codes are unique regardless of letter case (the database only compares exactly),
    for the form and the API alike."""
    # scoping: exempt - a code is unique across the whole federation, seen or not
    others = Unit.objects.filter(code__iexact=unit.code)
    if unit.pk:
        others = others.exclude(pk=unit.pk)
    if others.exists():
        raise ValidationError({"code": _("This code is already used by another unit.")})


@transaction.atomic
def unit_create(
    *, actor, parent: Unit | None, code: str, name: str, kind: str, name_en: str = ""
) -> Unit:
    if parent is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only a system administrator can add a top-level unit."))
    else:
        _require(actor=actor, action=Action.ADMIN, unit=parent)
    values = clean_texts({"code": code, "name": name, "name_en": name_en})
    unit = Unit(code=values["code"], name=values["name"], name_en=values["name_en"], kind=kind)
    _check_unit_code(unit)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        unit = Unit.objects.add_root(instance=unit)
    else:
        unit = Unit.objects.add_child(parent, instance=unit)
    audit.record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes=audit.diff({}, audit.snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields: Any) -> Unit:
    """Rename or recode a unit (also used to (re)activate it)."""
    _require(actor=actor, action=Action.ADMIN, unit=unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ValueError(f"unit field {name!r} cannot be updated here")
        setattr(unit, name, clean_text(value, field=name))
    if "code" in fields:
        _check_unit_code(unit)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    changes = audit.diff(before, audit.snapshot(unit, UNIT_FIELDS))
    if changes:
        unit.save(update_fields=list(changes))
        # E.g. deactivating the unit of one's own grant would lock the actor out of it for good.
        clear_grant_cache(actor)
        assert_visible(actor, unit, Action.ADMIN)
        action = "unit.update"
        if "is_active" in changes:
            action = "unit.activate" if unit.is_active else "unit.deactivate"
        audit.record(actor=actor, action=action, obj=unit, changes=changes)
    return unit


def unit_deactivate(*, actor, unit: Unit) -> Unit:
    if unit.is_root():
        raise ValidationError(_("The top-level federation cannot be deactivated."))
    return unit_update(actor=actor, unit=unit, is_active=False)


def unit_activate(*, actor, unit: Unit) -> Unit:
    return unit_update(actor=actor, unit=unit, is_active=True)


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit (and its whole subtree) under another parent; paths are rewritten at once."""
    _require(actor=actor, action=Action.ADMIN, unit=unit)
    _require(actor=actor, action=Action.ADMIN, unit=new_parent)
    if unit.is_root():
        raise ValidationError(_("The top-level federation cannot be moved."))
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its sub-units."))
    old_parent = Unit.objects.get_parent(unit)
    if old_parent and old_parent.pk == new_parent.pk:
        return unit
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit = Unit.objects.get(pk=unit.pk)
    clear_grant_cache(actor)
    assert_visible(actor, unit, Action.ADMIN)
    audit.record(
        actor=actor,
        action="unit.move",
        obj=unit,
        changes={"parent": [str(old_parent), str(new_parent)]},
    )
    return unit


# --- users and grants ----------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    home_unit: Unit,
    password: str | None = None,
    display_name: str = "",
    phone: str | None = None,
    email: str | None = None,
) -> User:
    _require(actor=actor, action=Action.ADMIN, unit=home_unit)
    user = User(
        username=username.strip(),
        display_name=display_name.strip(),
        phone=phone or None,
        email=email or None,
        home_unit=home_unit,
    )
    _clean_user(user)
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    assert_visible(actor, user, Action.ADMIN)
    audit.record(
        actor=actor,
        action="user.create",
        obj=user,
        unit=home_unit,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, **fields: Any) -> User:
    _require(actor=actor, action=Action.ADMIN, unit=user.home_unit)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_whole_account(actor=actor, user=user)
    before = audit.snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(f"user field {name!r} cannot be updated here")
        setattr(user, name, value)
    if user.pk == actor.pk and not user.is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    _clean_user(user)
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if changes:
        update_fields = list(changes)
        if "is_active" in changes and not user.is_active:
            update_fields.append("session_salt")
            _end_access(actor=actor, user=user)
        user.save(update_fields=update_fields)
        assert_visible(actor, user, Action.ADMIN)
        audit.record(
            actor=actor, action="user.update", obj=user, unit=user.home_unit, changes=changes
        )
    return user


def _end_access(*, actor, user: User) -> None:
    """On deactivation: end every session and revoke every API token, for good. A new session
    salt fails the session hash of every session opened before it, so reactivating the account
    brings none of them back (Django flushes such a session at its next request); revoked
    tokens stay revoked."""
    user.session_salt = secrets.token_hex(16)
    now = timezone.now()
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            unit=user.home_unit,
            message="user deactivated",
        )


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> None:
    """Set a password (an admin resetting it, or the user changing their own)."""
    if actor.pk != user.pk:
        _require(actor=actor, action=Action.ADMIN, unit=user.home_unit)
        _require_whole_account(actor=actor, user=user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="user.set_password", obj=user, unit=user.home_unit)


@transaction.atomic
def role_grant(*, actor, user: User, unit: Unit, role: Role) -> UnitRole:
    """Give `user` `role` over `unit`. Only roles whose actions the actor holds can be given."""
    _require(actor=actor, action=Action.ADMIN, unit=unit)
    if not User.objects.restrict(actor, Action.ADMIN).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You do not manage this user."))
    if not actor.is_superuser:
        # A bare verb in a role stands for the verb in every domain.
        actions = {a for v in role.actions for a in ([v] if "." in v else expand_verbs([v]))}
        for value in sorted(actions):
            # The actor must hold each action over this unit, and at least as widely: a grant
            # narrowed to assigned/own records cannot hand out a whole-subtree one.
            if not any(
                unit.path.startswith(g.path) and g.narrowing in (Narrowing.SUBTREE, role.narrowing)
                for g in grants_for(actor, value)
            ):
                raise PermissionDenied(_("You cannot grant a role with more rights than yours."))
    grant, created = UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record(
            actor=actor,
            action="user.grant",
            obj=user,
            unit=unit,
            changes={"grant": [None, f"{role.code}@{unit.code}"]},
        )
    clear_grant_cache(user)
    return grant


@transaction.atomic
def role_revoke(*, actor, grant: UnitRole) -> None:
    _require(actor=actor, action=Action.ADMIN, unit=grant.unit)
    if grant.user_id == actor.pk and grant.role.grants(ADMIN):
        raise ValidationError(_("You cannot remove your own administrator grant."))
    label = f"{grant.role.code}@{grant.unit.code}"
    UnitRole.objects.filter(pk=grant.pk).delete()
    audit.record(
        actor=actor,
        action="user.revoke",
        obj=grant.user,
        unit=grant.unit,
        changes={"grant": [label, None]},
    )
    clear_grant_cache(grant.user)


# --- dictionaries --------------------------------------------------------------------------


def can_configure(actor) -> bool:
    """Dictionaries are federation-wide, so only CONFIGURE held at a root unit counts."""
    return any(len(path) == Unit.steplen for path in grant_roots(actor, CONFIGURE))


def _require_configure(*, actor) -> None:
    if not can_configure(actor=actor):
        raise PermissionDenied(_("Only the city federation's administrators edit dictionaries."))


@transaction.atomic
def dict_item_save(
    *, actor, dict_type: DictType, item: DictItem | None = None, **fields
) -> DictItem:
    """Create (item=None) or update an option of a dictionary."""
    _require_configure(actor=actor)
    if item is not None:
        # "Before" comes from the database: a ModelForm has already copied the new values onto
        # the caller's instance. The lookup also keeps the item inside this dictionary.
        item = DictItem.objects.select_for_update().get(pk=item.pk, dict_type=dict_type)
    before = audit.snapshot(item, DICT_ITEM_FIELDS) if item else {}
    item = item or DictItem(dict_type=dict_type)
    for name, value in fields.items():
        if name not in DICT_ITEM_FIELDS:
            raise ValueError(f"dictionary field {name!r} cannot be set here")
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit.record(
        actor=actor,
        action="dict.item_save",
        obj=item,
        changes=audit.diff(before, audit.snapshot(item, DICT_ITEM_FIELDS)),
        message=dict_type.code,
    )
    return item


@transaction.atomic
def role_save(*, actor, role: Role | None = None, **fields) -> Role:
    """Create (role=None) or update a role. Roles are federation-wide, like dictionaries."""
    _require_configure(actor=actor)
    if role is not None:
        role = Role.objects.select_for_update().get(pk=role.pk)  # see dict_item_save
    before = audit.snapshot(role, ROLE_FIELDS) if role else {}
    role = role or Role()
    for name, value in fields.items():
        if name not in ROLE_FIELDS or (name == "code" and role.is_builtin):
            raise ValueError(f"role field {name!r} cannot be set here")
        setattr(role, name, value)
    role.actions = sorted({str(a) for a in role.actions or ()})
    role.full_clean()
    role.save()
    audit.record(
        actor=actor,
        action="role.save",
        obj=role,
        unit=actor.home_unit,
        changes=audit.diff(before, audit.snapshot(role, ROLE_FIELDS)),
    )
    return role


# --- API tokens ----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """A new token for the actor. The secret is returned once and never stored."""
    secret = "ql_" + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken(
        user=actor,
        name=name.strip() or "API",
        prefix=secret[:10],
        key_hash=ApiToken.hash_key(secret),
        expires_at=expires,
    )
    token.full_clean()
    token.save()
    audit.record(actor=actor, action="api_token.create", obj=token, unit=actor.home_unit)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        _require(actor=actor, action=Action.ADMIN, unit=token.user.home_unit)
    # Revoking twice keeps the first revocation time and writes no second audit row.
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        audit.record(actor=actor, action="api_token.revoke", obj=token, unit=token.user.home_unit)


# --- notifications ------------------------------------------------------------------------


def notification_send(
    *,
    recipients,
    kind: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    actor=None,
) -> list[Notification]:
    """Put a notification in each recipient's bell (the apps call this; e-mail, where an app
    sends it, is a second channel beside it). `kind` is a `NotificationKind` some app declares;
    `params` fill its text when read, in the reader's language. The actor is not told of what
    they did themselves; inactive users and repeats are skipped. Sent after the commit of the
    write that caused it, so a rolled-back write notifies nobody.

    Not audited: a notification is the consequence of a write that has its own audit row."""
    from qiaolian.core import registry

    if kind not in registry.notification_kinds():
        raise ValueError(f"unknown notification kind: {kind}")
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                params={key: str(value) for key, value in (params or {}).items()},
                url=url,
                actor=actor if actor is not None and actor.pk else None,
            )
        )

    def write() -> None:
        Notification.objects.bulk_create(rows)

    transaction.on_commit(write)
    return rows


def notification_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one of the actor's notifications read, or all of them (None). Returns how many."""
    unread = Notification.objects.for_recipient(actor).unread()
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def periodic_run_claim(*, name: str, every: int) -> bool:
    """Claim this period's run of a periodic task; True for exactly one caller per period.

    Not audited: it is the workers' bookkeeping, not a user's write.
    """
    now = timezone.now()
    PeriodicRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
    claimed = PeriodicRun.objects.filter(name=name, next_run_at__lte=now).update(
        next_run_at=now + timedelta(seconds=every), last_run_at=now
    )
    return claimed == 1
