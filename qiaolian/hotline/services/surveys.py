"""Satisfaction surveys: one per case, sent when the case is resolved, answered once through a
private link (rating 1–5 and a comment) that expires.

The link's token is never stored, only its SHA-256; so the link is shown once: in the e-mail to
the requester, or to the staff member who asks for a new link to send by WeChat (which replaces
the previous link).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.crypto import secret_digest as hash_token
from qiaolian.core.scoping import Action
from qiaolian.core.tasks import enqueue_on_commit, send_email
from qiaolian.hotline.access import can_manage
from qiaolian.hotline.models import Case, EventKind, Status, Survey
from qiaolian.hotline.timeline import add_event

SURVEY_DAYS = 14
COMMENT_MAX = 2000


def survey_path(token: str) -> str:
    return reverse("hotline:survey_answer", args=[token])


def survey_url(token: str) -> str:
    """The absolute link when SITE_URL is configured (e-mails need it), else the path."""
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{survey_path(token)}"


def requester_email(case: Case) -> str:
    person = case.requester
    if person is None:
        return ""
    from qiaolian.people.models import ContactKind

    contact = person.contacts.filter(kind=ContactKind.EMAIL).first()
    return contact.value if contact else ""


def _event(case: Case, actor: Any, text: str, data: dict) -> None:
    add_event(case, EventKind.SURVEY, actor, text=text, data=data)


def _message(case: Case, link: str) -> tuple[str, str]:
    # The requester may read either language: the message carries both.
    subject = f"满意度回访 / How did we do? {case.number}"
    body = (
        f"您好！您的求助（{case.number}：{case.subject}）已处理完毕。\n"
        f"请用一分钟时间为我们的服务打分：{link}\n"
        f"链接 {SURVEY_DAYS} 天内有效，只能提交一次。\n\n"
        f"Hello! Your request {case.number} has been resolved.\n"
        f"Please rate our help (one minute): {link}\n"
        f"The link works for {SURVEY_DAYS} days and can be answered once.\n"
    )
    return subject, body


@transaction.atomic
def survey_send(case: Case) -> str | None:
    """Create the case's survey and queue the message to the requester's e-mail, if any.

    Returns the token (shown nowhere else), or None when the case already has a survey (a case
    resolved again after a reopen is not asked twice)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if Survey.objects.filter(case=case).exists():
        return None
    token = secrets.token_urlsafe(32)
    survey = Survey.objects.create(
        case=case,
        token_hash=hash_token(token),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=SURVEY_DAYS),
    )
    email = requester_email(case)
    if email:
        subject, body = _message(case, survey_url(token))
        enqueue_on_commit(send_email, subject=subject, body=body, to=[email])
    audit.record(
        actor=None,
        action="survey.send",
        obj=case,
        message=f"email: {'yes' if email else 'no'}",
    )
    _event(
        case,
        None,
        _("Satisfaction survey sent by e-mail.")
        if email
        else _("Satisfaction survey ready: send the link to the requester by WeChat."),
        {"survey": survey.pk, "email": bool(email)},
    )
    return token


def _require_link_maker(*, actor, case_id: int) -> None:
    """Links are made by staff of the case's unit. A volunteer's CHANGE reaches the cases
    assigned to them, and so the survey that rates them: with the link in hand they could
    replace the requester's e-mailed link and answer it themselves."""
    case = Case.objects.restrict(actor, Action.CHANGE).filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("You may not change this case."))
    if not can_manage(actor, case):
        raise PermissionDenied(_("Only staff of the case's unit may make survey links."))


@transaction.atomic
def survey_new_link(*, actor, survey: Survey) -> str:
    """A new link for staff to send by WeChat or SMS; the previous link stops working and the
    expiry starts again."""
    _require_link_maker(actor=actor, case_id=survey.case_id)
    current = Survey.objects.select_for_update().get(pk=survey.pk)
    if current.answered_at is not None:
        raise ValidationError(_("The requester has already answered this survey."))
    token = secrets.token_urlsafe(32)
    current.token_hash = hash_token(token)
    current.expires_at = timezone.now() + timedelta(days=SURVEY_DAYS)
    current.save(update_fields=["token_hash", "expires_at"])
    audit.record(
        actor=actor,
        action="survey.new_link",
        obj=current.case,
        changes={"expires_at": [None, current.expires_at.isoformat()]},
    )
    _event(current.case, actor, _("New satisfaction survey link made."), {"survey": current.pk})
    return token


@transaction.atomic
def survey_create(*, actor, case: Case) -> str:
    """Staff send the survey by hand (a case resolved before surveys existed, or never sent)."""
    _require_link_maker(actor=actor, case_id=case.pk)
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("A survey is sent once the case is resolved."))
    token = survey_send(case)
    if token is None:
        raise ValidationError(_("This case already has a survey."))
    return token


class SurveyClosed(Exception):
    """The link names a survey that can no longer be answered; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "answered"


def survey_for_token(token: str, *, now: datetime | None = None) -> Survey | None:
    """The survey the link opens (None: no such link). The token is the authorisation, so this
    read deliberately skips `restrict()`."""
    if not token or len(token) > 100:
        return None
    return (
        Survey.objects.select_related("case")  # scoping: exempt, token-authorised
        .filter(token_hash=hash_token(token))
        .first()
    )


def check_open(survey: Survey, now: datetime | None = None) -> None:
    if survey.answered_at is not None:
        raise SurveyClosed("answered")
    if survey.expires_at <= (now or timezone.now()):
        raise SurveyClosed("expired")


@transaction.atomic
def survey_answer(token: str, rating: Any, comment: str = "") -> Survey:
    """The requester's answer. Raises Survey.DoesNotExist for an unknown link, SurveyClosed
    when expired or already answered, ValidationError for a bad rating."""
    found = survey_for_token(token)
    if found is None:
        raise Survey.DoesNotExist
    survey = Survey.objects.select_for_update().get(pk=found.pk)  # scoping: exempt, token
    check_open(survey)
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5 stars.")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX}}
        )
    survey.rating = value
    survey.comment = comment
    survey.answered_at = timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    audit.record(
        actor=None,
        action="survey.answer",
        obj=survey.case,
        changes={"rating": [None, value]},
    )
    _event(
        survey.case,
        None,
        _("The requester rated the service %(rating)d/5.") % {"rating": value},
        {"survey": survey.pk, "rating": value, "comment": comment[:500]},
    )
    return survey
