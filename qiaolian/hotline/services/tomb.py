"""Proxy and cloud tomb-sweeping (代为祭扫 / 云祭扫): orders, scheduling, fulfilment with proof,
and the private link through which the requester abroad sees the proof.

Who may do what:
- create, edit, schedule, cancel, share: staff holding the action on the order's unit
  (`require_unit`); a volunteer's narrowed grant does not reach the unit itself;
- fulfil (upload proof): anyone who may CHANGE the order, which includes the performer and the
  case's assignee (`TombSweepingOrder.assigned_to`).

Proof files are checked by their bytes (`core.files`), stored in the private storage with a
random name, and only ever served through views that check scope or the share
token; the share link is a core.PrivateLink (only its token's digest is stored).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit, private_links
from qiaolian.core import files as filekit
from qiaolian.core.models import User
from qiaolian.core.scoping import Action, require_unit
from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.core.versioning import bump
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import (
    Case,
    Channel,
    EventKind,
    Priority,
    TombKind,
    TombProof,
    TombStatus,
    TombSweepingOrder,
)
from qiaolian.hotline.services import cases
from qiaolian.hotline.timeline import add_event

TOMB_CATEGORY = "tomb_sweeping"
ORDER_FIELDS = (
    "kind",
    "deceased_name",
    "cemetery",
    "grave_location",
    "service_date",
    "rites",
)
SHARE_DAYS = 30
LINK_PURPOSE = "hotline.tomb_proof"  # the purpose of its core.PrivateLink
SHARE_MAX_DAYS = 365
SEASON_HALF_WIDTH = 7  # a season is the 15 days centred on the solar term

PHOTO_MAX_BYTES = 20 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024
MAX_FILES = 20


# --- timeline -----------------------------------------------------------------------------


def _case_event(case: Case, kind: str, actor: Any, *, text: str = "", data: dict | None = None):
    return add_event(case, kind, actor, text=text, data=data or {})


# --- proof files: the type comes from the bytes -------------------------------------------

PROOFS = filekit.register_use(
    "hotline.proof",
    ("jpeg", "png", "webp", "mp4"),
    {"*": PHOTO_MAX_BYTES, "mp4": VIDEO_MAX_BYTES},
    type_message=gettext_lazy(
        "“%(name)s” is not a JPEG, PNG or WebP photo or an MP4 video (its content was "
        "checked, not its name: it is %(found)s). Upload the original photo or video."
    ),
    size_messages={
        "*": gettext_lazy("The photo “%(name)s” is %(size)s; a photo may be at most %(limit)s."),
        "mp4": gettext_lazy("The video “%(name)s” is %(size)s; a video may be at most %(limit)s."),
    },
)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    is_video: bool


def photo_max_bytes() -> int:
    return int(getattr(settings, "HOTLINE_PROOF_PHOTO_MAX_BYTES", PROOFS.limit_for("jpeg")))


def video_max_bytes() -> int:
    return int(getattr(settings, "HOTLINE_PROOF_VIDEO_MAX_BYTES", PROOFS.limit_for("mp4")))


def max_files() -> int:
    return int(getattr(settings, "HOTLINE_PROOF_MAX_FILES", MAX_FILES))


def _proof_use() -> filekit.Use:
    """The proof use with the limits of the HOTLINE_PROOF_* settings, which predate the kit's
    FILE_LIMITS and still win."""
    limits = {"*": photo_max_bytes(), "mp4": video_max_bytes()}
    return dataclasses.replace(PROOFS, limits=limits)


def check_upload(upload: Any) -> Sniffed:
    """The sniffed type of one upload, or a ValidationError naming the file and the fix."""
    kind = filekit.check_upload(upload, _proof_use())
    return Sniffed(kind.content_type, kind.extension, kind.name == "mp4")


def check_uploads(uploads: list) -> list[Sniffed]:
    """Check every file; all errors are reported together and nothing is kept if one fails."""
    if not uploads:
        raise ValidationError(_("Upload at least one photo or video as proof of the service."))
    if len(uploads) > max_files():
        raise ValidationError(
            _("At most %(count)d files can be uploaded at once.") % {"count": max_files()}
        )
    kinds, errors = [], []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return kinds


# --- orders -------------------------------------------------------------------------------


def _require_case(actor, case: Case) -> None:
    if not Case.objects.restrict(actor, Action.CHANGE).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not change this case."))


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ORDER_FIELDS)
    if unknown:
        raise ValueError(f"tomb order fields {sorted(unknown)} cannot be set here")
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def _full_clean(order: TombSweepingOrder) -> None:
    order.full_clean(exclude=["case", "unit"], validate_unique=False)


@transaction.atomic
def order_create(*, actor, case: Case, **fields: Any) -> TombSweepingOrder:
    """A tomb-sweeping order for an existing case of the tomb-sweeping category."""
    require_unit(actor, HOTLINE.ADD, case.unit)  # before saying anything about the case
    _require_case(actor, case)
    if case.category != TOMB_CATEGORY:
        raise ValidationError(
            _("Only a case of the category “proxy tomb-sweeping” can carry a tomb-sweeping order.")
        )
    if TombSweepingOrder.objects.filter(case=case).exists():
        raise ValidationError(_("This case already has a tomb-sweeping order."))
    order = TombSweepingOrder(case=case, unit=case.unit, **_clean_fields(fields))
    create_scoped(
        actor=actor,
        obj=order,
        action=Action.ADD,
        audit_action="tomb.create",
        fields=ORDER_FIELDS,
        clean=_full_clean,
    )
    _case_event(
        case,
        EventKind.EDIT,
        actor,
        text=_("Tomb-sweeping order created: %(cemetery)s, %(date)s")
        % {"cemetery": order.cemetery, "date": order.service_date},
        data={"tomb_order": str(order.public_id)},
    )
    return order


@transaction.atomic
def order_open(
    *,
    actor,
    unit,
    subject: str,
    description: str = "",
    channel: str = Channel.CALL,
    priority: str = Priority.NORMAL,
    requester=None,
    contact_name: str = "",
    contact_phone: str = "",
    **fields: Any,
) -> TombSweepingOrder:
    """A new case of the tomb-sweeping category and its order, in one step (one transaction)."""
    case = cases.case_open(
        actor=actor,
        unit=unit,
        category=TOMB_CATEGORY,
        subject=subject,
        description=description,
        channel=channel,
        priority=priority,
        requester=requester,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    return order_create(actor=actor, case=case, **fields)


def _editable(order: TombSweepingOrder) -> None:
    if order.status == TombStatus.CANCELLED:
        raise ValidationError(_("This order was cancelled and can no longer be edited."))


@transaction.atomic
def order_update(
    *, actor, order: TombSweepingOrder, expected_version: int | None = None, **fields: Any
) -> TombSweepingOrder:
    """Edit the order's details. `expected_version` is the one the form was opened with: if
    the order was edited or scheduled since, the save is refused (EditConflict) naming the
    fields that now differ from what this form would write, and nothing changes."""
    current, changes = update_scoped(
        actor=actor,
        obj=order,
        changes=_clean_fields(fields),
        expected_version=expected_version,
        audit_action="tomb.update",
        fields=ORDER_FIELDS,
        check=_editable,
        clean=_full_clean,
    )
    if changes:
        _case_event(
            current.case,
            EventKind.EDIT,
            actor,
            text=_("Tomb-sweeping order edited: %(fields)s") % {"fields": ", ".join(changes)},
            data={"tomb_order": str(current.public_id), "changes": changes},
        )
    return current


def performers_for(*, actor, q: str = "") -> Any:
    """Users who may be named performer: the active accounts the actor can see (matching `q`
    in the name or username, for the remote picker)."""
    users = User.objects.restrict(actor, Action.VIEW).filter(is_active=True)
    q = q.strip()
    if q:
        users = users.filter(Q(display_name__icontains=q) | Q(username__icontains=q))
    return users.order_by("display_name", "username")


@transaction.atomic
def order_schedule(
    *,
    actor,
    order: TombSweepingOrder,
    performer: User,
    service_date: date | None = None,
) -> TombSweepingOrder:
    """Name who performs the service and when; may be repeated to reschedule."""
    require_unit(actor, HOTLINE.CHANGE, order.unit)
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    if current.status not in (TombStatus.REQUESTED, TombStatus.SCHEDULED):
        raise ValidationError(
            _("Only a requested or scheduled order can be scheduled (this one is %(status)s).")
            % {"status": current.get_status_display()}
        )
    if performer is None or not performers_for(actor=actor).filter(pk=performer.pk).exists():
        raise ValidationError({"performer": _("Choose a performer from your units.")})
    before = audit.snapshot(current, ("performer", "service_date", "status"))
    current.performer = performer
    if service_date is not None:
        current.service_date = service_date
    current.status = TombStatus.SCHEDULED
    _full_clean(current)
    bump(current)
    current.save(update_fields=["performer", "service_date", "status", "version"])
    changes = audit.diff(before, audit.snapshot(current, ("performer", "service_date", "status")))
    audit.record(actor=actor, action="tomb.schedule", obj=current, changes=changes)
    _case_event(
        current.case,
        EventKind.EDIT,
        actor,
        text=_("Tomb-sweeping scheduled for %(date)s, performed by %(performer)s")
        % {"date": current.service_date, "performer": performer},
        data={"tomb_order": str(current.public_id)},
    )
    return current


@transaction.atomic
def order_cancel(*, actor, order: TombSweepingOrder, reason: str) -> TombSweepingOrder:
    require_unit(actor, HOTLINE.CHANGE, order.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling the order.")})
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    if current.status not in (TombStatus.REQUESTED, TombStatus.SCHEDULED):
        raise ValidationError(
            _("Only a requested or scheduled order can be cancelled (this one is %(status)s).")
            % {"status": current.get_status_display()}
        )
    before = current.status
    current.status = TombStatus.CANCELLED
    if current.share_link is not None:
        private_links.private_link_revoke(actor=actor, link=current.share_link, audit_action=None)
    current.share_link = None
    current.save(update_fields=["status", "share_link"])
    audit.record(
        actor=actor,
        action="tomb.cancel",
        obj=current,
        changes={"status": [before, current.status]},
        message=reason[:500],
    )
    _case_event(
        current.case,
        EventKind.EDIT,
        actor,
        text=_("Tomb-sweeping order cancelled: %(reason)s") % {"reason": reason},
        data={"tomb_order": str(current.public_id)},
    )
    return current


@transaction.atomic
def order_fulfil(
    *,
    actor,
    order: TombSweepingOrder,
    files: list,
    fulfilled_at: datetime | None = None,
    early_reason: str = "",
) -> list[TombProof]:
    """Mark the service done with its proof (photos JPEG/PNG/WebP, video MP4). Proof may be
    added again later to a done order. Every file is checked before anything is stored.

    Before the planned service date the order is done only with `early_reason` (the family
    moved the date, the performer went early…): proof uploaded to the wrong order otherwise
    closes a service that has not happened, and the requester abroad is told it is done."""
    if not TombSweepingOrder.objects.restrict(actor, Action.CHANGE).filter(pk=order.pk).exists():
        raise PermissionDenied(_("You may not change this tomb-sweeping order."))
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    if current.status == TombStatus.CANCELLED:
        raise ValidationError(_("This order was cancelled; proof cannot be added."))
    early_reason = (early_reason or "").strip()
    done_on = timezone.localdate(fulfilled_at or timezone.now())
    early = current.status != TombStatus.DONE and done_on < current.service_date
    if early and not early_reason:
        raise ValidationError({"early_reason": early_warning(current, done_on)})
    kinds = check_uploads(list(files))
    now = timezone.now()
    proofs: list[TombProof] = []
    try:
        for upload, kind in zip(files, kinds, strict=True):
            proof = TombProof(
                order=current,
                name=(getattr(upload, "name", "") or f"proof.{kind.extension}")[:200],
                content_type=kind.content_type,
                size=upload.size,
                uploaded_by=actor,
                uploaded_at=now,
            )
            upload.seek(0)
            # A random stored name: the uploaded name is kept for display only.
            proof.file.save(f"{uuid.uuid4().hex}.{kind.extension}", File(upload), save=False)
            proofs.append(proof)
            proof.save()
        was = current.status
        if current.status != TombStatus.DONE:
            current.status = TombStatus.DONE
            current.fulfilled_at = fulfilled_at or now
            if current.performer_id is None:
                current.performer = actor
            current.save(update_fields=["status", "fulfilled_at", "performer"])
        note = ""
        if early:
            note = _("done before the planned date %(date)s: %(reason)s") % {
                "date": current.service_date.isoformat(),
                "reason": early_reason,
            }
        audit.record(
            actor=actor,
            action="tomb.fulfil",
            obj=current,
            changes={"status": [was, current.status], "proofs": [None, [p.name for p in proofs]]},
            message=note,
        )
        text = _("Tomb-sweeping done; %(count)d proof file(s) uploaded") % {"count": len(proofs)}
        _case_event(
            current.case,
            EventKind.ATTACHMENT,
            actor,
            text=f"{text} ({note})" if note else text,
            data={
                "tomb_order": str(current.public_id),
                "proofs": [str(p.public_id) for p in proofs],
            },
        )
    except BaseException:
        # Nothing half-written: files stored before the failure go with the rolled-back rows.
        for proof in proofs:
            if proof.file.name:
                proof.file.storage.delete(proof.file.name)
        raise
    return proofs


def early_warning(order: TombSweepingOrder, today: date | None = None) -> str:
    """What the staffer is told when the order is marked done before its service date."""
    today = today or timezone.localdate()
    return _(
        "The service is planned for %(date)s, %(days)d day(s) from today. Mark it done early "
        "only if it really took place: give the reason (e.g. the family moved the date)."
    ) % {"date": order.service_date.isoformat(), "days": (order.service_date - today).days}


@transaction.atomic
def proof_remove(*, actor, proof: TombProof) -> None:
    require_unit(actor, HOTLINE.CHANGE, proof.order.unit)
    order = proof.order
    audit.record(
        actor=actor,
        action="tomb.proof_remove",
        obj=order,
        changes={"proof": [proof.name, None]},
    )
    proof.delete()
    filekit.delete_file(proof.file)  # after the commit; a rollback keeps row and file


# --- the share link -----------------------------------------------------------------------


def _lifetime(days: int | None) -> timedelta:
    days = SHARE_DAYS if days is None else days
    if not 1 <= days <= SHARE_MAX_DAYS:
        raise ValidationError(
            {"days": _("A link can be valid for 1 to %(max)d days.") % {"max": SHARE_MAX_DAYS}}
        )
    return timedelta(days=days)


@transaction.atomic
def share_create(*, actor, order: TombSweepingOrder, days: int | None = None) -> str:
    """A new private link for the requester; returns the token, which is not stored (only its
    digest is, in core.PrivateLink). A link made earlier stops working."""
    require_unit(actor, HOTLINE.CHANGE, order.unit)
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    if current.status != TombStatus.DONE or not current.proofs.exists():
        raise ValidationError(
            _("A link can be shared only once the service is done and its proof uploaded.")
        )
    lifetime = _lifetime(days)
    had_link = bool(current.share_token_hash)
    link, token = private_links.private_link_create(
        actor=actor,
        target=current,
        purpose=LINK_PURPOSE,
        expires_in=lifetime,
        unit=current.unit,
        audit_action=None,  # the tomb.share row below says more
    )
    current.share_link = link
    current.save(update_fields=["share_link"])
    order.share_link = link
    expires = link.expires_at
    audit.record(
        actor=actor,
        action="tomb.share",
        obj=current,
        changes={"share_expires_at": [None, expires.isoformat()]},
        message="replaced an earlier link" if had_link else "",
    )
    _case_event(
        current.case,
        EventKind.EDIT,
        actor,
        text=_("Private link to the proof created, valid until %(date)s")
        % {"date": timezone.localtime(expires).strftime("%Y-%m-%d")},
        data={"tomb_order": str(current.public_id)},
    )
    return token


@transaction.atomic
def share_extend(*, actor, order: TombSweepingOrder, days: int) -> TombSweepingOrder:
    """Change how long the current link stays valid, counted from now."""
    require_unit(actor, HOTLINE.CHANGE, order.unit)
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    link = current.share_link
    if link is None or link.revoked_at is not None:
        raise ValidationError(_("There is no link to change; create one first."))
    before = link.expires_at
    private_links.private_link_extend(
        actor=actor, link=link, expires_in=_lifetime(days), audit_action=None
    )
    audit.record(
        actor=actor,
        action="tomb.share_extend",
        obj=current,
        changes={"share_expires_at": [before.isoformat(), link.expires_at.isoformat()]},
    )
    return current


@transaction.atomic
def share_revoke(*, actor, order: TombSweepingOrder) -> TombSweepingOrder:
    require_unit(actor, HOTLINE.CHANGE, order.unit)
    current = TombSweepingOrder.objects.select_for_update().get(pk=order.pk)
    link = current.share_link
    if link is None or link.revoked_at is not None:
        raise ValidationError(_("There is no link to revoke."))
    private_links.private_link_revoke(actor=actor, link=link, audit_action=None)
    current.share_link = None
    current.save(update_fields=["share_link"])
    order.share_link = None
    audit.record(actor=actor, action="tomb.share_revoke", obj=current, changes={})
    _case_event(
        current.case,
        EventKind.EDIT,
        actor,
        text=_("Private link to the proof revoked"),
        data={"tomb_order": str(current.public_id)},
    )
    return current


# The token names an order, but its link has expired (410 on the public pages).
LinkExpired = private_links.LinkExpired


def order_for_token(
    token: str, *, now: datetime | None = None, count: bool = True
) -> TombSweepingOrder | None:
    """The order a share token opens (None: no such link, or revoked); LinkExpired if it has
    expired. The token is authorisation: this read deliberately skips `restrict()`. `count`
    records the visit on the link (the page counts; the files it shows do not)."""
    try:
        link = private_links.private_link_resolve(token, LINK_PURPOSE, now=now, count=count)
    except (private_links.LinkNotFound, private_links.LinkRevoked):
        return None
    return (
        TombSweepingOrder.objects.select_related("performer")  # scoping: exempt, token-authorised
        .filter(pk=link.target_id, share_link=link, status=TombStatus.DONE)
        .first()
    )


# --- seasons ------------------------------------------------------------------------------


def solar_term(year: int, name: str) -> date:
    """The date of a solar term (清明, 冬至, …) in `year`, from chinese_calendar's table."""
    import chinese_calendar

    for day, term in chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31)):
        if term == name:
            return day
    raise ValueError(f"no solar term {name!r} in {year}")


SEASONS = {"qingming": "清明", "dongzhi": "冬至"}


def season_window(year: int, season: str) -> tuple[date, date]:
    """The first and last day (inclusive) of the 15 days centred on the season's solar term."""
    centre = solar_term(year, SEASONS[season])
    width = timedelta(days=SEASON_HALF_WIDTH)
    return centre - width, centre + width


def seasonal_counts(user, year: int) -> dict[str, dict[str, Any]]:
    """Orders (not cancelled) by service date in the Qingming and 冬至 seasons of `year`, by
    kind, within the user's scope: {"qingming": {"start", "end", "term", "total", "proxy",
    "cloud", "done"}, "dongzhi": {...}}."""
    base = TombSweepingOrder.objects.restrict(user, Action.VIEW).exclude(
        status=TombStatus.CANCELLED
    )
    result: dict[str, dict[str, Any]] = {}
    for season, term in SEASONS.items():
        start, end = season_window(year, season)
        figures = base.filter(service_date__range=(start, end)).aggregate(
            total=Count("pk"),
            proxy=Count("pk", filter=Q(kind=TombKind.PROXY)),
            cloud=Count("pk", filter=Q(kind=TombKind.CLOUD)),
            done=Count("pk", filter=Q(status=TombStatus.DONE)),
        )
        result[season] = {"term": solar_term(year, term), "start": start, "end": end, **figures}
    return result
