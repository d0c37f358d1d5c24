"""Hotline pages: the answer knowledge base (see hotline/urls.py), the suggestions fragment the
new-case form asks for while the text is typed, and the case page's suggestions panel."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_subtree
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.forms.answers import AnswerFilterForm, AnswerForm
from qiaolian.hotline.models import Answer, AnswerStatus, Case, Status
from qiaolian.hotline.panels import panel
from qiaolian.hotline.selectors import answers as selectors
from qiaolian.hotline.services import answers as services

SUGGEST_TEXT_MAX = 4000
INSERT_TARGET = re.compile(r"id_[a-z_]{1,40}")  # the id of the box an answer is put into


class AnswerListView(ScopedListView):
    template_name = "hotline/answers/list.html"
    filter_form_class = AnswerFilterForm
    sort_fields = {"title": "title_zh", "category": "category", "updated": "updated_at"}
    default_sort = "-updated"

    def scoped_queryset(self):
        return selectors.answer_list(user=self.request.user, within=self.request.active_unit)

    def filter_queryset(self, queryset, data):
        return selectors.filter_answers(queryset, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_add=holds_subtree(self.request.user, HOTLINE.ADD),
            categories=selectors.category_labels(),
        )
        return context


class AnswerDetailView(ScopedDetailView):
    template_name = "hotline/answers/detail.html"

    def scoped_queryset(self):
        return selectors.visible_answers(self.request.user).select_related(
            "unit", "source_case", "created_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, answer = self.request.user, self.object
        source = answer.source_case
        context.update(
            answer=answer,
            category_label=selectors.category_labels().get(answer.category, answer.category),
            can_change=selectors.can_edit(user, answer),
            source_visible=source is not None
            and Case.objects.restrict(user, Action.VIEW).filter(pk=source.pk).exists(),
        )
        return context


class AnswerCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "hotline/answers/form.html"
    success_message = gettext_lazy("Answer saved.")

    def get_form(self, data=None):
        initial = {"status": AnswerStatus.DRAFT}
        if self.request.active_unit:
            initial["unit"] = self.request.active_unit
        return AnswerForm(data, user=self.request.user, action=Action.ADD, initial=initial)

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.answer_create(actor=self.request.user, **data)

    def get_success_url(self, obj):
        return reverse("hotline:answer_detail", args=[obj.public_id])


class AnswerObjectMixin(ScopedView):
    action = Action.CHANGE
    needs_object = True

    model = Answer

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def get_success_url(self, obj):
        return reverse("hotline:answer_detail", args=[obj.public_id])


class AnswerEditView(AnswerObjectMixin, ConflictFormMixin, ScopedFormView):
    """Edit with optimistic locking: a stale save keeps the user's text and shows theirs."""

    template_name = "hotline/answers/form.html"
    success_message = gettext_lazy("Answer saved.")

    def get_form(self, data=None):
        answer = self.object
        initial = {name: getattr(answer, name) for name in services.ANSWER_FIELDS}
        initial["version"] = answer.version
        return AnswerForm(
            data, user=self.request.user, action=Action.CHANGE, initial=initial, editing=True
        )

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")  # required on an edit (AnswerForm.clean)
        return services.answer_update(
            actor=self.request.user, answer=self.object, expected_version=version, **data
        )


class AnswerDeleteView(AnswerObjectMixin, ScopedActionView):
    action = Action.DELETE
    success_message = gettext_lazy("Answer deleted.")

    def perform(self, obj):
        services.answer_delete(actor=self.request.user, answer=obj)

    def get_success_url(self, obj):
        return reverse("hotline:answer_list")


class AnswerFromCaseView(ScopedActionView):
    """ "Make an answer from this case": a draft prefilled from the resolved case, then its
    edit page."""

    action = Action.ADD

    model = Case
    queryset_action = Action.VIEW

    def narrow(self, queryset):
        return queryset.select_related("unit")

    def perform(self, obj):
        self.answer = services.answer_from_case(actor=self.request.user, case=obj)

    def get_success_url(self, obj):
        answer = getattr(self, "answer", None)
        if answer is None:
            return reverse("hotline:case_detail", args=[obj.public_id])
        return reverse("hotline:answer_edit", args=[answer.public_id])


class AnswerSuggestView(ScopedView):
    """HTMX fragment: answers matching the text being typed (`text`, or the new-case form's
    `subject` and `description`; `category` favours that category)."""

    http_method_names = ["get"]

    def get(self, request):
        keys = ("subject", "description", "question", "text", "q")
        parts = [request.GET.get(k, "") for k in keys]
        text = " ".join(p for p in parts if p)[:SUGGEST_TEXT_MAX]
        category = request.GET.get("category", "")[:40]
        suggestions = services.suggest(request.user, text, category=category) if text else []
        # The call console asks for "insert into reply" buttons aimed at its reply box.
        insert = request.GET.get("insert", "")
        return render(
            request,
            "hotline/answers/_suggestions.html",
            {
                "suggestions": suggestions,
                "searched": bool(text.strip()),
                "insert_into": insert if INSERT_TARGET.fullmatch(insert) else "",
            },
        )


# --- the case page's panel ---------------------------------------------------------------


@panel(50)
def answers_panel(request, case):
    """Answers that match the case's text; and, on a resolved case, the button that turns it
    into a draft answer."""
    user = request.user
    text = f"{case.subject} {case.description}"
    suggestions = services.suggest(user, text, category=case.category)
    resolved = case.status in (Status.RESOLVED, Status.CLOSED)
    can_make = resolved and holds_subtree(user, HOTLINE.ADD)
    if can_make:
        from qiaolian.core.models import Unit

        can_make = Unit.objects.restrict(user, HOTLINE.ADD).filter(pk=case.unit_id).exists()
    if not suggestions and not can_make:
        return None
    return {
        "template": "hotline/answers/_panel.html",
        "suggestions": suggestions,
        "searched": True,
        "answers_case": case,
        "answers_can_make": can_make,
    }


urlpatterns: list = [
    path("answers/", AnswerListView.as_view(), name="answer_list"),
    path("answers/new/", AnswerCreateView.as_view(), name="answer_create"),
    path("answers/suggest/", AnswerSuggestView.as_view(), name="answer_suggest"),
    path(
        "answers/from-case/<uuid:public_id>/",
        AnswerFromCaseView.as_view(),
        name="answer_from_case",
    ),
    path("answers/<uuid:public_id>/", AnswerDetailView.as_view(), name="answer_detail"),
    path("answers/<uuid:public_id>/edit/", AnswerEditView.as_view(), name="answer_edit"),
    path("answers/<uuid:public_id>/delete/", AnswerDeleteView.as_view(), name="answer_delete"),
]
