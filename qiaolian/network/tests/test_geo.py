"""The world map: drawn after China's standard maps, matched to the data by ISO code."""

from qiaolian.core import countries
from qiaolian.network import seed_data
from qiaolian.network.geo import feature_code, map_code, map_features

# Boxes (west, east, south, north) around the island groups of the South China Sea.
ISLANDS = {
    "Dongsha": (116.0, 117.5, 20.0, 21.5),
    "Xisha": (111.0, 113.0, 15.5, 17.5),
    "Nansha": (109.0, 118.0, 3.0, 12.0),
}


def _china():
    (china,) = [f for f in map_features() if f["properties"]["iso_a2"] == "CN"]
    return china


def _centre(ring: list) -> tuple[float, float]:
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def _rings() -> list[list]:
    return [polygon[0] for polygon in _china()["geometry"]["coordinates"]]


def _in(box, ring) -> bool:
    lon, lat = _centre(ring)
    west, east, south, north = box
    return west <= lon <= east and south <= lat <= north


# The first point of each dash of the ten-dash line in the vendored data (2.1.5; the package's
# world.zh.jsonc marks them): north-east of Taiwan down to the Beibu Gulf's mouth.
TEN_DASHES = [
    (122.518653, 23.460785),
    (121.172026, 20.805459),
    (119.473662, 18.007073),
    (119.072182, 15.007514),
    (118.686467, 11.189592),
    (115.544669, 7.146723),
    (112.307052, 3.534873),
    (108.290133, 6.012663),
    (110.128228, 11.368945),
    (109.845225, 15.153166),
]


def test_chinas_feature_holds_the_south_china_sea_islands_and_the_ten_dash_line():
    rings = _rings()
    for name, box in ISLANDS.items():
        assert any(_in(box, ring) for ring in rings), name
    starts = {tuple(ring[0]) for ring in rings}
    missing = [dash for dash in TEN_DASHES if dash not in starts]
    assert not missing, f"dashes of the ten-dash line missing from the map: {missing}"
    # Each dash is a thin sliver: long (over 0.4°) and narrow (a small area).
    for ring in rings:
        if tuple(ring[0]) in TEN_DASHES:
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            assert max(max(lons) - min(lons), max(lats) - min(lats)) > 0.4


def test_taiwan_hong_kong_and_macao_are_no_features_of_their_own():
    codes = {f["properties"]["iso_a2"] for f in map_features()}
    names = {f["properties"]["name"] for f in map_features()}
    assert not codes & {"TW", "HK", "MO"}
    assert not names & {"台湾", "香港", "澳门", "中国台湾", "中国香港", "中国澳门"}
    # and Taiwan lies inside China's feature: a polygon around 121°E, 23.5°N.
    assert any(_in((119.5, 122.5, 21.5, 25.5), ring) and len(ring) > 6 for ring in _rings())


def test_it_draws_chinas_regions_inside_china_and_others_as_themselves():
    assert map_code("hk") == "CN"
    assert map_code("TW") == "CN"
    assert map_code("MO") == "CN"
    assert map_code("it") == "IT"
    assert map_code("") == ""


def test_every_seed_country_has_a_feature_of_the_map():
    features = {feature_code(f) for f in map_features()}
    for code, *_rest in seed_data.COUNTRIES:
        assert map_code(code) in features, code


def test_every_coded_feature_is_a_country_or_region_of_the_list():
    known = set(countries.codes())
    unknown = {feature_code(f) for f in map_features()} - known - {""}
    assert not unknown
