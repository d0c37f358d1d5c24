"""Country codes → the world map's feature names."""

import json
from pathlib import Path

from django.conf import settings

from qiaolian.network import seed_data
from qiaolian.network.geo import map_name, map_names

WORLD = Path(settings.BASE_DIR) / "qiaolian/static/vendor/echarts/world.json"
# Features no country code names: a disputed area and a glacier.
UNNAMED = {"", "N. Cyprus", "Siachen Glacier"}


def feature_names() -> set[str]:
    return {f["properties"]["name"] for f in json.loads(WORLD.read_text())["features"]}


def test_it_maps_every_seed_country_to_a_feature_of_the_map():
    features = feature_names()
    for code, *_rest in seed_data.COUNTRIES:
        assert map_name(code) in features, code


def test_it_reaches_every_named_feature_of_the_map_from_some_code():
    assert feature_names() - UNNAMED <= set(map_names().values())


def test_it_uses_the_maps_short_names():
    assert map_name("US") == "United States"
    assert map_name("cz") == "Czech Rep."
    assert map_name("KR") == "Korea"
    assert map_name("HK") == "China"
    assert map_name("") == ""
