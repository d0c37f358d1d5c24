"""The people app's API operations (added to the API root in qiaolian/api/root.py).

Every operation reads through restrict(); sensitive numbers are only ever sent masked. PATCH
takes the `version` the client read (or `If-Match: "<version>"`): a save over a newer version
answers 409 `conflict` with the current version; every person answered carries its `ETag`."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from qiaolian.core.api_kit import ErrorOut, paginated, require, visible_unit
from qiaolian.core.models import DictItem, Unit
from qiaolian.core.scoping import Action, reaches_unit
from qiaolian.core.versioning import MAX_VERSION, if_match_version
from qiaolian.people import selectors, services
from qiaolian.people.apps import PEOPLE
from qiaolian.people.identity import birth_date_shown
from qiaolian.people.models import Association, Person
from qiaolian.people.names import split_full_name

router = Router(tags=["people"])

# --- people and associations (issue 3: registry API) ----------------------------------------


class ContactOut(Schema):
    kind: str
    value: str
    normalized: str
    is_primary: bool


class PersonOut(Schema):
    id: UUID = Field(..., alias="public_id")
    unit: UUID
    unit_name: str
    surname: str
    given_name: str
    full_name: str
    name_pinyin: str
    name_initials: str
    romanized_names: str
    gender: str
    birth_date: date | None = Field(
        None,
        description="Null for callers without the reveal right when an ID card number is "
        "recorded (the date is part of the number); birth_year is given then.",
    )
    birth_year: int | None
    category: str
    nationality: str
    country: str
    city: str
    time_zone: str
    hometown: str
    wechat_id: str
    address: str
    occupation: str
    employer: str
    languages: str
    tags: str
    notes: str
    contacts: list[ContactOut]
    id_number_masked: str
    passport_masked: str
    source: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_unit(obj: Person):
        return obj.unit.public_id

    @staticmethod
    def resolve_unit_name(obj: Person):
        return obj.unit.name

    @staticmethod
    def resolve_birth_date(obj: Person, context):
        shown = birth_date_shown(
            obj.birth_date,
            id_number=obj.id_number,
            can_reveal=reaches_unit(context["request"].auth, PEOPLE.REVEAL, obj.unit),
        )
        return shown if isinstance(shown, date) else None

    @staticmethod
    def resolve_birth_year(obj: Person):
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_nationality(obj: Person):
        return str(obj.nationality.code or "") if obj.nationality else ""

    @staticmethod
    def resolve_country(obj: Person):
        return str(obj.country.code or "") if obj.country else ""

    @staticmethod
    def resolve_contacts(obj: Person):
        return list(obj.contacts.all())


Gender = Literal["m", "f", "u"]


class PersonFields(Schema):
    """Fields a client may set; `phones`/`emails` are lists in any format."""

    romanized_names: str = Field("", max_length=200)
    gender: Gender = "u"
    birth_date: date | None = None
    category: str = ""
    nationality: str = Field("", max_length=2)
    country: str = Field("", max_length=2)
    city: str = Field("", max_length=100)
    time_zone: str = Field("", max_length=64)
    hometown: str = Field("", max_length=100)
    wechat_id: str = Field("", max_length=60)
    address: str = Field("", max_length=300)
    occupation: str = Field("", max_length=100)
    employer: str = Field("", max_length=150)
    languages: str = Field("", max_length=150)
    tags: str = Field("", max_length=200)
    notes: str = ""
    phones: list[str] = []
    emails: list[str] = []
    id_number: str = Field("", max_length=40)
    passport_number: str = Field("", max_length=40)


class PersonIn(PersonFields):
    unit: UUID
    surname: str = Field(..., min_length=1, max_length=40)
    given_name: str = Field("", max_length=60)


class PersonPatch(Schema):
    version: int | None = Field(
        None,
        ge=0,
        le=MAX_VERSION,
        description="The version you read; a newer saved version answers 409 conflict.",
    )
    unit: UUID | None = None
    surname: str | None = Field(None, min_length=1, max_length=40)
    given_name: str | None = Field(None, max_length=60)
    romanized_names: str | None = Field(None, max_length=200)
    gender: Gender | None = None
    birth_date: date | None = None
    category: str | None = None
    nationality: str | None = Field(None, max_length=2)
    country: str | None = Field(None, max_length=2)
    city: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(None, max_length=64)
    hometown: str | None = Field(None, max_length=100)
    wechat_id: str | None = Field(None, max_length=60)
    address: str | None = Field(None, max_length=300)
    occupation: str | None = Field(None, max_length=100)
    employer: str | None = Field(None, max_length=150)
    languages: str | None = Field(None, max_length=150)
    tags: str | None = Field(None, max_length=200)
    notes: str | None = None
    phones: list[str] | None = None
    emails: list[str] | None = None
    id_number: str | None = Field(None, max_length=40)
    passport_number: str | None = Field(None, max_length=40)


def _check_category(value: str) -> None:
    if (
        value
        # scoping: exempt - a federation-wide dictionary
        and not DictItem.objects.filter(
            dict_type__code=selectors.PERSON_CATEGORY, value=value, is_active=True
        ).exists()
    ):
        raise ValidationError(
            {"category": _("“%(value)s” is not a person category.") % {"value": value}}
        )


@router.get("/people", response=list[PersonOut])
@paginated(page_size=50)
def person_list(
    request,
    q: str = "",
    category: str = "",
    country: str = "",
    within: UUID | None = None,
):
    """People visible to the caller; `q` matches name, pinyin, initials, phone digits, email."""
    require(request.auth, PEOPLE.VIEW)
    unit = visible_unit(request.auth, within, PEOPLE.VIEW)
    people = selectors.person_list(user=request.auth, within=unit)
    people = selectors.person_filter(
        people, {"q": q, "category": category, "country": country.upper()}
    )
    return people.order_by("name_pinyin", "pk")


@router.get("/people/{person_id}", response=PersonOut)
def person_detail(request, person_id: UUID):
    return (
        Person.objects.select_related("unit")
        .prefetch_related("contacts")
        .get_visible(request.auth, Action.VIEW, public_id=person_id)
    )


@router.post("/people", response={201: PersonOut})
def person_create(request, payload: PersonIn):
    unit = Unit.objects.get_visible(request.auth, PEOPLE.ADD, public_id=payload.unit)
    data = payload.dict(exclude={"unit"})
    _check_category(data["category"])
    if not data["given_name"]:
        data["surname"], data["given_name"] = split_full_name(data["surname"])
    person = services.person_create(actor=request.auth, unit=unit, source="form", **data)
    return Status(201, _fresh(person, request.auth))


@router.patch("/people/{person_id}", response={200: PersonOut, 409: ErrorOut})
def person_update(request, person_id: UUID, payload: PersonPatch):
    person = Person.objects.select_related("unit").get_visible(
        request.auth, Action.CHANGE, public_id=person_id
    )
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version", None)
    if "unit" in fields:
        unit_id = fields.pop("unit")
        if unit_id is not None:
            fields["unit"] = Unit.objects.get_visible(
                request.auth, PEOPLE.CHANGE, public_id=unit_id
            )
    if fields.get("category"):
        _check_category(fields["category"])
    # Explicit nulls clear text fields; lists stay lists.
    fields = {
        k: ("" if v is None and k not in ("birth_date", "phones", "emails") else v)
        for k, v in fields.items()
    }
    person = services.person_update(
        actor=request.auth,
        person=person,
        expected_version=if_match_version(request, version),
        **fields,
    )
    return _fresh(person, request.auth)


def _fresh(person: Person, user) -> Person:
    """The saved person with its unit and contacts loaded (for the response)."""
    people = Person.objects.restrict(user, Action.VIEW).select_related("unit")
    return people.prefetch_related("contacts").get(pk=person.pk)


class LeaderOut(Schema):
    post: str
    person: UUID
    person_name: str
    since: date | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.public_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.full_name


class AssociationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    unit: UUID
    unit_name: str
    name: str
    name_local: str
    country: str
    city: str
    founded_year: int | None
    member_count: int | None
    contacts: str
    notes: str

    @staticmethod
    def resolve_unit(obj: Association):
        return obj.unit.public_id

    @staticmethod
    def resolve_unit_name(obj: Association):
        return obj.unit.name

    @staticmethod
    def resolve_country(obj: Association):
        return str(obj.country.code or "")


class AssociationDetailOut(AssociationOut):
    leaders: list[LeaderOut]

    @staticmethod
    def resolve_leaders(obj: Association, context):
        # Only posts whose holder the caller may see: a leader registered by another unit
        # stays hidden rather than leaking their name.
        return selectors.association_leaders(user=context["request"].auth, association=obj)


@router.get("/associations", response=list[AssociationOut])
@paginated(page_size=50)
def association_list(request, q: str = "", country: str = "", within: UUID | None = None):
    require(request.auth, PEOPLE.VIEW)
    unit = visible_unit(request.auth, within, PEOPLE.VIEW)
    associations = selectors.association_list(user=request.auth, within=unit)
    associations = selectors.association_filter(associations, {"q": q, "country": country.upper()})
    return associations.order_by("name", "pk")


@router.get("/associations/{association_id}", response=AssociationDetailOut)
def association_detail(request, association_id: UUID):
    return Association.objects.select_related("unit").get_visible(
        request.auth, Action.VIEW, public_id=association_id
    )
