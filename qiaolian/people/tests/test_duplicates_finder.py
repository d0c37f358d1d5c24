"""The duplicate finder's scoring and blocking: near-duplicates as they occur in the register
(passport spellings, phones typed without the country code, homophone characters, shared IDs)
are paired; different people who merely look alike are not."""

from datetime import date

import pytest

from qiaolian.core.models import Unit
from qiaolian.people.duplicates.finder import (
    BLOCK_LIMIT,
    MIN_SCORE,
    find_duplicates,
    latin_forms,
    spoken_forms,
)
from qiaolian.people.models import Person
from qiaolian.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(cast) -> Unit:
    return cast.district_a


def _pairs(unit=None) -> dict[frozenset, tuple[int, list[str]]]:
    people = Person.objects.filter(merged_into__isnull=True)
    scan = find_duplicates(people)
    return {frozenset((p.a, p.b)): (p.score, p.reasons) for p in scan.pairs}


def _pair(first, second):
    return _pairs().get(frozenset((first.pk, second.pk)))


def test_it_reads_latin_names_in_either_order():
    assert latin_forms("Wong Wai Man") == {"wongwaiman", "waimanwong", "manwongwai"}
    assert latin_forms("  Müller-Chen ") == {"mullerchen", "chenmuller"}


def test_it_spells_a_chinese_name_as_the_diaspora_does():
    forms = spoken_forms("王", "wang wei")
    assert {"wangwei", "weiwang", "wongwei", "weiwong"} <= forms
    assert "zengfan" in spoken_forms("曾", "zeng fan")  # the surname reading, not ceng


def test_it_pairs_wong_with_王_and_a_phone_typed_without_the_country_code(unit):
    wang = PersonFactory(
        unit=unit, surname="王", given_name="伟", country="IT", phones=["+39 333 123 4567"]
    )
    wong = PersonFactory(
        unit=unit, surname="Wong", given_name="Wei", country="IT", phones=["3331234567"]
    )
    score, reasons = _pair(wang, wong)
    assert {"romanisation", "same_phone", "same_country"} <= set(reasons)
    assert score >= 65


def test_it_pairs_the_same_number_written_with_another_country_code(unit):
    # Typed with the wrong country code: the numbers only agree on their last 8 digits.
    first = PersonFactory(unit=unit, surname="陈", given_name="静", phones=["+39 02 8765 4321"])
    second = PersonFactory(unit=unit, surname="陈", given_name="静", phones=["+33 1 87 65 43 21"])
    score, reasons = _pair(first, second)
    assert reasons == ["same_name", "phone_tail"]
    assert score == 65


def test_it_pairs_homophone_characters_born_the_same_day(unit):
    first = PersonFactory(unit=unit, surname="张", given_name="伟", birth_date=date(1968, 3, 2))
    second = PersonFactory(unit=unit, surname="章", given_name="伟", birth_date=date(1968, 3, 2))
    score, reasons = _pair(first, second)
    assert reasons == ["same_pinyin", "same_birth"]
    assert score >= MIN_SCORE


def test_it_pairs_the_same_id_number_even_under_another_name(unit):
    first = PersonFactory(unit=unit, surname="刘", given_name="洋", id_number="330203199001011234")
    second = PersonFactory(
        unit=unit, surname="Lau", given_name="Yeung", id_number="330203 19900101 1234"
    )
    score, reasons = _pair(first, second)
    assert "same_id" in reasons and score >= MIN_SCORE


def test_it_pairs_a_latin_name_with_its_chinese_record_by_birth_date(unit):
    # No phone in common: the spelling block (name + birth year) brings them together.
    first = PersonFactory(unit=unit, surname="林", given_name="芳", birth_date=date(1975, 5, 1))
    second = PersonFactory(unit=unit, surname="Lim", given_name="Fang", birth_date=date(1975, 5, 1))
    _score, reasons = _pair(first, second)
    assert reasons == ["romanisation", "same_birth"]


def test_it_does_not_pair_different_people_who_look_alike(unit):
    phone = ["+39 333 555 1212"]
    # A couple sharing the household phone.
    husband = PersonFactory(unit=unit, surname="王", given_name="伟", gender="m", phones=phone)
    wife = PersonFactory(unit=unit, surname="李", given_name="芳", gender="f", phones=phone)
    # Father and son on the same phone.
    son = PersonFactory(unit=unit, surname="王", given_name="强", gender="m", phones=phone)
    # Two men called 张伟, born in different years: a common name is no evidence.
    one = PersonFactory(unit=unit, surname="张", given_name="伟", birth_date=date(1960, 1, 1))
    two = PersonFactory(unit=unit, surname="张", given_name="伟", birth_date=date(1990, 1, 1))
    # 黄 and 王 are both "Wong" abroad, but neither record is written so.
    huang = PersonFactory(unit=unit, surname="黄", given_name="明", birth_date=date(1970, 1, 1))
    wang = PersonFactory(unit=unit, surname="王", given_name="明", birth_date=date(1970, 1, 1))
    pairs = _pairs()
    for a, b in [(husband, wife), (husband, son), (wife, son), (one, two), (huang, wang)]:
        assert frozenset((a.pk, b.pk)) not in pairs, (a, b, pairs)


def test_it_takes_points_off_for_two_different_id_numbers(unit):
    first = PersonFactory(
        unit=unit,
        surname="赵",
        given_name="敏",
        birth_date=date(1980, 2, 2),
        id_number="330203198002021111",
    )
    second = PersonFactory(
        unit=unit,
        surname="赵",
        given_name="敏",
        birth_date=date(1980, 2, 2),
        id_number="330203198002022222",
    )
    assert _pair(first, second) is None  # 40 + 20 − 40: different people with one name


def test_it_ignores_a_phone_shared_by_a_whole_association(unit):
    office = ["+39 06 1234 5678"]
    PersonFactory.create_batch(BLOCK_LIMIT + 1, unit=unit, phones=office)
    scan = find_duplicates(Person.objects.all())
    assert scan.skipped_blocks >= 1
    assert not [p for p in scan.pairs if "same_phone" in p.reasons]


def test_it_leaves_out_pairs_marked_not_duplicates(unit):
    first = PersonFactory(unit=unit, surname="周", given_name="杰", phones=["+39 333 000 1111"])
    second = PersonFactory(unit=unit, surname="周", given_name="杰", phones=["+39 333 000 1111"])
    pair = (min(first.pk, second.pk), max(first.pk, second.pk))
    assert find_duplicates(Person.objects.all()).pairs
    assert not find_duplicates(Person.objects.all(), exclude={pair}).pairs


def test_it_reads_people_and_contacts_in_two_queries(unit, django_assert_num_queries):
    PersonFactory.create_batch(20, unit=unit, phones=["+39 333 123 4567"])
    with django_assert_num_queries(2):
        find_duplicates(Person.objects.all())
