"""Countries, regions and the world map in a real Chromium, in Chinese first: the grid's map is
the standard-map GeoJSON (China with its South China Sea islands and the ten-dash line, Hong
Kong counted in China's region), the person form offers 中国香港 / 中国台湾 as regions of China,
and a person's page tells their local time with a city-and-offset label."""

import pytest
from playwright.sync_api import expect

from qiaolian.core.testing.cast import Cast
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory
from qiaolian.people.tests.factories import AssociationFactory, PersonFactory

from .screens import SCREENSHOTS, shoot
from .test_flows import CHART_ANIMATION_MS, CHART_DRAWN, log_in, switch

pytestmark = pytest.mark.browser

# What the page registered as the map "world": its China feature, how many polygons it has in
# the South China Sea (islands and dashes), and whether it has features of its own for
# Taiwan, Hong Kong or Macao.
MAP_FACTS = """() => {
  const map = echarts.getMap("world");
  const features = (map.geoJSON || map.geoJson).features;
  const china = features.find(f => f.properties.code === "CN");
  const southSea = china.geometry.coordinates.filter(polygon => {
    const ring = polygon[0];
    const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    return lon > 108 && lon < 123 && lat > 3 && lat < 18;
  }).length;
  const separate = features.filter(f => ["TW", "HK", "MO"].includes(f.properties.iso_a2)).length;
  const chart = echarts.getInstanceByDom(document.getElementById("grid-map"));
  const series = chart.getOption().series[0];
  return {southSea, separate, nameProperty: series.nameProperty,
          data: series.data.filter(d => d.value != null).map(d => [d.name, d.value])};
}"""

ZOOM_SOUTH_CHINA_SEA = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("grid-map"));
  chart.setOption({series: [{center: [114, 14], zoom: 9}]});
}"""


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_the_grid_draws_the_standard_world_map_and_counts_hong_kong_in_china(page, cast):
    unit = cast.district_a
    people = [
        PersonFactory(unit=unit, country=code) for code in ("IT", "IT", "IT", "HK", "CN", "FR")
    ]
    AssociationFactory(unit=unit, country="IT")
    group = GroupFactory(unit=unit, name="米兰侨胞群")
    MembershipFactory(group=group, person=people[0])

    log_in(page, "district_manager")
    page.goto("/grid/")
    page.wait_for_function(CHART_DRAWN, arg="#grid-map")
    facts = page.evaluate(MAP_FACTS)
    assert facts["nameProperty"] == "code"
    assert facts["separate"] == 0
    assert facts["southSea"] >= 10  # Xisha, Nansha and the dashes of the line
    # Hong Kong is drawn inside China: one region, two people.
    assert sorted(facts["data"]) == [["CN", 2], ["FR", 1], ["IT", 3]]
    page.click("#grid-country-table >> xpath=ancestor::details/summary")
    table = page.locator("#grid-country-table")
    expect(table).to_contain_text("中国香港")
    expect(table).to_contain_text("意大利")
    expect(page.locator("#grid-map-source")).to_contain_text("审图号")
    page.wait_for_timeout(CHART_ANIMATION_MS)
    shoot(page, "grid-map")
    # A close-up of the South China Sea: the islands and the ten-dash line (the map roams).
    page.evaluate(ZOOM_SOUTH_CHINA_SEA)
    page.wait_for_timeout(CHART_ANIMATION_MS)
    page.locator("#grid-map").screenshot(path=SCREENSHOTS / "grid-map-south-china-sea-zh.png")

    switch(page, "#language-switch", "en")
    page.wait_for_function(CHART_DRAWN, arg="#grid-map")
    page.click("#grid-country-table >> xpath=ancestor::details/summary")
    expect(page.locator("#grid-country-table")).to_contain_text("Hong Kong SAR, China")
    page.wait_for_timeout(CHART_ANIMATION_MS)
    shoot(page, "grid-map")


def test_the_person_form_offers_chinas_regions_as_regions(page, cast):
    log_in(page, "district_manager")
    page.goto("/people/new/")
    # Tom Select points the label at its own input.
    expect(page.locator("label", has_text="居住国家（地区）")).to_have_count(1)
    page.locator("#id_country-ts-control").fill("中国")
    options = page.locator(".ts-dropdown:visible .option")
    expect(options.filter(has_text="中国香港")).to_have_count(1)
    expect(options.filter(has_text="中国台湾")).to_have_count(1)
    expect(options.filter(has_text="中国澳门")).to_have_count(1)
    expect(options.filter(has_text="中国")).to_have_count(4)  # 中国 and its three regions
    page.locator("#id_country-ts-control").fill("台湾")
    expect(page.locator(".ts-dropdown:visible .option", has_text="中国台湾")).to_have_count(1)
    page.locator("#id_country-ts-control").fill("中国")
    page.locator("label", has_text="居住国家（地区）").scroll_into_view_if_needed()
    shoot(page, "person-form-country")

    switch(page, "#language-switch", "en")
    expect(page.locator("label", has_text="Country (region) of residence")).to_have_count(1)
    page.locator("#id_country-ts-control").fill("China")
    options = page.locator(".ts-dropdown:visible .option")
    expect(options.filter(has_text="Hong Kong SAR, China")).to_have_count(1)
    expect(options.filter(has_text="Taiwan, China")).to_have_count(1)
    shoot(page, "person-form-country")


def test_a_persons_page_tells_their_time_zone_as_a_city_and_offset(page, cast):
    person = PersonFactory(
        unit=cast.district_a, surname="林", given_name="罗", country="IT", time_zone="Europe/Rome"
    )
    log_in(page, "district_manager")
    page.goto(f"/people/{person.public_id}/")
    expect(page.locator("#person-time-zone")).to_contain_text("罗马 (UTC+")
    expect(page.locator("#person-time-zone")).not_to_contain_text("Europe/Rome")
    shoot(page, "person-time-zone")
    switch(page, "#language-switch", "en")
    expect(page.locator("#person-time-zone")).to_contain_text("Rome (UTC+")
    shoot(page, "person-time-zone")
