"""A new app needs no edit in core: the demo app (tests only) declares its parts on its
AppConfig and core's navigation, URLs, API, seed, worker, figures, sweep and roles pick them up."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qiaolian.core import registry
from qiaolian.core.figures import Period, compute_figures
from qiaolian.core.management.commands import worker
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.sweep import collected_sweep
from tests.demoapp.models import Widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def widgets(cast):
    today = timezone.localdate()
    return (
        Widget.objects.create(unit=cast.district_a, name="甲区部件", created_on=today),
        Widget.objects.create(unit=cast.district_b, name="乙区部件", created_on=today),
    )


def test_its_navigation_shows_to_a_user_who_holds_its_view(client, cast):
    client.force_login(cast.district_manager)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("demoapp:widget_list") == "/demo/"
    assert 'href="/demo/"' in page


def test_its_navigation_is_hidden_from_a_user_without_a_grant(client, cast):
    client.force_login(cast.nobody)
    response = client.get(reverse("demoapp:widget_list"))
    assert response.status_code == 403


def test_its_pages_are_scoped_like_every_app(client, cast, widgets):
    own, sibling = widgets
    client.force_login(cast.district_manager)
    page = client.get(reverse("demoapp:widget_list")).content.decode()
    assert own.name in page and sibling.name not in page
    url = reverse("demoapp:widget_detail", kwargs={"public_id": sibling.public_id})
    assert client.get(url).status_code == 404


def test_its_api_mounts_at_its_own_prefix(client, cast, widgets):
    _token, secret = api_token_create(actor=cast.district_manager, name="t")
    response = client.get("/api/demo/widgets", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["甲区部件"]
    assert reverse("api:demo_widget_list") == "/api/demo/widgets"


def test_its_domain_and_actions_are_registered():
    domain = registry.domains()["demoapp"]
    assert domain.actions() == ("demoapp.view", "demoapp.add", "demoapp.change")
    assert "demoapp.view" in registry.all_actions()


def test_its_seed_step_runs_after_the_step_it_names(settings):
    names = [step.name for step in registry.seed_steps()]
    assert names.index("demoapp") > names.index("network")
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed", "--scale", "article", stdout=StringIO())
    assert Widget.objects.filter(unit__code="330200").count() == 3


def test_its_figure_is_counted_in_scope_and_period(cast, widgets):
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today)
    figures = compute_figures(user=cast.district_manager, unit=None, period=period)
    assert figures["demoapp.widgets"] == 1  # the sibling's widget is not counted
    city = compute_figures(user=cast.city_admin, unit=cast.city, period=period)
    assert city["demoapp.widgets"] == 2
    before = Period(date(2001, 1, 1), date(2001, 12, 31))
    assert compute_figures(user=cast.city_admin, unit=None, period=before)["demoapp.widgets"] == 0


def test_the_figures_command_prints_its_figure(cast, widgets):
    out = StringIO()
    call_command("figures", "--unit", cast.city.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["figures"]["demoapp.widgets"] == 2


def test_the_worker_ticks_its_periodic_task():
    assert worker.periodic_tasks()["tests.demoapp.tasks.tidy_widgets"] == 3600


def test_its_person_data_and_narrowing_are_declared():
    assert ("demoapp.Widget", "owner") in {
        (table.model, table.person_path) for table in registry.person_data()
    }
    assert any(item.model == "demoapp.Widget" for item in registry.narrowed())


def test_the_leak_sweep_collects_its_entries():
    sweep = collected_sweep()
    assert {"demoapp:widget_list", "demoapp:widget_detail", "api:demo_widget_list"} <= set(sweep)


def test_its_my_work_panel_shows_on_the_dashboard_in_scope(client, cast, widgets):
    own, sibling = widgets
    client.force_login(cast.district_manager)
    response = client.get(reverse("core:dashboard"))
    [panel] = [p for p in response.context["panels"] if p["key"] == "demoapp.widgets"]
    assert panel["work"].count == 1
    page = response.content.decode()
    assert own.name in page and sibling.name not in page


def test_its_notification_kind_is_declared_and_read(cast, django_capture_on_commit_callbacks):
    from qiaolian.core.models import Notification
    from qiaolian.core.services import notification_send

    assert "demoapp.checked" in registry.notification_kinds()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipients=[cast.district_clerk], kind="demoapp.checked", params={"name": "W1"}
        )
    assert Notification.objects.get(recipient=cast.district_clerk).text == "Widget W1 checked."
