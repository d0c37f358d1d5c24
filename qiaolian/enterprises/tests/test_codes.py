import random

import pytest
from django.core.exceptions import ValidationError

from qiaolian.enterprises.codes import make_uscc, uscc_check_char, validate_uscc

# Published codes (GB 32100-2015 examples and real registrations).
VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_pass_the_checksum(code):
    validate_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


def test_generated_codes_pass():
    rng = random.Random(1)
    for _ in range(200):
        validate_uscc(make_uscc(rng))


@pytest.mark.parametrize(
    ("code", "check", "words"),
    [
        ("9135010", "uscc_length", "length check"),
        ("91350100M000100YI3", "uscc_chars", "character check"),
        ("91350100M000100Y44", "uscc_checksum", "checksum"),
    ],
)
def test_a_bad_code_is_refused_naming_the_check_and_the_code(code, check, words):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == check
    message = caught.value.messages[0]
    assert code in message and words in message
