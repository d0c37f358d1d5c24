"""The people pages: list (with export), detail, create/edit with optimistic locking, family
links, consents and the audited reveal of sensitive numbers."""

from __future__ import annotations

import contextlib
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from qiaolian.core import audit, timezones
from qiaolian.core.apps import CORE
from qiaolian.core.export_jobs import export_view
from qiaolian.core.pagination import BoundedPaginator
from qiaolian.core.scoping import Action, holds_anywhere, holds_subtree, reaches_unit
from qiaolian.core.views.conflicts import ConflictFormMixin
from qiaolian.core.views.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedView,
)
from qiaolian.people import selectors, services
from qiaolian.people.apps import PEOPLE
from qiaolian.people.forms import (
    ConsentForm,
    PersonFilterForm,
    PersonForm,
    RelationshipForm,
    edit_snapshot,
    person_label,
    read_snapshot,
    sign_snapshot,
)
from qiaolian.people.identity import birth_date_text, mask_sensitive
from qiaolian.people.models import Consent, Gender, Person, Relationship

EXPORT_LIMIT = 100_000


class PersonListView(ScopedListView):
    """The register, narrowed to the header's unit; filters, sorting, HTMX rows, export."""

    template_name = "people/person_list.html"
    sort_fields = {
        "name": "name_pinyin",
        "category": "category",
        "country": "country",
        "unit": "unit__path",
        "updated": "updated_at",
    }
    default_sort = "name"
    # A city's register is a million people: the pager counts up to 10,000 of them, and says
    # "more than 10,000" beyond (an exact count of the city cost more than the whole page).
    paginator_class = BoundedPaginator

    @property
    def filter_form_class(self):
        return partial(PersonFilterForm, user=self.request.user)

    def scoped_queryset(self):
        people = selectors.person_list(user=self.request.user, within=self.request.active_unit)
        return people.order_by("name_pinyin", "pk")  # kept unless a whitelisted sort is asked

    def filter_queryset(self, queryset, data):
        return selectors.person_filter(queryset, data)

    def get(self, request, *args, **kwargs):
        if "export" in request.GET:
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        categories = context["filter_form"].category_labels()
        for person in context["object_list"]:
            person.category_label = categories.get(person.category, person.category)
            phones = [c.value for c in person.contacts.all() if c.kind == "phone"]
            person.primary_phone = phones[0] if phones else ""
        context.update(
            export=holds_anywhere(user, PEOPLE.EXPORT),
            can_add=holds_subtree(user, PEOPLE.ADD),
        )
        return context

    export_name = "people"
    export_title = gettext_lazy("People")
    export_limit = EXPORT_LIMIT

    def export(self, fmt: str):
        """The filtered list as xlsx or CSV through core.exports (scoped by EXPORT, sensitive
        numbers masked, cells neutralised, an `export.people` audit event; a large list is
        written by a worker)."""
        return export_view(self, fmt)

    def export_permission(self) -> str:
        return PEOPLE.EXPORT

    def export_queryset(self):
        user = self.request.user
        queryset = selectors.person_list(
            user=user, action=Action.EXPORT, within=self.request.active_unit
        )
        form = PersonFilterForm(self.request.GET, user=user)
        if form.is_valid():
            queryset = selectors.person_filter(queryset, form.cleaned_data)
        sort = self.request.GET.get("sort", self.default_sort)
        field = self.sort_fields.get(sort.lstrip("-"), "name_pinyin")
        return queryset.order_by(f"-{field}" if sort.startswith("-") else field, "pk")

    def export_header(self) -> list[str]:
        return export_header()

    def export_rows(self, queryset):
        return export_rows(queryset[:EXPORT_LIMIT], user=self.request.user)


def export_header() -> list[str]:
    return [
        pgettext("person", "Name"),
        _("Pinyin"),
        _("Other spellings"),
        _("Gender"),
        _("Birth date"),
        _("Category"),
        _("Nationality"),
        _("Country (region) of residence"),
        _("City"),
        _("Time zone"),
        _("Hometown"),
        _("Phones"),
        _("Emails"),
        _("WeChat ID"),
        _("Address"),
        _("Occupation"),
        _("Employer"),
        _("Languages"),
        _("Tags"),
        _("Owner unit"),
        _("ID card number"),
        _("Passport number"),
        _("Consent"),
        _("Last updated"),
    ]


def export_rows(queryset, *, user=None):
    categories = selectors.category_labels()
    yes, no = _("Yes"), _("No")
    for person in queryset.iterator(chunk_size=2000):
        contacts = list(person.contacts.all())
        yield [
            person.full_name,
            person.name_pinyin,
            person.romanized_names,
            person.get_gender_display(),
            shown_birth_date(
                person,
                user is not None and reaches_unit(user, PEOPLE.REVEAL, person.unit),
            ),
            categories.get(person.category, person.category),
            person.nationality.name if person.nationality else "",
            person.country.name if person.country else "",
            person.city,
            person.time_zone,
            person.hometown,
            "; ".join(c.normalized for c in contacts if c.kind == "phone"),
            "; ".join(c.normalized for c in contacts if c.kind == "email"),
            person.wechat_id,
            person.address,
            person.occupation,
            person.employer,
            person.languages,
            person.tags,
            person.unit.label,
            person.id_number_masked,
            person.passport_masked,
            yes if person.has_consent else no,
            timezone.localtime(person.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]


class PersonLookupView(ScopedView):
    """Small JSON feed for person pickers: at most 20 visible people matching `q`."""

    def get(self, request):
        people = (
            Person.objects.restrict(request.user, Action.VIEW)
            .filter(merged_into__isnull=True)
            .select_related("unit")
        )
        q = request.GET.get("q", "").strip()
        if exclude := request.GET.get("exclude"):
            with contextlib.suppress(ValidationError):
                people = people.exclude(public_id=exclude)
        if q:
            people = selectors.text_filter(people, q).order_by("name_pinyin", "pk")
        else:
            people = people.order_by("-updated_at", "pk")
        results = [
            {"value": str(p.public_id), "text": f"{person_label(p)} · {p.unit.label}"}
            for p in people[:20]
        ]
        return JsonResponse({"results": results})


class PersonObjectMixin(ScopedView):
    """Views acting on the person named in the URL, read through restrict(self.action)."""

    model = Person

    def narrow(self, queryset):
        return queryset.select_related("unit", "hometown_unit")

    def get_object(self):
        obj = super().get_object()
        if self.permission() == PEOPLE.CHANGE:
            # Writes need CHANGE over the person's unit; a narrowed grant sees but never saves.
            person = obj if isinstance(obj, Person) else obj.person
            if not reaches_unit(self.request.user, PEOPLE.CHANGE, person.unit, narrowed=False):
                raise PermissionDenied
        return obj

    def get_success_url(self, obj):
        person = obj if isinstance(obj, Person) else obj.person
        return reverse("people:person_detail", args=[person.public_id])


class PersonDetailView(PersonObjectMixin, ScopedDetailView):
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, person = self.request.user, self.object
        context.update(selectors.person_detail_context(user=user, person=person))
        # A merged-away record is kept for the merge history but is no longer edited here.
        # Every write of a person needs CHANGE over its unit (`require_unit`): a liaison
        # officer or volunteer who sees the person through their groups or cases cannot save
        # an edit, so is not offered one.
        context["can_change"] = person.merged_into_id is None and reaches_unit(
            user, PEOPLE.CHANGE, person.unit, narrowed=False
        )
        context["merged_into"] = (
            Person.objects.restrict(user, Action.VIEW).filter(pk=person.merged_into_id).first()
            if person.merged_into_id
            else None
        )
        context["can_reveal"] = (
            Person.objects.restrict(user, Action.REVEAL).filter(pk=person.pk).exists()
        )
        context["birth_date_shown"] = shown_birth_date(person, context["can_reveal"])
        context["can_audit"] = holds_anywhere(user, CORE.AUDIT)
        context["clock"] = timezones.wall_clock(person.time_zone, default=None)
        if context["can_change"]:
            context["consent_form"] = ConsentForm()
            context["link_form"] = RelationshipForm(user=user, person=person)
        return context


def shown_birth_date(person: Person, can_reveal: bool) -> str:
    """The birth date as text for pages and exports: the year only for a user without the
    reveal right when an ID number is recorded (`identity.birth_date_shown` says why)."""
    return birth_date_text(person.birth_date, id_number=person.id_number, can_reveal=can_reveal)


class PersonCreateView(ScopedFormView):
    action = Action.ADD
    template_name = "people/person_form.html"
    success_message = gettext_lazy("Person added to the register.")

    def get_form(self, data=None):
        initial = {"unit": self.request.active_unit}
        return PersonForm(data, user=self.request.user, initial=initial)

    def perform(self, form):
        with transaction.atomic():
            person = services.person_create(actor=self.request.user, **form.service_fields())
            if consent := form.consent_fields():
                services.consent_grant(actor=self.request.user, person=person, **consent)
        return person

    def get_success_url(self, obj):
        return reverse("people:person_detail", args=[obj.public_id])


class PersonEditView(PersonObjectMixin, ConflictFormMixin, ScopedFormView):
    """Edit with optimistic locking: the form carries the version it was opened at and a
    signed snapshot of what it showed; a save over a newer one answers 409 with the user's
    input kept and, field by field, what the other person changed since the form showed it.
    Saving again from there keeps the user's version."""

    action = Action.CHANGE
    needs_object = True
    template_name = "people/person_form.html"
    success_message = gettext_lazy("Person saved.")
    conflict_status = 409

    def get_form(self, data=None):
        return PersonForm(
            data,
            user=self.request.user,
            person=self.object,
            initial=PersonForm.initial_for(self.object),
        )

    def perform(self, form):
        return services.person_update(
            actor=self.request.user,
            person=self.object,
            expected_version=form.cleaned_data.get("version"),
            **form.service_fields(),
        )

    def conflict_rows(self, form, current, conflict):
        """The fields that differ between what the form showed (its signed snapshot) and what
        is saved now, rather than between the user's input and the record."""
        theirs = edit_snapshot(current)
        opened = read_snapshot(form.cleaned_data.get("original", "")) or {}
        mine = {**form.cleaned_data, "phones": form.cleaned_data["phone_list"]}
        mine["emails"] = form.cleaned_data["email_list"]
        for name in services.SENSITIVE_FIELDS:
            # Typed numbers are shown masked like the stored ones; empty means "keep".
            mine[name] = mask_sensitive(name, mine[name]) if mine.get(name) else opened.get(name)
        choices = {"gender": dict(Gender.choices), "category": selectors.category_labels()}

        def shown(name, value):
            value = audit._plain(value)
            return _shown(
                choices.get(name, {}).get(value, value) if isinstance(value, str) else value
            )

        return [
            {
                "field": name,
                "label": _field_label(form, name),
                "before": shown(name, opened.get(name)),
                "theirs": shown(name, value),
                "mine": shown(name, mine.get(name)),
            }
            for name, value in theirs.items()
            if opened.get(name) != value
        ]

    def conflict_data(self, data, current):
        super().conflict_data(data, current)
        data["original"] = sign_snapshot(edit_snapshot(current))


def _shown(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _field_label(form, name: str) -> str:
    if name in form.fields:
        return str(form.fields[name].label)
    return audit.field_label(Person, name)


class PersonRevealView(PersonObjectMixin):
    """POST: the clear value of an ID or passport number, once, as an HTMX fragment."""

    action = Action.REVEAL
    http_method_names = ["post"]

    def post(self, request, public_id, field):
        if field not in services.SENSITIVE_FIELDS:
            raise Http404
        person = self.get_object()
        value = services.person_reveal(actor=request.user, person=person, field=field)
        response = render(
            request,
            "people/person_detail.html#revealed",
            {"value": value, "field": field, "object": person},
        )
        response["Cache-Control"] = "no-store"
        return response


class ConsentGrantView(PersonObjectMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    form_class = ConsentForm
    template_name = "people/person_consent_form.html"
    success_message = gettext_lazy("Consent recorded.")

    def perform(self, form):
        services.consent_grant(actor=self.request.user, person=self.object, **form.cleaned_data)
        return self.object


class ConsentWithdrawView(PersonObjectMixin, ScopedActionView):
    action = Action.CHANGE
    success_message = gettext_lazy("Consent withdrawn.")

    model = Consent

    def narrow(self, queryset):
        return queryset.select_related("person__unit")

    def perform(self, obj):
        services.consent_withdraw(actor=self.request.user, consent=obj)


class RelationshipAddView(PersonObjectMixin, ScopedFormView):
    action = Action.CHANGE
    needs_object = True
    template_name = "people/person_link_form.html"
    success_message = gettext_lazy("Family link added.")

    def get_form(self, data=None):
        return RelationshipForm(data, user=self.request.user, person=self.object)

    def perform(self, form):
        data = form.cleaned_data
        services.relationship_add(
            actor=self.request.user,
            person=self.object,
            relative=data["relative"],
            kind=data["kind"],
            note=data["note"],
        )
        return self.object


class RelationshipRemoveView(PersonObjectMixin, ScopedActionView):
    """Removes a family link; it returns to whichever side's page the button was on."""

    action = Action.CHANGE
    success_message = gettext_lazy("Family link removed.")

    model = Relationship

    def narrow(self, queryset):
        return queryset.select_related("person__unit", "relative")

    def perform(self, obj):
        services.relationship_remove(actor=self.request.user, link=obj)

    def get_success_url(self, obj):
        back = obj.person
        if self.request.POST.get("from") == str(obj.relative.public_id):
            back = obj.relative
        return reverse("people:person_detail", args=[back.public_id])
