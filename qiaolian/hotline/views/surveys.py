"""Hotline pages: satisfaction surveys (see hotline/urls.py): the requester's public survey page,
the CSAT report, and the case page's survey panel with the link staff send by WeChat."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from qiaolian.core.scoping import Action
from qiaolian.core.throttle import PublicRateLimitMixin
from qiaolian.core.views.generic import ScopedActionView, ScopedView
from qiaolian.hotline.access import can_manage
from qiaolian.hotline.forms.surveys import CsatFilterForm, SurveyAnswerForm
from qiaolian.hotline.models import Case, Status, Survey
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import cases as case_selectors
from qiaolian.hotline.selectors import surveys as selectors
from qiaolian.hotline.services import surveys as services

LINK_SESSION_KEY = "hotline_survey_link"
RECENT_COMMENTS = 20


class CsatReportView(ScopedView):
    """CSAT by category, unit and assignee over a period, and the latest comments."""

    http_method_names = ["get"]

    def get(self, request):
        form = CsatFilterForm(request.GET or None)
        start, end = form.period()
        user, within = request.user, request.active_unit
        reports = [
            (by, label, selectors.csat(user, start, end, by=by, within=within))
            for by, label in (
                ("category", _("By category")),
                ("unit", _("By unit")),
                ("assignee", _("By assignee")),
            )
        ]
        recent = (
            selectors.surveys_in(user, start, end, within)
            .select_related("case", "case__assignee")
            .order_by("-answered_at", "-pk")[:RECENT_COMMENTS]
        )
        context = {
            "filter_form": form,
            "start": start,
            "end": end,
            "summary": reports[0][2],
            "reports": reports,
            "recent": recent,
        }
        return render(request, "hotline/surveys/csat.html", context)


def _back(request, case: Case) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("hotline:case_detail", args=[case.public_id])


class SurveyLinkView(ScopedActionView):
    """A new survey link for staff to send by WeChat (replaces the e-mailed one)."""

    action = Action.CHANGE

    model = Case

    def perform(self, obj):
        survey = Survey.objects.restrict(self.request.user, Action.CHANGE).filter(case=obj).first()
        if survey is None:
            token = services.survey_create(actor=self.request.user, case=obj)
        else:
            token = services.survey_new_link(actor=self.request.user, survey=survey)
        self.request.session[LINK_SESSION_KEY] = {"case": str(obj.public_id), "token": token}
        messages.success(self.request, _("Survey link ready. Copy it now: it is shown only once."))

    def get_success_url(self, obj):
        return _back(self.request, obj)


# --- the requester's survey page (no login) ----------------------------------------------


def _public(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# The public page speaks both languages at once: the requester abroad may read either.
ERRORS = {
    "rating": "请选择 1 到 5 颗星。 / Choose a rating from 1 to 5 stars.",
    "comment": "留言请少于 2000 字。 / Keep the comment under 2,000 characters.",
}


class SurveyAnswerView(PublicRateLimitMixin, View):
    """Rate 1–5 and comment, once; 404 for an unknown link, 410 once expired or answered."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, token: str):
        self.survey = services.survey_for_token(token)
        if self.survey is None:
            raise Http404
        try:
            services.check_open(self.survey)
        except services.SurveyClosed as closed:
            return self.closed(closed.reason)
        return super().dispatch(request, token)

    def closed(self, reason: str):
        status = 410
        context = {"reason": reason, "survey": self.survey}
        return _public(render(self.request, "hotline/surveys/closed.html", context, status=status))

    def get(self, request, token: str):
        return self.page(SurveyAnswerForm(), [])

    def page(self, form, errors, status=200):
        survey = self.survey
        assert survey is not None  # dispatch answered 404 otherwise
        context = {"form": form, "errors": errors, "case_number": survey.case.number}
        return _public(render(self.request, "hotline/surveys/answer.html", context, status=status))

    def post(self, request, token: str):
        form = SurveyAnswerForm(request.POST)
        if not form.is_valid():
            errors = [ERRORS[name] for name in ("rating", "comment") if name in form.errors]
            return self.page(form, errors, status=400)
        try:
            services.survey_answer(
                token, form.cleaned_data["rating"], form.cleaned_data.get("comment", "")
            )
        except services.SurveyClosed as closed:
            return self.closed(closed.reason)
        except ValidationError as exc:
            fields = getattr(exc, "error_dict", {})
            errors = [ERRORS[name] for name in ("rating", "comment") if name in fields]
            return self.page(form, errors or [ERRORS["rating"]], status=400)
        return _public(render(request, "hotline/surveys/thanks.html", {}))


# --- the case page's panel ---------------------------------------------------------------


@panel(60)
def survey_panel(request, case):
    """The survey's state; on a resolved case, the button that makes a link to send by WeChat
    (the link itself is shown once, right after it was made)."""
    user = request.user
    survey = Survey.objects.restrict(user, Action.VIEW).filter(case=case).first()
    resolved = case.status in (Status.RESOLVED, Status.CLOSED)
    if survey is None and not resolved:
        return None
    can_change = case_selectors.can_change(user, case) and can_manage(user, case)
    link = None
    stored = request.session.get(LINK_SESSION_KEY)
    if stored and stored.get("case") == str(case.public_id):
        request.session.pop(LINK_SESSION_KEY, None)
        link = request.build_absolute_uri(reverse("hotline:survey_answer", args=[stored["token"]]))
    expired = (
        survey is not None and survey.answered_at is None and (survey.expires_at <= timezone.now())
    )
    return {
        "template": "hotline/surveys/_panel.html",
        "survey": survey,
        "survey_case": case,
        "survey_expired": expired,
        "survey_link": link,
        "survey_can_link": can_change and (survey is None or survey.answered_at is None),
        "survey_next": request.get_full_path(),
    }


urlpatterns: list = [
    path("surveys/csat/", CsatReportView.as_view(), name="csat_report"),
    path("surveys/case/<uuid:public_id>/link/", SurveyLinkView.as_view(), name="survey_link"),
    path("feedback/<str:token>/", SurveyAnswerView.as_view(), name="survey_answer"),
]
