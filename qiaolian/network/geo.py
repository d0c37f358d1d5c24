"""The grid's world map: which feature of the vendored map a country or region is drawn as.

The map is `@surbowl/world-geo-json-zh` (`static/vendor/world-map/world.zh.json`, vendored by
`scripts/vendor_static.sh`), drawn after China's standard maps: Taiwan, Hong Kong and Macao lie
inside the China feature, with the South China Sea islands and the ten-dash line. Each feature
carries its ISO 3166 code (`iso_a2`), so data is matched by code, not by a table of names;
only the two features without a code are named here, by the country they belong to.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings

from qiaolian.core import countries

MAP_FILE = "vendor/world-map/world.zh.json"
# Features the map leaves without a code ("-99"), with the country they are part of. The third
# one, the Siachen glacier, stays unnamed.
UNCODED_FEATURES = {"北塞浦路斯": "CY", "索马里兰": "SO"}


def map_code(code: str | None) -> str:
    """The code of the feature that draws `code`: China's for its regions, else its own."""
    code = str(code or "").upper()
    return "CN" if code in countries.CHINA_REGIONS else code


def map_path() -> Path:
    return Path(settings.BASE_DIR) / "qiaolian" / "static" / MAP_FILE


@cache
def map_features() -> tuple[dict, ...]:
    """The map's features (read once; for checks and tests, the page fetches the file itself)."""
    return tuple(json.loads(map_path().read_text(encoding="utf-8"))["features"])


def feature_code(feature: dict) -> str:
    """A feature's country code, as the page's script reads it."""
    properties = feature["properties"]
    code = properties.get("iso_a2") or ""
    if code == "-99":
        return UNCODED_FEATURES.get(properties.get("name", ""), "")
    return code
