"""The unified social credit code (统一社会信用代码, GB 32100-2015) and the classifications the
register uses: national industries (GB/T 4754-2017 sections), sizes and Ningbo's districts."""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from these 31 (no I, O, S, V, Z); the 18th is a check character.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_uscc(value: str) -> None:
    """Refuse a code that breaks GB 32100-2015, naming the check that failed."""
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _(
                "Unified social credit code “%(code)s” has %(length)s characters; "
                "it must have 18 (GB 32100-2015 length check)."
            ),
            code="uscc_length",
            params={"code": value, "length": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_CHARS})
    if bad:
        raise ValidationError(
            _(
                "Unified social credit code “%(code)s” contains %(chars)s, which the code may "
                "not use (GB 32100-2015 character check: no I, O, S, V or Z)."
            ),
            code="uscc_chars",
            params={"code": value, "chars": "、".join(bad)},
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "Unified social credit code “%(code)s” fails the GB 32100-2015 checksum: "
                "its last character is %(found)s, the first 17 give %(expected)s."
            ),
            code="uscc_checksum",
            params={"code": value, "found": code[17], "expected": expected},
        )


def make_uscc(rng: random.Random, region: str = "330200") -> str:
    """A code that passes the checksum (demo data and tests): 9 = registered by market
    regulation, 1 = enterprise, the region, a nine-character organisation code, the check."""
    body = "91" + region + "".join(rng.choice(USCC_CHARS[:10] + "ABCDEFGH") for _ in range(9))
    return body + uscc_check_char(body)


class Industry(models.TextChoices):
    """The 20 sections of the national industry classification GB/T 4754-2017."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


class Size(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class District(models.TextChoices):
    """Ningbo's districts, counties and county-level cities (administrative codes)."""

    HAISHU = "330203", _("Haishu District")
    JIANGBEI = "330205", _("Jiangbei District")
    BEILUN = "330206", _("Beilun District")
    ZHENHAI = "330211", _("Zhenhai District")
    YINZHOU = "330212", _("Yinzhou District")
    FENGHUA = "330213", _("Fenghua District")
    YUYAO = "330281", _("Yuyao City")
    CIXI = "330282", _("Cixi City")
    NINGHAI = "330226", _("Ninghai County")
    XIANGSHAN = "330225", _("Xiangshan County")
