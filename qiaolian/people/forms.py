"""Forms of the people pages. Every choice that names a unit or a person is restricted the same
way as every read: a form never offers what the user may not see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaolian.core import countries
from qiaolian.core.forms import (
    DictChoiceField,
    PlainSelect,
    RemoteSelect,
    UnitChoiceField,
    dict_choices,
)
from qiaolian.core.phones import phone_error, phone_for_country
from qiaolian.core.scoping import Action, reaches_unit
from qiaolian.core.timezones import zone_choices
from qiaolian.people.apps import PEOPLE
from qiaolian.people.identity import check_passport, parse_id_number
from qiaolian.people.models import (
    Association,
    AssociationLeader,
    Consent,
    Gender,
    Person,
    RelationKind,
)
from qiaolian.people.names import split_full_name
from qiaolian.people.normalize import normalize_email, time_zone_for
from qiaolian.people.records import PERSON_FIELDS, SENSITIVE_FIELDS
from qiaolian.people.selectors import PERSON_CATEGORY

SNAPSHOT_SALT = "qiaolian.people.person-edit"


def _country_choices(empty_label) -> list[tuple[str, Any]]:
    return [("", empty_label), *countries.choices()]


def _lines(text: str) -> list[str]:
    """One value per line (commas and semicolons, full-width too, also separate)."""
    for separator in (",", ";", "，", "；", "、"):
        text = text.replace(separator, "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- pickers -------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    """A person visible to `user` (VIEW), picked by public id through the lookup endpoint."""

    def __init__(self, *, user, exclude: Person | None = None, **kwargs):
        queryset = Person.objects.restrict(user, Action.VIEW).filter(merged_into__isnull=True)
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude.pk)
        url = reverse("people:person_lookup")
        if exclude is not None:
            url += f"?exclude={exclude.public_id}"
        super().__init__(
            queryset=queryset, to_field_name="public_id", widget=RemoteSelect(url), **kwargs
        )
        self.error_messages["invalid_choice"] = _(
            "Pick a person from the list: type part of their name, pinyin or phone."
        )

    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


def person_label(person: Person) -> str:
    pinyin = f" ({person.name_pinyin})" if person.name_pinyin else ""
    return f"{person.full_name}{pinyin}"


# --- people --------------------------------------------------------------------------------


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, pinyin, initials or phone"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 张伟, zhangwei, zw, 3331234567")}),
    )
    category = DictChoiceField(PERSON_CATEGORY, label=_("Category"), required=False)
    country = forms.ChoiceField(label=_("Country (region)"), required=False, widget=PlainSelect)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Any gender")), *Gender.choices]
    )
    consent = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Has consent")), ("no", _("No consent"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the dictionary once: the list page takes its category labels from here too.
        self.fields["category"].choices = [
            ("", _("All categories")),
            *dict_choices(PERSON_CATEGORY)[1:],
        ]
        self.fields["country"].choices = _country_choices(_("All countries and regions"))
        self.fields["country"].widget.attrs["data-tom-select"] = "1"
        # Remote: a city administrator's tree has hundreds of units, too many for every page.
        self.fields["unit"] = UnitChoiceField(
            user=user,
            action=Action.VIEW,
            label=_("Unit"),
            required=False,
            remote=True,
            empty_label=_("All my units"),
        )
        self.order_fields(["q", "category", "country", "unit", "gender", "consent"])

    def category_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in self.fields["category"].choices if value}


PERSON_MODEL_FIELDS = (
    "romanized_names",
    "gender",
    "birth_date",
    "nationality",
    "country",
    "city",
    "hometown",
    "wechat_id",
    "address",
    "occupation",
    "employer",
    "languages",
    "tags",
    "notes",
)


class PersonForm(forms.Form):
    """Create or edit a person. Names: surname + given name, or the whole name in the surname
    field (split by the compound-surname table). Phones and emails: one per line, any format.
    Editing carries the version it was opened at and a signed snapshot of what it showed, so a
    concurrent save is reported field by field instead of being overwritten."""

    surname = forms.CharField(
        label=_("Surname"),
        max_length=40,
        help_text=_(
            "Or type the whole name here and leave the given name empty: 欧阳娜娜 is "
            "split into 欧阳 + 娜娜."
        ),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=60, required=False)
    category = DictChoiceField(PERSON_CATEGORY, label=_("Category"), required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Leave empty to derive it from the country and the phone number."),
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, any format: 138 1234 5678, +39 333 123 4567, 0039 …"),
    )
    emails = forms.CharField(
        label=_("Emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, person: Person | None = None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Person, fields=PERSON_MODEL_FIELDS))
        self.fields["birth_date"].widget = forms.DateInput(attrs={"type": "date"})
        for name in ("nationality", "country"):
            self.fields[name].widget.attrs["data-tom-select"] = "1"
        self.fields["time_zone"].choices = [("", _("Derived automatically")), *zone_choices()]
        self.fields["time_zone"].widget.attrs["data-tom-select"] = "1"
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["unit"] = UnitChoiceField(
            user=user, action=PEOPLE.CHANGE if person else PEOPLE.ADD, label=_("Owner unit")
        )
        self.fields["hometown_unit"] = UnitChoiceField(
            user=user,
            action=Action.VIEW,
            label=_("Hometown unit"),
            required=False,
            help_text=_("The federation unit of the hometown, when it lies in our area."),
        )
        # The birth date is part of the ID card number: without the reveal right it is not
        # shown (people.identity.mask_id_number says why); left empty, it is kept.
        self.birth_date_hidden = bool(
            person is not None
            and person.id_number
            and person.birth_date
            and not reaches_unit(user, PEOPLE.REVEAL, person.unit)
        )
        if self.birth_date_hidden:
            self.initial["birth_date"] = None
            self.fields["birth_date"].help_text = _(
                "Year %(year)s; the full date is in the ID card number. Leave empty to keep it."
            ) % {"year": person.birth_date.year}
        if person is not None:
            masked = {
                "id_number": person.id_number_masked,
                "passport_number": person.passport_masked,
            }
            for name, shown in masked.items():
                self.fields[name].widget.attrs["placeholder"] = shown
                self.fields[name].help_text = _("Leave empty to keep the stored number.")
        if person is None:
            # A new person's consent is recorded with them; later ones on the person's page.
            self.fields["consent_purpose"] = forms.CharField(
                label=_("Consent purpose"),
                max_length=200,
                required=False,
                help_text=_("Leave empty when no consent was collected yet."),
                widget=forms.TextInput(attrs={"placeholder": _("e.g. liaison and notices")}),
            )
            self.fields["consent_legal_basis"] = forms.ChoiceField(
                label=_("Legal basis"),
                choices=Consent.LegalBasis.choices,
                initial="consent",
                required=False,
            )
            self.fields["consent_channel"] = forms.ChoiceField(
                label=_("Channel"), choices=Consent.Channel.choices, required=False
            )
        # The register's fields in their order, the contacts after the place, the documents
        # before the owner unit.
        place_end = PERSON_FIELDS.index("hometown_unit") + 1
        self.order_fields(
            [
                *PERSON_FIELDS[:place_end],
                "phones",
                "emails",
                *PERSON_FIELDS[place_end:-1],
                *SENSITIVE_FIELDS,
                "unit",
            ]
        )

    # The form in the groups staff think in (issue 9): a 24-field column was hard to scan.
    FIELDSETS = (
        ("basic", _("Basic information"), ("surname", "given_name", "romanized_names",
         "gender", "birth_date", "category", "hometown", "hometown_unit", "languages", "tags",
         "notes", "unit")),
        ("contact", _("Contact"), ("phones", "emails", "wechat_id", "address")),
        ("abroad", _("Abroad"), ("nationality", "country", "city", "time_zone", "occupation",
         "employer")),
        ("documents", _("Documents"), ("id_number", "passport_number")),
        ("consent", _("Consent"), ("consent_purpose", "consent_legal_basis",
         "consent_channel")),
    )  # fmt: skip

    def fieldsets(self) -> list[tuple[str, Any, list]]:
        """(key, legend, bound fields) per group, for people/person_form.html."""
        groups = []
        for key, legend, names in self.FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields or key == "consent":
                groups.append((key, legend, fields))
        return groups

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        contacts = list(person.contacts.all())
        initial = {name: getattr(person, name) for name in PERSON_MODEL_FIELDS}
        initial.update(
            surname=person.surname,
            given_name=person.given_name,
            category=person.category,
            time_zone=person.time_zone,
            hometown_unit=person.hometown_unit_id,
            unit=person.unit_id,
            phones="\n".join(c.value for c in contacts if c.kind == "phone"),
            emails="\n".join(c.value for c in contacts if c.kind == "email"),
            version=person.version,
            original=sign_snapshot(edit_snapshot(person, contacts)),
        )
        return initial

    def clean(self):
        data = super().clean()
        surname, given = data.get("surname", ""), data.get("given_name", "")
        if surname and not given:
            data["surname"], data["given_name"] = split_full_name(surname)
        country = str(data.get("country") or "")
        bad_phones, phones = [], []
        for line in _lines(data.get("phones", "")):
            (phones if phone_for_country(line, country) else bad_phones).append(line)
        if bad_phones:
            self.add_error(
                "phones",
                [
                    ValidationError(phone_error(value, country), code="phone")
                    for value in bad_phones
                ],
            )
        data["phone_list"] = phones
        self._check_documents(data)
        if self.person is not None and data.get("time_zone") == self.person.time_zone:
            data["time_zone"] = self._rederived_time_zone(data, phones)
        bad_emails = [e for e in _lines(data.get("emails", "")) if normalize_email(e) is None]
        if bad_emails:
            self.add_error(
                "emails",
                [
                    ValidationError(
                        _("“%(value)s” is not a valid email address, e.g. name@example.com."),
                        params={"value": value},
                        code="email",
                    )
                    for value in bad_emails
                ],
            )
        data["email_list"] = _lines(data.get("emails", ""))
        return data

    def _check_documents(self, data: dict[str, Any]) -> None:
        """The checks of `people.identity` on what was typed, so the form shows them beside
        its other errors; the service repeats them (and matches the birth date and gender)."""
        if data.get("id_number", "").strip():
            try:
                parse_id_number(data["id_number"])
            except ValidationError as exc:
                self.add_error("id_number", exc)
        if data.get("passport_number", "").strip():
            try:
                check_passport(
                    data["passport_number"], nationality=str(data.get("nationality") or "")
                )
            except ValidationError as exc:
                self.add_error("passport_number", exc)

    def _rederived_time_zone(self, data: dict[str, Any], phones: list[str]) -> str:
        """Keep a stored zone the user chose; drop one that was derived automatically when the
        country or the first phone changes, so the service derives it again."""
        person = self.person
        contacts = list(person.contacts.all())
        old_phone = next((c.normalized for c in contacts if c.kind == "phone"), "")
        was_derived = person.time_zone == time_zone_for(
            country=str(person.country or ""), phone_e164=old_phone
        )
        new_phone = phone_for_country(phones[0], str(data.get("country") or "")) if phones else ""
        moved = (
            str(data.get("country") or "") != str(person.country or "") or new_phone != old_phone
        )
        return "" if was_derived and moved else person.time_zone

    def consent_fields(self) -> dict[str, Any] | None:
        """Keyword arguments for consent_grant when a consent was entered with a new person."""
        data = self.cleaned_data
        if not data.get("consent_purpose"):
            return None
        return {
            "purpose": data["consent_purpose"],
            "channel": data.get("consent_channel") or "paper",
            "legal_basis": data.get("consent_legal_basis") or "consent",
        }

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for person_create / person_update."""
        data = self.cleaned_data
        fields = {name: data[name] for name in PERSON_MODEL_FIELDS}
        if self.birth_date_hidden and fields["birth_date"] is None:
            del fields["birth_date"]
        fields.update(
            surname=data["surname"],
            given_name=data["given_name"],
            category=data["category"] or "",
            time_zone=data["time_zone"] or "",
            hometown_unit=data["hometown_unit"],
            unit=data["unit"],
            phones=data["phone_list"],
            emails=data["email_list"],
        )
        for name in ("id_number", "passport_number"):
            value = data[name].strip()
            if value or self.person is None:
                fields[name] = value
        return fields


def edit_snapshot(person: Person, contacts=None) -> dict[str, Any]:
    """What the edit form shows of `person`, as plain JSON (sensitive numbers masked)."""
    from qiaolian.people.records import snapshot

    contacts = list(person.contacts.all()) if contacts is None else contacts
    data = snapshot(person)
    if person.id_number and person.birth_date:
        # The signed snapshot is readable in the page: no full birth date beside an ID number.
        data["birth_date"] = person.birth_date.year
    data["phones"] = [c.value for c in contacts if c.kind == "phone"]
    data["emails"] = [c.value for c in contacts if c.kind == "email"]
    return data


def sign_snapshot(data: dict[str, Any]) -> str:
    return signing.dumps(data, salt=SNAPSHOT_SALT, compress=True)


def read_snapshot(token: str) -> dict[str, Any] | None:
    try:
        return signing.loads(token or "", salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None


class ConsentForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. liaison and notices")}),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=Consent.LegalBasis.choices, initial="consent"
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Consent.Channel.choices)
    notice_version = forms.CharField(label=_("Notice version"), max_length=40, required=False)


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"] = PersonChoiceField(user=user, exclude=person, label=_("Relative"))
        self.order_fields(["kind", "relative", "note"])


# --- associations --------------------------------------------------------------------------


class AssociationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False)
    country = forms.ChoiceField(label=_("Country (region)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(_("All countries and regions"))
        self.fields["country"].widget.attrs["data-tom-select"] = "1"
        self.fields["unit"] = UnitChoiceField(
            user=user, action=Action.VIEW, label=_("Unit"), required=False
        )


ASSOCIATION_MODEL_FIELDS = (
    "name",
    "name_local",
    "country",
    "city",
    "founded_year",
    "member_count",
    "contacts",
    "notes",
)


class AssociationForm(forms.Form):
    def __init__(self, *args, user, association: Association | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Association, fields=ASSOCIATION_MODEL_FIELDS))
        self.fields["country"].widget.attrs["data-tom-select"] = "1"
        self.fields["contacts"].widget.attrs["rows"] = 3
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["contacts"].help_text = _("Phone, email, WeChat, address of the office.")
        self.fields["unit"] = UnitChoiceField(
            user=user,
            action=PEOPLE.CHANGE if association else PEOPLE.ADD,
            label=_("Owner unit"),
        )

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1800 <= year <= timezone.localdate().year:
            raise ValidationError(
                _("Enter the year the association was founded, between 1800 and this year."),
                code="year",
            )
        return year


class LeaderForm(forms.Form):
    post = forms.ChoiceField(label=_("Post"), choices=AssociationLeader.Post.choices)
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(user=user, label=_("Person"))
        self.order_fields(["person", "post", "since"])
