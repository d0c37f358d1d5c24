"""ID card and passport numbers (issue 9.8), phones read in the country of residence (9.7) and
the mask of an ID number for users without the reveal right (issue 10.4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qiaolian.core.phones import phone_error, phone_for_country
from qiaolian.people.identity import (
    birth_date_shown,
    check_character,
    check_passport,
    mask_id_number,
    parse_id_number,
    upgrade_15,
)

VALID = "330203198505054323"  # Haishu, born 1985-05-05, a woman


def test_it_reads_region_birth_date_and_gender_from_a_valid_number():
    resident = parse_id_number(VALID)
    assert (resident.region, resident.birth_date, resident.gender) == (
        "330203",
        dt.date(1985, 5, 5),
        "f",
    )
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_it_converts_an_old_15_digit_number():
    assert upgrade_15("110105491231002") == "11010519491231002X"
    assert parse_id_number("110105491231002").birth_date == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("12345", "id_length"),
        ("33020319850505432", "id_length"),
        ("3302031985050543A3", "id_characters"),
        ("000203198505054323", "id_region"),
        ("330000198505054323", "id_region"),
        ("330203198502304323", "id_birth_date"),  # 30 February
        ("330203209905054323", "id_birth_date"),  # in the future
        ("330203198505054324", "id_checksum"),
    ],
)
def test_it_refuses_what_gb_11643_refuses(number, code):
    with pytest.raises(ValidationError) as caught:
        parse_id_number(number)
    assert caught.value.code == code
    assert number not in str(caught.value)  # messages never repeat the number


@pytest.mark.parametrize(
    ("number", "nationality", "ok"),
    [
        ("E12345678", "CN", True),
        ("EA1234567", "CN", True),
        ("G12345678", "CN", True),
        ("K12345678", "CN", True),
        ("E1234567", "CN", False),
        ("X12345678", "CN", False),
        ("YA1234567", "IT", True),
        ("C01X00T47", "DE", True),
        ("12345", "IT", False),
        ("ABCDEFGHIJKLM", "US", False),
    ],
)
def test_passports_follow_a_looser_per_country_check(number, nationality, ok):
    if ok:
        assert check_passport(number, nationality=nationality) == number
    else:
        with pytest.raises(ValidationError):
            check_passport(number, nationality=nationality)


def test_a_chinese_mobile_without_country_code_is_read_in_china_for_a_resident_of_italy():
    assert phone_for_country("138 1234 5678", "IT") == "+8613812345678"
    assert phone_for_country("333 123 4567", "IT") == "+393331234567"


def test_the_phone_error_names_the_countries_assumed(settings):
    from django.utils import translation

    with translation.override("en"):
        assert "Italy or China" in phone_error("12345", "IT")
    with translation.override("zh-hans"):
        assert "意大利或中国" in phone_error("12345", "IT")


# --- issue 10.4: what the mask and the fields beside it give away --------------------------


def _candidates(masked: str, *, birth_year: int, gender: str, region: str) -> int:
    """Every 18-character number consistent with what a user without the reveal right sees:
    the mask, the birth year (`birth_date_shown`), the gender, and (the worst case) the exact
    region code of the person's unit. Counts them by brute force."""
    assert len(masked) == 18
    visible = {i: ch for i, ch in enumerate(masked) if ch != "*"}
    count = 0
    day = dt.date(birth_year, 1, 1)
    while day.year == birth_year:
        for sequence in range(1000):
            if (sequence % 2 == 1) != (gender == "m"):
                continue
            first17 = f"{region}{day:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            if all(number[i] == ch for i, ch in visible.items()):
                count += 1
        day += dt.timedelta(days=1)
    return count


def test_no_visible_combination_narrows_an_id_number_below_1000_candidates():
    """The mask, the birth date as shown without the reveal right, the gender and the unit's
    region code together leave at least 1,000 numbers; the old mask left one or two."""
    resident = parse_id_number(VALID)
    shown = birth_date_shown(resident.birth_date, id_number=VALID, can_reveal=False)
    assert shown == 1985  # the year only
    masked = mask_id_number(VALID)
    assert masked == "****************23"
    count = _candidates(masked, birth_year=shown, gender="f", region=resident.region)
    assert count >= 1000, count
    # The old mask (first 4 + last 4) beside the full birth date left a single number.
    old = VALID[:4] + "*" * 10 + VALID[-4:]
    left = [
        first17 + check_character(first17)
        for first17 in (f"{resident.region}19850505{s:03d}" for s in range(1000))
    ]
    assert [n for n in left if n[:4] == old[:4] and n[-4:] == old[-4:]] == [VALID]


def test_the_full_birth_date_is_shown_with_the_reveal_right_or_without_an_id_number():
    day = dt.date(1985, 5, 5)
    assert birth_date_shown(day, id_number=VALID, can_reveal=True) == day
    assert birth_date_shown(day, id_number="", can_reveal=False) == day
