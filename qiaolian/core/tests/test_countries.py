"""Country and region lists are compliant, everywhere a person picks or reads one.

Taiwan, Hong Kong and Macao are regions of China: no list names them as countries (台湾 beside
中国), they read 中国台湾 / 中国香港 / 中国澳门 ("Taiwan, China", "Hong Kong SAR, China",
"Macao SAR, China"), and the old list's typos and duplicates (尼珀尔, 塔吉克斯斯坦, 博兹瓦纳,
a cut-off 波斯尼亚和黑塞哥维, 美属萨摩亚群岛 and 中国 twice) are gone. Every list is checked
in both languages: the one list itself, django-countries (which reads it), the person form,
the list filters, the association form, the roster form, the import template's list sheet,
the API's validation and the world map's data."""

import io
from collections import Counter

import pytest
from django.utils import translation
from django_countries import countries as django_countries
from openpyxl import load_workbook

from qiaolian.core import countries
from qiaolian.core.testing.cast import Cast
from qiaolian.network import selectors as network_selectors
from qiaolian.network.forms import RosterForm
from qiaolian.network.geo import map_features
from qiaolian.people.forms import (
    AssociationFilterForm,
    AssociationForm,
    PersonFilterForm,
    PersonForm,
)
from qiaolian.people.imports.sheets import template_workbook
from qiaolian.people.models import Person

REGIONS_OF_CHINA = {
    "zh-hans": {"TW": "中国台湾", "HK": "中国香港", "MO": "中国澳门"},
    "en": {"TW": "Taiwan, China", "HK": "Hong Kong SAR, China", "MO": "Macao SAR, China"},
}
# Names that list a region of China as a country, and the old list's typos.
FORBIDDEN = {
    "台湾", "香港", "澳门", "台湾省", "Taiwan", "Hong Kong", "Macao", "Macau",
    "Republic of China", "中华民国", "Taiwan, Province of China",
    "尼珀尔", "塔吉克斯斯坦", "博兹瓦纳", "波斯尼亚和黑塞哥维", "美属萨摩亚群岛",
}  # fmt: skip
LANGUAGES = ["zh-hans", "en"]


def assert_compliant(names: list[str], where: str, language: str) -> None:
    names = [str(n).strip() for n in names if str(n).strip()]
    assert len(names) >= 240, f"{where}: only {len(names)} names"
    bad = sorted(set(names) & FORBIDDEN)
    assert not bad, f"{where} ({language}) names {bad}"
    twice = sorted(name for name, n in Counter(names).items() if n > 1)
    assert not twice, f"{where} ({language}) lists twice: {twice}"
    for name in REGIONS_OF_CHINA[language].values():
        assert name in names, f"{where} ({language}) lacks {name}"


def names_of(choices) -> list[str]:
    return [str(label) for value, label in choices if value]


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_one_list_names_chinas_regions_as_regions(language):
    with translation.override(language):
        assert_compliant(names_of(countries.choices()), "the list", language)
        for code, name in REGIONS_OF_CHINA[language].items():
            assert countries.name(code) == name
        assert countries.name("CN") == ("中国" if language == "zh-hans" else "China")


def test_every_iso_code_is_in_the_list_once():
    from django_countries.data import COUNTRIES

    assert sorted(countries.codes()) == sorted(COUNTRIES)
    assert len({r.zh for r in countries.REGIONS}) == len(countries.REGIONS)
    assert len({r.en for r in countries.REGIONS}) == len(countries.REGIONS)


def test_the_chinese_names_follow_the_foreign_ministrys_list():
    expected = {
        "NP": "尼泊尔", "TJ": "塔吉克斯坦", "BW": "博茨瓦纳", "BA": "波黑", "AS": "美属萨摩亚",
        "WS": "萨摩亚", "AE": "阿联酋", "CD": "刚果（金）", "CG": "刚果（布）", "KR": "韩国",
        "KP": "朝鲜", "MK": "北马其顿", "CZ": "捷克", "TR": "土耳其", "DO": "多米尼加",
        "DM": "多米尼克", "FK": "马尔维纳斯群岛（福克兰）",
    }  # fmt: skip
    assert {code: countries.name(code, "zh-hans") for code in expected} == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_django_countries_reads_the_one_list(language):
    with translation.override(language):
        assert_compliant([name for _code, name in django_countries], "django-countries", language)
        assert django_countries.name("HK") == REGIONS_OF_CHINA[language]["HK"]
        field = Person._meta.get_field("country").formfield()
        assert_compliant(names_of(field.choices), "the country field", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_forms_and_filters_offer_compliant_lists(cast, language):
    user = cast.district_manager
    with translation.override(language):
        person = PersonForm(user=user)
        for field in ("country", "nationality"):
            assert_compliant(names_of(person.fields[field].choices), f"person {field}", language)
        assert_compliant(
            names_of(PersonFilterForm(user=user).fields["country"].choices),
            "people filter",
            language,
        )
        assert_compliant(
            names_of(AssociationFilterForm(user=user).fields["country"].choices),
            "association filter",
            language,
        )
        assert_compliant(
            names_of(AssociationForm(user=user).fields["country"].choices),
            "association form",
            language,
        )
        assert_compliant(
            names_of(RosterForm(user=user).fields["country"].choices), "roster form", language
        )
        # The field is called "country (region)".
        label = str(PersonFilterForm(user=user).fields["country"].label)
        assert label == ("国家（地区）" if language == "zh-hans" else "Country (region)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_import_templates_list_sheet_is_compliant(db, language):
    with translation.override(language):
        workbook = load_workbook(io.BytesIO(template_workbook()))
    lists = workbook["lists"]
    column = [row[2] for row in lists.iter_rows(values_only=True) if row[2]]
    assert_compliant(column, "import template list sheet", language)


def test_the_import_reads_old_and_new_names_of_chinas_regions():
    for text, code in (
        ("中国台湾", "TW"), ("台湾", "TW"), ("Taiwan, China", "TW"), ("香港", "HK"),
        ("中国香港特别行政区", "HK"), ("Hong Kong SAR, China", "HK"), ("澳门", "MO"),
        ("Macau", "MO"), ("意大利", "IT"), ("意大利共和国", "IT"), ("ITA", "IT"), ("it", "IT"),
        ("美利坚合众国", "US"), ("波斯尼亚和黑塞哥维那", "BA"), ("尼泊尔", "NP"),
    ):  # fmt: skip
        assert countries.code_for(text) == code, text
    assert countries.code_for("Atlantis") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_world_maps_data_is_compliant(cast, language):
    names = [f["properties"]["name"] for f in map_features()]
    assert not set(names) & FORBIDDEN
    assert not {f["properties"]["iso_a2"] for f in map_features()} & {"TW", "HK", "MO"}
    with translation.override(language):
        world = network_selectors.world_map(user=cast.district_manager)
    assert_compliant(list(world["names"].values()), "map tooltips", language)


def test_stored_codes_keep_working_and_read_as_regions_of_china(cast):
    # Nothing stored changed: a person who lives in Hong Kong keeps the code HK.
    person = Person.objects.create(unit=cast.district_a, surname="陈", country="HK")
    person.refresh_from_db()
    with translation.override("zh-hans"):
        assert str(person.country.name) == "中国香港"
    with translation.override("en"):
        assert str(person.country.name) == "Hong Kong SAR, China"


def test_the_api_refuses_no_region_and_names_none_a_country(cast):
    # The API stores codes through the same CountryField: HK is valid, and the schema's
    # text names no region of China as a country.
    from qiaolian.api.root import api

    schema = str(api.get_openapi_schema())
    assert not [word for word in ("Taiwan", "台湾", "Hong Kong", "Macao") if word in schema]
    Person._meta.get_field("country").clean("HK", Person(unit=cast.district_a))
