"""Writes of the enterprises app: one function per use case, one transaction, one audit row.

A liaison officer's grant is narrowed to the enterprises assigned to them: they log contacts,
raise appeals and answer surveys for those (CHANGE on the enterprise), but only the managers of
a unit (a whole-subtree grant) add enterprises, assign officers, route and close appeals.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit, files, private_links
from qiaolian.core.models import Unit, UnitRole, User
from qiaolian.core.scoping import require_unit
from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.core.services import notification_send
from qiaolian.enterprises.codes import normalise_uscc
from qiaolian.enterprises.models import (
    OPEN_STATUSES,
    Appeal,
    AppealAttachment,
    AppealEvent,
    AppealStatus,
    Confirmation,
    ContactLog,
    Department,
    DomesticBody,
    Enterprise,
    InvestmentProject,
    Investor,
    LiaisonAssignment,
    Meeting,
    MeetingAttendee,
    ProjectStage,
    SurveyAnswer,
    SurveyRound,
    TradeFair,
)

ENTERPRISE_FIELDS = (
    "unit",
    "name",
    "credit_code",
    "industry",
    "size",
    "address",
    "district",
    "founded_year",
    "returnee_founders",
    "is_key",
    "notes",
)
DEPARTMENT_FIELDS = (
    "unit",
    "name",
    "name_en",
    "contact_name",
    "contact_phone",
    "contact_email",
    "reply_days",
    "is_active",
)
DEPARTMENT_LINK = "enterprises.department_reply"
ENTERPRISE_LINK = "enterprises.enterprise_confirm"
PORTAL_LINK = "enterprises.enterprise_portal"
LINK_DAYS = 90

ADD = "enterprises.add"
CHANGE = "enterprises.change"


def _require_enterprise(actor, enterprise: Enterprise, action: str = CHANGE) -> None:
    """The actor reaches the enterprise (an officer: one assigned to them)."""
    if not Enterprise.objects.restrict(actor, action).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("You may not act for this enterprise."))


def _event(appeal: Appeal, kind: str, actor=None, *, text: str = "", by_link: str = ""):
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        by_link=by_link,
        text=text,
    )


# --- enterprises --------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(*, actor, **fields: Any) -> Enterprise:
    fields["credit_code"] = normalise_uscc(fields.get("credit_code", ""))
    if Enterprise.objects.filter(credit_code=fields["credit_code"]).exists():
        # scoping: exempt - uniqueness is city-wide; the message names only the code
        raise ValidationError(
            {
                "credit_code": _("An enterprise with the credit code “%(code)s” is registered.")
                % {"code": fields["credit_code"]}
            }
        )
    enterprise = Enterprise(**fields)
    return create_scoped(
        actor=actor, obj=enterprise, audit_action="enterprise.create", fields=ENTERPRISE_FIELDS
    )


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, expected_version: int | None = None, **changes: Any
) -> Enterprise:
    if "credit_code" in changes:
        changes["credit_code"] = normalise_uscc(changes["credit_code"])
    obj, _diff = update_scoped(
        actor=actor,
        obj=enterprise,
        changes=changes,
        expected_version=expected_version,
        audit_action="enterprise.update",
        fields=ENTERPRISE_FIELDS,
    )
    return obj


@transaction.atomic
def investor_add(
    *, actor, enterprise: Enterprise, name: str, country: str, person=None, association=None
) -> Investor:
    require_unit(actor, CHANGE, enterprise.unit)
    name = (name or "").strip() or str(person or association or "")
    investor = Investor(
        enterprise=enterprise, name=name, country=country, person=person, association=association
    )
    investor.full_clean()
    investor.save()
    audit.record(
        actor=actor,
        action="enterprise.investor_add",
        obj=enterprise,
        changes={"investor": [None, name], "country": [None, str(country)]},
    )
    return investor


# --- liaison officers ---------------------------------------------------------------------


def officer_choices(actor):
    """The users the actor may name liaison officer: active staff of their units."""
    return User.objects.restrict(actor, "core.view").filter(is_active=True)


@transaction.atomic
def assignment_add(
    *, actor, enterprise: Enterprise, officer: User, starts_on: date, ends_on: date | None = None
) -> LiaisonAssignment:
    require_unit(actor, CHANGE, enterprise.unit, _("Only the enterprise's unit assigns officers."))
    if not officer_choices(actor).filter(pk=officer.pk).exists():
        raise PermissionDenied(_("You cannot name this user liaison officer."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    overlapping = LiaisonAssignment.objects.filter(
        enterprise=enterprise, officer=officer, starts_on__lte=ends_on or date.max
    ).exclude(ends_on__lt=starts_on)
    if overlapping.exists():
        raise ValidationError(
            _("%(officer)s is already this enterprise's officer during these dates.")
            % {"officer": officer.display_name or officer.username}
        )
    assignment = LiaisonAssignment.objects.create(
        enterprise=enterprise, officer=officer, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        actor=actor,
        action="enterprise.assign",
        obj=enterprise,
        changes={"officer": [None, officer.username], "starts_on": [None, str(starts_on)]},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: LiaisonAssignment, ends_on: date) -> LiaisonAssignment:
    require_unit(actor, CHANGE, assignment.enterprise.unit)
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    before = assignment.ends_on
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit.record(
        actor=actor,
        action="enterprise.unassign",
        obj=assignment.enterprise,
        changes={"ends_on": [str(before) if before else None, str(ends_on)]},
        message=assignment.officer.username,
    )
    return assignment


@transaction.atomic
def contact_log(
    *,
    actor,
    enterprise: Enterprise,
    contacted_on: date,
    kind: str,
    met: str,
    raised: str = "",
) -> ContactLog:
    """A visit or call by the officer (or any staff who reach the enterprise)."""
    _require_enterprise(actor, enterprise)
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("A contact cannot be logged in the future.")})
    log = ContactLog(
        enterprise=enterprise,
        officer=actor,
        contacted_on=contacted_on,
        kind=kind,
        met=met.strip(),
        raised=raised.strip(),
    )
    log.full_clean()
    log.save()
    audit.record(
        actor=actor,
        action="enterprise.contact",
        obj=enterprise,
        changes={"contacted_on": [None, str(contacted_on)], "kind": [None, kind]},
    )
    return log


# --- departments --------------------------------------------------------------------------


@transaction.atomic
def department_create(*, actor, **fields: Any) -> Department:
    return create_scoped(
        actor=actor,
        obj=Department(**fields),
        audit_action="gov_department.create",
        fields=DEPARTMENT_FIELDS,
    )


@transaction.atomic
def department_update(*, actor, department: Department, **changes: Any) -> Department:
    obj, _diff = update_scoped(
        actor=actor,
        obj=department,
        changes=changes,
        audit_action="gov_department.update",
        fields=DEPARTMENT_FIELDS,
    )
    return obj


# --- appeals ------------------------------------------------------------------------------

ATTACHMENTS = files.register_use(
    "enterprises.appeal",
    ("pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx"),
    {"*": 20 * 1024 * 1024},
    type_message=gettext_lazy(
        "The content of “%(name)s” is %(found)s: this kind of file cannot be attached. "
        "Allowed: %(allowed)s, up to %(limit)s."
    ),
    size_messages={
        "*": gettext_lazy(
            "“%(name)s” (%(found)s) is %(size)s; attachments may be at most %(limit)s."
        )
    },
)


def _next_number(moment) -> str:
    prefix = f"SQ{timezone.localtime(moment).year}"
    last = (
        Appeal.objects.filter(number__startswith=prefix)  # scoping: exempt, numbering
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@transaction.atomic
def appeal_raise(
    *,
    actor,
    enterprise: Enterprise,
    category: str,
    title: str,
    description: str,
    meeting: Meeting | None = None,
    raised_at=None,
    by_link: str = "",
) -> Appeal:
    """An appeal raised by the enterprise's officer (or staff, or at a meeting), or by the
    enterprise itself through its link (`by_link`, no actor)."""
    if not by_link:
        _require_enterprise(actor, enterprise)
    if not title.strip() or not description.strip():
        raise ValidationError(_("Write the subject and the description of the problem."))
    if meeting is not None and not Meeting.objects.restrict(actor).filter(pk=meeting.pk).exists():
        raise PermissionDenied(_("You cannot link to this meeting."))
    moment = raised_at or timezone.now()
    appeal = Appeal(
        number=_next_number(moment),
        enterprise=enterprise,
        category=category,
        title=title.strip(),
        description=description.strip(),
        meeting=meeting,
        raised_by=actor,
        raised_at=moment,
    )
    appeal.full_clean()
    appeal.save()
    event = _event(appeal, AppealEvent.Kind.RAISED, actor, text=appeal.title, by_link=by_link)
    AppealEvent.objects.filter(pk=event.pk).update(at=moment)
    audit.record(
        actor=actor,
        action="appeal.raise",
        obj=appeal,
        changes={"category": [None, category], "title": [None, appeal.title]},
    )
    return appeal


def attachment_add(*, actor, appeal: Appeal, upload: Any) -> AppealAttachment:
    kind = files.check_upload(upload, ATTACHMENTS)
    with transaction.atomic():
        _require_enterprise(actor, appeal.enterprise)
        attachment = AppealAttachment(
            appeal=appeal,
            name=getattr(upload, "name", "file")[:200],
            size=getattr(upload, "size", 0) or 0,
            content_type=kind.content_type,
            uploaded_by=actor,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()
        _event(appeal, AppealEvent.Kind.ATTACHED, actor, text=attachment.name)
        audit.record(actor=actor, action="appeal.attach", obj=appeal, message=attachment.name)
    return attachment


def _require_manage(actor, appeal: Appeal) -> None:
    require_unit(
        actor, CHANGE, appeal.enterprise.unit, _("Only the enterprise's unit may do this.")
    )


@transaction.atomic
def appeal_route(
    *, actor, appeal: Appeal, department: Department, due_on: date | None = None
) -> tuple[Appeal, str]:
    """Send the appeal to a department; returns the department's private link token (shown
    once). Routing again (another department) revokes the earlier department's link."""
    _require_manage(actor, appeal)
    if appeal.status == AppealStatus.CLOSED:
        raise ValidationError(_("A closed appeal cannot be routed; reopen it first."))
    departments = Department.objects.restrict_shared_down(actor)
    if not departments.filter(pk=department.pk, is_active=True).exists():
        raise PermissionDenied(_("You cannot route to this department."))
    today = timezone.localdate()
    due_on = due_on or today + timedelta(days=department.reply_days)
    if due_on < today:
        raise ValidationError({"due_on": _("The due date has passed.")})
    before = appeal.department.name if appeal.department else None
    appeal.department = department
    appeal.due_on = due_on
    appeal.routed_at = timezone.now()
    appeal.status = AppealStatus.ROUTED
    appeal.acknowledged_at = appeal.answered_at = appeal.escalated_at = None
    appeal.save()
    _event(appeal, AppealEvent.Kind.ROUTED, actor, text=f"{department.name} · {due_on}")
    _link, token = private_links.private_link_create(
        actor=None,
        target=appeal,
        purpose=DEPARTMENT_LINK,
        expires_in=timedelta(days=LINK_DAYS),
        unit=appeal.enterprise.unit,
        audit_action=None,
    )
    audit.record(
        actor=actor,
        action="appeal.route",
        obj=appeal,
        changes={"department": [before, department.name], "due_on": [None, str(due_on)]},
    )
    return appeal, token


@transaction.atomic
def enterprise_link_create(*, actor, appeal: Appeal) -> str:
    """The enterprise's own link: it follows its appeal and confirms (or not) the closure."""
    _require_manage(actor, appeal)
    _link, token = private_links.private_link_create(
        actor=None,
        target=appeal,
        purpose=ENTERPRISE_LINK,
        expires_in=timedelta(days=LINK_DAYS),
        unit=appeal.enterprise.unit,
        audit_action=None,
    )
    audit.record(actor=actor, action="appeal.link", obj=appeal)
    return token


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("enterprise__unit").get(pk=appeal.pk)


@transaction.atomic
def appeal_acknowledge(*, appeal: Appeal, actor=None, by_link: str = "") -> Appeal:
    """The department has taken the appeal (through its link, or staff record it)."""
    if actor is not None and not by_link:
        _require_manage(actor, appeal)
    appeal = _locked(appeal)
    if appeal.status != AppealStatus.ROUTED:
        raise ValidationError(_("Only an appeal waiting for its department can be acknowledged."))
    appeal.status = AppealStatus.ACKNOWLEDGED
    appeal.acknowledged_at = timezone.now()
    appeal.save(update_fields=["status", "acknowledged_at"])
    _event(appeal, AppealEvent.Kind.ACKNOWLEDGED, actor, by_link=by_link)
    audit.record(actor=actor, action="appeal.acknowledge", obj=appeal, message=by_link)
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, reply: str, actor=None, by_link: str = "") -> Appeal:
    """The department's reply (through its link, or recorded by staff)."""
    if actor is not None and not by_link:
        _require_manage(actor, appeal)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the department's reply.")})
    appeal = _locked(appeal)
    if appeal.status not in (AppealStatus.ROUTED, AppealStatus.ACKNOWLEDGED):
        raise ValidationError(_("This appeal is not waiting for its department's reply."))
    now = timezone.now()
    appeal.acknowledged_at = appeal.acknowledged_at or now
    appeal.answered_at = now
    appeal.reply = reply
    appeal.status = AppealStatus.ANSWERED
    appeal.save(update_fields=["status", "acknowledged_at", "answered_at", "reply"])
    _event(appeal, AppealEvent.Kind.ANSWERED, actor, text=reply, by_link=by_link)
    audit.record(
        actor=actor,
        action="appeal.answer",
        obj=appeal,
        changes={"reply": [None, reply[:200]]},
        message=by_link,
    )
    return appeal


def _check_satisfaction(satisfaction: Any) -> int:
    try:
        value = int(satisfaction)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"satisfaction": _("Choose a satisfaction mark from 1 to 5.")})
    return value


@transaction.atomic
def appeal_confirm(
    *, appeal: Appeal, satisfaction: Any, actor=None, by_link: str = "", note: str = ""
) -> Appeal:
    """The enterprise confirms its problem is solved: the appeal closes with its mark."""
    if not by_link:
        _require_manage(actor, appeal)
    mark = _check_satisfaction(satisfaction)
    appeal = _locked(appeal)
    if appeal.status != AppealStatus.ANSWERED:
        raise ValidationError(
            _("The enterprise can confirm only an appeal its department has answered.")
        )
    appeal.status = AppealStatus.CLOSED
    appeal.closed_at = timezone.now()
    appeal.satisfaction = mark
    appeal.confirmation = Confirmation.LINK if by_link else Confirmation.STAFF
    appeal.save(update_fields=["status", "closed_at", "satisfaction", "confirmation"])
    _event(appeal, AppealEvent.Kind.CONFIRMED, actor, text=note.strip(), by_link=by_link)
    audit.record(
        actor=actor,
        action="appeal.confirm",
        obj=appeal,
        changes={"satisfaction": [None, mark], "confirmation": [None, appeal.confirmation]},
    )
    return appeal


@transaction.atomic
def appeal_close_override(*, actor, appeal: Appeal, reason: str) -> Appeal:
    """Close without the enterprise's confirmation: only with a recorded reason."""
    _require_manage(actor, appeal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Closing without the enterprise's confirmation needs a reason.")}
        )
    appeal = _locked(appeal)
    if appeal.status == AppealStatus.CLOSED:
        raise ValidationError(_("This appeal is already closed."))
    appeal.status = AppealStatus.CLOSED
    appeal.closed_at = timezone.now()
    appeal.confirmation = Confirmation.OVERRIDE
    appeal.save(update_fields=["status", "closed_at", "confirmation"])
    _event(appeal, AppealEvent.Kind.CLOSED, actor, text=reason)
    audit.record(actor=actor, action="appeal.override", obj=appeal, message=reason)
    return appeal


@transaction.atomic
def appeal_reopen(*, appeal: Appeal, reason: str, actor=None, by_link: str = "") -> Appeal:
    """Back to its department with a reason (staff, or the enterprise through its link)."""
    if not by_link:
        _require_manage(actor, appeal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the appeal is reopened.")})
    appeal = _locked(appeal)
    if appeal.status not in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        raise ValidationError(_("Only an answered or closed appeal can be reopened."))
    today = timezone.localdate()
    if appeal.department is not None:
        appeal.status = AppealStatus.ROUTED
        appeal.due_on = today + timedelta(days=appeal.department.reply_days)
        appeal.routed_at = timezone.now()
    else:
        appeal.status = AppealStatus.NEW
    appeal.acknowledged_at = appeal.answered_at = appeal.closed_at = appeal.escalated_at = None
    appeal.satisfaction = None
    appeal.confirmation = ""
    appeal.save()
    _event(appeal, AppealEvent.Kind.REOPENED, actor, text=reason, by_link=by_link)
    audit.record(actor=actor, action="appeal.reopen", obj=appeal, message=reason)
    return appeal


def unit_leaders(unit: Unit) -> list[User]:
    """The unit's leaders: the users holding its administrator role there."""
    rows = UnitRole.objects.filter(  # scoping: exempt, the system looks up whom to tell
        unit=unit, role__code="unit_admin", user__is_active=True
    ).select_related("user")
    return [row.user for row in rows]


def escalate_overdue(today: date | None = None) -> int:
    """Tell the unit's leaders of every appeal past its due date without a reply, once."""
    today = today or timezone.localdate()
    overdue = Appeal.objects.filter(  # scoping: exempt, the periodic task of the system
        status__in=OPEN_STATUSES,
        answered_at__isnull=True,
        due_on__lt=today,
        escalated_at__isnull=True,
    ).select_related("enterprise__unit", "department")
    count = 0
    for appeal in overdue:
        with transaction.atomic():
            locked = _locked(appeal)
            if locked.escalated_at is not None:
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at"])
            _event(locked, AppealEvent.Kind.ESCALATED)
            audit.record(actor=None, action="appeal.escalate", obj=locked)
            notification_send(
                recipients=unit_leaders(locked.enterprise.unit),
                kind="enterprises.appeal_overdue",
                params={
                    "number": locked.number,
                    "title": locked.title,
                    "department": appeal.department.name if appeal.department else "",
                    "due": str(locked.due_on),
                },
                url=reverse("enterprises:appeal_detail", args=[locked.public_id]),
            )
            count += 1
    return count


@transaction.atomic
def portal_link_create(*, actor, enterprise: Enterprise) -> str:
    """The enterprise's own link: it raises appeals and answers the open survey rounds."""
    require_unit(actor, CHANGE, enterprise.unit, _("Only the enterprise's unit may do this."))
    _link, token = private_links.private_link_create(
        actor=None,
        target=enterprise,
        purpose=PORTAL_LINK,
        expires_in=timedelta(days=LINK_DAYS),
        unit=enterprise.unit,
        audit_action=None,
    )
    audit.record(actor=actor, action="enterprise.portal_link", obj=enterprise)
    return token


def enterprise_for_token(token: str, *, request=None) -> Enterprise:
    link = private_links.private_link_resolve(token, PORTAL_LINK, request=request)
    # scoping: exempt, the token is the authorisation
    return Enterprise.objects.select_related("unit").get(pk=link.target_id)


def open_rounds_for(enterprise: Enterprise, today: date | None = None):
    """The rounds of the enterprise's unit and the units above it that take answers today."""
    from qiaolian.core.scoping import ancestor_paths

    today = today or timezone.localdate()
    paths = [*ancestor_paths(enterprise.unit.path), enterprise.unit.path]
    # scoping: exempt - the rounds covering the token's own enterprise
    return SurveyRound.objects.filter(
        unit__path__in=paths, opens_on__lte=today, closes_on__gte=today
    ).order_by("-opens_on")


def appeal_for_token(token: str, purpose: str, *, request=None) -> Appeal:
    """The appeal a department's or enterprise's link opens (raises private_links errors)."""
    link = private_links.private_link_resolve(token, purpose, request=request)
    # scoping: exempt, the token is the authorisation
    return Appeal.objects.select_related("enterprise__unit", "department").get(pk=link.target_id)


# --- meetings -----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    unit: Unit,
    title: str,
    held_on: date,
    place: str = "",
    leaders: str = "",
    notes: str = "",
    departments=(),
) -> Meeting:
    meeting = create_scoped(
        actor=actor,
        obj=Meeting(
            unit=unit, title=title, held_on=held_on, place=place, leaders=leaders, notes=notes
        ),
        audit_action="enterprise_meeting.create",
        fields=("unit", "title", "held_on", "place", "leaders"),
    )
    chosen = list(departments)
    departments = Department.objects.restrict_shared_down(actor)
    visible = departments.filter(pk__in=[d.pk for d in chosen])
    if visible.count() != len(chosen):
        raise PermissionDenied(_("You cannot name these departments."))
    meeting.departments.set(chosen)
    return meeting


@transaction.atomic
def attendee_add(
    *, actor, meeting: Meeting, enterprise: Enterprise, representative: str
) -> MeetingAttendee:
    require_unit(actor, CHANGE, meeting.unit)
    _require_enterprise(actor, enterprise, "enterprises.view")
    if MeetingAttendee.objects.filter(meeting=meeting, enterprise=enterprise).exists():
        raise ValidationError(_("This enterprise is already on the meeting's list."))
    attendee = MeetingAttendee.objects.create(
        meeting=meeting, enterprise=enterprise, representative=representative.strip()
    )
    audit.record(
        actor=actor,
        action="enterprise_meeting.attendee_add",
        obj=meeting,
        changes={"enterprise": [None, enterprise.name]},
    )
    return attendee


# --- resumption surveys -------------------------------------------------------------------


@transaction.atomic
def round_create(*, actor, unit: Unit, title: str, opens_on: date, closes_on: date) -> SurveyRound:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The round closes before it opens.")})
    return create_scoped(
        actor=actor,
        obj=SurveyRound(unit=unit, title=title, opens_on=opens_on, closes_on=closes_on),
        audit_action="resumption.round_create",
        fields=("unit", "title", "opens_on", "closes_on"),
    )


@transaction.atomic
def answer_record(
    *,
    actor,
    round: SurveyRound,
    enterprise: Enterprise,
    status: str,
    staff_back: int,
    capacity: int,
    difficulties: str = "",
    today: date | None = None,
    by_link: bool = False,
) -> SurveyAnswer:
    """An enterprise's answer (a second answer in the same round replaces the first), by its
    officer, or by the enterprise through its link (`by_link`, no actor)."""
    if not by_link:
        _require_enterprise(actor, enterprise)
        if not SurveyRound.objects.restrict_shared_down(actor).filter(pk=round.pk).exists():
            raise PermissionDenied(_("You cannot answer this survey round."))
    if not enterprise.unit.path.startswith(round.unit.path):
        raise ValidationError(_("This enterprise is not in the round's unit."))
    today = today or timezone.localdate()
    if today > round.closes_on:
        raise ValidationError(
            _("The round “%(title)s” closed on %(date)s: no more answers are taken.")
            % {"title": round.title, "date": round.closes_on}
        )
    if today < round.opens_on:
        raise ValidationError(
            _("The round “%(title)s” opens on %(date)s.")
            % {"title": round.title, "date": round.opens_on}
        )
    answer, _created = SurveyAnswer.objects.get_or_create(
        round=round,
        enterprise=enterprise,
        defaults={"status": status, "staff_back": staff_back, "capacity": capacity},
    )
    answer.status, answer.staff_back, answer.capacity = status, staff_back, capacity
    answer.difficulties = difficulties.strip()
    answer.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    answer.answered_at = timezone.now()
    answer.full_clean()
    answer.save()
    audit.record(
        actor=actor,
        action="resumption.answer",
        obj=enterprise,
        changes={"status": [None, status], "staff_back": [None, staff_back]},
        message=round.title,
    )
    return answer


@transaction.atomic
def difficulty_to_appeal(*, actor, answer: SurveyAnswer, category: str) -> Appeal:
    """The answer's difficulties become an appeal in one step (once)."""
    if answer.appeal_id:
        raise ValidationError(_("This difficulty is already an appeal."))
    if not answer.difficulties:
        raise ValidationError(_("The answer names no difficulty."))
    appeal = appeal_raise(
        actor=actor,
        enterprise=answer.enterprise,
        category=category,
        title=answer.difficulties.splitlines()[0][:200],
        description=answer.difficulties,
    )
    answer.appeal = appeal
    answer.save(update_fields=["appeal"])
    audit.record(actor=actor, action="resumption.to_appeal", obj=appeal, message=answer.round.title)
    return appeal


# --- domestic bodies, trade fairs and investment projects --------------------------------

BODY_FIELDS = ("unit", "name", "kind", "contact_name", "contact_phone", "members", "notes")
FAIR_FIELDS = ("unit", "name", "online", "starts_on", "ends_on", "notes")
PROJECT_FIELDS = (
    "unit",
    "name",
    "investor",
    "enterprise",
    "person",
    "association",
    "country",
    "industry",
    "amount",
    "currency",
    "stage",
    "officer",
    "fair",
    "found_on",
    "signed_on",
    "landed_on",
    "notes",
)


def _visible_set(actor, model, chosen, message) -> list:
    chosen = list(chosen or ())
    ids = [c.pk for c in chosen]
    if model.objects.restrict(actor).filter(pk__in=ids).count() != len(set(ids)):
        raise PermissionDenied(message)
    return chosen


def _links(actor, enterprises, people) -> tuple[list, list]:
    from qiaolian.people.models import Person

    return (
        _visible_set(actor, Enterprise, enterprises, _("You cannot name these enterprises.")),
        _visible_set(actor, Person, people, _("You cannot name these people.")),
    )


@transaction.atomic
def body_create(*, actor, enterprises=(), people=(), **fields: Any) -> DomesticBody:
    firms, persons = _links(actor, enterprises, people)
    body = create_scoped(
        actor=actor,
        obj=DomesticBody(**fields),
        audit_action="domestic_body.create",
        fields=BODY_FIELDS,
    )
    body.enterprises.set(firms)
    body.people.set(persons)
    return body


@transaction.atomic
def body_update(
    *, actor, body: DomesticBody, enterprises=None, people=None, **changes: Any
) -> DomesticBody:
    obj, _diff = update_scoped(
        actor=actor,
        obj=body,
        changes=changes,
        audit_action="domestic_body.update",
        fields=BODY_FIELDS,
    )
    if enterprises is not None or people is not None:
        firms, persons = _links(actor, enterprises, people)
        if enterprises is not None:
            obj.enterprises.set(firms)
        if people is not None:
            obj.people.set(persons)
    return obj


@transaction.atomic
def fair_create(*, actor, enterprises=(), people=(), **fields: Any) -> TradeFair:
    if (
        fields.get("ends_on")
        and fields.get("starts_on")
        and fields["ends_on"] < fields["starts_on"]
    ):
        raise ValidationError(_("The fair cannot close before it opens."))
    firms, persons = _links(actor, enterprises, people)
    fair = create_scoped(
        actor=actor, obj=TradeFair(**fields), audit_action="trade_fair.create", fields=FAIR_FIELDS
    )
    fair.enterprises.set(firms)
    fair.people.set(persons)
    return fair


def _project_clean(project: InvestmentProject) -> None:
    """Dates follow the stage; the yuan amount is the amount at the rate of the signing day."""
    from qiaolian.core.money import Money, to_cny

    stage = project.stage
    if stage in (ProjectStage.SIGNED, ProjectStage.LANDED) and not project.signed_on:
        raise ValidationError({"signed_on": _("Give the signing date of a signed project.")})
    if stage == ProjectStage.LANDED and not project.landed_on:
        raise ValidationError({"landed_on": _("Give the landing date of a landed project.")})
    if project.signed_on and project.signed_on < project.found_on:
        raise ValidationError({"signed_on": _("A project cannot be signed before it was found.")})
    if project.landed_on and project.signed_on and project.landed_on < project.signed_on:
        raise ValidationError({"landed_on": _("A project cannot land before it is signed.")})
    if project.amount is not None and project.amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    project.currency = (project.currency or "CNY").upper()
    if project.signed_on and project.amount is not None:
        project.amount_cny = to_cny(
            Money(project.amount, project.currency), project.signed_on
        ).amount
    else:
        project.amount_cny = None
    project.full_clean()


def _project_refs(actor, fields: dict) -> None:
    from qiaolian.people.models import Association, Person

    for name, model in (
        ("enterprise", Enterprise),
        ("person", Person),
        ("association", Association),
        ("fair", TradeFair),
    ):
        value = fields.get(name)
        if value is not None and not model.objects.restrict(actor).filter(pk=value.pk).exists():
            raise PermissionDenied(_("You cannot name this record."))


@transaction.atomic
def project_create(*, actor, **fields: Any) -> InvestmentProject:
    _project_refs(actor, fields)
    return create_scoped(
        actor=actor,
        obj=InvestmentProject(**fields),
        audit_action="investment_project.create",
        fields=PROJECT_FIELDS,
        clean=_project_clean,
    )


@transaction.atomic
def project_update(*, actor, project: InvestmentProject, **changes: Any) -> InvestmentProject:
    _project_refs(actor, changes)
    obj, _diff = update_scoped(
        actor=actor,
        obj=project,
        changes=changes,
        audit_action="investment_project.update",
        fields=PROJECT_FIELDS,
        clean=_project_clean,
    )
    return obj
