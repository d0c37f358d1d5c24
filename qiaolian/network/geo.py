"""Country codes (django-countries) → the feature names of the vendored world map.

The map is ECharts 4.9's `world.json`: GeoJSON whose features are named by short English
names ("United States", "Czech Rep.", "Dem. Rep. Korea"). Most of them equal the English
name django-countries gives a code; the rest are in OVERRIDES. Taiwan, Hong Kong and Macao
are drawn inside the China feature (the map has no features of their own).
"""

from __future__ import annotations

from functools import cache

from django.utils import translation
from django_countries import countries

OVERRIDES = {
    "AX": "Aland",
    "AG": "Antigua and Barb.",
    "BS": "Bahamas",
    "BA": "Bosnia and Herz.",
    "IO": "Br. Indian Ocean Ter.",
    "CV": "Cape Verde",
    "KY": "Cayman Is.",
    "CF": "Central African Rep.",
    "CZ": "Czech Rep.",
    "CD": "Dem. Rep. Congo",
    "KP": "Dem. Rep. Korea",
    "DO": "Dominican Rep.",
    "GQ": "Eq. Guinea",
    "FO": "Faeroe Is.",
    "FK": "Falkland Is.",
    "PF": "Fr. Polynesia",
    "TF": "Fr. S. Antarctic Lands",
    "HM": "Heard I. and McDonald Is.",
    "KR": "Korea",
    "LA": "Lao PDR",
    "MK": "Macedonia",
    "MP": "N. Mariana Is.",
    "GS": "S. Geo. and S. Sandw. Is.",
    "SS": "S. Sudan",
    "SB": "Solomon Is.",
    "PM": "St. Pierre and Miquelon",
    "VC": "St. Vin. and Gren.",
    "SZ": "Swaziland",
    "ST": "São Tomé and Principe",
    "TR": "Turkey",
    "TC": "Turks and Caicos Is.",
    "VI": "U.S. Virgin Is.",
    "US": "United States",
    "EH": "W. Sahara",
    "TW": "China",
    "HK": "China",
    "MO": "China",
}


@cache
def map_names() -> dict[str, str]:
    """{country code: feature name of world.json} for every code django-countries knows."""
    with translation.override("en"):
        names = {country.code: str(country.name) for country in countries}
    return {**names, **OVERRIDES}


def map_name(code: str) -> str:
    return map_names().get(str(code or "").upper(), "")
