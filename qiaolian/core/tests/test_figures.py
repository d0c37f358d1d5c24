"""Figures: each app's registered numbers, counted over restrict()ed data, equal the app's own
statistics, leave a sibling unit's records out, and open onto the records behind them."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from qiaolian.core.figures import Period, compute_figures, figure_rows
from qiaolian.hotline.selectors.stats import case_stats
from qiaolian.hotline.tests.factories import CaseFactory
from qiaolian.network.models import StewardRole
from qiaolian.network.selectors import coverage
from qiaolian.network.tests.factories import GroupFactory, MembershipFactory, StewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(cast):
    """Two groups and three cases in district A, one of each in the sibling district B."""
    for unit, groups, cases in ((cast.district_a, 2, 3), (cast.district_b, 1, 1)):
        for _ in range(groups):
            group = GroupFactory(unit=unit)
            MembershipFactory(group=group)
            StewardFactory(group=group, role=StewardRole.LAWYER)
        for _ in range(cases):
            CaseFactory(unit=unit)
    today = timezone.localdate()
    return Period(today - timedelta(days=30), today)


def test_the_figures_equal_each_apps_own_statistics(cast, work):
    user = cast.district_manager
    figures = compute_figures(user=user, unit=cast.district_a, period=work)
    stats = case_stats(user, unit=cast.district_a, start=work.start, end=work.end)
    grid = coverage(user=user, within=cast.district_a)
    assert figures["hotline.cases"] == stats["cases"] == 3
    assert figures["hotline.contacts"] == stats["contacts"]
    assert figures["network.groups"] == grid["groups"] == 2
    assert figures["network.people_in_groups"] == grid["people_in_groups"] == 2
    assert figures["network.lawyers"] == 2


def test_a_sibling_units_records_are_not_counted(cast, work):
    mine = compute_figures(user=cast.district_manager, unit=None, period=work)
    city = compute_figures(user=cast.city_admin, unit=cast.city, period=work)
    assert (mine["network.groups"], city["network.groups"]) == (2, 3)
    assert (mine["hotline.cases"], city["hotline.cases"]) == (3, 4)


def test_a_period_before_the_records_counts_none_of_them(cast, work):
    before = Period(work.start - timedelta(days=400), work.start - timedelta(days=300))
    figures = compute_figures(user=cast.city_admin, unit=None, period=before)
    assert figures["hotline.cases"] == 0
    assert figures["network.groups"] == 3  # the grid counts as it stands today


def test_a_user_without_a_domain_sees_none_of_its_figures(cast, work):
    assert compute_figures(user=cast.nobody, unit=None, period=work) == {}


def test_unknown_figure_keys_are_named(cast, work):
    with pytest.raises(KeyError, match=r"hotline\.nothing"):
        compute_figures(user=cast.city_admin, unit=None, period=work, keys=["hotline.nothing"])


def test_every_figure_opens_onto_a_page_of_its_records(client, cast, work):
    client.force_login(cast.district_manager)
    rows = figure_rows(user=cast.district_manager, unit=cast.district_a, period=work)
    assert {row["key"] for row in rows} >= {"hotline.contacts", "network.groups"}
    for row in rows:
        assert row["url"], row["key"]
        assert client.get(row["url"]).status_code == 200, row["url"]


def test_the_command_prints_json_for_a_unit_and_period(cast, work):
    out = StringIO()
    call_command(
        "figures",
        "--unit",
        cast.district_a.code,
        "--from",
        work.start.isoformat(),
        "--to",
        work.end.isoformat(),
        "--json",
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert body["unit"]["code"] == cast.district_a.code
    assert (body["from"], body["to"]) == (work.start.isoformat(), work.end.isoformat())
    assert body["figures"]["hotline.cases"] == 3
    assert body["figures"]["network.groups"] == 2


def test_the_command_reads_as_a_user_and_refuses_a_unit_outside_their_scope(cast, work):
    out = StringIO()
    call_command("figures", "--as", cast.district_manager.username, "--json", stdout=out)
    assert json.loads(out.getvalue())["figures"]["network.groups"] == 2
    with pytest.raises(CommandError, match="outside the scope"):
        call_command(
            "figures", "--unit", cast.district_b.code, "--as", cast.district_manager.username
        )


def test_the_command_names_a_malformed_date(cast):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("figures", "--from", "2026/01/01")


def test_the_page_shows_the_figures_in_both_languages(client, cast, work):
    client.force_login(cast.district_manager)
    url = reverse("core:figures")
    zh = client.get(url, {"start": work.start, "end": work.end}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    page = zh.content.decode()
    assert "联络群" in page and "hotline.cases" not in page  # labels, never keys
    client.cookies["django_language"] = "en"
    en = client.get(url, {"start": work.start, "end": work.end}).content.decode()
    assert "Liaison groups" in en


def test_the_page_names_a_reversed_period(client, cast):
    client.force_login(cast.district_manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("core:figures"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_the_period_inputs_hold_iso_dates_in_chinese(client, cast):
    # A date input shows nothing for 2025/12/09 (the Chinese format): the period looked empty.
    client.force_login(cast.district_manager)
    page = client.get(reverse("core:figures"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in page
