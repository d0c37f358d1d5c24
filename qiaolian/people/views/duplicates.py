"""The duplicate pages: candidates found by scans (with filters and a scan button), the
field-by-field merge of two people, "not a duplicate", and the merge history with undo.

A pair is addressed by the two people's public ids; both must be visible to the user with
CHANGE (VIEW for the list), so a pair with one person of a unit the user does not govern is a
404 — the page does not confirm that the other person exists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core.scoping import Action, holds_anywhere
from qiaolian.core.views.generic import ScopedActionView, ScopedListView, ScopedView
from qiaolian.people import services
from qiaolian.people.apps import PEOPLE
from qiaolian.people.duplicates import scans, selectors
from qiaolian.people.duplicates.finder import compare, is_han, level
from qiaolian.people.duplicates.forms import DuplicateFilterForm, DuplicateMergeForm
from qiaolian.people.duplicates.merging import MergeConflict, default_choice
from qiaolian.people.models import Person, PersonMerge


class DuplicateListView(ScopedListView):
    """Stored candidates, best first; the latest scan's progress polls while it runs."""

    template_name = "people/duplicate_list.html"
    sort_fields = {"score": "score", "found": "found_at"}
    default_sort = "-score"

    @property
    def filter_form_class(self):
        return DuplicateFilterForm

    def scoped_queryset(self):
        return selectors.candidate_list(user=self.request.user, within=self.request.active_unit)

    def filter_queryset(self, queryset, data):
        return selectors.candidate_filter(queryset, data, user=self.request.user)

    def get(self, request, *args, **kwargs):
        if "progress" in request.GET:
            run = selectors.latest_run(user=request.user, within=request.active_unit)
            if run is None or not run.is_running:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return render(request, "people/duplicate_list.html#progress", {"run": run})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, within = self.request.user, self.request.active_unit
        selectors.decorate(context["object_list"], user=user)
        context.update(
            counts=selectors.candidate_counts(self.scoped_queryset()),
            run=selectors.latest_run(user=user, within=within),
            can_scan=holds_anywhere(user, PEOPLE.CHANGE),
            next_url=self.request.get_full_path(),
        )
        return context


class DuplicateScanView(ScopedView):
    """POST: queue a scan of the user's register (narrowed to the header's unit)."""

    action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request):
        try:
            _run, queued = scans.duplicate_scan_request(
                actor=request.user, within=request.active_unit
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.info(
                request,
                _("Looking for duplicates… the list updates when the scan is done.")
                if queued
                else _("A scan is already running; the list updates when it is done."),
            )
        return HttpResponseRedirect(reverse("people:duplicate_list"))


class PairMixin(ScopedView):
    """The two people named in the URL, both changeable by the user, else 404."""

    action = Action.CHANGE

    def get_pair(self) -> tuple[Person, Person]:
        people = Person.objects.restrict(self.request.user, Action.CHANGE).select_related(
            "unit", "hometown_unit", "merged_into"
        )
        try:
            first = people.get(public_id=self.kwargs["first"])
            second = people.get(public_id=self.kwargs["second"])
        except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
            raise Http404 from exc
        if first.pk == second.pk:
            raise Http404
        return first, second


class DuplicateMergeView(PairMixin):
    """Both records side by side; a radio per differing field; merge keeps one record.

    Which record is kept is chosen by reloading with `?keep=first|second` (a link), so each
    field's default (the kept record's value unless it is blank) follows that choice."""

    template_name = "people/duplicate_merge.html"

    def get(self, request, first, second):
        self.first, self.second = self.get_pair()
        return self.render(self.form())

    def post(self, request, first, second):
        self.first, self.second = self.get_pair()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        keep, choices = form.choices_for_service()
        survivor, merged = (
            (self.first, self.second) if keep == "first" else (self.second, self.first)
        )
        versions = {
            self.first.pk: form.cleaned_data["version_first"],
            self.second.pk: form.cleaned_data["version_second"],
        }
        try:
            record = services.person_merge(
                actor=request.user,
                survivor=survivor,
                merged=merged,
                choices=choices,
                survivor_version=versions[survivor.pk],
                merged_version=versions[merged.pk],
            )
        except MergeConflict as exc:
            # Show the records as they are now, with the user's choices kept.
            self.first, self.second = self.get_pair()
            data = request.POST.copy()
            data["version_first"], data["version_second"] = self.first.version, self.second.version
            fresh = self.form(data)
            fresh.is_valid()
            fresh.add_error(None, exc.messages[0])
            return self.render(fresh, status=409)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            return self.render(form, status=400)
        messages.success(
            request,
            _("%(merged)s was merged into %(kept)s. The merge can be undone from the history.")
            % {"merged": record.merged.full_name, "kept": record.survivor.full_name},
        )
        return HttpResponseRedirect(reverse("people:person_detail", args=[survivor.public_id]))

    def keep(self, data) -> str:
        """The side asked for (`?keep=` or the posted form), else the record with a Chinese
        name, then the one with more fields filled in, then the older one."""
        asked = (data or self.request.GET).get("keep")
        if asked in ("first", "second"):
            return asked

        def weight(person: Person, side: str) -> tuple:
            filled = sum(1 for row in self.rows if row[side])
            return (is_han(person.surname), filled, -person.pk)

        first, second = weight(self.first, "first"), weight(self.second, "second")
        return "first" if first >= second else "second"

    def form(self, data=None) -> DuplicateMergeForm:
        self.rows = selectors.comparison(self.first, self.second)
        self.kept_side = keep = self.keep(data)
        other = "second" if keep == "first" else "first"
        survivor, merged = (
            (self.first, self.second) if keep == "first" else (self.second, self.first)
        )
        initial = {
            "keep": keep,
            "version_first": self.first.version,
            "version_second": self.second.version,
        }
        for row in self.rows:
            if row["differs"]:
                side = default_choice(row["name"], survivor, merged)
                initial[f"field_{row['name']}"] = keep if side == "survivor" else other
        return DuplicateMergeForm(data, rows=self.rows, initial=initial)

    def render(self, form, status: int = 200):
        first, second = self.first, self.second
        score, reasons = compare(first, second)
        for row in self.rows:
            row["field"] = form[f"field_{row['name']}"] if row["differs"] else None
        context = {
            "first": first,
            "second": second,
            "form": form,
            "keep": self.kept_side,
            "rows": self.rows,
            "score": score,
            "level": level(score),
            "reasons": selectors.reason_labels(reasons),
            "contacts": [selectors.contacts_of(first), selectors.contacts_of(second)],
            "related": selectors.related_counts(user=self.request.user, people=[first, second]),
            "merged_already": first.merged_into or second.merged_into,
        }
        return render(self.request, self.template_name, context, status=status)


class DuplicateDismissView(PairMixin):
    """POST: "not a duplicate" — the pair is not offered again."""

    http_method_names = ["post"]

    def post(self, request, first, second):
        first_person, second_person = self.get_pair()
        try:
            services.duplicate_dismiss(
                actor=request.user,
                first=first_person,
                second=second_person,
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(first)s and %(second)s are marked as different people.")
                % {"first": first_person.full_name, "second": second_person.full_name},
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("people:duplicate_list")
        return HttpResponseRedirect(back)


class DuplicateMergeListView(ScopedListView):
    """The merge history, newest first, with undo where it is still possible."""

    template_name = "people/duplicate_merges.html"
    sort_fields = {"merged": "merged_at"}
    default_sort = "-merged"

    def scoped_queryset(self):
        return selectors.merge_list(user=self.request.user, within=self.request.active_unit)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        may = selectors.changeable(
            self.request.user, [p for m in rows for p in (m.survivor, m.merged)]
        )
        for merge in rows:
            merge.may_change = merge.survivor_id in may and merge.merged_id in may
            merge.can_unmerge = (
                merge.may_change
                and merge.undone_at is None
                and merge.survivor.version == merge.survivor_version_after
                and merge.merged.version == merge.merged_version_after
            )
        return context


class DuplicateUnmergeView(ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("The merge was undone: both records are as they were.")

    model = PersonMerge

    def narrow(self, queryset):
        return queryset.select_related("survivor", "merged")

    def perform(self, obj):
        services.person_unmerge(actor=self.request.user, merge=obj)

    def get_success_url(self, obj):
        return reverse("people:duplicate_merges")
