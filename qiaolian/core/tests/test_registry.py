"""The app registry: what the apps declare reaches core's navigation, URLs, API, seed, figures
and person-data tables (the demo app in tests/demoapp proves a new app needs no core edit)."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from qiaolian.core import registry
from qiaolian.core.figures import Period
from qiaolian.core.person_data import person_records, undeclared_person_links
from qiaolian.core.registry import Figure, SeedStep
from qiaolian.network.tests.factories import MembershipFactory
from qiaolian.people.models import Person


def test_every_foreign_key_to_a_person_is_declared_as_person_data():
    # The data-subject export and erasure would silently miss an undeclared table.
    assert undeclared_person_links(Person) == []


@pytest.mark.django_db
def test_a_persons_records_are_found_in_every_declared_table():
    membership = MembershipFactory()
    records = {
        (table.model, table.person_path): rows for table, rows in person_records(membership.person)
    }
    assert list(records[("people.Person", "pk")]) == [membership.person]
    assert list(records[("network.Membership", "person")]) == [membership]
    assert not records[("hotline.Case", "requester")].exists()


def test_the_navigation_merges_sections_of_several_apps_in_order():
    sections = registry.navigation()
    keys = [section.key for section in sections]
    assert keys.index("workbench") < keys.index("people") < keys.index("hotline")
    assert keys[-1] == "system"
    people = next(section for section in sections if section.key == "people")
    names = [item.url_name for item in people.items]
    # People contributes the register, network its groups and grid: one section.
    assert "people:person_list" in names and "network:group_list" in names
    for section in sections:
        for item in section.items:
            reverse(item.url_name)  # every declared link resolves
            domain = item.permission.partition(".")[0]
            assert domain in registry.domains(), item


def test_every_app_mounts_its_urls_and_core_owns_the_root():
    mounts = dict(registry.url_mounts())
    assert mounts["hotline/"] == "qiaolian.hotline.urls"
    assert list(mounts)[-1] == ""


def test_figures_have_unique_keys_prefixed_by_their_domain():
    for figure in registry.figures():
        domain = figure.key.partition(".")[0]
        assert domain in registry.domains(), figure.key
        assert figure.permission.startswith(f"{domain}."), figure.key


def test_a_figure_registered_twice_is_refused(monkeypatch):
    twice = [Figure("x.one", "One", "", lambda ctx: 1), Figure("x.one", "One", "", lambda ctx: 2)]
    monkeypatch.setattr(
        registry, "contributions", lambda: (registry.Contribution(app=None, figures=twice),)
    )
    with pytest.raises(ValueError, match="registered twice"):
        registry.figures()


def test_seed_steps_in_a_circle_are_refused(monkeypatch):
    steps = [SeedStep("a", "x:a", after=("b",)), SeedStep("b", "x:b", after=("a",))]
    monkeypatch.setattr(
        registry, "contributions", lambda: (registry.Contribution(app=None, seed_steps=steps),)
    )
    with pytest.raises(ValueError, match="circle"):
        registry.seed_steps()


def test_a_seed_step_after_an_unknown_step_is_refused(monkeypatch):
    steps = [SeedStep("a", "x:a", after=("nowhere",))]
    monkeypatch.setattr(
        registry, "contributions", lambda: (registry.Contribution(app=None, seed_steps=steps),)
    )
    with pytest.raises(ValueError, match="unknown step"):
        registry.seed_steps()


def test_an_optional_seed_step_orders_only_when_it_is_installed(monkeypatch):
    def ordered(*steps):
        monkeypatch.setattr(
            registry, "contributions", lambda: (registry.Contribution(app=None, seed_steps=steps),)
        )
        return [step.name for step in registry.seed_steps()]

    ship = registry.SeedStep("ship", "x:y", after=("stock", "donations?"))
    stock = registry.SeedStep("stock", "x:y")
    donations = registry.SeedStep("donations", "x:y", after=("stock",))
    assert ordered(ship, stock, donations) == ["stock", "donations", "ship"]
    assert ordered(ship, stock) == ["stock", "ship"]


def test_a_reversed_period_is_refused():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_every_qiaolian_app_is_registered():
    names = {app.name for app in registry.qiaolian_apps()}
    project = {c.name for c in apps.get_app_configs() if c.name.startswith("qiaolian.")}
    assert project <= names


@pytest.mark.django_db
def test_a_nav_item_with_a_visibility_test_shows_only_to_whom_it_admits(client, cast):
    calendar = reverse("core:calendar_list")
    client.force_login(cast.city_admin)
    assert f'href="{calendar}"' in client.get(reverse("core:dashboard")).content.decode()
    # The district manager holds CONFIGURE, but only at a district: city settings are not theirs.
    client.force_login(cast.district_manager)
    assert f'href="{calendar}"' not in client.get(reverse("core:dashboard")).content.decode()
